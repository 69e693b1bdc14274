"""Child process for the app benchmark: start an app headless, report its first frame.

    python tests/benchmarks/app_probe.py DB_PATH     # sinowire on that cache
    python tests/benchmarks/app_probe.py --bare      # a minimal Textual app (the floor)

Prints one JSON line: the wall-clock time of the first displayed frame (Textual's Ready
event) and the process's resident memory at that moment. The parent subtracts its own
start time, so process start-up and imports are included, as a user would feel them.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def report_and_exit(app) -> None:  # type: ignore[no-untyped-def]
    print(json.dumps({"first_frame": time.time(), "rss_mb": round(rss_mb(), 1)}), flush=True)
    app.exit()


def main() -> None:
    if sys.argv[1] == "--bare":
        from textual.app import App, ComposeResult
        from textual.widgets import Footer, Header, Static

        class Bare(App[None]):
            def compose(self) -> ComposeResult:
                yield Header()
                yield Static("hello")
                yield Footer()

            def on_ready(self) -> None:
                report_and_exit(self)

        Bare().run(headless=True, size=(160, 45))
        return

    import tui.ui.app
    from tui.config import Settings
    from tui.ui.app import SinowireApp

    class Probe(SinowireApp):
        CSS_PATH = str(Path(tui.ui.app.__file__).with_name("app.tcss"))

        def on_ready(self) -> None:
            report_and_exit(self)

    Probe(Settings(), Path(sys.argv[1]), poll_on_start=False).run(headless=True, size=(160, 45))


if __name__ == "__main__":
    main()
