"""The core never imports textual: only tui.ui may."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import tui


def core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(tui.__path__, prefix="tui."):
        if info.name == "tui.ui" or info.name.startswith("tui.ui.") or info.name == "tui.__main__":
            continue
        names.append(info.name)
    return names


def test_core_modules_do_not_import_textual() -> None:
    modules = core_modules()
    assert "tui.store.store" in modules and "tui.engine.update" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_importing_the_package_touches_nothing(tmp_path) -> None:
    code = "import tui.cli, tui.store, tui.config, tui.paths; print('ok')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, env={"SINOWIRE_HOME": str(tmp_path / "h"),
                                             "PATH": "/usr/bin:/bin"})
    assert result.stdout.strip() == "ok", result.stderr
    assert not (tmp_path / "h").exists()


# -- import budgets: what a start must not load (each one costs tens of ms) -----------------

HEAVY_FOR_READS = ("sqlite_utils", "click", "pluggy", "dateutil", "requests", "feedparser",
                   "lxml", "tui.engine.update", "tui.feeds.fetch")


def _loaded_after(code: str, tmp_path) -> set[str]:  # type: ignore[no-untyped-def]
    """Run ``code`` in a fresh interpreter; the modules it left in sys.modules."""
    script = code + "\nimport sys\nprint('MODULES ' + ' '.join(sorted(sys.modules)))\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, env={"SINOWIRE_HOME": str(tmp_path / "h"),
                                              "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    line = [x for x in result.stdout.splitlines() if x.startswith("MODULES ")][-1]
    return set(line.split()[1:])


def _heavy(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in names or m in names)


def test_opening_a_current_cache_for_reads_imports_no_sqlite_utils(tmp_path) -> None:
    """The app's first frame and every read command open a cache at the current schema:
    sqlite-utils (with click, pluggy, dateutil) is for migrations only."""
    path = tmp_path / "c.db"
    made = _loaded_after(f"from tui.store import Store\nStore.open({str(path)!r}).close()",
                         tmp_path)
    assert "sqlite_utils" in made  # a new file is migrated: then it is needed
    code = (f"from tui.store import Store\nfrom tui.models import Filter\n"
            f"s = Store.open({str(path)!r})\ns.list_articles(Filter(), limit=50)\n"
            f"s.feeds()\ns.close()\nimport tui.ui.app")
    assert _heavy(_loaded_after(code, tmp_path), HEAVY_FOR_READS) == []


def test_the_parse_worker_starts_without_the_store(tmp_path) -> None:
    """A worker unpickles its jobs from tui.engine.jobs / tui.engine.worker: importing
    those must not load the store, sqlite-utils or the HTTP client."""
    loaded = _loaded_after("import tui.engine.worker, tui.engine.jobs", tmp_path)
    assert _heavy(loaded, ("sqlite_utils", "requests", "tui.store", "tui.engine.engine",
                           "textual")) == []


def test_fetch_on_a_current_cache_imports_no_sqlite_utils(tmp_path) -> None:
    """``sinowire fetch`` with nothing due writes through the store without sqlite-utils."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("[subscribe]\ndefaults = false\n")
    code = (f"from tui.cli import main\nassert main(['--home', {str(home)!r}, 'feeds', "
            f"'list']) == 0")
    _loaded_after(code, tmp_path)  # creates and migrates the cache
    loaded = _loaded_after(code.replace("'feeds', 'list'", "'fetch'"), tmp_path)
    assert _heavy(loaded, ("sqlite_utils", "click", "pluggy", "dateutil", "textual")) == []
