"""The cheap paths of grouping give what the full ones would: the pre-score never rejects a
pair :func:`compare` would join, the one-pass views are the keys' definitions, and the
stored form the worker prepares is the JSON the store always held."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.stories.test_stage import DATA, save
from tui.store import Store
from tui.stories.score import RUSH_HOURS, WEIGHTS, compare, hopeless
from tui.stories.shingles import BINS, EMPTY, empty_mask
from tui.stories.signals import Signals, distinctive
from tui.stories.stage import group_new, regroup

T0 = 1_795_000_000
_KEYS = (
    ["e:binance", "e:pboc", "e:okx", "n:velora", "n:nexora", "n:aeth", "t:btc", "t:usdt",
     "p:shenzhen", "p:hong kong", "d:2026-03-01", "d:2026-03-02", "o:residents", "o:after"]
    + [f"{kind}:{cur}:{value}" for kind in "$h" for cur in ("USD", "CNY")
       for value in ("3e+07", "1.5e+09", "8.1e+06")]
    + [f"#:{n}" for n in ("4.1", "162", "60000000", "2026", "12", "3e+07", "1.5e+09")]
    + [f"^{k}" for k in ("e:binance", "e:pboc", "n:velora", "n:nexora")]
    + [f"b{band}:{value:08x}" for band in range(3) for value in (1, 2)]
)


def _signals(ref: int, keys: frozenset[str], sig: tuple[int, ...], hours: float | None,
             title: str = "t") -> Signals:
    published = None if hours is None else T0 + int(hours * 3600)
    return Signals(ref, published, "en", title, keys, sig)


_sig = st.lists(st.sampled_from([EMPTY, 1, 2, 3, 4]), min_size=BINS, max_size=BINS).map(tuple)
_keyset = st.frozensets(st.sampled_from(_KEYS), max_size=12)
_hours = st.one_of(st.none(), st.floats(min_value=0, max_value=72))


@st.composite
def _pair(draw: st.DrawFn) -> tuple[frozenset[str], frozenset[str], tuple[int, ...],
                                     tuple[int, ...]]:
    """Two reports that share some of their keys and bins (pairs near the bar)."""
    keys_a = draw(_keyset)
    kept = draw(st.frozensets(st.sampled_from(sorted(keys_a)), max_size=len(keys_a))
                ) if keys_a else frozenset()
    keys_b = kept | draw(st.frozensets(st.sampled_from(_KEYS), max_size=4))
    sig_a = draw(_sig)
    mask = draw(st.lists(st.booleans(), min_size=BINS, max_size=BINS))
    sig_b = tuple(x if keep else y for x, y, keep in zip(sig_a, draw(_sig), mask, strict=True))
    return keys_a, keys_b, sig_a, sig_b


_RARE = frozenset({"e:okx", "^e:okx"})  # one rare name in both headlines, an hour apart


@settings(max_examples=400, deadline=None)
@given(_pair(), _hours, _hours, st.dictionaries(st.sampled_from(_KEYS), st.integers(1, 80)))
@example((_RARE, _RARE, (1,) * BINS, (2,) * BINS), 0.0, 1.0, {})  # joins on the rare bonus
@example((_RARE, _RARE, (1,) * BINS, (2,) * BINS), 0.0, 30.0, {})  # too late for it
def test_the_pre_score_never_rejects_a_pair_compare_joins(
        pair: tuple[frozenset[str], frozenset[str], tuple[int, ...], tuple[int, ...]],
        hours_a: float | None, hours_b: float | None, counts: dict[str, int]) -> None:
    keys_a, keys_b, sig_a, sig_b = pair
    a = _signals(1, keys_a, sig_a, hours_a)
    b = _signals(2, keys_b, sig_b, hours_b)
    same = compare(a, b, lambda key: counts.get(key, 1)).same
    if a.published is None or b.published is None:
        rush = False
    else:
        rush = abs(a.published - b.published) <= RUSH_HOURS * 3600
    if hopeless(a, b, rush) or hopeless(a, b):
        assert not same
    if keys_a == keys_b == _RARE and sig_a != sig_b:  # the examples: the bar is met exactly
        assert same == rush


@settings(max_examples=300, deadline=None)
@given(_keyset, _sig)
def test_one_pass_views_are_the_definitions(keys: frozenset[str], sig: tuple[int, ...]) -> None:
    one = _signals(1, keys, sig, 0)
    assert one.strong == {k for k in keys if k[0] in "en$"}
    assert one.half == {k for k in keys if k[0] in "tp#d"}
    assert one.vague == {k for k in keys if k[0] == "o"}
    sums = {k.rsplit(":", 1)[1] for k in keys if k[0] == "$"}
    assert one.distinct == {k for k in keys if k[0] == "#" and k[2:] not in sums
                            and distinctive(k)}
    assert abs(one.base_strong - (sum(WEIGHTS[k[0]] for k in one.strong)
                                  + 0.9 * len(one.vague))) < 1e-9
    headline = [k for k in keys if k[0] == "h"] or [k for k in keys if k[0] == "$"]
    for currency, key in one.largest.items():
        values = [float(k.split(":")[2]) for k in headline if k.split(":")[1] == currency]
        assert float(key.split(":")[2]) == max(values) and key[0] == "$"
    assert one.empty == sum(1 << i for i, v in enumerate(sig) if v == EMPTY) == empty_mask(sig)


@settings(max_examples=200, deadline=None)
@given(_keyset, _sig, st.text(max_size=60), _hours, st.integers(1, 10**9))
def test_the_prepared_stored_form_is_the_json_and_travels(
        keys: frozenset[str], sig: tuple[int, ...], title: str, hours: float | None,
        ref: int) -> None:
    # Hostile titles (quotes, backslashes, control and bidi characters) stay exact.
    one = _signals(None, keys, sig, hours, title).prepared()  # type: ignore[arg-type]
    arrived = pickle.loads(pickle.dumps(one))  # from the worker's process
    placed = arrived.moved(ref, T0)
    assert placed.ref == ref and placed.published == T0
    assert placed.stored_json() == json.dumps(placed.to_json(), ensure_ascii=False)
    assert arrived.stored_json() == json.dumps(one.to_json(), ensure_ascii=False)
    back = Signals.from_json(ref, json.loads(placed.stored_json()))
    assert (back.keys, back.sig, back.title, back.published) == (keys, sig, title, T0)
    assert placed.blocking_keys() == one.blocking_keys() and placed.strong == one.strong


def test_a_regroup_rebuilds_the_key_index_and_the_links(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()][:80]
    with Store.open(tmp_path / "c.db") as store:
        save(store, rows)
        group_new(store, None)
        conn = store.db.conn
        at_ingest = dict(conn.execute("SELECT guid, story_id FROM articles").fetchall())
        regroup(store)
        regroup(store)  # the second keeps every link: nothing to rewrite
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                            "AND name = 'story_keys_article'").fetchone()[0] == 1
        after = dict(conn.execute("SELECT guid, story_id FROM articles").fetchall())
        assert None not in after.values() and set(after) == set(at_ingest)
        partition = {frozenset(g for g in after if after[g] == s) for s in after.values()}
        assert partition == {frozenset(g for g in at_ingest if at_ingest[g] == s)
                             for s in at_ingest.values()}
        assert conn.execute("SELECT count(*) FROM articles a LEFT JOIN stories s "
                            "ON s.id = a.story_id WHERE s.id IS NULL").fetchone()[0] == 0
        assert conn.execute("SELECT sum(size) FROM stories").fetchone()[0] == len(rows)
        # The rebuilt article index serves the delete trigger: an article takes its keys.
        (victim,) = conn.execute("SELECT article_id FROM story_keys LIMIT 1").fetchone()
        conn.execute("DELETE FROM articles WHERE id = ?", (victim,))
        assert conn.execute("SELECT count(*) FROM story_keys WHERE article_id = ?",
                            (victim,)).fetchone()[0] == 0
