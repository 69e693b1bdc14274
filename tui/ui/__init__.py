"""The Textual user interface: the only package that imports textual."""

from tui.ui.app import SinowireApp, make_app, run_app

__all__ = ["SinowireApp", "make_app", "run_app"]
