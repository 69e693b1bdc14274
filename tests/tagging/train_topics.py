"""Train the topic salience model on the train split and ship its weights as data.

    python -m tests.tagging.train_topics [--write] [--cv K [--by-topic] [--repeat N]] [FILE ...]

Logistic regression (pure Python, L2, Newton's method) over the salience features of
:mod:`tui.tagging.topics`: one shared weight per feature and a bias per topic. The last two
features, ``term_lift`` and ``title_lift`` (the same over title terms only), read a table
counted here from the train split (per topic and evidence term: items labelled with the
topic / items the term touched it in; terms seen once are left out) that ships in the model
file; on train each item is scored leave-one-out, so the feature is no stronger on train
than on unseen text. Regularisation, the term prior and per-topic deltas were compared on
dev (L2 0.5-8, prior 1-16, deltas 5-50: within 0.01 of each other; the simplest is kept).
Rows are the (item, topic) pairs the text touches; a topic the text never touches is never
predicted. The weights are fitted on split "train" only (the old dev set counts as train);
the threshold is chosen on dev: its topic micro-F1 is averaged over the neighbours within
:data:`WINDOW` (dev has ~140 items, so a single threshold's F1 moves by a label or two; the
average picks the plateau, not a spike), and the highest threshold within :data:`TOLERANCE`
of the best average is taken (dev cannot tell the plateau's thresholds apart, and precision
is the weaker side on every held-out split). Test and the holdouts are never read here.
Writes ``tui/tagging/data/topic_model.json`` with ``--write``.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.tagging.report import load_all
from tui.models import TOPICS
from tui.tagging import Tagger, topics

MODEL_PATH = Path(__file__).resolve().parents[2] / "tui" / "tagging" / "data" / "topic_model.json"
L2 = 2.0  # on the shared feature weights (chosen on dev among 0.1, 0.5, 2)
L2_BIAS = 0.01
WINDOW = 3  # thresholds (in steps of 0.01) either side averaged when choosing on dev
TOLERANCE = 0.005  # smoothed dev F1 this close to the best counts as the plateau (~2 labels)
STEPS = 30  # Newton steps (at most; it stops when the step is below 1e-7)

Row = tuple[str, tuple[float, ...], int, str]  # topic, features, label, item id
Raw = tuple[str, tuple[float, ...], int, str, "topics._Acc"]  # ... plus the evidence
Table = dict[str, dict[str, tuple[int, int]]]
MIN_SEEN = 2  # terms seen once on train are left out of the table (leave-one-out: no record)


def raw_rows(tagger: Tagger, items: list[dict]) -> list[Raw]:
    """The text features and evidence of every (item, topic) pair the text touches; the same
    parse ``tag()`` scores (the tagger's own ``_doc``/``_parse``, so training sees what tagging
    sees)."""
    out = []
    for item in items:
        doc = tagger._doc(item["title"], item.get("summary", ""), item.get("content", ""))
        hits, spans, _, _ = tagger._parse(doc)
        gold = set(item["topics"])
        for slug, (values, acc) in topics.features(doc, spans, hits).items():
            if slug in TOPICS:
                out.append((slug, values, int(slug in gold), item["id"], acc))
    return out


def term_table(data: list[Raw]) -> Table:
    """Per topic and evidence term: (items labelled with the topic, items the term touched
    it in), plus the topic's totals under ``""``; train rows only."""
    counts: dict[str, dict[str, list[int]]] = {}
    for slug, _, y, _, acc in data:
        table = counts.setdefault(slug, {})
        for term in ("", *acc.terms):
            c = table.setdefault(term, [0, 0])
            c[0] += y
            c[1] += 1
    return {
        slug: {t: (c[0], c[1]) for t, c in sorted(table.items()) if t == "" or c[1] >= MIN_SEEN}
        for slug, table in sorted(counts.items())
    }


