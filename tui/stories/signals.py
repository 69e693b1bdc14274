"""What one article brings to grouping: canonical entities, names, amounts, dates, a signature.

Entities come from the tagger (its gazetteer maps 币安/Binance and 中国人民银行/PBoC to one
canonical name), so as the tagger improves, grouping improves with it. Everything else is
computed here from the text. Every signal is a short string key with a kind prefix; the keys
that are specific enough to find candidates ("blocking keys") are a subset.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Generic, TypeVar

from tui.stories.amounts import amounts, counts, dates, money_entity, nfkc
from tui.stories.headlines import headline_keys
from tui.stories.names import name_keys
from tui.stories.shingles import band_keys, detect_lang, empty_mask, text_signature

# Kinds: e entity (ORG/PERSON), t ticker, p place, n a Latin proper name the gazetteer does not
# know (Velora, PantherTrade, AETH: Chinese reports keep them in Latin letters), $ money,
# # number, c a count of a unit kind (3,400 rigs = 约3400台: c:machine:3400), d a mentioned
# date, b a shingle band; ^ marks an e or n key the title carries; o a capitalised word that
# opens a sentence (maybe a name: it weighs, it never matches).
BLOCKING_KINDS = frozenset("etn$cb")
VAGUE = 0.9  # the weight of an ``o`` key in what a report names (a name's, n)
LEAD_CHARS = 400
TEXT_CHARS = 3000
# Entities that name a whole field or country rather than an event's actors.
_WEAK_ENTITIES = frozenset({"china", "chinese crypto policy terms", "chinese government"})


_T = TypeVar("_T")


class _once(Generic[_T]):
    """``functools.cached_property`` without its lock (Python 3.11 takes an RLock on every
    first read: a fifth of a regroup's time went there). Signals are built and read on
    one thread; a race would compute the same value twice, harmlessly."""

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, _owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, _owner: type | None = None) -> _T:
        if obj is None:
            return self  # type: ignore[return-value]
        value = obj.__dict__[self.name] = self.func(obj)
        return value


@dataclass(frozen=True)
class Signals:
    """One article's grouping signals. ``ref`` is the caller's id (article id or record id)."""

    ref: Any
    published: int | None
    lang: str
    title: str
    keys: frozenset[str]
    sig: tuple[int, ...] = field(repr=False)

    # The derived views below come from one pass over the keys (:meth:`_derive`), not one
    # pass each: a regroup builds them for every report, and seven scans were a tenth of it.

    @property
    def strong(self) -> frozenset[str]:
        """The specific keys: entities, names, amounts."""
        return self._view[0]

    @property
    def half(self) -> frozenset[str]:
        """The keys worth half a piece of evidence: tickers, places, numbers, dates."""
        return self._view[1]

    @property
    def distinct(self) -> frozenset[str]:
        """Distinctive numbers that are not an amount's figure (the amount counts that)."""
        return self._view[2]

    @property
    def vague(self) -> frozenset[str]:
        """Words that may be names (capitalised sentence openers): counted in what the
        report names, never as shared evidence."""
        return self._view[3]

    @property
    def base_strong(self) -> float:
        """The specific keys' weight before any discount for common keys."""
        return self._view[4]

    @property
    def largest(self) -> dict[str, str]:
        """Per currency, the headline amount's key: the largest in the title, else overall."""
        return self._view[5]

    @_once
    def empty(self) -> int:
        """The signature's empty bins as a bit mask (for a fast similarity)."""
        return empty_mask(self.sig)

    @_once
    def _view(self) -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str],
                             float, dict[str, str]]:
        """(strong, half, distinct, vague, base_strong, largest) in one pass over the keys."""
        from tui.stories.score import HALF, WEIGHTS

        strong: list[str] = []
        half: list[str] = []
        vague: list[str] = []
        numbers: list[str] = []
        money: list[str] = []
        counted: list[str] = []
        heads: list[str] = []
        base = 0.0
        for key in self.keys:
            kind = key[0]
            if kind in "en$":
                strong.append(key)
                base += WEIGHTS[kind]
                if kind == "$":
                    money.append(key)
            elif kind in HALF:
                half.append(key)
                if kind == "#":
                    numbers.append(key)
                elif kind == "c":
                    counted.append(key)
            elif kind == "o":
                vague.append(key)
            elif kind == "h":
                heads.append(key)
        # A figure that is an amount's or a count's is weighed as that, not as a number.
        sums = {k.rsplit(":", 1)[1] for k in money + counted}
        distinct = frozenset(k for k in numbers if k[2:] not in sums and distinctive(k))
        best: dict[str, tuple[float, str]] = {}
        for key in heads or money:
            _, currency, value = key.split(":", 2)
            if currency not in best or float(value) > best[currency][0]:
                best[currency] = (float(value), "$" + key[1:])
        largest = {currency: key for currency, (_, key) in best.items()}
        return (frozenset(strong), frozenset(half), distinct, frozenset(vague),
                base + VAGUE * len(vague), largest)

    def blocking_keys(self) -> tuple[str, ...]:
        """The keys specific enough to find candidates by, sorted (worked out once)."""
        return self._blocking

    @_once
    def _blocking(self) -> tuple[str, ...]:
        return tuple(sorted(k for k in self.keys if k[0] in BLOCKING_KINDS and _specific(k)))

    def prepared(self) -> Signals:
        """Work out the derived views, blocking keys and stored form now (they depend on
        the keys and the signature only): the engine's worker calls this, so the one
        process that groups and writes gets them ready-made (they travel in a pickle)."""
        self._view  # noqa: B018 - computed for their cache
        self._blocking  # noqa: B018
        self.empty  # noqa: B018
        self._stored_body  # noqa: B018
        return self

    def moved(self, ref: Any, published: int | None) -> Signals:
        """A copy with another ref and time that keeps what :meth:`prepared` worked out."""
        copy = replace(self, ref=ref, published=published)
        for name in _DERIVED:
            if name in self.__dict__:
                copy.__dict__[name] = self.__dict__[name]
        return copy

    def stored_json(self) -> str:
        """``json.dumps(self.to_json(), ensure_ascii=False)``, from a cached body (what
        does not depend on the time) so the writer only formats the time in."""
        return f'{{"p": {json.dumps(self.published)}, {self._stored_body[1:]}'

    @_once
    def _stored_body(self) -> str:
        data = self.to_json()
        del data["p"]
        return json.dumps(data, ensure_ascii=False)

    def to_json(self) -> dict[str, Any]:
        """For storage: the signature as hex of its 32-bit bins (a third of a JSON list)."""
        return {"p": self.published, "l": self.lang, "t": self.title,
                "k": sorted(self.keys), "s": _pack_sig(self.sig)}

    @classmethod
    def from_json(cls, ref: Any, data: dict[str, Any]) -> Signals:
        sig = data["s"]
        return cls(ref, data["p"], data["l"], data["t"], frozenset(data["k"]),
                   _unpack_sig(sig) if isinstance(sig, str) else tuple(sig))  # list: older


