"""Topics: include/exclude rules per topic, EN and ZH, title weighted, user topics."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.models import TOPICS
from tui.tagging import Tagger, topic_terms, topics
from tui.tagging.matcher import Matcher
from tui.tagging.normalize import fold_exact, fold_key

EXAMPLES = [
    ("mining", "Bitcoin miners add hashrate in Texas", "New rigs came online."),
    ("mining", "矿工转移算力", "丰水期来临，矿场开机率上升。"),
    ("regulation", "Lawmakers pass stablecoin bill", "The legislation sets licensing rules."),
    ("regulation", "监管部门发布新规", "征求意见稿要求交易平台持牌经营。"),
    ("enforcement", "Police arrest scam ring", "Suspects were charged with fraud."),
    ("enforcement", "警方破获洗钱案", "犯罪嫌疑人被逮捕。"),
    ("token-sales", "Project holds token sale", "The ICO sold out; an airdrop follows."),
    ("token-sales", "项目公布空投时间", "代币预售将于下周开始。"),
    ("exchanges", "Exchange delists three tokens", "The crypto exchange halts withdrawals."),
    ("exchanges", "交易所下架三种代币", "该平台暂停提币。"),
    ("nft", "NFT marketplace volume rises", "Digital collectibles sold out."),
    ("nft", "数字藏品平台关停", "NFT交易量下降。"),
    ("cbdc", "Central bank tests CBDC", "The digital euro pilot continues."),
    ("cbdc", "数字人民币试点扩大", "央行数字货币应用增加。"),
    ("stablecoins", "Stablecoin supply grows", "Dollar-pegged tokens hit a record."),
    ("stablecoins", "稳定币发行量增长", "港元稳定币即将推出。"),
    ("defi", "DeFi lending protocol grows", "Total value locked doubled on the DEX."),
    ("defi", "去中心化金融协议锁仓量翻倍", "流动性挖矿收益下降。"),
    ("markets", "Bitcoin rallies to all-time high", "Liquidations topped $1 billion."),
    ("markets", "比特币暴涨创历史新高", "全网爆仓超过10亿美元。"),
    ("security", "Protocol hacked for $10 million", "The attacker exploited a bug."),
    ("security", "协议遭黑客攻击", "被盗资金已被转移。"),
    ("business", "Startup raises $20 million in seed round", "The valuation doubled."),
    ("business", "公司完成A轮融资", "本轮由知名机构领投，估值翻倍。"),
    ("technology", "Ethereum hard fork set for mainnet", "Developers finished testnet trials."),
    ("technology", "以太坊主网升级", "测试网运行顺利，开发者确认了日期。"),
]


@pytest.mark.parametrize(("slug", "title", "summary"), EXAMPLES)
def test_each_topic_in_english_and_chinese(
    tagger: Tagger, slug: str, title: str, summary: str
) -> None:
    assert slug in tagger.tag(title, summary).topics


def test_every_topic_has_an_example() -> None:
    assert {slug for slug, _, _ in EXAMPLES} == set(TOPICS)


def test_topic_definitions_are_documented() -> None:
    doc = topics.__doc__ or ""
    for slug in TOPICS:
        assert f"- {slug}: " in doc


@pytest.mark.xfail(
    strict=True,
    reason="known miss since the second-topic refit: the SEC, 'regulator' and 'law' make"
    " regulation 0.89 (a regulator acting against a named party is enforcement), and"
    " stablecoins, the object of the suit, stays at 0.33 under the threshold",
)
def test_multi_label(tagger: Tagger) -> None:
    tags = tagger.tag(
        "SEC sues exchange over unregistered stablecoin",
        "The regulator said the crypto exchange violated securities law.",
    )
    assert {"enforcement", "stablecoins"} <= tags.topics  # up to three salient topics
    assert len(tags.topics) <= 3


@pytest.mark.parametrize(
    ("title", "summary", "not_topic"),
    [
        ("Data mining firm adopts new tools", "Data mining helps insurers.", "mining"),
        ("Gold mining stocks rally", "Gold miners rose as bullion climbed.", "mining"),
        ("Ten life hacks for crypto taxes", "Life hacks save time.", "security"),
        ("Growth hacking tips for Web3 apps", "Growth hacks beat paid ads.", "security"),
        ("Coin in mint condition sells at auction", "A mint condition 1794 dollar.", "nft"),
        ("Liquidity mining rewards cut", "The DEX ends liquidity mining.", "mining"),
        ("Exchange rate of the yen slips", "The exchange rate fell.", "exchanges"),
    ],
)
def test_exclusion_phrases(tagger: Tagger, title: str, summary: str, not_topic: str) -> None:
    assert not_topic not in tagger.tag(title, summary).topics


def test_title_weighs_more_than_body(tagger: Tagger) -> None:
    # one weak event term tags a topic from the headline, not from a single body mention
    assert "exchanges" in tagger.tag("Crypto exchange lists new token").topics
    assert "exchanges" in tagger.tag("Crypto exchange delists three tokens").topics
    assert "exchanges" not in tagger.tag("Firm opens office", "It was a long exchange.").topics


def test_actor_terms_are_listed_terms_of_their_topic() -> None:
    """``actors`` marks listed terms (one home for each term's weight): the field's nouns
    ("exchange", "交易所"), never its events ("delist")."""
    rules = topic_terms.builtin_rules()
    for slug in ("mining", "regulation", "enforcement", "exchanges", "stablecoins", "defi"):
        assert rules[slug]["actors"], slug
    listed = {t for k in ("strong", "weak", "hint") for t in rules["exchanges"][k]}
    assert set(rules["exchanges"]["actors"]) <= listed
    assert {"exchange(s)", "交易所"} <= set(rules["exchanges"]["actors"])
    assert "delist(s)" not in rules["exchanges"]["actors"]


def test_actor_share_reads_only_actor_evidence(tagger: Tagger) -> None:
    """The ``actors`` feature is the share of a topic's evidence that only names its actors:
    1 for "a crypto exchange" alone, less when the title reports a delisting too."""
    at = topics.FEATURES.index("actors")
    actor_only = tagger.topic_features("Police question crypto exchange staff")
    with_event = tagger.topic_features("Crypto exchange delists three tokens")
    assert actor_only["exchanges"][at] == 1.0
    assert 0.0 < with_event["exchanges"][at] < 1.0


@pytest.mark.xfail(
    strict=True,
    reason="known miss since the refit of 2026.12-i13x (threshold 0.45): 'regulator' alone in"
    " the title still scores regulation 0.47",
)
def test_a_regulator_acting_against_named_parties_is_enforcement(tagger: Tagger) -> None:
    """The regulator is the actor; its charges are the event: enforcement, not regulation."""
    tags = tagger.tag(
        "Securities regulator charges founders of crypto platform with fraud",
        "The regulator said the founders misled investors.",
    )
    assert "enforcement" in tags.topics and "regulation" not in tags.topics, tags.topic_evidence


def test_user_topic_adds_to_builtin_slug() -> None:
    tagger = Tagger(user_topics={"mining": ("sats per terahash",)})
    assert "mining" in tagger.tag("Sats per terahash fall").topics
    assert "mining" not in Tagger().tag("Sats per terahash fall").topics


def test_user_topic_defines_new_slug() -> None:
    tagger = Tagger(user_topics={"ai": ("artificial intelligence", "人工智能")})
    assert "ai" in tagger.tag("Artificial intelligence tokens jump").topics
    assert "ai" in tagger.tag("人工智能代币上涨").topics


# --- term lift: how reliably an evidence term meant its topic on the train split ---------


def _acc(*terms: tuple[str, float, str]) -> topics._Acc:
    acc = topics._Acc()
    for term, rank, where in terms:
        acc.terms[term] = (rank, term, where)
    return acc


@given(
    pos0=st.integers(1, 200),
    extra=st.integers(1, 200),
    n=st.integers(1, 50),
    k=st.integers(0, 50),
)
def test_term_lift_sign_follows_the_terms_record(pos0: int, extra: int, n: int, k: int) -> None:
    """A term that meant the topic more often than the topic's base rate lifts it; less often
    pulls it down; an unknown term or an empty table says nothing."""
    n0 = pos0 + extra
    k = min(k, n)
    table = {"regulation": {"": (pos0, n0), "licensed": (k, n)}}
    lift = topics.term_lift("regulation", _acc(("licensed", 2.0, "title")), table)
    rate, prior = k / n, pos0 / n0
    if prior < 0.02 or prior > 0.98:
        return  # the prior is clamped there; the sign rule is for ordinary rates
    if abs(rate - prior) > 1e-9:
        assert (lift > 0) == (rate > prior)
    assert topics.term_lift("regulation", _acc(("unknown", 2.0, "title")), table) == 0.0
    assert topics.term_lift("regulation", _acc(("licensed", 2.0, "title")), {}) == 0.0


def test_term_lift_leaves_the_item_itself_out() -> None:
    """On train an item is scored without its own label: a term only it had says nothing."""
    table = {"business": {"": (30, 100), "layoffs": (1, 1)}}
    acc = _acc(("layoffs", 2.0, "title"))
    assert topics.term_lift("business", acc, table) > 0.0
    assert topics.term_lift("business", acc, table, own=1) == pytest.approx(0.0)


def test_shipped_term_table_is_well_formed() -> None:
    model = topics.builtin_model()
    assert set(model.terms) <= set(TOPICS) and model.terms
    assert len(model.weights) == len(topics.FEATURES)
    for slug, table in model.terms.items():
        assert "" in table, slug
        for term, (pos, n) in table.items():
            assert 0 <= pos <= n, (slug, term)
            assert term == "" or n >= 2, (slug, term)  # single sightings are left out


@pytest.mark.parametrize(
    ("title", "summary", "topic"),
    [
        (
            "Crypto lender raises $50 million in Series B",
            "The licensed firm said the money would fund hiring in Europe.",
            "business",
        ),
        ("持牌交易所完成新一轮融资", "该平台表示，资金将用于产品研发和海外扩张。", "business"),
    ],
)
def test_a_licence_in_passing_is_not_regulation(
    tagger: Tagger, title: str, summary: str, topic: str
) -> None:
    tags = tagger.tag(title, summary)
    assert topic in tags.topics and "regulation" not in tags.topics


def test_rules_about_licences_are_regulation(tagger: Tagger) -> None:
    tags = tagger.tag(
        "Regulator publishes consultation paper on licensing rules for crypto custodians",
        "Custodians would need a licence under the new regime.",
    )
    assert "regulation" in tags.topics
    why = {e.topic: e for e in tags.topic_evidence}["regulation"]
    assert ("consultation paper", "title") in why.terms


def test_tagging_reads_the_same_lift_as_training(tagger: Tagger) -> None:
    """Tagging looks lifts up (precomputed per topic); training computes them: the same."""
    model = topics.builtin_model()
    doc = tagger._doc("Exchange halts withdrawals after licence review", "The regulator said.", "")
    hits, spans, _, _ = tagger._parse(doc)
    for slug, (_, acc) in topics.features(doc, spans, hits).items():
        slow = topics.term_lifts(slug, acc, model.terms)
        assert topics._lift_features(acc, model.lifts(slug)) == pytest.approx(slow)


# --- second topics: a further topic needs an event of its own kind (README, issue 13) --------
PASSING = [
    (
        "Gemini hires former Nasdaq executive as chief operating officer",
        "The exchange named a former Nasdaq operations head as COO as it expands in Europe.",
        "business",
        "exchanges",
    ),
    (
        "Bitstamp raises $200 million from growth investors",
        "The exchange said the funding values it at $2 billion and will pay for new offices.",
        "business",
        "exchanges",
    ),
    pytest.param(
        "Paxos buys stake in Brazilian payments start-up",
        "The stablecoin issuer agreed to take a 30% stake in PagaRapido for $90 million.",
        "business",
        "stablecoins",
        marks=pytest.mark.xfail(
            strict=True,
            reason="known miss: the issuer opening the title (subject) and 'stablecoin' in the"
            " lead still outweigh the deal (stablecoins 0.83, business 0.72)",
        ),
    ),
    (
        "火币任命新任首席财务官",
        "交易平台火币宣布任命一名前四大会计师事务所合伙人为首席财务官，负责财务与审计。",
        "business",
        "exchanges",
    ),
]


@pytest.mark.parametrize(("title", "summary", "topic", "not_topic"), PASSING)
def test_an_actor_of_a_kind_does_not_make_its_topic(
    tagger: Tagger, title: str, summary: str, topic: str, not_topic: str
) -> None:
    """An exchange's or an issuer's corporate move is business; the firm's kind is not a topic."""
    tags = tagger.tag(title, summary)
    assert topic in tags.topics and not_topic not in tags.topics, tags.topic_evidence


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("交易所遭黑客攻击 暂停提币", "该交易所热钱包被盗约4000万美元，平台已暂停提币。"),
        pytest.param(
            "Exchange halts withdrawals after $40 million hack",
            "Attackers drained a hot wallet of the exchange on Sunday.",
            marks=pytest.mark.xfail(
                strict=True,
                reason="known miss since the relabel: most English hack stories on train are"
                " security only, so 'halts withdrawals' lifts exchanges too little (0.2-0.3)",
            ),
        ),
    ],
)
def test_an_event_of_the_kind_still_makes_a_second_topic(
    tagger: Tagger, title: str, summary: str
) -> None:
    """A withdrawal halt is an exchanges event: with a hack it makes a second topic."""
    assert {"security", "exchanges"} <= tagger.tag(title, summary).topics


