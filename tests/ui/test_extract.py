"""Full text in the reader: fetched in a worker, cached, and the reason shown on failure."""

from __future__ import annotations

import time
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.engine_helpers import save_articles
from tests.ui.conftest import AppFactory, run, settle
from tests.ui.sample_data import FIXED_NOW
from tests.ui.test_app import reader_text
from tui.models import Article, Tags
from tui.store import Store

PAGE = """<html><head><title>Miners move</title></head><body><article>
<h1>Miners move</h1>
<p>Chinese miners moved their rigs abroad after the 2021 ban, and the hashrate followed.</p>
<p>Analysts say the shift is permanent; several companies have listed in the United States
and now report in dollars, while their supply chains stay in Shenzhen.</p>
<p>The full extracted paragraph that only the page has, not the feed summary.</p>
</article></body></html>"""


def page_db(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "extract.db"
    with Store.open(path) as store:
        # The feed is on the same (loopback) server: a public feed may not link to it.
        feed = store.add_feed(url.rsplit("/", 1)[0] + "/feed", "Summaries", now=FIXED_NOW)
        article = Article(guid="s1", title="Miners move", url=url,
                          summary="Only a short summary.", published=FIXED_NOW - 60)
        save_articles(store, feed.id, [article], tagger=lambda a: Tags(), now=FIXED_NOW,
                            next_due=FIXED_NOW)
    return path


def test_full_text_success_is_cached(tmp_path: Path, app_for: AppFactory,
                                     httpserver: HTTPServer) -> None:
    def slow_page(request: Request) -> Response:
        time.sleep(0.5)  # long enough to see the progress line
        return Response(PAGE, content_type="text/html")

    httpserver.expect_request("/story").respond_with_handler(slow_page)
    db = page_db(tmp_path, httpserver.url_for("/story"))

    async def scenario() -> None:
        app = app_for(db, auto_extract=True)  # a summary-only story fetches by itself
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)  # the list is loaded: enter opens its first story
            await pilot.press("enter")
            assert "fetching full text…" in reader_text(app)
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)
            text = reader_text(app)
            assert "only the page has" in text
            assert "── full text ──" in text
        with Store.open(db) as store:
            detail = store.article(1)
            assert detail is not None and detail.extracted_text
            assert "only the page has" in detail.extracted_text

    run(scenario())


def test_full_text_failure_keeps_summary_with_reason(tmp_path: Path, app_for: AppFactory,
                                                     httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("nope", status=404)
    db = page_db(tmp_path, httpserver.url_for("/gone"))

    async def scenario() -> None:
        app = app_for(db)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("enter", "f")
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)
            text = reader_text(app)
            assert "Only a short summary." in text
            assert "full text failed:" in text
            assert "404" in text
        with Store.open(db) as store:
            detail = store.article(1)
            assert detail is not None and detail.extract_error

    run(scenario())
