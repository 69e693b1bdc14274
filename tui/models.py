"""Plain data passed between the layers.

Everything here is a frozen dataclass so it can cross threads and processes safely.
Times are UTC epoch seconds (``int``); conversion to text happens at the edges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.alerts.stage import AlertReport
    from tui.stories.stage import GroupReport

TOPICS: tuple[str, ...] = (
    "mining",
    "regulation",
    "enforcement",
    "token-sales",
    "exchanges",
    "nft",
    "cbdc",
    "stablecoins",
    "defi",
    "markets",
    "security",
    "business",
    "technology",
)
REGIONS: tuple[str, ...] = ("CN", "HK", "MO", "TW")
# What "China" covers unless the user's [china] regions says otherwise; Taiwan is its own tag.
CHINA_DEFAULT: frozenset[str] = frozenset({"CN", "HK", "MO"})
ENTITY_TYPES: tuple[str, ...] = ("ORG", "PERSON", "PLACE", "TICKER", "MONEY")


@dataclass(frozen=True)
class Feed:
    """A subscription and its polling state, as stored."""

    id: int
    url: str
    title: str = ""
    lang: str | None = None
    site_url: str | None = None
    added: int = 0
    etag: str | None = None
    last_modified: str | None = None
    last_attempt: int | None = None
    last_success: int | None = None
    last_error: str | None = None
    error_count: int = 0
    next_due: int = 0
    interval_minutes: int | None = None
    body_hash: str | None = None

    @property
    def display_title(self) -> str:
        return self.title or self.url


@dataclass(frozen=True)
class FeedHealth:
    """Whether a feed still publishes: its newest stored item and the stale verdict.

    A feed that answers fine but whose newest item is older than ``[poll] stale_days``
    (or that has been read successfully and holds nothing) has probably died.
    """

    feed_id: int
    newest_item: int | None
    articles: int
    stale: bool


@dataclass(frozen=True)
class Article:
    """A normalised, sanitised feed entry, ready to be tagged and stored.

    ``guid`` is the key within its feed (guid, else link, else a stable hash).
    ``summary`` and ``content_text`` are plain text; ``content_html`` is sanitised HTML.
    """

    guid: str
    title: str
    url: str | None = None
    author: str = ""
    summary: str = ""
    content_html: str = ""
    content_text: str = ""
    published: int | None = None
    updated: int | None = None
    lang: str | None = None


@dataclass(frozen=True)
class ParsedFeed:
    """What parsing one feed document produced."""

    title: str = ""
    site_url: str | None = None
    lang: str | None = None
    articles: tuple[Article, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """One gazetteer hit that contributed to the China score."""

    term: str
    entity: str
    field: str  # "title" or "body"
    region: str | None = None
    weight: float = 0.0


@dataclass(frozen=True)
class Entity:
    """A named thing in an article; ``mentions`` are the surface forms the text used."""

    name: str
    type: str  # one of ENTITY_TYPES
    count: int = 1
    mentions: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class TopicEvidence:
    """Why a topic was tagged: its salience score and the (term, field) pairs behind it."""

    topic: str
    score: float
    terms: tuple[tuple[str, str], ...] = ()  # (term as written, "title" | "lead" | "body")


@dataclass(frozen=True)
class Tags:
    china: bool = False
    china_score: float = 0.0
    regions: frozenset[str] = frozenset()
    evidence: tuple[Evidence, ...] = ()
    topics: frozenset[str] = frozenset()
    entities: tuple[Entity, ...] = ()
    topic_evidence: tuple[TopicEvidence, ...] = ()
    input_hash: str = field(default="", compare=False)  # rules version + inputs (retag skip)


@dataclass(frozen=True)
class FetchResult:
    """The outcome of one HTTP fetch.

    ``status`` is "ok" (body present), "not_modified" (304) or "error" (``error`` says why).
    ``retry_after`` is seconds the server asked us to wait (429/503, Cache-Control max-age),
    or None.
    """

    status: str
    url: str
    final_url: str | None = None
    http_status: int | None = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    retry_after: float | None = None
    elapsed: float = 0.0


@dataclass(frozen=True)
class Filter:
    """What the article list shows. Fields combine with AND; ``topics`` is any-of."""

    feed_id: int | None = None
    china: bool = False
    regions: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    entity: str | None = None
    search: str = ""
    unread: bool = False
    starred: bool = False
    watch: WatchScope | None = None
    """A saved watch the list is narrowed to (ANDed with the fields above)."""

    def is_empty(self) -> bool:
        return self == Filter()


@dataclass(frozen=True)
class WatchScope:
    """A watch as the list sees it: its name and the Filters whose union it is.

    A watch may name several feeds, entities or search alternatives, which one Filter
    cannot hold; carried inside the list's Filter, every list query (rows, counts,
    entities, pickers) narrows to it with no second code path.
    """

    name: str
    any_of: tuple[Filter, ...] = ()


@dataclass(frozen=True)
class ArticleRow:
    """One row of the article list (no bodies: those live in their own table)."""

    id: int
    feed_id: int
    feed_title: str
    title: str
    url: str | None
    author: str
    published: int
    read: bool
    starred: bool
    china: bool
    china_score: float
    regions: tuple[str, ...]
    topics: tuple[str, ...]


@dataclass(frozen=True)
class ArticleDetail:
    """Everything the reader pane shows for one article."""

    row: ArticleRow
    summary: str
    content_html: str
    content_text: str
    extracted_text: str | None
    extract_error: str | None
    evidence: tuple[Evidence, ...]
    entities: tuple[Entity, ...]
    guid: str = ""
    topic_evidence: tuple[TopicEvidence, ...] = ()
    lang: str | None = None
    """The article's language as stored (the item's, else its feed's): the tagger needs it."""

    def body(self) -> tuple[str, str]:
        """The best text we have and where it came from: full text, feed text or summary."""
        if self.extracted_text:
            return self.extracted_text, "full text"
        if self.content_text.strip():
            return self.content_text, "feed text"
        return self.summary, "summary"


@dataclass(frozen=True)
class FeedOutcome:
    """Progress report for one feed in a poll."""

    feed_id: int
    url: str
    index: int
    total: int
    status: str  # "ok", "not_modified", "error"
    new: int = 0
    updated: int = 0
    error: str | None = None
    elapsed: float = 0.0
    new_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class UpdateReport:
    """What one engine update did: per feed, and what retention removed afterwards."""

    outcomes: tuple[FeedOutcome, ...] = ()
    cancelled: bool = False
    removed: int = 0
    retention_error: str | None = None
    alerts: AlertReport | None = None
    stories: GroupReport | None = None
    grouping_error: str | None = None

    @property
    def new_ids(self) -> tuple[int, ...]:
        return tuple(i for o in self.outcomes for i in o.new_ids)

    @property
    def new(self) -> int:
        return sum(o.new for o in self.outcomes)

    @property
    def errors(self) -> int:
        return sum(1 for o in self.outcomes if o.status == "error")