def test_the_threshold_is_the_middle_of_the_dev_plateau() -> None:
    """The trainer picks the threshold from dev F1 averaged over neighbours: a one-step spike
    (a label or two on ~140 items) loses to a broad plateau."""
    import math

    from tests.tagging import train_topics

    def row(p: float, label: int, ident: str) -> tuple[str, tuple[float, ...], int, str]:
        x = (math.log(p / (1 - p)),) + (0.0,) * (len(topics.FEATURES) - 1)
        return ("mining", x, label, ident)

    # F1 is 0.8 for thresholds up to 0.61, 1.0 at 0.62 only, 0.67 from 0.63
    dev = [{"id": "a", "topics": ["mining"]}, {"id": "b", "topics": ["mining"]},
           {"id": "c", "topics": []}]
    rows = [row(0.80, 1, "a"), row(0.62, 1, "b"), row(0.615, 0, "c")]
    w = [1.0] + [0.0] * (len(topics.FEATURES) - 1)
    bias = dict.fromkeys(TOPICS, 0.0)
    spike = topics.Model(tuple(w), bias, 0.62)
    assert train_topics.micro_f1(rows, dev, spike)[2] == 1.0
    chosen = train_topics.choose_threshold(rows, dev, w, bias, {})
    assert chosen < 0.615
    assert train_topics.micro_f1(rows, dev, topics.Model(tuple(w), bias, chosen))[2] > 0.79


