"""Apply the README's two entity conventions to every gold file, by rule, from the text only.

    python -m tests.tagging.relabel_places [--write]

Why: the labels disagreed with themselves ("Wenzhou police" labelled as the place in some items
and as the body in others; places inside a body's name labelled in some items only), which caps
every score. The README's definitions now say:

1. "X police" / "X警方" (X a mainland, Hong Kong or Macau place) names the body, X's public
   security bureau or police force; it is labelled as that ORG unless the item already labels a
   police body of X (its branch, the Judiciary Police) that the short form stands for.
2. A place inside an entity's name (Hong Kong in "Hong Kong Monetary Authority", 营口 in
   "营口市公安局", Wenzhou in "Wenzhou police") is not a PLACE of its own: the place is labelled
   only when the text also names it outside every name ("Police in Wenzhou said", "Macau's
   Judiciary Police", "在深圳").

Every change is written to ``tests/data/gold/relabels-places-in-names.tsv`` (id, field, old,
new, reason). The tagger is never run: spans come from the text, the gold names and the
gazetteer's aliases of those names.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from tests.tagging.report import DEFAULT_SET, gold_files
from tui.tagging.gazetteer import Entry, load_entries
from tui.tagging.normalize import nfkc, to_simplified

RELABELS = Path(__file__).resolve().parents[1] / "data" / "gold" / "relabels-places-in-names.tsv"

# EN: a place, then capitalised words, then a body word ("Hangzhou Public Security Bureau",
# "Shenzhen Futian police", "Guangdong Provincial Development and Reform Commission").
_EN_BODY_TAIL = re.compile(
    r"(?:[ -][A-Z][\w'’.-]*(?:[ -](?:[A-Z][\w'’.-]*|of|and|for|the|de))*?)?"
    r"[ -](?:police|Police|Bureau|Court|Procuratorate|Commission|Office|Department|"
    r"Administration|Authority|Committee|Government|Branch|Agency|Force|Regulator|Council)\b"
)
# ZH: a place, a level, then a body suffix within one unbroken run of characters.
_ZH_BODY_TAIL = re.compile(
    r"[省市区县州]?[\u4e00-\u9fff]{0,8}?(?:公安局|公安分局|公安厅|分局|警方|公安|派出所|法院|"
    r"检察院|发改委|发展和改革委员会|网信办|金融监管局|金融管理局|地方金融监督管理局|能源局|"
    r"监管局|人民政府|政府|市委|区委|委员会|管理局|供电公司|电力公司|警察局|警务处|金管局|证监会)"
)
_NOT_IN_BODY = re.compile(r"[的和与及、，。；：\s]")
_EN_POLICE = re.compile(r"\b((?:[A-Z][a-z]+ ){0,2}[A-Z][a-z]+) [Pp]olice\b")
_ZH_POLICE = re.compile(
    r"(?:([\u4e00-\u9fff]{2,3}?)[省市]?、)?([\u4e00-\u9fff]{2,4}?)[省市]?(?:两地|三地|等地)?警方"
)
# descriptions the gazetteer lists as aliases ("朝鲜黑客", "North Korean hackers"): not names
_DESCRIPTION = re.compile(r"黑客|hackers", re.I)
_POLICE_ORG = re.compile(r"[Pp]olice|Public Security|公安|警")
_MAINLAND_LEVELS = "省市区县州"


def place_index() -> dict[str, Entry]:
    """Surface form → PLACE entry (first listed wins), with the CN level suffix stripped too."""
    out: dict[str, Entry] = {}
    for entry in load_entries():
        if entry.type != "PLACE":
            continue
        for form in (entry.name, *(a.surface for a in entry.aliases)):
            form = to_simplified(nfkc(form.lstrip("=?")))
            out.setdefault(form, entry)
    return out


def alias_index() -> dict[str, set[str]]:
    """Any alias (casefolded, simplified) → every surface form of its entry."""
    out: dict[str, set[str]] = {}
    for entry in load_entries():
        forms = {to_simplified(nfkc(a.surface.lstrip("=?"))) for a in entry.aliases}
        forms.add(to_simplified(nfkc(entry.name)))
        for form in forms:
            out.setdefault(form.casefold(), set()).update(forms)
    return out


def _find(text: str, form: str) -> list[tuple[int, int]]:
    """Occurrences of ``form`` in ``text``: whole words for Latin forms, case-sensitive for
    short ones, anywhere for Chinese."""
    if not form:
        return []
    if form.isascii():
        flags = 0 if len(form) <= 4 or form[0].isupper() else re.I
        either = re.escape(form) + "|" + re.escape(form.upper())  # datelines: "SINGAPORE -"
        pat = re.compile(r"(?<![\w])(?:" + either + r")(?![\w])", flags)
    else:
        pat = re.compile(re.escape(form))
    return [(m.start(), m.end()) for m in pat.finditer(text)]


def _place_forms(name: str, places: dict[str, Entry]) -> set[str]:
    simple = to_simplified(nfkc(name))
    forms = {simple}
    entry = places.get(simple) or places.get(simple.rstrip(_MAINLAND_LEVELS))
    if entry is not None:
        forms |= {to_simplified(nfkc(a.surface.lstrip("=?"))) for a in entry.aliases}
        forms.add(to_simplified(nfkc(entry.name)))
    forms |= {f.rstrip(_MAINLAND_LEVELS) for f in forms if not f.isascii() and len(f) > 2}
    return {f for f in forms if f}


def currency_forms() -> set[str]:
    """Currency names that hold a place's name (澳门元, Hong Kong dollar): names, not places."""
    return {
        to_simplified(nfkc(a.surface.lstrip("=?")))
        for entry in load_entries() if entry.type == "MONEY"
        for a in entry.aliases if len(a.surface.lstrip("=?")) >= 3
    }


