"""Hostile feed text shows literally and can never trigger an action or drive the terminal."""

from __future__ import annotations

from pathlib import Path

from tests.engine_helpers import save_articles
from tests.ui.conftest import AppFactory, run
from tests.ui.sample_data import FIXED_NOW
from tests.ui.test_app import articles, list_text, reader_text, screen
from tui.models import Article, Entity, Tags
from tui.store import Store
from tui.ui.widgets.entity_sidebar import EntitySidebar

HOSTILE = [
    "[@click=app.quit]x[/]",
    "closing [/bold] tag",
    "[The] report",
    "[/",
    "[link=file:///etc/passwd]x",
    "ESC \x1b]52;c;cm0gLXJmIH4=\x07 and \x1b[2J clear",
]


def hostile_db(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.db"
    with Store.open(path) as store:
        feed = store.add_feed("https://evil.example/feed", "[b]Evil[/ feed [@click=app.quit]q[/]",
                              now=FIXED_NOW)
        items = [
            Article(guid=f"h{n}", title=title, url="javascript:alert(1)" if n == 0 else
                    f"https://evil.example/{n}", author="[red]mallory[/red]",
                    summary=f"Body of {title} [@click=app.bell]ring[/]",
                    published=FIXED_NOW - 60 * (n + 1))
            for n, title in enumerate(HOSTILE)
        ]
        tags = Tags(entities=(Entity("[@click=app.quit]Evil Corp[/]", "ORG"),),
                    topics=frozenset({"security"}))
        save_articles(store, feed.id, items, tagger=lambda a: tags, now=FIXED_NOW,
                            next_due=FIXED_NOW)
    return path


def test_hostile_titles_show_literally_and_clicks_do_nothing(
        tmp_path: Path, app_for: AppFactory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url))
    db = hostile_db(tmp_path)

    async def scenario() -> None:
        app = app_for(db)
        async with app.run_test(size=(160, 40)) as pilot:
            await pilot.pause()
            text = list_text(app)
            for title in HOSTILE[:5]:
                assert title in text, title
            assert "\x1b" not in text
            assert "ESC ]52;c;cm0gLXJmIH4= and [2J clear" in text
            # Click every row (on the title) and the reader: nothing but opening happens.
            for y in range(len(HOSTILE)):
                await pilot.click("#articles", offset=(40, y + 1))  # +1: border
                await pilot.pause()
                body = reader_text(app)
                assert HOSTILE[y].replace("\x1b", "").replace("\x07", "") in body
                assert "\x1b" not in body
                assert "[@click=app.bell]ring[/]" in body
                assert "[red]mallory[/red]" in body
                await pilot.click("#reader-text", offset=(5, 0))
                await pilot.click("#reader-text", offset=(20, 5))
            assert app.is_running and app.return_code is None
            # The feed pane and the sidebar show hostile names literally; clicking is safe.
            await pilot.click("#feeds", offset=(3, 6))
            sidebar = app.query_one("#entities", EntitySidebar)
            assert "[@click=app.quit]Evil Corp[/]" in sidebar._names.values()
            await pilot.click("#entities", offset=(3, 2))
            await pilot.pause()
            assert app.is_running and app.return_code is None
            # "o" on a javascript: link refuses (and says so, without markup).
            screen(app).action_clear_filters()
            await pilot.press("home", "o")
            assert opened == []
            assert articles(app).count == len(HOSTILE)

    run(scenario())