def rows(data: list[Raw], table: Table, leave_out: bool) -> list[Row]:
    """Full feature rows; on train each item is scored without its own label (leave-one-out),
    so the term features measure what they will on unseen text."""
    return [
        (s, (*x, *topics.term_lifts(s, acc, table, y if leave_out else None)), y, i)
        for s, x, y, i, acc in data
    ]


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gauss-Jordan with partial pivoting (the systems here are ~30 x 30)."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        pivot = m[c][c]
        if abs(pivot) < 1e-12:
            continue
        for r in range(n):
            if r != c and m[r][c]:
                f = m[r][c] / pivot
                mr, mc = m[r], m[c]
                for j in range(c, n + 1):
                    mr[j] -= f * mc[j]
    return [m[i][n] / m[i][i] if abs(m[i][i]) > 1e-12 else 0.0 for i in range(n)]


def _design(slug: str, x: tuple[float, ...], k: int, deltas: bool) -> list[float]:
    """Shared features, a one-hot bias per topic and (with ``deltas``) the topic's own copy."""
    ti = TOPICS.index(slug)
    row = list(x) + [1.0 if i == ti else 0.0 for i in range(len(TOPICS))]
    if deltas:
        for t in range(len(TOPICS)):
            row += list(x) if t == ti else [0.0] * k
    return row


def fit(
    data: list[Row], l2_delta: float | None = None
) -> tuple[list[float], dict[str, float], dict[str, list[float]]]:
    """Shared weights, a bias per topic and, with ``l2_delta``, per-topic deltas.

    Newton's method on the L2-penalised log loss (a few dozen parameters: it converges in
    about ten steps where gradient descent needed thousands). Per-topic deltas
    (``--deltas 20``) fit train a little better and dev no better, so the shipped model
    shares its weights across topics.
    """
    k, nt = len(topics.FEATURES), len(TOPICS)
    deltas = l2_delta is not None
    xs = [_design(slug, x, k, deltas) for slug, x, _, _ in data]
    ys = [y for _, _, y, _ in data]
    m = k + nt + (nt * k if deltas else 0)
    reg = [L2] * k + [L2_BIAS] * nt + ([l2_delta or 0.0] * (nt * k) if deltas else [])
    w = [0.0] * m
    for _ in range(STEPS):
        g = [reg[j] * w[j] for j in range(m)]
        h = [[0.0] * m for _ in range(m)]
        for j in range(m):
            h[j][j] = reg[j]
        for x, y in zip(xs, ys, strict=True):
            z = math.fsum(a * b for a, b in zip(w, x, strict=True))
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            d, q = p - y, p * (1.0 - p)
            nz = [(j, v) for j, v in enumerate(x) if v]
            for j, v in nz:
                g[j] += d * v
                hj = h[j]
                for i, u in nz:
                    hj[i] += q * v * u
        step = _solve(h, g)
        w = [a - b for a, b in zip(w, step, strict=True)]
        if max(abs(s) for s in step) < 1e-7:
            break
    bias = {t: w[k + i] for i, t in enumerate(TOPICS)}
    dl = {
        t: (w[k + nt + i * k : k + nt + (i + 1) * k] if deltas else [0.0] * k)
        for i, t in enumerate(TOPICS)
    }
    return w[:k], bias, dl


def micro_f1(data: list[Row], items: list[dict], model: topics.Model) -> tuple[float, float, float]:
    return _prf(*_counts(data, items, model))


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def _counts(data: list[Row], items: list[dict], model: topics.Model) -> tuple[int, int, int]:
    """(tp, fp, fn) of the topics ``model`` applies to ``items``, at most max_topics each."""
    tp, fp, fn = breakdown(data, items, model)["all"]
    return tp, fp, fn


def breakdown(data: list[Row], items: list[dict], model: topics.Model) -> dict[str, list[int]]:
    """[tp, fp, fn] of the topics ``model`` applies to ``items`` (at most max_topics each),
    for "all", for each topic and for each language ("lang:en"): where the errors are, which
    the micro-F1 alone does not say."""
    by_item: dict[str, list[tuple[float, str]]] = {}
    for slug, x, _, ident in data:
        p = model.probability(slug, x)
        if p >= model.threshold:
            by_item.setdefault(ident, []).append((p, slug))
    out: dict[str, list[int]] = {"all": [0, 0, 0]}
    for item in items:
        chosen = sorted(by_item.get(item["id"], []), reverse=True)[: model.max_topics]
        pred = {s for _, s in chosen}
        gold = set(item["topics"])
        lang = out.setdefault(f"lang:{item.get('lang', '?')}", [0, 0, 0])
        for slug in pred | gold:
            k = 0 if slug in pred and slug in gold else 1 if slug in pred else 2
            for group in (out["all"], lang, out.setdefault(slug, [0, 0, 0])):
                group[k] += 1
    return out