def _name_spans(
    text: str, item: dict[str, Any], aliases: dict[str, set[str]], currencies: set[str]
) -> list[tuple[int, int]]:
    """Spans of the item's labelled non-place names and of currency names, as written."""
    spans = [span for form in currencies if form in text for span in _find(text, form)]
    for ent in item["entities"]:
        if ent["type"] in ("PLACE", "MONEY"):
            continue
        name = to_simplified(nfkc(ent["name"]))
        for form in aliases.get(name.casefold(), {name}) | {name}:
            if len(form) >= 2 and not _DESCRIPTION.search(form):
                spans += _find(text, form)
    return spans


def _inside_body(text: str, start: int, end: int) -> bool:
    """Whether the place at text[start:end] opens a body's name written out ("X police")."""
    if text[start:end].isascii():
        if text[start:end].endswith(("ese", "ian", "ean", "ish")):
            return False  # "Taiwanese police": an adjective, not the place's name in a name
        return bool(_EN_BODY_TAIL.match(text, end))
    m = _ZH_BODY_TAIL.match(text, end)
    return bool(m and not _NOT_IN_BODY.search(m.group()))


def _named_alone(
    text: str, forms: set[str], spans: list[tuple[int, int]], orgs: set[int]
) -> bool:
    """Whether the text names the place outside every name; True when it is not found at all
    (a label the text cannot decide is kept)."""
    seen = False
    for form in forms:
        for start, end in _find(text, form):
            seen = True
            if text[end : end + 3] in ("'s ", "’s "):
                return True  # "Macau's Judiciary Police", "Taiwan's FSC": the place on its own
            if any(s <= start and end <= e and (s, e) != (start, end) for s, e in spans):
                continue
            if not text[start:end].isascii() and end in orgs:
                continue  # 美国 + 联邦调查局, 台湾 + 金管会: Chinese writes the place into the name
            if _inside_body(text, start, end):
                continue
            # "苏州、郑州警方": a place coordinated with one that opens a body shares that body
            m = re.match(r"[、和与及](?:[\u4e00-\u9fff]{2,4}?)[省市]?(?:警方|公安)", text[end:])
            if m:
                continue
            return True
    return not seen


