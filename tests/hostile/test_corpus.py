"""feedparser's corpus (2,248 files) through parse → tag → store → read back, per file.

A file may be refused (ParseError is a fine outcome for a document that is not a usable
feed); it may not crash the path, take longer than the limit, or leave a control/bidi
character in a stored display field, script in stored HTML or a non-http(s) link.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import plain_tagger
from tests.engine_helpers import save_articles
from tests.hostile.corpus import CORPUS, corpus_files, run_corpus
from tests.hostile.safety import article_problems, stored_problems
from tui.models import Article
from tui.store import Store


def test_corpus_is_vendored_with_its_licence() -> None:
    files = corpus_files()
    assert len(files) >= 2000
    assert (CORPUS / "LICENSE").read_text().count("Kurt McKee") >= 1
    folders = {p.relative_to(CORPUS).parts[0] for p in files}
    assert {"wellformed", "illformed", "encoding", "entities"} <= folders
    assert any("sanitize" in p.parts for p in files)


def test_every_corpus_file_through_the_whole_path(tmp_path: Path) -> None:
    stats = run_corpus(tmp_path / "corpus.db")
    print(f"\ncorpus: {stats.files} files, {stats.parsed} parsed, {stats.parse_errors} "
          f"ParseError, {len(stats.failures)} failures, {stats.articles} articles "
          f"({stats.html_bodies} with HTML), slowest {stats.slowest} s "
          f"({stats.slowest_file}), {stats.seconds} s")
    assert stats.files == len(corpus_files())
    assert stats.failures == []
    assert stats.parsed + stats.parse_errors == stats.files
    # The run really exercised the path (not everything refused): figures from 6.0.14.
    assert stats.parsed > 2000 and stats.articles > 1000 and stats.html_bodies > 150


def test_the_checks_would_catch_unsafe_stored_data(store: Store) -> None:
    """The store trusts the parser; prove the corpus checks bite when something slips."""
    feed = store.add_feed("https://example.test/feed")
    bad = Article(guid="1", title="a\x1b]52;c;aGk=\x07b", author="\u202eevil",
                  summary="ok\x9b", content_html='<p onclick="x()">hi<script>1</script>'
                  '<a href="javascript:alert(1)">y</a></p>', url="javascript:alert(1)")
    save_articles(store, feed.id, [bad], tagger=plain_tagger, now=1, next_due=0)
    problems = stored_problems(store, feed.id)
    text = " ".join(problems)
    for expected in ("title", "author", "summary", "script", "onclick", "javascript", "url"):
        assert expected in text, (expected, problems)
    detail = store.article(store.list_articles()[0].id)
    assert detail is not None and article_problems(detail)
