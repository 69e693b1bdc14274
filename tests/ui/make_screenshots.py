"""Render screenshots/*.svg (and PNGs when rsvg-convert exists) from the demo data.

Run: ``python tests/ui/make_screenshots.py`` from the repo root. Not collected by pytest.
Uses the same factory as the CLI (make_app), a frozen clock and no network.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.ui.sample_data import SEED_LATER  # noqa: E402
from tui.alerts.configfile import watches_from_document  # noqa: E402
from tui.config import Settings  # noqa: E402
from tui.demo import demo_watches_toml  # noqa: E402
from tui.engine import Engine  # noqa: E402
from tui.ui import make_app  # noqa: E402

OUT = ROOT / "screenshots"

# name, terminal size, keys pressed before the shot
SHOTS: list[tuple[str, tuple[int, int], list[str]]] = [
    ("main", (200, 50), []),
    ("article", (160, 45), ["c", "j", "enter"]),
    ("topics", (160, 45), ["t"]),
    ("help", (160, 45), ["question_mark"]),
    ("small-80x24", (80, 24), []),
    ("story-80x24", (80, 24), ["j", "enter"]),
    ("links", (160, 45), ["enter", "l"]),
    ("watches", (160, 45), ["shift+tab", "end", "up", "enter"]),
    ("story-reports", (160, 45), ["j", "j", "j", "j", "enter"]),  # a story in EN and ZH
    ("brief-screen", (160, 45), ["B"]),
]


def seed(db: Path) -> tuple[str, float]:
    """Demo data if the pipeline can build it, else the UI tests' sample set.

    Returns the source and the frozen "now": two hours after the newest story, so the
    relative times look like a morning's reading whenever the script runs.
    """
    with Engine(Settings(), db, clock=lambda: SEED_LATER) as engine:
        engine.seed_demo()  # keeps every demo date as written
        newest = engine.store.list_articles(limit=1)[0].published
        return "demo", float(newest + 2 * 3600)


async def shoot(db: Path, now: float, name: str, size: tuple[int, int],
                keys: list[str]) -> Path:
    # The demo's example watches, as `--demo` loads them (hong-kong, e-CNY).
    watches = watches_from_document(tomllib.loads(demo_watches_toml()), "demo")
    engine = Engine(Settings(), db, demo=True, watches=watches)
    app = make_app(engine, clock=lambda: now)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        await pilot.pause(1.0 if "B" in keys else 0.3)  # the brief builds in the background
        path = OUT / f"{name}.svg"
        app.save_screenshot(filename=path.name, path=str(OUT))
    engine.close()
    return path


def main() -> int:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "screens.db"
        source, now = seed(db)
        for name, size, keys in SHOTS:
            svg = asyncio.run(shoot(db, now, name, size, keys))
            print(f"wrote {svg.relative_to(ROOT)} ({source} data)")
            converter = shutil.which("rsvg-convert")
            if converter:
                png = svg.with_suffix(".png")
                subprocess.run([converter, str(svg), "-o", str(png)], check=True)
                print(f"wrote {png.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
