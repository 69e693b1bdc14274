"""The story commands in-process: cluster filter, stories, regroup, brief, list --json."""

from __future__ import annotations

import io
import json
import re
from html import escape
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.engine_helpers import save_articles
from tui.cli.main import main
from tui.cli.stories import duration
from tui.engine import open_engine
from tui.models import Article
from tui.stories.brief import Brief, BriefStory, Section, Source, md_text, to_markdown
from tui.stories.brief_html import to_html
from tui.tagging import Tagger

HOSTILE = '<script>alert(1)</script> [click](javascript:alert(1)) **PBoC** `x` [@click=app.quit]'
T0 = 1_795_000_000


def run(argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str = "",
        monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    if monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_durations() -> None:
    assert duration("24h") == 86400 and duration("90m") == 5400 and duration("2w") == 1209600
    assert duration("36") == 36 * 3600
    with pytest.raises(Exception, match="not a duration"):
        duration("yesterday")


def test_cluster_is_a_json_lines_filter(capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    records = [
        {"id": "a", "title": "HTX hot wallet loses about $30 million, Justin Sun says users "
         "will be covered", "published": "2026-11-20T01:15:00Z", "lang": "en"},
        {"id": "b", "title": "HTX热钱包被盗约3000万美元 孙宇晨称将全额赔付",
         "summary": "交易所HTX以太坊热钱包遭盗约3000万美元", "published": None},
        {"id": "c", "title": "Canaan launches Avalon A16 miner", "published": 1795000000},
        {"id": "d", "title": "HTX熱錢包遭駭約3000萬美元 孫宇晨：全額賠付",
         "published": "2026-11-20T04:15:00"},
    ]
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    lines += "\nnot json\n" + json.dumps({"id": "e", "title": ""}) + "\n"
    code, out, _ = run(["cluster", "--explain"], capsys, lines, monkeypatch)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "c", "d", None, "e"]
    story = {r["id"]: r.get("story") for r in rows}
    assert story["a"] == story["b"] == story["d"] != story["c"]
    assert "error" in rows[4] and "error" in rows[5]
    assert "$30 million" in rows[3]["why"]


def _home_with(home: Path, titles: list[tuple[str, str, str]]) -> None:
    """Store articles (title, summary, lang) in the cache under ``home``."""
    tagger = Tagger()
    context = open_engine(str(home))
    try:
        store = context.store
        feed = store.add_feed("https://wire.example.test/rss", "Wire <b>One</b>", "en")
        articles = [Article(guid=f"g{n}", title=title, summary=summary,
                            url=f"https://wire.example.test/{n}", published=T0 + n * 600,
                            lang=lang)
                    for n, (title, summary, lang) in enumerate(titles)]
        save_articles(store, feed.id, articles, now=T0 + 86400, next_due=T0 + 86400,
                            tagger=lambda a: tagger.tag(a.title, a.summary, "", a.lang))
    finally:
        context.close()


STORY = [
    ("PBoC and seven agencies reaffirm China crypto ban, warn on stablecoins " + HOSTILE,
     "The People's Bank of China, the CSRC and the Ministry of Public Security said virtual "
     "currency business is illegal. More follows.",
     "en"),
    ("中国人民银行等八部门：稳定币存在冲击货币主权风险",
     "中国人民银行联合网信办、公安部、证监会等七部门发布通知，重申虚拟货币相关业务活动属于非法金融活动。",
     "zh"),
    ("Uniswap governance passes fee switch vote", "UNI holders approved protocol fees.", "en"),
]


def test_stories_list_json_and_list_story_fields(
        capsys: pytest.CaptureFixture[str], home: Path) -> None:
    _home_with(home, STORY)
    code, out, _ = run(["--home", str(home), "stories", "--since", "100000h", "--json"], capsys)
    assert code == 0
    stories = [json.loads(line) for line in out.splitlines()]
    assert sorted(s["size"] for s in stories) == [1, 2]
    pair = next(s for s in stories if s["size"] == 2)
    assert pair["langs"] == ["en", "zh"] and pair["china"]
    assert pair["reports"][1]["evidence"]["line"]
    code, out, _ = run(["--home", str(home), "stories", "--since", "100000h", "--china"], capsys)
    assert "Uniswap" not in out and "稳定币" in out
    code, out, _ = run(["--home", str(home), "list", "--json"], capsys)
    listed = [json.loads(line) for line in out.splitlines()]
    assert {r["sources"] for r in listed} == {1, 2}
    assert all(isinstance(r["story"], int) for r in listed)


@pytest.mark.parametrize("flags", [[], ["--recompute"], ["--keep-signals"]])
def test_regroup_reports_progress_on_stderr(capsys: pytest.CaptureFixture[str],
                                            home: Path, flags: list[str]) -> None:
    _home_with(home, STORY)
    code, out, err = run(["--home", str(home), "regroup", *flags], capsys)
    assert code == 0
    assert "regrouped 3 articles into 2 stories" in out
    assert "3/3" in err


def test_brief_markdown_keeps_hostile_titles_as_text(capsys: pytest.CaptureFixture[str],
                                                     home: Path) -> None:
    _home_with(home, STORY)
    code, out, _ = run(["--home", str(home), "brief", "--since", "100000h"], capsys)
    assert code == 0
    assert out.startswith("# China crypto brief")
    assert out.index("## China") < out.index("Uniswap")  # China first
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "[click](javascript" not in out and "\\[click\\]" in out
    assert "**PBoC**" not in out
    assert "稳定币存在冲击货币主权风险" in out  # the other language's headline
    assert "**Sources (2, en/zh):**" in out and "**China:**" in out


def test_brief_html_is_one_escaped_page(capsys: pytest.CaptureFixture[str], home: Path,
                                        tmp_path: Path) -> None:
    _home_with(home, STORY)
    target = tmp_path / "brief.html"
    code, _, err = run(["--home", str(home), "brief", "--since", "100000h", "--format", "html",
                        "--output", str(target)], capsys)
    assert code == 0 and "wrote a brief of 2 stories" in err
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Wire &lt;b&gt;One&lt;/b&gt;" in page
    assert not re.search(r"<(link|img|iframe)\b", page)  # self-contained
    assert 'href="javascript' not in page
    assert page.count("<article>") == 2


def _brief(title: str, outlet: str = "Outlet", url: str | None = "https://x.test/1") -> Brief:
    story = BriefStory(1, title, None, title, True, title, (title,), title,
                       (Source(outlet, "en", title, url, T0),), T0)
    return Brief(T0, T0, (Section(True, "regulation", (story,)),), {"stories": 1})


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80))
def test_any_title_stays_text_in_html(title: str) -> None:
    page = to_html(_brief(title, outlet=title, url=title))
    body = page.split("<body>", 1)[1]
    tags = set(re.findall(r"</?([a-zA-Z0-9]+)", body))
    assert tags <= {"main", "header", "h1", "div", "h2", "article", "h3", "p", "ul", "li",
                    "b", "span", "a", "footer", "body", "html"}
    assert "javascript:" not in page.split("href=")[-1][:20] or "href=" not in page


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80))
def test_any_title_stays_text_in_markdown(title: str) -> None:
    text = md_text(title)
    assert "<" not in text and ">" not in text
    assert not re.search(r"(?<!\\)[\[\]`*_|~]", text)  # every markup character is escaped
    assert to_markdown(_brief(title)).startswith("# China crypto brief")


