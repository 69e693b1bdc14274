"""The daily China brief: the period's stories, China first, grouped by topic, as Markdown.

:func:`build_brief` reads the store into plain data (:class:`Brief`); :func:`to_markdown` and
:func:`tui.stories.brief_html.to_html` render it. Every string from a feed is untrusted: in
Markdown it is escaped so a title like ``[x](javascript:…)`` or ``<b>`` stays text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tui.models import TOPICS
from tui.text import clean_line, safe_url

OTHER = "other"
# A sentence ends at 。！？, or at .!? before a capital or the end, but not after an initial
# or a short title ("U.S.", "Mr."), which would cut "The U.S. firm…" after two words.
_SENTENCE = re.compile(
    r"(.+?(?:(?<!\b[A-Z])(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bNo)[.!?]"
    r"(?=\s+[\"“‘'A-Z0-9\u3400-\u9fff]|\s*$)|[。！？]))", re.S)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_LEADING = re.compile(r"^(\s*)([#>+\-=]|\d+(?=[.)]))")
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


@dataclass(frozen=True)
class Source:
    outlet: str
    lang: str | None
    title: str
    url: str | None
    published: int


@dataclass(frozen=True)
class BriefStory:
    story_id: int
    headline: str
    other_headline: str | None  # the headline in the other language, when there is one
    lead: str
    china: bool
    china_evidence: str
    entities: tuple[str, ...]
    why: str  # the grouping evidence, in one line
    sources: tuple[Source, ...]
    last_published: int

    @property
    def langs(self) -> tuple[str, ...]:
        return tuple(sorted({s.lang or "?" for s in self.sources}))


@dataclass(frozen=True)
class Section:
    china: bool
    topic: str
    stories: tuple[BriefStory, ...]


@dataclass(frozen=True)
class Brief:
    since: int
    until: int
    sections: tuple[Section, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def stories(self) -> list[BriefStory]:
        return [story for section in self.sections for story in section.stories]


def lead_sentence(text: str, limit: int = 300) -> str:
    """The first sentence of a summary (English or Chinese punctuation), capped."""
    text = " ".join(clean_line(text, 2000).split())
    match = _SENTENCE.match(text)
    sentence = match.group(1) if match else text
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


def _headlines(reports: list[Any], lang: str) -> tuple[str, str | None]:
    mine = [r for r in reports if r.lang == lang]
    others = [r for r in reports if r.lang != lang]
    first = (mine or reports)[0]
    other = next((r.title for r in others), None) if mine else None
    return first.title, other


def _china_line(detail: Any) -> str:
    seen: dict[str, str] = {}
    for item in detail.evidence:
        seen.setdefault(item.entity, item.term)
    return "; ".join(f"{term} → {entity}" if term.casefold() != entity.casefold() else entity
                     for entity, term in list(seen.items())[:5])


def _story(store: Any, row: Any, lang: str) -> BriefStory:
    reports = list(row.reports)
    headline, other = _headlines(reports, lang)
    lead_report = next((r for r in reports if r.lang == lang), reports[0])
    detail = store.article(lead_report.article_id)
    lead = lead_sentence((detail.summary or detail.content_text) if detail else "")
    china_line = ""
    entity_counts: Counter[str] = Counter()
    for report in reports:
        for entity in store.article_entities(report.article_id):
            if entity.type in ("ORG", "PERSON", "PLACE", "TICKER"):
                entity_counts[entity.name] += 1
        if report.china and not china_line:
            found = store.article(report.article_id)
            china_line = _china_line(found) if found else ""
    joins = [r.evidence for r in reports if r.evidence]
    why = max(joins, key=lambda e: e.get("score", 0)).get("line", "") if joins else ""
    sources = tuple(Source(r.outlet, r.lang, r.title, r.url, r.published) for r in reports)
    return BriefStory(row.id, headline, other, lead, row.china, china_line,
                      tuple(name for name, _ in entity_counts.most_common(6)), why, sources,
                      row.last_published)


def _topic(row: Any) -> str:
    counts: Counter[str] = Counter(topic for report in row.reports for topic in report.topics)
    if not counts:
        return OTHER
    order = {topic: n for n, topic in enumerate(TOPICS)}
    return min(counts, key=lambda t: (-counts[t], order.get(t, len(order)), t))


def build_brief(store: Any, since: int, until: int, *, china: bool = False,
                topics: tuple[str, ...] = (), lang: str = "en", limit: int = 200) -> Brief:
    """The period's stories from the store, China first, then by topic (in TOPICS order)."""
    rows = [r for r in store.stories_since(since, china=china, topics=topics, limit=limit)
            if r.reports]
    until = max([until, *(r.last_published for r in rows)])
    if rows:  # "--since 100000h" means "everything": show the period the stories span
        since = max(since, min(r.first_seen for r in rows))
    buckets: dict[tuple[bool, str], list[BriefStory]] = {}
    for row in rows:
        buckets.setdefault((row.china, _topic(row)), []).append(_story(store, row, lang))
    order = {topic: n for n, topic in enumerate((*TOPICS, OTHER))}
    sections = []
    for (is_china, topic), stories in sorted(
        buckets.items(), key=lambda kv: (not kv[0][0], order.get(kv[0][1], 99), kv[0][1])
    ):
        stories.sort(key=lambda s: (-len(s.sources), -s.last_published))
        sections.append(Section(is_china, topic, tuple(stories)))
    counts = {"stories": len(rows), "reports": sum(len(r.reports) for r in rows),
              "china": sum(1 for r in rows if r.china)}
    return Brief(since, until, tuple(sections), counts)