_DERIVED = ("_view", "_blocking", "empty", "_stored_body")


def _pack_sig(sig: tuple[int, ...]) -> str:
    return struct.pack(f">{len(sig)}I", *sig).hex()


def _unpack_sig(text: str) -> tuple[int, ...]:
    raw = bytes.fromhex(text)
    return struct.unpack(f">{len(raw) // 4}I", raw)


def _specific(key: str) -> bool:
    """Numbers are blocking keys only when they are rare-looking (three significant figures),
    counts only when their figure is distinctive (3,400 machines, not 12 sites)."""
    if key[0] == "c":
        return distinctive_count(key)
    if key[0] != "#":
        return True
    digits = key.split(":", 1)[1].split("e")[0].replace(".", "").strip("0")
    return len(digits) >= 3


@lru_cache(maxsize=65536)
def distinctive(key: str) -> bool:
    """A number that names an event's figure, not a count any report has: a fraction (4.1%,
    1.24 ZH/s), three significant figures (162T), or thousands and more (60 million gas,
    3,400 rigs), but not a year. Shared by two reports, it is evidence like an amount."""
    try:
        value = float(key.split(":", 1)[1])
    except ValueError:
        return False
    if value.is_integer() and 1900 <= value <= 2100:
        return False
    return value >= 1000 or not value.is_integer() or _specific(key)


def distinctive_count(key: str) -> bool:
    """A count ('c:machine:3400') of a :func:`distinctive` figure: 3,400 rigs, not 12 sites
    (those are in many reports: they block nothing and weigh less)."""
    return distinctive("#:" + key.rsplit(":", 1)[1])