def test_links_only_for_http_urls() -> None:
    page = to_html(_brief("t", url="javascript:alert(1)"))
    assert "javascript:" not in page
    assert "[Outlet](" not in to_markdown(_brief("t", url="javascript:alert(1)"))
    assert escape("https://x.test/1") in to_html(_brief("t"))


def test_lead_sentence_in_both_languages() -> None:
    from tui.stories.brief import lead_sentence

    first = "甘孜州公安局通报，当地关停12处点位。"
    assert lead_sentence(first + "丰水期结束后。") == first
    english = "The U.S. firm said 3.5 million."
    assert lead_sentence(english + " More.") == english
    assert lead_sentence("x" * 500).endswith("…")


def test_demo_brief_and_stories_end_at_the_demo_moment(capsys: pytest.CaptureFixture[str],
                                                      home: Path) -> None:
    """The demo's stories are a fixed snapshot dated before DEMO_AS_OF: a period ending today
    would be empty however late the demo is run."""
    code, out, _ = run(["--demo", "brief"], capsys)
    assert code == 0
    counts = re.search(r"· (\d+) stories \((\d+) China\) from (\d+) reports", out)
    assert counts is not None and int(counts[1]) >= 5 and int(counts[2]) >= 1
    assert "2026-11-21 00:00 UTC → 2026-11-22 00:00 UTC" in out
    code, out, _ = run(["--demo", "stories", "--since", "24h", "--json"], capsys)
    assert code == 0 and len(out.splitlines()) >= 5
