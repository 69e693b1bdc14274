"""The labelled development set: quality floors, and the set's own shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tagging.report import DEFAULT_SET, evaluate, load
from tui.models import REGIONS, TOPICS
from tui.tagging import Tagger

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def items() -> list[dict]:
    return load(DEFAULT_SET)


def test_quality_floors(items: list[dict], tagger: Tagger) -> None:
    report = evaluate(items, tagger)
    assert report.china.f1 >= 0.95, report.china
    assert report.topic_micro.f1 >= 0.85, report.topic_micro
    assert report.entity_recall >= 0.90, report.entity_recall


def test_set_shape(items: list[dict]) -> None:
    assert len(items) >= 200
    assert len({i["id"] for i in items}) == len(items)
    zh = sum(i["lang"] == "zh" for i in items)
    assert 0.35 <= zh / len(items) <= 0.5
    china = sum(i["china"] for i in items)
    assert 0.25 <= china / len(items) <= 0.6
    for region in REGIONS:
        assert any(region in i["regions"] for i in items)
    for topic in TOPICS:
        assert sum(topic in i["topics"] for i in items) >= 5, topic
    for item in items:
        assert set(item) >= {
            "id",
            "title",
            "summary",
            "lang",
            "china",
            "regions",
            "topics",
            "entities",
        }
        assert set(item["topics"]) <= set(TOPICS)
        assert all(
            e["type"] in {"ORG", "PERSON", "PLACE", "TICKER", "MONEY"} for e in item["entities"]
        )
        if "TW" in item["regions"] and not set(item["regions"]) & {"CN", "HK", "MO"}:
            assert not item["china"]


def test_report_script_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.tagging.report"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "micro" in result.stdout and "china" in result.stdout


def test_jsonl_is_valid() -> None:
    for line in DEFAULT_SET.read_text(encoding="utf-8").splitlines():
        json.loads(line)
