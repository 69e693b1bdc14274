"""The reader's story block: the other reports of the open article's story, and why.

One line per other report (outlet, language, age, title) and the grouping's evidence for the
report shown ("shared PBoC, $1.5 billion; similarity 0.42; 3 h apart"), so the reader can
always say why two reports are one story. Everything from a feed goes in as plain text.
"""

from __future__ import annotations

from textual.content import Content

from tui.store.story_reads import StoryRow
from tui.text import clean_line
from tui.ui.format import relative_time

MAX_LISTED = 12


def report_position(story: StoryRow, article_id: int) -> int:
    """Where the article is among its story's reports (oldest first); 0 if not there."""
    ids = [report.article_id for report in story.reports]
    return ids.index(article_id) if article_id in ids else 0


def render_story(story: StoryRow, article_id: int, now: float, *,
                 switch_keys: str = "< >") -> Content:
    """``Also reported by (2 more · < > switch)`` and one line per other report."""
    muted = "$text-muted"
    others = [r for r in story.reports if r.article_id != article_id]
    if not others:
        return Content("")
    position = report_position(story, article_id) + 1
    langs = "/".join(story.langs) if story.langs else ""
    head = Content.assemble(
        ("Also reported by", "bold $text-accent"),
        (f"  (report {position} of {len(story.reports)}"
         f"{' · ' + langs if langs else ''} · {switch_keys} switch)", muted))
    lines = [head]
    for report in others[:MAX_LISTED]:
        age = relative_time(now, report.published)
        lang = (report.lang or "?")[:5]
        lines.append(Content.assemble(
            ("  • ", "$text-accent"),
            (clean_line(report.outlet, 40), "bold"),
            (f" · {lang} · {age} · ", muted),
            clean_line(report.title, 200),
            ("" if report.read else "  ●", "$text-accent"),
        ))
    if len(others) > MAX_LISTED:
        lines.append(Content.styled(f"  … {len(others) - MAX_LISTED} more", muted))
    why = _why(story, article_id)
    if why:
        lines.append(Content.assemble(("Why one story: ", muted), clean_line(why, 300)))
    return Content("\n").join(lines)


def _why(story: StoryRow, article_id: int) -> str:
    """The open report's own join evidence; for the story's first report, the strongest
    evidence another report joined it with."""
    mine = next((r.evidence for r in story.reports if r.article_id == article_id), None)
    if mine and mine.get("line"):
        return str(mine["line"])
    joins = [r.evidence for r in story.reports if r.evidence and r.evidence.get("line")]
    if not joins:
        return ""
    best = max(joins, key=lambda e: float(e.get("score", 0) or 0))
    return str(best["line"])