def entity_keys(entities: Iterable[tuple[str, str]]) -> set[str]:
    """Keys for (canonical name, type) pairs as the tagger gives them."""
    keys: set[str] = set()
    for name, kind in entities:
        low = name.casefold()
        if low in _WEAK_ENTITIES:
            keys.add(f"p:{low}")
        elif kind in ("ORG", "PERSON"):
            keys.add(f"e:{low}")
        elif kind == "TICKER":
            keys.add(f"t:{low}")
        elif kind == "PLACE":
            keys.add(f"p:{low}")
        elif kind == "MONEY":
            money = money_entity(name)
            if money:
                keys.add(f"$:{money}")
    return keys



def signals_from_parts(
    ref: Any,
    title: str,
    summary: str,
    content: str,
    published: int | None,
    lang: str | None,
    entities: Iterable[tuple[str, str]],
    canonical: Callable[[str], str] | None = None,
) -> Signals:
    """Signals from an article's text and the tagger's entities (canonical name, type).

    ``canonical`` maps a known alias to its canonical name (``Tagger.canonical``); by
    default the default tagger's.
    """
    title = title or ""
    lead = f"{title}\n{summary or ''}"[:LEAD_CHARS]
    text = f"{title}\n{summary or ''}\n{content or ''}"[:TEXT_CHARS]
    lang = lang if lang in ("en", "zh") else detect_lang(text)
    keys = entity_keys(entities)
    # A one-word entity (Binance, OKX) is its own key; the words of a longer name the tagger
    # guessed ("Harborline Finance") stay names, since a Chinese report may keep one word.
    known = {key[2:] for key in keys if key[0] in "etp"}
    keys |= name_keys(text, known, canonical)
    # The title and the rest are read apart (once each): the title's amounts are headlines.
    # NFKC'd here once for amounts and counts (each then finds its text normal at a glance):
    # the rest starts with the newline after the title, which NFKC never joins to what
    # stands before it, so the two halves normalised apart are the whole normalised.
    head, rest = nfkc(text[: len(title)]), nfkc(text[len(title):])
    headline, numbers = amounts(head)
    money, more = amounts(rest)
    money |= headline
    keys |= {f"$:{m}" for m in money}
    keys |= {f"h:{m}" for m in headline}  # headline amounts: different ones conflict
    keys |= {f"#:{n[2:]}" for n in numbers | more}
    keys |= {f"c:{c}" for c in counts(head + rest)}
    keys |= dates(text)
    keys |= headline_keys(title, keys)
    sig = text_signature(lead, lang)
    keys |= set(band_keys(sig))
    return Signals(ref, published, lang, title, frozenset(keys), sig)


@lru_cache(maxsize=1)
def signals_version() -> str:
    """A digest of the code signals are computed by (this module, amounts, headlines,
    shingles, names): a stored signal stamped with another is stale. With the article's
    ``tag_hash`` (its entities' rules and text) it says whether a stored signal is what
    computing it now would give, so a regroup recomputes only the stale ones."""
    import hashlib
    from importlib.resources import files

    digest = hashlib.sha1()
    root = files("tui.stories")
    for name in ("signals.py", "amounts.py", "headlines.py", "shingles.py", "names.py"):
        digest.update(name.encode())
        digest.update(root.joinpath(name).read_bytes())
    return digest.hexdigest()[:12]


def signals_of_article(article: Any, tags: Any, lang: str | None = None) -> Signals:
    """An article's signals from its tags, with no ref and no time: what the engine's worker
    computes next to parsing and tagging, so the store step only groups. The engine fills
    in the article id and the stored time (:func:`tui.stories.stage.offer_signals`)."""
    return signals_from_parts(None, article.title, article.summary, article.content_text,
                              None, article.lang or lang,
                              [(e.name, e.type) for e in tags.entities]).prepared()


def signals_from_record(record: dict[str, Any], tagger: Any, published: int | None) -> Signals:
    """Signals for a JSON record {id, title, summary, content, lang}, tagging it with ``tagger``."""
    title = record.get("title") or ""
    summary = record.get("summary") or ""
    content = record.get("content") or ""
    tags = tagger.tag(title, summary, content, record.get("lang"))
    entities = [(e.name, e.type) for e in tags.entities]
    return signals_from_parts(record.get("id"), title, summary, content, published,
                              record.get("lang"), entities, tagger.canonical)