def test_sole_marks_the_only_topic_the_text_reaches(tagger: Tagger) -> None:
    """``sole`` is 1 for a topic no other topic competes with, 0 once a second one is touched,
    and the shipped model reads it as evidence for the topic (a positive weight)."""
    at = topics.FEATURES.index("sole")

    def sole(title: str, summary: str) -> dict[str, float]:
        doc = tagger._doc(title, summary, "")
        hits, spans, _, _ = tagger._parse(doc)
        return {s: v[at] for s, (v, _) in topics.features(doc, spans, hits).items()}

    assert sole("Miners add hashrate", "The pool plugged in new rigs.") == {"mining": 1.0}
    both = sole("Miners add hashrate after a hack", "Attackers drained the pool's wallet.")
    assert both["mining"] == 0.0 and both["security"] == 0.0
    assert topics.builtin_model().weights[at] > 0


def test_every_split_of_the_cv_scores_every_train_label_once() -> None:
    """``--repeat`` shuffles which items share a fold: every split still scores each train
    label exactly once (tp + fn is the number of gold labels), and the splits differ."""
    from tests.tagging import train_topics
    from tests.tagging.report import load_all

    items = load_all()
    labels = sum(len(i["topics"]) for i in items if i.get("split", "train") == "train")
    plain = train_topics.cv_breakdown(items, 5)
    shuffled = train_topics.cv_breakdown(items, 5, seed=1)
    for counts in (plain, shuffled):
        assert counts["all"][0] + counts["all"][2] == labels
    assert plain != shuffled


