"""Tagger throughput on synthetic 3 KB articles, English and Chinese (one core).

    python tests/benchmarks/bench_tag.py [--quick] [--seconds N] [--stages]

Articles are built from generic news prose written for this benchmark, mixed one-in-three with
sentences from the labelled set (so entities, topics and China terms occur at a realistic
density), wrapped in <p> tags like feed content. A third "dense" run uses labelled sentences
only: every sentence names entities, a worst case. Not collected by pytest (bench_*.py).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tui.tagging import Tagger  # noqa: E402

FILLER_EN = [
    "The move comes as trading activity across the sector remains subdued after a volatile summer.",
    "Analysts said the outcome would depend on how quickly institutional demand returns.",
    "Several market participants declined to comment on the record.",
    "The company has not disclosed how many users are affected by the change.",
    "Industry groups want clearer guidance on how existing rules apply to digital assets.",
    "The proposal is open for public comment until the end of next month.",
    "Investors have grown more cautious as liquidity thinned in recent weeks.",
    "Developers say the change should reduce fees for ordinary users over time.",
    "The report draws on data collected over the past twelve months.",
    "It is not clear whether the plan will survive a review by the full committee.",
    "Volumes on smaller venues were little changed, according to publicly available data.",
    "The firm said it would share more details at its annual conference in the autumn.",
    "Critics argue that the measures do not go far enough to protect retail customers.",
    "Supporters counter that the framework strikes a reasonable balance between risk and growth.",
    "Shares of listed crypto companies moved in a narrow range during the session.",
    "The network processed more transactions last quarter than in any previous period.",
    "Some observers expect consolidation among smaller operators as margins come under pressure.",
    "The agency said its review is ongoing and that no final decision has been taken.",
    "Officials stressed that the pilot is limited in scope and will be evaluated before expansion.",
    "The token has lost more than half of its value since the start of the year.",
]
FILLER_ZH = [
    "业内人士表示，市场情绪在近期有所回暖，但整体交易量仍处于低位。",
    "分析人士认为，后续走势仍取决于机构资金的入场节奏。",
    "该公司并未透露受影响用户的具体数量。",
    "多家行业机构呼吁监管部门进一步明确现有规则的适用范围。",
    "相关方案将公开征求意见至下月底。",
    "近期流动性明显收紧，投资者整体趋于谨慎。",
    "开发者表示，此次调整有望在长期内降低普通用户的手续费。",
    "报告数据覆盖过去十二个月的链上活动。",
    "目前尚不清楚该计划能否在委员会审议中获得通过。",
    "小型平台的成交量基本持平。",
    "该机构表示将在年度大会上公布更多细节。",
    "批评者认为，现有措施不足以保护散户投资者。",
    "支持者则认为，新框架在风险与发展之间取得了平衡。",
    "相关上市公司股价在盘中窄幅波动。",
    "网络上季度处理的交易笔数创下新纪录。",
    "有观察人士预计，随着利润空间收窄，中小运营商之间可能出现整合。",
]


def _labelled() -> tuple[list[str], list[str]]:
    en, zh = [], []
    for line in (ROOT / "tests" / "data" / "labelled.jsonl").read_text("utf-8").splitlines():
        item = json.loads(line)
        (zh if item["lang"] == "zh" else en).extend([item["title"] + ".", item["summary"]])
    return en, zh


def article(
    rng: random.Random,
    filler: list[str],
    labelled: list[str],
    size: int,
    dense: bool = False,
    joiner: str = " ",
) -> tuple[str, str]:
    """(title, html body) of about ``size`` UTF-8 bytes."""
    title = rng.choice(labelled).rstrip(".")
    paragraphs, paragraph, total = [], [], len(title.encode())
    while total < size:
        pool = labelled if dense or rng.random() < 1 / 3 else filler
        sentence = rng.choice(pool)
        paragraph.append(sentence)
        total += len(sentence.encode()) + 8
        if len(paragraph) == 4:
            paragraphs.append("<p>" + joiner.join(paragraph) + "</p>")
            paragraph = []
    if paragraph:
        paragraphs.append("<p>" + joiner.join(paragraph) + "</p>")
    return title, "\n".join(paragraphs)


def run(
    tagger: Tagger, docs: list[tuple[str, str]], seconds: float, lang: str, repeats: int = 3
) -> tuple[float, float]:
    """Best of ``repeats`` runs: articles per second of CPU time (one core) and of wall time.

    Like timeit, the best run is the one least disturbed by other processes on the machine.
    """
    best = (0.0, 0.0)
    for _ in range(repeats):
        done, wall, cpu = 0, time.perf_counter(), time.process_time()
        while True:
            for title, body in docs:
                tagger.tag(title, "", body, lang)
            done += len(docs)
            elapsed = time.process_time() - cpu
            if elapsed >= seconds / repeats:
                break
        best = max(best, (done / elapsed, done / (time.perf_counter() - wall)))
    return best


def stages(tagger: Tagger, docs: list[tuple[str, str]], lang: str, repeats: int = 3) -> str:
    """CPU µs per article of each stage of :meth:`Tagger.tag`, best of ``repeats`` (the scan is
    timed on its own, then again inside the parse: "parse" is the rest of it)."""
    from tui.tagging import topics
    from tui.tagging.china import score_china

    clock = time.process_time
    best: dict[str, float] = {}
    for _ in range(repeats):
        spent = dict.fromkeys(("doc", "scan", "parse", "china", "topics", "entities", "hash"), 0.0)
        for title, body in docs:
            t0 = clock()
            doc = tagger._doc(title, "", body)
            t1 = clock()
            tagger._matcher.scan(doc.low, doc.simp)
            t2 = clock()
            hits, spans, cues, amounts = tagger._parse(doc)
            t3 = clock()
            score_china(doc, hits, tagger.china_regions)
            t4 = clock()
            topics.score_topics(doc, spans, hits)
            t5 = clock()
            tagger._entities(doc, hits, cues, amounts)
            t6 = clock()
            tagger.input_hash(title, "", body, lang)
            t7 = clock()
            for key, value in zip(
                spent,
                (t1 - t0, t2 - t1, t3 - t2 - (t2 - t1), t4 - t3, t5 - t4, t6 - t5, t7 - t6),
                strict=True,
            ):
                spent[key] += value
        for key, value in spent.items():
            best[key] = min(best.get(key, value), value)
    return "  ".join(f"{k} {1e6 * v / len(docs):.0f}" for k, v in best.items()) + " µs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Tagger throughput on synthetic 3 KB articles")
    parser.add_argument("--quick", action="store_true", help="about a second per run")
    parser.add_argument("--seconds", type=float, default=None, help="time per run")
    parser.add_argument("--size", type=int, default=3000, help="article size in bytes")
    parser.add_argument("--stages", action="store_true", help="CPU time of each stage too")
    args = parser.parse_args(argv)
    seconds = args.seconds or (1.0 if args.quick else 6.0)
    rng = random.Random(7)
    en, zh = _labelled()
    start = time.perf_counter()
    tagger = Tagger()
    print(f"build: {1000 * (time.perf_counter() - start):.0f} ms")
    runs = [
        ("en", "EN", [article(rng, FILLER_EN, en, args.size) for _ in range(200)]),
        ("zh", "ZH", [article(rng, FILLER_ZH, zh, args.size, joiner="") for _ in range(200)]),
        (
            "en",
            "EN dense",
            [article(rng, FILLER_EN, en, args.size, dense=True) for _ in range(200)],
        ),
    ]
    for lang, name, docs in runs:
        size = sum(len(t.encode()) + len(b.encode()) for t, b in docs) / len(docs)
        rate, wall = run(tagger, docs, seconds, lang)
        print(
            f"{name:<9} {size / 1000:.1f} KB/article  {rate:,.0f} articles/s per core"
            f"  ({wall:,.0f}/s wall clock)"
        )
        if args.stages:
            print(f"          {stages(tagger, docs, lang)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