def _police_bodies(text: str, item: dict[str, Any], places: dict[str, Entry]) -> list[str]:
    """Names of the police bodies the text names as "X police"/"X警方" that are not labelled."""
    police = [to_simplified(nfkc(e["name"])) for e in item["entities"] if e["type"] == "ORG"
              and _POLICE_ORG.search(e["name"]) and not e["name"].startswith(("Chinese", "中国"))]
    out: list[str] = []
    found: list[tuple[str, Entry]] = []
    for m in _EN_POLICE.finditer(text):
        words = m.group(1)
        if text[m.start(1) - 2 : m.start(1)] in ("'s", "’s"):
            continue
        # the longest tail of the words that is a place: "Shenzhen Futian" → Futian
        parts = words.split()
        for i in range(len(parts)):
            tail = " ".join(parts[i:])
            entry = places.get(tail)
            if entry is not None and entry.region in ("CN", "HK", "MO") and entry.name != "China":
                found.append((tail, entry))
                break
    for m in _ZH_POLICE.finditer(text):
        for group in m.groups():  # "苏州、郑州警方": two bodies
            for i in range(len(group or "") - 1):
                tail = group[i:]
                entry = places.get(tail)
                if entry is not None and entry.region in ("CN", "HK", "MO"):
                    found.append((tail, entry))
                    break
    for _surface, entry in found:
        forms = _place_forms(entry.name, places)
        if any(f in name for f in forms for name in police) or (
            entry.region == "MO" and any("Judiciary" in n or "司法警察" in n for n in police)
        ):
            continue  # the labelled body (a branch, the Judiciary Police) is what it stands for
        if entry.region == "HK":
            name = "Hong Kong Police Force"
        elif entry.region == "MO":
            name = "Macau Judiciary Police"
        else:  # the body's one English name in both languages (README), as the tagger lists it
            name = f"{entry.name} Public Security Bureau"
        if name not in out:
            out.append(name)
    return out


def relabel(
    item: dict[str, Any], places: dict[str, Entry], aliases: dict[str, set[str]],
    currencies: set[str],
) -> list[tuple[str, str, str, str]]:
    """Changes to one item (field, old, new, reason), applied to ``item`` in place."""
    text = to_simplified(nfkc("\n".join((item["title"], item.get("summary", ""),
                                         item.get("content", "")))))
    changes = []
    for name in _police_bodies(text, item, places):
        item["entities"].append({"name": name, "type": "ORG"})
        changes.append(("entities", "", f"{name} (ORG)", "X police names the body (rule 1)"))
    spans = _name_spans(text, item, aliases, currencies)
    orgs = {s for s, _ in _name_spans(text, {"entities": [
        e for e in item["entities"] if e["type"] == "ORG"]}, aliases, set())}
    kept = []
    for ent in item["entities"]:
        forms = _place_forms(ent["name"], places)
        if ent["type"] == "PLACE" and not _named_alone(text, forms, spans, orgs):
            changes.append(("entities", f"{ent['name']} (PLACE)", "",
                            "the place is named only inside a name (rule 2)"))
            continue
        kept.append(ent)
    item["entities"] = kept
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the gold files")
    args = parser.parse_args(argv)
    places, aliases, currencies = place_index(), alias_index(), currency_forms()
    rows = []
    for path in [DEFAULT_SET, *gold_files()]:
        lines = path.read_text(encoding="utf-8").splitlines()
        out = []
        for line in lines:
            if not line.strip():
                out.append(line)
                continue
            item = json.loads(line)
            if item.get("split") in ("holdout", "holdout2"):
                out.append(line)  # the holdouts label topics and China only
                continue
            changes = relabel(item, places, aliases, currencies)
            for field, old, new, reason in changes:
                rows.append((item["id"], item.get("split", "train"), field, old, new, reason))
            out.append(json.dumps(item, ensure_ascii=False) if changes else line)
        if args.write:
            path.write_text("\n".join(out) + "\n", encoding="utf-8")
    for row in rows:
        print("\t".join(row))
    if args.write:
        head = "id\tsplit\tfield\told\tnew\treason\n"
        RELABELS.write_text(head + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    print(f"({len(rows)} changes in {len({r[0] for r in rows})} items)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