def test_the_breakdown_counts_each_error_under_its_topic_and_language() -> None:
    """``--by-topic`` tells where the errors are: a miss and a false topic count under their
    topics and their item's language, and the groups add up to the micro counts."""
    import math

    from tests.tagging import train_topics

    def row(slug: str, p: float, ident: str) -> tuple[str, tuple[float, ...], int, str]:
        x = (math.log(p / (1 - p)),) + (0.0,) * (len(topics.FEATURES) - 1)
        return (slug, x, 0, ident)

    items = [
        {"id": "a", "lang": "en", "topics": ["mining", "business"]},  # business missed
        {"id": "b", "lang": "zh", "topics": ["markets"]},  # exchanges applied too
    ]
    rows = [
        row("mining", 0.9, "a"),
        row("business", 0.2, "a"),
        row("markets", 0.8, "b"),
        row("exchanges", 0.7, "b"),
    ]
    w = [1.0] + [0.0] * (len(topics.FEATURES) - 1)
    model = topics.Model(tuple(w), dict.fromkeys(TOPICS, 0.0), 0.5)
    counts = train_topics.breakdown(rows, items, model)
    assert counts["all"] == [2, 1, 1]
    assert counts["business"] == [0, 0, 1] and counts["exchanges"] == [0, 1, 0]
    assert counts["lang:en"] == [1, 0, 1] and counts["lang:zh"] == [1, 1, 0]
    assert train_topics._counts(rows, items, model) == (2, 1, 1)
    assert "exchanges    tp    0 fp   1 fn   0" in train_topics.render_breakdown(counts)


