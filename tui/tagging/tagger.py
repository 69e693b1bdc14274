"""The Tagger: built once (automaton, tables), then a pure function of an article's text."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from tui.models import CHINA_DEFAULT, Entity, Tags, TopicEvidence
from tui.tagging import govbodies, names, topics, traps, version
from tui.tagging.china import score_china
from tui.tagging.forms import (
    inside,
    longer_form,
    merge_found_short_forms,
    merge_scripts,
    places_in_names,
    token_symbols,
)
from tui.tagging.gazetteer import Alias, Entry, builtin_gazetteer, parse_alias
from tui.tagging.matcher import ENTITY, Matcher, Span
from tui.tagging.money import FIAT, Amount, find_amounts, merge_rounded, render
from tui.tagging.normalize import (
    BODY_CAP,
    lower_aligned,
    nfkc,
    strip_html,
    to_simplified,
)
from tui.tagging.resolve import Doc, Hit, Resolver

DEFAULT_CHINA_REGIONS = CHINA_DEFAULT
_CASHTAG = re.compile(r"\$([A-Za-z][A-Za-z0-9]{1,9})\b")  # "$" first: the engine skips fast
SHOWN_TYPES = frozenset({"ORG", "PERSON", "PLACE", "TICKER", "MONEY"})
ENTITY_SHOWN = frozenset({"ORG", "PERSON", "PLACE", "TICKER"})  # amounts come from money.py


def _user_entry(user: Any) -> Entry:
    """A config ``UserEntity`` as a gazetteer entry (a China weight without a region means CN)."""
    region = user.region
    if region is None and user.china_weight >= 1:
        region = "CN"
    aliases: list[Alias] = []
    for surface in (user.name, *user.aliases):
        if surface and surface.strip():
            aliases.append(parse_alias(surface.replace("?", "").replace("@", "")))
    kind = user.type if user.type in SHOWN_TYPES else "ORG"
    return Entry(
        user.name, kind, region, float(user.china_weight), tuple(aliases), source_file="config"
    )


class Tagger:
    """China score with evidence, regions, topics and entities for one article at a time.

    Build once (about a tenth of a second); :meth:`tag` does no I/O and is safe to call from
    several threads.
    """

    def __init__(
        self,
        user_entities: Iterable[Any] = (),
        user_topics: Mapping[str, Iterable[str]] | None = None,
        china_regions: Iterable[str] = DEFAULT_CHINA_REGIONS,
    ) -> None:
        gaz = builtin_gazetteer()
        user_entities = tuple(user_entities)
        user = tuple(_user_entry(u) for u in user_entities)
        # User entries come first: on a shared alias the user's reading wins.
        self.entries: tuple[Entry, ...] = user + gaz.entries
        self.china_regions = frozenset(china_regions)
        self.user_topics = {k: tuple(v) for k, v in (user_topics or {}).items()}
        self._resolver = Resolver(self.entries, gaz.contexts)
        matcher = Matcher()
        self._tickers: dict[str, int] = {}
        for index, entry in enumerate(self.entries):
            for alias_index, alias in enumerate(entry.aliases):
                matcher.add(alias.surface, ENTITY, (index, alias_index), alias.case_sensitive)
                if entry.type == "TICKER" and alias.surface.isupper():
                    self._tickers.setdefault(alias.surface, index)
        for phrase in gaz.blockers:
            matcher.add(phrase, ENTITY, (-1, -1))
        topics.register(matcher, self.user_topics)
        names.register(matcher)
        matcher.build()
        self._matcher = matcher
        self._canonical = self._canonical_index()
        self._places = {  # surface → canonical name, for places inside organisation names
            alias.surface.lstrip("="): entry.name
            for entry in reversed(self.entries)
            if entry.type == "PLACE"
            for alias in entry.aliases
        }
        self._place_aliases = {  # "Tokyo" → (entry index, alias), for capitalised datelines
            alias.surface: (index, alias)
            for index, entry in reversed(list(enumerate(self.entries)))
            if entry.type == "PLACE"
            for alias in entry.aliases
            if alias.surface.isascii() and not alias.needs_context
        }
        self._symbols = frozenset(s for s in self._tickers if len(s) >= 2 and s.isalnum())
        self.rules_version = version.rules_version(user_entities, user_topics, china_regions)

    @classmethod
    def from_settings(cls, settings: Any) -> Tagger:
        """Build from ``tui.config.Settings`` (user entities, user topics, China regions)."""
        return cls(settings.user_entities, settings.user_topics, settings.china_regions)

    def _canonical_index(self) -> dict[str, str]:
        index: dict[str, str] = {}
        for entry in self.entries:
            if entry.type == "SOURCE":
                continue
            index.setdefault(entry.name.casefold(), entry.name)
            for alias in entry.aliases:
                index.setdefault(nfkc(to_simplified(alias.surface)).casefold(), entry.name)
        return index

    def canonical(self, name: str) -> str:
        """The canonical name for a known alias ("PBOC" → "People's Bank of China"), else name."""
        return self._canonical.get(nfkc(to_simplified(name)).casefold(), name)

    def tag(
        self, title: str, summary: str = "", content: str = "", lang: str | None = None
    ) -> Tags:
        """Tags for one article; summary/content may be HTML or plain text.

        ``lang`` is accepted as a hint but not needed: English and Chinese terms are matched in
        one pass whatever the language, so mixed-language stories are handled too.
        """
        doc = self._doc(title, summary, content)
        hits, topic_spans, cues, amounts = self._parse(doc)
        china = score_china(doc, hits, self.china_regions)
        topic_set, topic_evidence = topics.score_topics(doc, topic_spans, hits)
        entities = self._entities(doc, hits, cues, amounts)
        return Tags(
            china.china, china.score, china.regions, china.evidence, topic_set, entities,
            topic_evidence, self.input_hash(title, summary, content, lang),
        )

    def retopic(
        self, title: str, summary: str = "", content: str = "", lang: str | None = None
    ) -> tuple[frozenset[str], tuple[TopicEvidence, ...]]:
        """:meth:`tag`'s topics and topic evidence alone, for a retag after an edit of user
        topic terms only: those are only in the matcher's topic layer, so China and entities
        cannot move, but topics weigh entity hits, so the text is parsed in full."""
        doc = self._doc(title, summary, content)
        hits, topic_spans, _, _ = self._parse(doc)
        return topics.score_topics(doc, topic_spans, hits)

    def input_hash(
        self, title: str, summary: str = "", content: str = "", lang: str | None = None
    ) -> str:
        """What :attr:`Tags.input_hash` will be for these inputs (retag compares it)."""
        return version.input_hash(self.rules_version, title, summary, content, lang)

    def topic_features(
        self, title: str, summary: str = "", content: str = ""
    ) -> dict[str, tuple[float, ...]]:
        """The salience features of every topic the text touches (for training the model)."""
        doc = self._doc(title, summary, content)
        hits, topic_spans, _, _ = self._parse(doc)
        return {k: v[0] for k, v in topics.features(doc, topic_spans, hits).items()}

    def _parse(self, doc: Doc) -> tuple[list[Hit], list[Span], list[Span], list[Amount]]:
        """Entity hits (traps, bodies and districts applied), topic spans, cues and amounts:
        what :meth:`tag` scores, and what the topic model is trained on (the same, so training
        sees what tagging sees)."""
        ent_spans, topic_spans, cues = self._matcher.scan(doc.low, doc.simp)
        hits = traps.drop_nicknames(doc, self._resolver.resolve(doc, ent_spans))
        if doc.low.isascii() or "\n" in doc.shown:
            hits = self._datelines(doc, hits)
        hits = govbodies.merge(hits, govbodies.find(doc, hits))
        hits = govbodies.state_grid(doc, hits)
        hits = traps.drop_foreign_short_forms(doc, hits)
        if "'s " in doc.shown or "’s " in doc.shown:
            hits = traps.other_countrys(doc, hits)
        if not doc.low.isascii():
            hits = govbodies.foreign(doc, hits)
        if "·" in doc.simp:  # 德里 inside 罗德里戈·巴斯克斯 is no place
            spans = sorted(names.foreign_spans(doc))  # bisect, not a scan of every span
            starts = [s for s, _ in spans]
            reach = list(itertools.accumulate((e for _, e in spans), max))
            hits = [h for h in hits if not inside(starts, reach, h.start)]
        if not doc.low.isascii():
            extra = govbodies.districts(doc, hits)
            if extra:
                taken = {(h.start, h.end) for h in hits}
                hits = sorted(
                    [*hits, *(h for h in extra if (h.start, h.end) not in taken)],
                    key=lambda h: h.start,
                )
        # on the simplified text (億, 萬, 新台幣 read as 亿, 万, 新台币; the offsets are the same)
        amounts = merge_rounded(list(find_amounts(doc.simp, self._symbols)), doc.simp)
        coins: list[Span] = [  # coins bought, sold, moved, held ("buys 6,556 BTC"): markets
            (start, end, ((None, ("markets", topics.WEAK)),))
            for start, end, _, code in amounts
            if code not in FIAT and code not in _STABLE
        ]
        if coins:
            topic_spans = sorted([*topic_spans, *coins], key=lambda span: span[0])
        return hits, topic_spans, cues, amounts

    def _datelines(self, doc: Doc, hits: list[Hit]) -> list[Hit]:
        """Hits plus the places of capitalised datelines ("TOKYO--"): world place names match
        case-sensitively, so "Nice" is no city, and a dateline is found on its own."""
        extra = []
        starts = {h.start for h in hits}
        for start, end, name in traps.datelines(doc):
            found = self._place_aliases.get(name)
            if found is not None and start not in starts:
                index, alias = found
                extra.append(Hit(start, end, self.entries[index], alias, index))
        return sorted([*hits, *extra], key=lambda h: h.start) if extra else hits

    def _doc(self, title: str, summary: str, content: str) -> Doc:
        title = nfkc(strip_html(title or "")).replace("\n", " ")
        summary = strip_html(summary or "").strip()
        content = strip_html(content or "").strip()
        if summary and content and summary[:200] in content:
            summary = ""  # the summary is usually the first paragraph of the content
        body = nfkc(f"{summary}\n{content}".strip()[:BODY_CAP])
        shown = f"{title}\n{body}"
        simp = to_simplified(shown)
        return Doc(shown, simp, lower_aligned(simp), len(title), len(title) + 1)

    def _entities(
        self, doc: Doc, hits: list[Hit], cues: list[Span], amounts: list[Amount]
    ) -> tuple[Entity, ...]:
        counts: Counter[tuple[str, str]] = Counter()
        mentions: dict[tuple[str, str], list[str]] = {}
        shown = doc.shown

        ends: dict[tuple[str, str], list[int]] = {}

        def count(key: tuple[str, str], surface: str, end: int = -1) -> None:
            counts[key] += 1
            if key[1] == "PERSON":
                ends.setdefault(key, []).append(end)
            forms = mentions.setdefault(key, [])
            if surface not in forms and len(forms) < 8:
                forms.append(surface)

        taken = bytearray(len(doc.shown))
        placed: list[tuple[int, int, tuple[str, str]]] = []
        place_spans: list[tuple[int, int, tuple[str, str]]] = []
        name_spans: list[tuple[int, int]] = []
        absorbed: set[tuple[int, int]] = set()  # hits a longer name found around them took
        prev: Hit | None = None
        for hit in hits:  # 1 marks organisations and people, 2 places (names may follow a place)
            mark = b"\x02" if hit.entry.type == "PLACE" else b"\x01"
            taken[hit.start : hit.end] = mark * (hit.end - hit.start)
            kind = "ORG" if hit.entry.type == "SOURCE" else hit.entry.type  # media are ORGs
            if kind in ENTITY_SHOWN and hit.entry.shown:  # currencies are units: not listed
                key = (hit.entry.name, kind)
                count(key, shown[hit.start : hit.end], hit.end)
                longer = longer_form(shown, hit.start, hit.end, kind)
                if (
                    longer is None and kind == "PLACE" and shown[hit.end : hit.end + 1] in _LEVELS
                    and shown[hit.end : hit.end + 2] not in ("市场", "市場", "区块", "區塊")
                ):
                    longer = shown[hit.start : hit.end + 1]  # 江苏省, 雅安市, 阿坝州 as written
                if longer and longer not in mentions[key]:
                    mentions[key].append(longer)  # "HashKey集团", "迈克尔·塞勒" as written
                if (
                    kind == "ORG" and prev is not None and prev.end == hit.start
                    and prev.entry.type == "PLACE" and not shown[hit.start : hit.end].isascii()
                ):
                    whole = shown[prev.start : hit.end]  # 香港证券及期货事务监察委员会 as written
                    if whole not in mentions[key]:
                        mentions[key].append(whole)
                placed.append((hit.start, hit.end, key))
                if kind == "PLACE":
                    place_spans.append((hit.start, hit.end, key))
                elif kind == "ORG":
                    name_spans.append((hit.start, hit.end))
            prev = hit
        for start, end, name, kind in names.find_names(doc, cues, taken):
            if _POSSESSIVE_INSIDE.search(name):
                continue  # "People's Bank of China's Hangzhou": two names across a possessive
            if name.endswith(("'s", "’s")):
                name, end = name[:-2], end - 2  # "Javier Milei's promotion"
            if any(taken[start:end]):
                # a longer name around known ones ("Bank of Thailand", "Federal Reserve Bank of
                # New York") wins if it starts and ends outside them
                if kind != "ORG":
                    continue
                over = [p for p in placed if p[0] < end and start < p[1]]
                inside = [p for p in over if start <= p[0] and p[1] <= end]
                covered = sum(p[1] - p[0] for p in inside)
                marked = (end - start) - taken[start:end].count(0)
                if not inside or len(inside) != len(over) or covered != marked:
                    continue
                if covered >= end - start:
                    continue  # nothing beyond what the gazetteer already names
                if len(inside) == 1 and inside[0][0] == start and _LEGAL_TAIL.match(
                    shown, inside[0][1], end
                ):  # "OSL Group Limited", "Chainalysis Inc": the known one, formally
                    if shown[start:end] not in mentions[inside[0][2]]:
                        mentions[inside[0][2]].append(shown[start:end])
                    continue
                for p in inside:
                    counts[p[2]] -= 1
                    if counts[p[2]] <= 0:
                        del counts[p[2]]
                absorbed.update((p[0], p[1]) for p in inside)
            count((name, kind), shown[start:end], end)
            taken[start:end] = b"\x01" * (end - start)
            if kind == "ORG":
                name_spans.append((start, end))
        if "$" in doc.shown:
            shown = doc.shown
            for m in _CASHTAG.finditer(shown):
                before = shown[m.start() - 1] if m.start() else " "
                if taken[m.start(1)] or before.isalnum() or before == "$":
                    continue
                symbol = m.group(1).upper()
                index = self._tickers.get(symbol)
                name = self.entries[index].name if index is not None else symbol
                count((name, "TICKER"), m.group())
        if "代币" in doc.simp or "oken" in shown:  # "MON代币", "SEA token", "its own token, SEA"
            for at, symbol in token_symbols(doc.simp):
                if taken[at] or symbol in _NOT_TICKERS:
                    continue
                index = self._tickers.get(symbol)
                name = self.entries[index].name if index is not None else symbol
                count((name, "TICKER"), symbol)
                taken[at : at + len(symbol)] = b"\x01" * len(symbol)
        for hit in hits:  # "Taiwan's Financial Supervisory Commission" names Taiwan too
            if hit.entry.type == "ORG" and "'s " in shown[hit.start : hit.end]:
                head = shown[hit.start : hit.end].split("'s ", 1)[0]
                place = self._places.get(head)
                if place is not None:
                    count((place, "PLACE"), head)
        if place_spans and name_spans:  # "Wenzhou police", 美国联邦调查局: no place of its own
            place_spans = [p for p in place_spans if (p[0], p[1]) not in absorbed]
            parts = places_in_names(shown, [(s, e) for s, e, _ in place_spans], name_spans)
            for (_, _, key), part in zip(place_spans, parts, strict=True):
                if part and key in counts:
                    counts[key] -= 1
                    if counts[key] <= 0:
                        del counts[key]
        for start, end, value, code in amounts:
            count((render(value, code), "MONEY"), shown[start:end])
        if ends:
            merge_scripts(shown, counts, mentions, ends)
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))
        listed = tuple(
            Entity(name, kind, n, tuple(mentions[(name, kind)])) for (name, kind), n in ordered
        )
        listed = govbodies.merge_short_forms(traps.unlisted(listed, doc, hits, amounts))
        listed = merge_found_short_forms(listed, lambda name: self.canonical(name) != name or (
            name.casefold() in self._canonical))
        return names.merge_family_names(listed) if "·" in doc.simp else listed


_LEVELS = frozenset("省市州县縣区區")
# stablecoins minted, moved or frozen are the stablecoin's story, not a market position
_STABLE = frozenset({"USDT", "USDC", "USDS", "USDE", "DAI", "FDUSD", "PYUSD", "USD1", "RLUSD"})
_NOT_TICKERS = frozenset({"NFT", "NFTS", "ERC", "BRC", "RWA", "AI", "DEFI", "DAO", "ICO", "IEO",
                          "IDO", "TGE", "CEO", "US", "EU", "UK", "ETF", "SPL", "USD", "EVM"})
_POSSESSIVE_INSIDE = re.compile(r"(?<!People)['’]s ")
_LEGAL_TAIL = re.compile(
    r"(?:,?\s(?:Inc\.?|Ltd\.?|Limited|Corporation|Corp\.?|Group|Holdings|Co\.|Company|PLC|plc|"
    r"Pte\.?|AG|SA|LLC|N\.V\.|Technologies|International))+$"
)
