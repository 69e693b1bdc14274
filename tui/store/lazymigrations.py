"""Migrations recorded without importing sqlite-utils; the real set is built to apply them.

sqlite-utils (with click, pluggy and dateutil) costs 55-150 ms to import, and a cache at the
current schema never needs it: the schema module registers its migrations here, and only
``applied``/``apply`` (an upgrade, a new cache) build sqlite-utils' ``Migrations``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MigrationFn = Callable[[Any], None]


@dataclass(frozen=True)
class Migration:
    name: str
    fn: MigrationFn
    transactional: bool = True


class Migrations:
    """The subset of ``sqlite_utils.Migrations`` sinowire uses, importing it only to apply."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._migrations: list[Migration] = []

    def __call__(self, *, name: str | None = None,
                 transactional: bool = True) -> Callable[[MigrationFn], MigrationFn]:
        def inner(func: MigrationFn) -> MigrationFn:
            label = name or func.__name__
            if any(m.name == label for m in self._migrations):
                raise ValueError(f"Migration '{label}' is already registered in set "
                                 f"'{self.name}'")
            self._migrations.append(Migration(label, func, transactional))
            return func
        return inner

    def real(self) -> Any:
        """sqlite-utils' own migration set with the same migrations, in order."""
        from sqlite_utils import Migrations as Real

        real = Real(self.name)
        for migration in self._migrations:
            real(name=migration.name, transactional=migration.transactional)(migration.fn)
        return real

    def applied(self, db: Any) -> list[Any]:
        return self.real().applied(db)  # type: ignore[no-any-return]

    def apply(self, db: Any, **options: Any) -> None:
        self.real().apply(db, **options)
