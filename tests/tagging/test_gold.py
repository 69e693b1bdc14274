"""Quality floors on the gold set (tests/data/gold/*.jsonl), per split.

Train (the old dev set counts as train) and dev must hold their floors; the frozen test split
is reported (printed with ``-s``) and held only to a loose floor, never tuned on. The floors
sit a little under the measured figures (see CHANGELOG / the issue note): a drop below them is
a regression. Skipped when the gold files are not in this checkout.
"""

from __future__ import annotations

import pytest

from tests.tagging.report import (
    FROZEN,
    OLD_GROUP,
    SPLITS,
    Report,
    evaluate_groups,
    gold_files,
    load_all,
    old_test_topics,
    render_table,
)
from tui.tagging import Tagger

# split: (China F1, region micro-F1, topic micro-F1, entity recall, entity precision)
FLOORS = {
    "train": (0.93, 0.92, 0.77, 0.78, 0.82),
    "dev": (0.90, 0.88, 0.72, 0.70, 0.80),
    "test": (0.85, 0.82, 0.65, 0.68, 0.76),  # loose: reported, not tuned on
}

pytestmark = pytest.mark.skipif(not gold_files(), reason="no gold files in this checkout")


@pytest.fixture(scope="module")
def groups(tagger: Tagger) -> dict[str, Report]:
    groups = evaluate_groups(load_all(), tagger)
    print("\n" + render_table(groups))
    return groups


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_floors(groups: dict[str, Report], split: str) -> None:
    report = groups.get(split)
    if report is None or report.items < 20:
        pytest.skip(f"too few {split} items")
    china, region, topic, recall, precision = FLOORS[split]
    assert report.china.f1 >= china, report.china
    assert report.region_micro.f1 >= region, report.region_micro
    assert report.topic_micro.f1 >= topic, report.topic_micro
    assert report.entity_recall >= recall, report.entity_recall
    assert report.entity_precision >= precision, report.entity_precision


def test_gold_shape() -> None:
    items = load_all(gold_files())
    assert len({i["id"] for i in items}) == len(items)
    for item in items:
        assert item["split"] in SPLITS
        assert item["china"] == bool(set(item["regions"]) & {"CN", "HK", "MO"}), item["id"]


def test_relabel_lists_only_train_and_dev(capsys: pytest.CaptureFixture[str]) -> None:
    """The relabelling aid never shows a frozen split (test, holdout) and refuses to."""
    from tests.tagging import relabel

    frozen = {i["id"] for i in load_all() if i.get("split") in FROZEN}
    for split in ("train", "dev"):
        relabel.main(["--split", split, "--count", "100000"])
        shown = {line.split()[0] for line in capsys.readouterr().out.splitlines()
                 if line and not line.startswith(" ")}
        assert shown and not shown & frozen
    for split in FROZEN:
        with pytest.raises(SystemExit):
            relabel.main(["--split", split])


def test_test_relabels_are_recorded_and_scored_apart(groups: dict[str, Report]) -> None:
    """Every relabelled test item carries the TSV's "after" topics, and the report still scores
    the test split under its old labels ("test-old"), so both figures can be given."""
    old = old_test_topics()
    assert old, "no relabels recorded"
    items = {i["id"]: i for i in load_all(gold_files())}
    for ident, before in old.items():
        assert items[ident]["split"] == "test", ident
        assert before != items[ident]["topics"], ident
    assert groups[OLD_GROUP].items == groups["test"].items
    assert groups[OLD_GROUP].topic_micro != groups["test"].topic_micro


def test_gold_labels_follow_the_places_and_bodies_convention() -> None:
    """The README's entity conventions ("X police" is the body; a place inside a name only when
    named on its own) hold in every labelled item: the relabelling script finds nothing to do."""
    from tests.tagging.relabel_places import alias_index, currency_forms, place_index, relabel

    places, aliases, currencies = place_index(), alias_index(), currency_forms()
    changed = [
        item["id"] for item in load_all()
        if item.get("split") not in ("holdout", "holdout2")
        and relabel(item, places, aliases, currencies)
    ]
    assert not changed, changed
