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
