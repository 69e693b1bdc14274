"""Turning entity spans into accepted hits: context checks and ambiguous aliases.

A word match is evidence, not a verdict. An alias marked "needs context" (``?=Sun``, ``?=SAFE``,
``?=Canaan``) counts only if the same entity is confirmed elsewhere by an unambiguous alias
("Justin Sun … Sun said"), if it is written as a cashtag, or if a word of its context set is
nearby. A context ``in:NAME`` is another entry named plainly in the same text: a district
named alone (南山, 內湖) is a place only where its city (深圳, 台北) is named too.
Anti-contexts drop hits ("Shanghai" near "upgrade"). When one alias belongs to several
entities (证监会: HK SFC near 香港, the SEC near 美国, otherwise the CSRC), the conditional
readings are tried first and the unconditional one is the fallback.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.tagging.gazetteer import Alias, ContextSet, Entry
from tui.tagging.matcher import Span
from tui.tagging.normalize import traditional_share


@dataclass(slots=True)
class Doc:
    """The three aligned views of one article plus lazily computed facts about it."""

    shown: str
    simp: str
    low: str
    title_len: int
    body_start: int
    _trad: bool | None = None
    contexts: dict[str, bool] = field(default_factory=dict)  # whole-document context answers

    @property
    def traditional(self) -> bool:
        if self._trad is None:  # folding changed nothing: not one Traditional character
            self._trad = self.shown != self.simp and traditional_share(self.shown) > 0.08
        return self._trad

    def field(self, start: int) -> str:
        return "title" if start < self.title_len else "body"


@dataclass(slots=True)
class Hit:
    start: int
    end: int
    entry: Entry
    alias: Alias
    index: int  # entry index in the tagger's table
    # the alias's own China weight, else the entry's: read for every hit by several stages,
    # so set once (entries and aliases are frozen) rather than a property per read
    weight: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.weight = self.entry.weight if self.alias.weight is None else self.alias.weight


class Resolver:
    """Context checks against the context sets of one gazetteer."""

    def __init__(self, entries: tuple[Entry, ...], contexts: dict[str, ContextSet]) -> None:
        self.entries = entries
        self.contexts = contexts
        self.by_name = {e.name: i for i, e in enumerate(entries)}  # for ``in:NAME`` contexts

    def near(self, doc: Doc, name: str | None, start: int, end: int) -> bool:
        if name is None:
            return False
        cset = self.contexts[name]
        if cset.trad and doc.traditional:
            return True
        if cset.doc:  # a whole-document context: the same answer for every hit, asked once
            known = doc.contexts.get(name)
            if known is None:
                known = doc.contexts[name] = any(word in doc.low for word in cset.words)
            return known
        else:
            text = (
                doc.low[max(0, start - cset.before) : start] + " " + doc.low[end : end + cset.after]
            )
        return any(word in text for word in cset.words)

    def _anti(self, doc: Doc, entry: Entry, alias: Alias, start: int, end: int) -> bool:
        return self.near(doc, alias.anti, start, end) or self.near(doc, entry.anti, start, end)

    def resolve(self, doc: Doc, spans: list[Span]) -> list[Hit]:
        """Accepted hits in text order; blockers and unconfirmed readings are dropped."""
        entries = self.entries
        hits: list[Hit] = []
        confirmed: set[int] = set()
        pending: list[Span] = []
        for span in spans:
            start, end, payloads = span
            if len(payloads) == 1:
                index, alias_index = payloads[0][1]
                if index < 0:  # a blocker won this span
                    continue
                entry = entries[index]
                alias = entry.aliases[alias_index]
                if alias.needs_context:
                    pending.append(span)
                    continue
            else:
                if any(p[1][0] < 0 for p in payloads):
                    continue
                if any(entries[p[1][0]].aliases[p[1][1]].needs_context for p in payloads):
                    pending.append(span)
                    continue
                index, alias_index = payloads[0][1]
                entry = entries[index]
                alias = entry.aliases[alias_index]
            if (alias.anti is None and entry.anti is None) or not self._anti(
                doc, entry, alias, start, end
            ):
                hits.append(Hit(start, end, entry, alias, index))
                confirmed.add(index)
        for span in pending:
            hit = self._choose(doc, span, confirmed)
            if hit is not None:
                hits.append(hit)
        if pending:
            hits.sort(key=lambda h: h.start)
        return hits

    def _choose(self, doc: Doc, span: Span, confirmed: set[int]) -> Hit | None:
        start, end, payloads = span
        options = [(self.entries[i], self.entries[i].aliases[a], i) for _, (i, a) in payloads]
        # the entity the text already named plainly first (立法會 after 澳門立法會 is Macau's),
        # then the other conditional readings, the unconditional one last
        options.sort(key=lambda o: (o[2] not in confirmed, not o[1].needs_context))
        cashtag = start > 0 and doc.shown[start - 1] == "$"
        for entry, alias, index in options:
            context = alias.context
            if context is not None and context.startswith("in:"):
                if self.by_name.get(context[3:]) not in confirmed:
                    continue  # 南山 without 深圳: a mountain, a name, not the district
            elif alias.needs_context and not (
                index in confirmed or cashtag or self.near(doc, context, start, end)
            ):
                continue
            if self._anti(doc, entry, alias, start, end):
                continue
            return Hit(start, end, entry, alias, index)
        return None
