"""JSON records in and out of the engine: ``sinowire tag`` reads them, one out per line in."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from tui.cli.output import topic_evidence_json
from tui.config import Settings
from tui.html.writer import html_to_text
from tui.text import clean_line, clean_text


def _plain(value: Any, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{field} must be a string")
    text = html_to_text(value) if "<" in value else value
    return clean_text(text)


def tag_record(tagger: Any, record: Any) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise ValueError("each line must be a JSON object")
    title = _plain(record.get("title"), "title")
    if not title.strip():
        raise ValueError("title is required")
    tags = tagger.tag(
        clean_line(title), _plain(record.get("summary"), "summary"),
        _plain(record.get("content"), "content"), record.get("lang"),
    )
    return {
        "id": record.get("id"),
        "china": tags.china,
        "china_score": round(tags.china_score, 3),
        "regions": sorted(tags.regions),
        "evidence": [{"term": e.term, "entity": e.entity, "field": e.field}
                     for e in tags.evidence],
        "topics": sorted(tags.topics),
        "topic_evidence": topic_evidence_json(tags.topic_evidence),
        "entities": [{"name": e.name, "type": e.type, "count": e.count,
                      "mentions": list(e.mentions)} for e in tags.entities],
    }


def tag_lines(lines: Iterable[str], settings: Settings) -> Iterator[dict[str, Any]]:
    """Tag JSON Lines; a bad line gives an ``error`` record, never an exception."""
    from tui.tagging import Tagger

    tagger = Tagger.from_settings(settings)
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        record: Any = None
        try:
            record = json.loads(line)
            yield tag_record(tagger, record)
        except (ValueError, TypeError) as exc:
            ident = record.get("id") if isinstance(record, dict) else None
            yield {"id": ident, "error": f"line {number}: {clean_line(str(exc), 200)}"}