def choose_threshold(
    dev_rows: list[Row],
    dev: list[dict],
    w: list[float],
    b: dict[str, float],
    deltas: dict[str, tuple[float, ...]],
) -> float:
    """The highest threshold (0.25-0.75) whose dev micro-F1, averaged over its neighbours, is
    within :data:`TOLERANCE` of the best."""
    grid = [step / 100 for step in range(25, 76)]
    f1s = [
        micro_f1(dev_rows, dev, topics.Model(tuple(w), b, t, deltas=deltas))[2] for t in grid
    ]
    windows = [f1s[max(0, i - WINDOW) : i + WINDOW + 1] for i in range(len(grid))]
    smoothed = [sum(win) / len(win) for win in windows]
    top = max(smoothed)
    # the highest threshold within TOLERANCE of the best: on a flat plateau dev cannot tell
    # the thresholds apart, and precision is the weaker side on every held-out split
    return max(g for g, f in zip(grid, smoothed, strict=True) if f >= top - TOLERANCE)


@dataclass
class Trained:
    """A refit: the model as shipped (``payload``) and the rows it was scored on."""

    payload: dict[str, Any]
    model: topics.Model
    train: list[dict]
    dev: list[dict]
    train_rows: list[Row]
    dev_rows: list[Row]


def train(items: list[dict], l2_delta: float | None = None) -> Trained:
    """Fit on split "train", choose the threshold on "dev"; the payload is what ``--write``
    ships, so a test can check the shipped file is what this code and data produce."""
    train_items = [i for i in items if i.get("split", "train") == "train"]
    dev = [i for i in items if i.get("split") == "dev"]
    tagger = Tagger()
    train_raw = raw_rows(tagger, train_items)
    table = term_table(train_raw)
    train_rows = rows(train_raw, table, leave_out=True)
    dev_rows = rows(raw_rows(tagger, dev), table, leave_out=False)
    w, b, dl = fit(train_rows, l2_delta)
    deltas = {k: tuple(v) for k, v in dl.items()}
    threshold = choose_threshold(dev_rows, dev, w, b, deltas)
    payload = {
        "about": "topic salience model: python -m tests.tagging.train_topics --write",
        "features": list(topics.FEATURES),
        "weights": [round(x, 4) for x in w],
        "bias": {k: round(v, 4) for k, v in b.items()},
        "deltas": {k: [round(x, 4) for x in v] for k, v in dl.items() if any(v)},
        "threshold": threshold,
        "terms": table,
        "max_topics": topics.MAX_TOPICS,
        "trained_on": {"train_items": len(train_items)},
    }
    model = topics.Model(tuple(w), b, threshold, deltas=deltas)
    return Trained(payload, model, train_items, dev, train_rows, dev_rows)


def cross_validate(items: list[dict], folds: int = 5) -> tuple[float, float, float]:
    """Topic micro P/R/F1 of ``folds``-fold cross-validation on split "train" (see
    :func:`cv_breakdown`)."""
    tp, fp, fn = cv_breakdown(items, folds)["all"]
    return _prf(tp, fp, fn)


