"""Where sinowire keeps its files.

platformdirs decides by default; ``SINOWIRE_HOME`` (or ``--home``) puts config, data and
cache in one folder, which is what tests, scripts and ``--demo`` use. Nothing here touches
the disk until :meth:`Paths.ensure` is called.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "sinowire"
SUBSCRIPTIONS_NAME = "feeds.opml"


@dataclass(frozen=True)
class Paths:
    config_dir: Path
    data_dir: Path
    cache_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def database(self) -> Path:
        return self.data_dir / "sinowire.db"

    @property
    def subscriptions_file(self) -> Path:
        """The feed list kept outside the cache (rewritten on every change; see store)."""
        return self.config_dir / SUBSCRIPTIONS_NAME

    def ensure(self) -> None:
        """Create the folders; raises OSError with a clear path if that is impossible."""
        for folder in (self.config_dir, self.data_dir, self.cache_dir):
            folder.mkdir(parents=True, exist_ok=True)

    def as_dict(self) -> dict[str, str]:
        return {
            "config": str(self.config_file),
            "database": str(self.database),
            "cache": str(self.cache_dir),
        }


def resolve_paths(home: str | os.PathLike[str] | None = None) -> Paths:
    """Paths from an explicit home, else ``SINOWIRE_HOME``, else the platform defaults."""
    chosen = home or os.environ.get("SINOWIRE_HOME")
    if chosen:
        root = Path(chosen).expanduser().resolve()
        return Paths(config_dir=root, data_dir=root, cache_dir=root / "cache")
    return Paths(
        config_dir=Path(platformdirs.user_config_dir(APP_NAME)),
        data_dir=Path(platformdirs.user_data_dir(APP_NAME)),
        cache_dir=Path(platformdirs.user_cache_dir(APP_NAME)),
    )


def subscriptions_file_for(database: Path) -> Path:
    """feeds.opml beside config.toml for the cache at ``database``.

    With a home folder (``--home``, ``SINOWIRE_HOME``, tests) config and cache share it;
    only the platform's default cache keeps its config elsewhere.
    """
    platform = Path(platformdirs.user_data_dir(APP_NAME)) / "sinowire.db"
    if Path(database).resolve() == platform.resolve():
        return Path(platformdirs.user_config_dir(APP_NAME)) / SUBSCRIPTIONS_NAME
    return Path(database).parent / SUBSCRIPTIONS_NAME