@functools.cache
def _topic_matcher() -> Matcher:
    matcher = Matcher()
    topics.register(matcher, {})
    matcher.build()
    return matcher


def _topic_spans(text: str) -> set[tuple[int, int, str | None]]:
    """The topic spans the real matcher finds in ``text`` (as tagging folds it)."""
    _, spans, _ = _topic_matcher().scan(fold_key(text), fold_exact(text))
    return {(s, e, data[0]) for s, e, payloads in spans for _, data in payloads}


def test_every_chinese_term_has_a_row_of_traditional_twins() -> None:
    """A simplified term added to topics.toml without its traditional forms fails here:
    rebuild ``data/topic_twins.tsv`` with ``python -m tests.tagging.build_twins``."""
    assert set(topic_terms.chinese_terms()) == set(topic_terms.builtin_twins())


def test_traditional_twins_match_their_topic() -> None:
    """Every listed traditional form of a Chinese term (訴訟, 錨定, 駭客 …) is found as the term
    is, with the term's topic (or as an exclusion), whether or not the fold knows its
    characters."""
    twins = topic_terms.builtin_twins()
    expected: dict[str, set[str | None]] = {}
    for slug, table in topic_terms.builtin_rules().items():
        for kind in ("strong", "weak", "hint", "exclude"):
            for term in table[kind]:
                expected.setdefault(term, set()).add(None if kind == "exclude" else slug)
    forms = [(form, term) for term in topic_terms.chinese_terms() for form in twins[term]]
    assert len(forms) > 300  # most terms have a traditional form
    missed = []
    for form, term in forms:
        found = {slug for s, e, slug in _topic_spans(form) if (s, e) == (0, len(form))}
        if not expected[term] & found:
            missed.append(f"{form} ({term})")
    assert not missed