def cv_breakdown(
    items: list[dict], folds: int = 5, seed: int | None = None
) -> dict[str, list[int]]:
    """[tp, fp, fn] of ``folds``-fold cross-validation on split "train", overall, per topic
    and per language (:func:`breakdown`): in each fold
    the term table and the weights are fitted on the other folds and the threshold chosen on
    dev, then the fold is scored. Train has ~4.5 times dev's items, so a change that moves
    this is less likely a label or two of dev than one that moves dev alone."""
    train_items = [i for i in items if i.get("split", "train") == "train"]
    dev = [i for i in items if i.get("split") == "dev"]
    tagger = Tagger()
    train_raw, dev_raw = raw_rows(tagger, train_items), raw_rows(tagger, dev)
    order = list(range(len(train_items)))
    if seed is not None:  # another split of the same items (--repeat): the folds' own noise
        random.Random(seed).shuffle(order)
    fold = {train_items[j]["id"]: n % folds for n, j in enumerate(order)}
    total: dict[str, list[int]] = {}
    for k in range(folds):
        fit_raw = [r for r in train_raw if fold[r[3]] != k]
        table = term_table(fit_raw)
        w, b, _ = fit(rows(fit_raw, table, leave_out=True))
        threshold = choose_threshold(rows(dev_raw, table, leave_out=False), dev, w, b, {})
        model = topics.Model(tuple(w), b, threshold)
        held = [r for r in train_raw if fold[r[3]] == k]
        scored = [i for i in train_items if fold[i["id"]] == k]
        for group, c in breakdown(rows(held, table, leave_out=False), scored, model).items():
            t = total.setdefault(group, [0, 0, 0])
            for j in range(3):
                t[j] += c[j]
    return total


def render_breakdown(counts: dict[str, list[int]]) -> str:
    """One line per group: counts and P/R/F1, "all" first, then topics, then languages."""
    order = ["all", *(t for t in TOPICS if t in counts), *sorted(g for g in counts if ":" in g)]
    lines = []
    for group in order:
        tp, fp, fn = counts[group]
        p, r, f1 = _prf(tp, fp, fn)
        lines.append(
            f"  {group:<12} tp {tp:>4} fp {fp:>3} fn {fn:>3}  P {p:.3f} R {r:.3f} F1 {f1:.3f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--deltas", type=float, default=None, help="L2 of per-topic deltas")
    parser.add_argument("--cv", type=int, default=0, metavar="K", help="K-fold CV on train")
    parser.add_argument(
        "--by-topic", action="store_true", help="also per topic and language (train, CV, dev)"
    )
    parser.add_argument(
        "--repeat", type=int, default=0, metavar="N", help="CV also on N shuffled fold splits"
    )
    args = parser.parse_args(argv)
    if args.cv:
        items = load_all(args.files)
        counts = cv_breakdown(items, args.cv)
        p, r, f1 = _prf(*counts["all"])
        print(f"train {args.cv}-fold CV  topic micro P {p:.3f} R {r:.3f} F1 {f1:.3f}")
        if args.by_topic:
            print(render_breakdown(counts))
        if args.repeat:
            # one split's F1 moves by ~0.005 with the fold assignment alone: compare changes
            # on the mean of several splits, paired split by split
            f1s = [f1] + [
                _prf(*cv_breakdown(items, args.cv, seed)["all"])[2]
                for seed in range(1, args.repeat + 1)
            ]
            shown = " ".join(f"{x:.3f}" for x in f1s)
            print(f"CV F1 over {len(f1s)} splits: {shown}  mean {sum(f1s) / len(f1s):.4f}")
        return 0
    fitted = train(load_all(args.files), args.deltas)
    model, payload = fitted.model, fitted.payload
    print(f"threshold {model.threshold:.2f} (chosen on dev)")
    print("weights", dict(zip(topics.FEATURES, payload["weights"], strict=True)))
    print("bias", {k: round(v, 2) for k, v in model.bias.items()})
    for name, data, its in (
        ("train", fitted.train_rows, fitted.train), ("dev", fitted.dev_rows, fitted.dev)
    ):
        p, r, f1 = micro_f1(data, its, model)
        print(f"{name:<6} {len(its):>4} items  topic micro P {p:.3f} R {r:.3f} F1 {f1:.3f}")
        if args.by_topic:
            print(render_breakdown(breakdown(data, its, model)))
    print("(train is scored leave-one-out: its term lifts leave each item's own label out;"
          " tests.tagging.report scores train with the full table, a little higher)")
    if args.write:
        MODEL_PATH.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH}")
    elif json.loads(MODEL_PATH.read_text(encoding="utf-8")) != json.loads(json.dumps(payload)):
        print(f"differs from the shipped {MODEL_PATH.name}: refit with --write")
    else:
        print(f"same as the shipped {MODEL_PATH.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
