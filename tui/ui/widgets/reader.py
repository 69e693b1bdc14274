"""The reader pane: header, why-China evidence and the body, as inert Content.

Nothing here is clickable into an action: every string from a feed or a page is placed
in ``Content`` as plain text (never markup), and the link is shown, not linked.
Full text comes from ``Engine.full_text`` in a thread worker (fetch, extract, store, re-tag).
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from textual import work
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static
from textual.worker import get_current_worker

from tui.engine import Engine
from tui.models import ArticleDetail, Evidence
from tui.store.story_reads import StoryRow
from tui.text import clean_line, clean_text, safe_url
from tui.ui.format import Clock, region_marker, relative_time, timestamp
from tui.ui.keys import PANE_KEYS, bindings
from tui.ui.messages import ArticleExtracted
from tui.ui.references import split_references
from tui.ui.widgets.story_section import render_story

# A feed body shorter than this is "only a summary": fetch the page automatically.
SHORT_BODY = 600

EMPTY_HINT = Content.assemble(
    ("\nNo story open.\n\n", "bold"),
    ("enter  opens the highlighted story\n"
     "f      fetches its full text\n"
     "o      opens it in the browser · l picks a link\n"
     "?      lists every key\n", "$text-muted"),
)


def needs_full_text(detail: ArticleDetail) -> bool:
    """True when the feed gave only a summary and we have not tried the page yet."""
    if detail.extracted_text or detail.extract_error or not safe_url(detail.row.url):
        return False
    return len(detail.content_text.strip()) < SHORT_BODY


def why_china(evidence: tuple[Evidence, ...], limit: int = 12) -> str:
    """``PBoC → People's Bank of China (title) · Sichuan (title, body)``: one entry per
    matched term, its entity when the wording differs, and where it was found."""
    fields: dict[tuple[str, str], list[str]] = {}
    for hit in evidence:
        key = (clean_line(hit.term, 60), clean_line(hit.entity, 60))
        seen = fields.setdefault(key, [])
        if hit.field not in seen:
            seen.append(hit.field)
    parts = []
    for (term, entity), where in list(fields.items())[:limit]:
        name = term if term.casefold() == entity.casefold() else f"{term} → {entity}"
        where.sort(key=lambda field: {"title": 0, "body": 1}.get(field, 2))
        parts.append(f"{name} ({', '.join(where)})")
    more = len(fields) - limit
    return " · ".join(parts) + (f" · {more} more" if more > 0 else "")


def why_topic(terms: tuple[tuple[str, str], ...], limit: int = 6) -> str:
    """``hashrate, rigs (title) · 算力 (lead)``: the terms grouped by the field they came from."""
    by_field: dict[str, list[str]] = {}
    for term, where in terms[:limit]:
        words = by_field.setdefault(where, [])
        word = clean_line(term, 40)
        if word not in words:
            words.append(word)
    return " · ".join(f"{', '.join(words)} ({where})" for where, words in by_field.items())


def render_body(text: str) -> Content:
    """Markdown-ish plain text (``# `` headings, ``- `` lists) as styled, inert Content;
    a trailing reference list (``[3]: https://…``) is shown dimmed under "Links"."""
    parts: list[Content] = []
    body, refs = split_references(clean_text(text))
    for raw in body.split("\n"):
        line = raw.rstrip()
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
            parts.append(Content.styled(heading, "bold $accent"))
        elif line.startswith(("- ", "* ")):
            parts.append(Content.assemble(("  • ", "$accent"), line[2:]))
        elif line.startswith("[image:") and line.endswith("]"):
            parts.append(Content.styled(line, "italic $text-muted"))
        else:
            parts.append(Content(line))
    if refs:
        parts += [Content(""), Content.styled("Links (l opens one)", "bold $text-muted")]
        parts += [Content.styled(f"[{r.number}] {clean_line(r.url, 300)}", "$text-muted")
                  for r in refs]
    return Content("\n").join(parts)


def render_article(detail: ArticleDetail, now: float, status: str | None, *,
                   evidence_width: int | None = None, story: StoryRow | None = None,
                   switch_keys: str = "< >") -> Content:
    """The whole reader text for one article; with ``evidence_width`` (small terminals)
    the link and the Why-China evidence are cut to one line of that width (w expands).
    With ``story`` (of more than one report), the other reports follow the tags."""
    row = detail.row
    muted = "$text-muted"
    meta = [clean_line(row.feed_title, 120)]
    if row.author:
        meta.append(clean_line(row.author, 120))
    age = relative_time(now, row.published)
    meta.append(f"{'just now' if age == 'now' else age + ' ago'} · {timestamp(row.published)}")
    lines: list[Content] = [
        Content.styled(clean_line(row.title, 500), "bold"),
        Content.styled(" · ".join(meta), muted),
    ]
    if row.url:
        # Shown, not linked: "o" opens it after checking the scheme.
        link = clean_line(row.url, 500)
        if evidence_width is not None and cell_len(link) > evidence_width - 6:
            link = set_cell_size(link, max(10, evidence_width - 16)) + "… (l, y)"
        lines.append(Content.assemble(("link: ", muted), link))
    tags: list[str | tuple[str, str]] = []
    if row.topics:
        tags.append(("topics: ", muted))
        tags.append((", ".join(row.topics), "$text-secondary"))
    if row.regions:
        tags.append("   ")
        tags.append(("regions: ", muted))
        tags.append((region_marker(row.regions, 20), "bold $text-error"))
    if row.starred:
        tags.append("   ")
        tags.append(("★ starred", "$text-warning"))
    if tags:
        lines.append(Content.assemble(*tags))
    if story is not None and story.size > 1:  # the other reports, before the evidence
        lines.append(render_story(story, row.id, now, switch_keys=switch_keys))
    if detail.evidence:
        label = "Why China: " if row.china else "China mentions (below the threshold): "
        score = f"  [score {row.china_score:.2f}]"
        evidence = why_china(detail.evidence)
        if evidence_width is not None:
            room = evidence_width - cell_len(label + score)
            if cell_len(evidence) > room:  # cut by terminal cells: CJK takes two
                room -= cell_len(" … (w more)")
                evidence = set_cell_size(evidence, max(10, room)).rstrip() + " … (w more)"
        lines.append(Content.assemble((label, "bold $text-error" if row.china else muted),
                                      evidence, (score, muted)))
    elif row.china:
        lines.append(Content.assemble(("Why China: ", "bold $text-error"), "tagged China"))
    for why in detail.topic_evidence:
        lines.append(Content.assemble((f"Why {clean_line(why.topic, 30)}: ", muted),
                                      why_topic(why.terms)))
    text, source = detail.body()
    note = status or source
    if detail.extract_error and not status:
        note = f"{source} (full text failed: {clean_line(detail.extract_error, 200)})"
    lines.append(Content.styled(f"── {note} ──", muted))
    lines.append(render_body(text) if text.strip() else Content.styled("(no text)", muted))
    return Content("\n").join(lines)


class Reader(VerticalScroll, can_focus=True):
    """Shows one ArticleDetail; fetches its full text on request or when only a summary."""

    BINDINGS = bindings(PANE_KEYS)

    DEFAULT_CSS = """
    Reader { padding: 0 1; }
    Reader > #reader-text { width: 100%; }
    """

    def __init__(self, engine: Engine, clock: Clock, *,
                 auto_extract: bool, id: str | None = None) -> None:
        super().__init__(id=id)
        self._engine = engine
        self._clock = clock
        self.auto_extract = auto_extract
        self.detail: ArticleDetail | None = None
        self.story: StoryRow | None = None
        """The open article's story (its other reports), when it has several."""
        self.switch_keys = "< >"
        """How the story block names the keys that switch reports (after remapping)."""
        self.status: str | None = None
        self.evidence_open: bool | None = None
        """The Why-China block in full or cut to one line (w toggles); None: in full
        when the terminal has room (30+ rows), one line on small ones."""

    def compose(self):
        yield Static(EMPTY_HINT, id="reader-text")

    def show(self, detail: ArticleDetail | None, *, story: StoryRow | None = None,
             scroll_home: bool = True) -> None:
        """Display ``detail`` (None clears) and its ``story``'s other reports; starts
        full-text fetching when useful."""
        changed = detail is None or self.detail is None or detail.row.id != self.detail.row.id
        self.detail = detail
        self.story = story if detail is not None else None
        if changed:
            self.status = None
        if detail is not None and changed and self.auto_extract and needs_full_text(detail):
            self.fetch_full_text()
        self._refresh_text()
        if changed and scroll_home:
            self.scroll_home(animate=False)

    def _refresh_text(self) -> None:
        text = self.query_one("#reader-text", Static)
        if self.detail is None:
            text.update(EMPTY_HINT)
        else:
            width = None if self.evidence_shown_open else max(20, self.size.width - 2)
            text.update(render_article(self.detail, self._clock(), self.status,
                                       evidence_width=width, story=self.story,
                                       switch_keys=self.switch_keys))

    @property
    def evidence_shown_open(self) -> bool:
        if self.evidence_open is None:
            return self.app.size.height >= 30
        return self.evidence_open

    def toggle_evidence(self) -> None:
        self.evidence_open = not self.evidence_shown_open
        self._refresh_text()

    def on_resize(self) -> None:
        if self.detail is not None and not self.evidence_shown_open:
            self._refresh_text()

    def action_cursor_down(self) -> None:
        """j/k scroll the reader (the same binding ids as the list's)."""
        self.scroll_down(animate=False)

    def action_cursor_up(self) -> None:
        self.scroll_up(animate=False)

    def fetch_full_text(self) -> bool:
        """Start fetching the open article's page; False (and a reason) if impossible."""
        detail = self.detail
        if detail is None:
            return False
        url = safe_url(detail.row.url)
        if url is None:
            self.status = "no http(s) link to fetch the full text from"
            self._refresh_text()
            return False
        self.status = "fetching full text…"
        self._refresh_text()
        self._extract(detail.row.id, url)
        return True

    @work(thread=True, exclusive=True, group="extract", name="extract", exit_on_error=False,
          description="Fetching the full text")
    def _extract(self, article_id: int, url: str) -> None:
        """One engine call plus a message; its daemon thread never holds the app's exit."""
        error = self._fetch_and_cache(article_id, url)
        if not get_current_worker().is_cancelled:
            self.post_message(ArticleExtracted(article_id, error))

    def _fetch_and_cache(self, article_id: int, url: str) -> str | None:
        """Blocking: the engine fetches, extracts, stores and re-tags; returns the error."""
        try:
            return self._engine.full_text(article_id).extract_error
        except KeyError:
            return "the story is no longer in the cache"
        except Exception as exc:  # a bug in extraction must not kill the app
            return f"extraction failed: {type(exc).__name__}"
        finally:
            self._engine.release_thread_store()

    def extracted(self, detail: ArticleDetail | None, error: str | None) -> None:
        """Called when a fetch finished: show the new body or the reason it failed."""
        if detail is None or self.detail is None or detail.row.id != self.detail.row.id:
            return
        self.status = None
        if error:
            self.status = f"summary — full text failed: {clean_line(error, 200)}"
        self.show(detail, story=self.story, scroll_home=False)
