"""The ``sinowire`` command line: argument parsing, one handler per subcommand, and output."""

from tui.cli.main import main

__all__ = ["main"]