# ---- Markdown -----------------------------------------------------------------------

def md_text(value: str) -> str:
    """Untrusted text as literal Markdown: HTML characters as entities, markup escaped."""
    text = clean_line(value, 1000)
    text = _ENTITY_LIKE.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    match = _MD_LEADING.match(text)
    if match is None:
        return text
    if match.group(2)[0].isdigit():  # "1. x" is a list item: escape the dot, not the digit
        end = match.end()
        return f"{text[:end]}\\{text[end:]}"
    return f"{match.group(1)}\\{text[match.start(2):]}"


def md_link(label: str, url: str | None) -> str:
    checked = safe_url(url) if url else None
    if not checked:
        return md_text(label)
    target = checked.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return f"[{md_text(label)}]({target})"


def when(stamp: int) -> str:
    return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


_TOPIC_NAMES = {"cbdc": "CBDC", "nft": "NFTs", "defi": "DeFi", "token-sales": "Token sales"}


def section_title(section: Section) -> str:
    name = _TOPIC_NAMES.get(section.topic) or section.topic.replace("-", " ").capitalize()
    return f"China · {name}" if section.china else name


def to_markdown(brief: Brief) -> str:
    counts = brief.counts
    lines = [
        "# China crypto brief",
        "",
        f"{when(brief.since)} → {when(brief.until)} · {counts.get('stories', 0)} stories "
        f"({counts.get('china', 0)} China) from {counts.get('reports', 0)} reports",
        "",
    ]
    if not brief.sections:
        lines.append("_No stories in this period._")
    for section in brief.sections:
        lines += [f"## {section_title(section)}", ""]
        for story in section.stories:
            lines.append(f"### {md_text(story.headline)}")
            lines.append("")
            if story.other_headline:
                lines.append(f"_{md_text(story.other_headline)}_")
                lines.append("")
            if story.lead:
                lines.append(md_text(story.lead))
                lines.append("")
            sources = " · ".join(f"{md_link(s.outlet or 'source', s.url)} ({s.lang or '?'})"
                                 for s in story.sources)
            lines.append(f"- **Sources ({len(story.sources)}, {'/'.join(story.langs)}):** "
                         f"{sources}")
            if story.china_evidence:
                lines.append(f"- **China:** {md_text(story.china_evidence)}")
            if story.entities:
                lines.append(f"- **Entities:** {md_text(', '.join(story.entities))}")
            if story.why:
                lines.append(f"- **Why one story:** {md_text(story.why)}")
            lines.append(f"- **Latest:** {when(story.last_published)}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