@pytest.mark.parametrize(
    ("slug", "title"),
    [
        ("enforcement", "某平台陷集體訴訟"),  # 訟: the fold does not know it
        ("stablecoins", "USDe短暫脫錨"),  # 錨
        ("security", "交易所遭駭客入侵"),  # Taiwan's word for 黑客
        ("technology", "Sepolia測試網今日重啟"),  # 測
    ],
)
def test_traditional_headlines_find_their_topic(tagger: Tagger, slug: str, title: str) -> None:
    assert slug in tagger.topic_features(title)


def test_the_threshold_is_the_highest_of_the_dev_plateau(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dev F1 0.800 up to 0.40 and 0.798 (under one label less) up to 0.55 is one plateau: the
    trainer takes its highest threshold, since precision is the weaker side held out."""
    from tests.tagging import train_topics

    def f1(_rows: object, _items: object, model: topics.Model) -> tuple[float, float, float]:
        t = model.threshold
        value = 0.800 if t <= 0.40 else 0.798 if t <= 0.55 else 0.700
        return value, value, value

    monkeypatch.setattr(train_topics, "micro_f1", f1)
    bias = dict.fromkeys(TOPICS, 0.0)
    chosen = train_topics.choose_threshold([], [], [0.0] * len(topics.FEATURES), bias, {})
    assert chosen == 0.52  # the last one whose window (±0.03) stays on the plateau


@pytest.mark.parametrize(
    ("slug", "title"),
    [
        ("enforcement", "男子网上投资被骗80万元"),
        ("enforcement", "两名主犯获刑五年"),
        ("security", "Wallet drainer kit empties 3,000 wallets"),
        ("token-sales", "Memecoin fair launch draws 40,000 wallets"),
        ("exchanges", "平台遭挤兑 暂停充值"),
        ("defi", "某协议锁仓额突破10亿美元"),
        ("markets", "数字货币概念股集体涨停"),
        ("business", "某交易所通过上市聆讯"),
        ("technology", "Ethereum devnet tests account abstraction"),
        ("technology", "某市发布联盟链平台"),
        ("cbdc", "美國聯準會主席：暫無發行數位美元計畫"),  # Taiwan's 數位 for 数字
    ],
)
def test_event_vocabulary_of_each_class(tagger: Tagger, slug: str, title: str) -> None:
    """Common ways outlets name a topic's events, beyond the first term lists: a headline
    that only uses such a word still gets its topic."""
    assert slug in tagger.tag(title).topics


def test_the_shipped_model_is_what_training_produces() -> None:
    """topic_model.json is a refit of today's tagger on today's labels: a change of the topic
    features (an entity that now hints a topic, a fold that now reaches a term) must refit it
    (``python -m tests.tagging.train_topics --write``), or the shipped weights, threshold and
    term table describe features the tagger no longer computes (the merge of 2026.12-i13m
    left the model of 2026.12-i13u stale: dev 0.840 as shipped, 0.836 refit)."""
    import json

    from tests.tagging import train_topics
    from tests.tagging.report import load_all

    shipped = json.loads(train_topics.MODEL_PATH.read_text(encoding="utf-8"))
    refit = json.loads(json.dumps(train_topics.train(load_all()).payload))
    assert refit == shipped


def test_title_lift_reads_only_title_terms() -> None:
    """``title_lift`` averages the records of the title's terms: a reliable term in the body
    lifts the story's term_lift but not its title_lift; an unreliable title term pulls it down."""
    table = {"regulation": {"": (30, 100), "consultation paper": (9, 10), "licensed": (1, 10)}}
    in_body = _acc(("consultation paper", 2.0, "body"), ("licensed", 2.5, "title"))
    mean, title = topics.term_lifts("regulation", in_body, table)
    assert title < 0.0 and mean > title  # the title holds only the unreliable term
    alone = topics.term_lifts("regulation", _acc(("licensed", 2.5, "title")), table)
    assert title == pytest.approx(alone[1])
    lead_only = _acc(("consultation paper", 2.0, "lead"))
    assert topics.term_lifts("regulation", lead_only, table)[1] == 0.0
