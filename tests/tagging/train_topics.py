"""Train the topic salience model on the train split and ship its weights as data.

    python -m tests.tagging.train_topics [--write] [FILE ...]

Logistic regression (pure Python, L2, batch gradient descent) over the salience features of
:mod:`tui.tagging.topics`: one shared weight per feature and a bias per topic. Rows are the
(item, topic) pairs the text touches; a topic the text never touches is never predicted. The
threshold is the one that maximises topic micro-F1 on train. Only split "train" items (the old
dev set counts as train) are used; dev is printed for checking; test is never read here.
Writes ``tui/tagging/data/topic_model.json`` with ``--write``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from tests.tagging.report import load_all
from tui.models import TOPICS
from tui.tagging import Tagger, topics

MODEL_PATH = Path(__file__).resolve().parents[2] / "tui" / "tagging" / "data" / "topic_model.json"
L2 = 0.02
STEPS = 2500
RATE = 1.5

Row = tuple[str, tuple[float, ...], int, str]  # topic, features, label, item id


def rows(tagger: Tagger, items: list[dict]) -> list[Row]:
    out = []
    for item in items:
        feats = tagger.topic_features(
            item["title"], item.get("summary", ""), item.get("content", "")
        )
        gold = set(item["topics"])
        for slug, values in feats.items():
            if slug in TOPICS:
                out.append((slug, values, int(slug in gold), item["id"]))
    return out


def fit(
    data: list[Row], l2_delta: float | None = None
) -> tuple[list[float], dict[str, float], dict[str, list[float]]]:
    """Shared weights, a bias per topic and, with ``l2_delta``, per-topic deltas.

    Per-topic deltas (``--deltas 0.05``) fit train a little better but did worse on dev, so
    the shipped model shares its weights across topics.
    """
    k = len(topics.FEATURES)
    w = [0.0] * k
    b = dict.fromkeys(TOPICS, 0.0)
    dl = {t: [0.0] * k for t in TOPICS}
    n = len(data)
    for _ in range(STEPS):
        gw = [0.0] * k
        gb = dict.fromkeys(TOPICS, 0.0)
        gd = {t: [0.0] * k for t in TOPICS}
        for slug, x, y, _ in data:
            ds = dl[slug]
            z = b[slug] + sum((wi + di) * xi for wi, di, xi in zip(w, ds, x, strict=True))
            p = 1.0 / (1.0 + math.exp(-max(-30, min(30, z))))
            d = p - y
            g = gd[slug]
            for i in range(k):
                gw[i] += d * x[i]
                g[i] += d * x[i]
            gb[slug] += d
        for i in range(k):
            w[i] -= RATE * (gw[i] / n + L2 * w[i])
        for slug in TOPICS:
            b[slug] -= RATE * (gb[slug] / n + L2 * 0.1 * b[slug]) * 3
            if l2_delta is None:
                continue
            for i in range(k):
                dl[slug][i] -= RATE * 3 * (gd[slug][i] / n + l2_delta * dl[slug][i])
    return w, b, dl


def micro_f1(data: list[Row], items: list[dict], model: topics.Model) -> tuple[float, float, float]:
    by_item: dict[str, list[tuple[float, str]]] = {}
    for slug, x, _, ident in data:
        p = model.probability(slug, x)
        if p >= model.threshold:
            by_item.setdefault(ident, []).append((p, slug))
    tp = fp = fn = 0
    for item in items:
        chosen = sorted(by_item.get(item["id"], []), reverse=True)[: model.max_topics]
        pred = {s for _, s in chosen}
        gold = set(item["topics"])
        tp += len(pred & gold)
        fp += len(pred - gold)
        fn += len(gold - pred)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--deltas", type=float, default=None, help="L2 of per-topic deltas")
    args = parser.parse_args(argv)
    items = load_all(args.files)
    train = [i for i in items if i.get("split", "train") == "train"]
    dev = [i for i in items if i.get("split") == "dev"]
    tagger = Tagger()
    train_rows, dev_rows = rows(tagger, train), rows(tagger, dev)
    w, b, dl = fit(train_rows, args.deltas)
    deltas = {k: tuple(v) for k, v in dl.items()}
    best = (0.0, 0.5)
    for step in range(20, 81):
        threshold = step / 100
        f1 = micro_f1(train_rows, train, topics.Model(tuple(w), b, threshold, deltas=deltas))[2]
        if f1 > best[0]:
            best = (f1, threshold)
    model = topics.Model(tuple(w), b, best[1], deltas=deltas)
    print(f"threshold {best[1]:.2f}")
    print("weights", dict(zip(topics.FEATURES, (round(x, 3) for x in w), strict=True)))
    print("bias", {k: round(v, 2) for k, v in b.items()})
    for name, data, its in (("train", train_rows, train), ("dev", dev_rows, dev)):
        p, r, f1 = micro_f1(data, its, model)
        print(f"{name:<6} {len(its):>4} items  topic micro P {p:.3f} R {r:.3f} F1 {f1:.3f}")
    if args.write:
        payload = {
            "about": "topic salience model: python -m tests.tagging.train_topics --write",
            "features": list(topics.FEATURES),
            "weights": [round(x, 4) for x in w],
            "bias": {k: round(v, 4) for k, v in b.items()},
            "deltas": {k: [round(x, 4) for x in v] for k, v in dl.items() if any(v)},
            "threshold": best[1],
            "max_topics": topics.MAX_TOPICS,
            "trained_on": {"train_items": len(train)},
        }
        MODEL_PATH.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
