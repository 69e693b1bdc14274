"""A retag after a tagging-config edit tags only the articles that mention an edited term,
and leaves the cache exactly as a full retag would.

The soundness tests build one cache on a real SQLite file, copy it, retag one copy with the
plan and the other with every article tagged, and compare every stored tag; the property
draws random edits and checks that every article the plan would skip tags the same under
both configs.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engine_helpers import save_articles
from tui.config import Settings, UserEntity
from tui.engine import Engine, retag_plan
from tui.engine.jobs import TagConfig, make_tagger
from tui.engine.retag_plan import RetagPlan, changed_terms, config_version, fold
from tui.models import Article
from tui.store.ingest import TAG_CONFIG_KEY
from tui.tagging import Tagger, version

OLD = Settings(
    user_entities=(
        UserEntity("Old Corp", "ORG", ("旧公司",)),                   # removed
        UserEntity("Nova Fund", "ORG", ("NovaFund",)),                # changed (China weight)
        UserEntity("Kept Capital", "ORG"),                            # unchanged
    ),
    user_topics={"watch": ("hashrate",)},
)
NEW = Settings(
    user_entities=(
        UserEntity("Nova Fund", "ORG", ("NovaFund",), 1.0, "CN"),
        UserEntity("Kept Capital", "ORG"),
        UserEntity("火币研究院", "ORG"),                               # written simplified
        UserEntity("Binance Labs", "ORG"),                            # around a built-in name
        UserEntity("People's Bank", "ORG"),                           # inside a built-in name
        UserEntity("HashNova", "ORG", ("=HNV",), 1.0, "HK"),
        UserEntity("Nova Token", "TICKER", ("NVT",)),
    ),
    user_topics={"watch": ("hashrate", "稳定币"), "desk": ("AT&T",)},
)
CONTROL = "Regulators met on Tuesday to discuss custody rules for digital assets."

ARTICLES = {  # guid -> (title, summary, content); the content may become full text
    "removed": ("旧公司发布公告", "旧公司在深圳召开会议。", ""),
    "changed": ("NovaFund backs a new exchange", CONTROL, ""),
    "kept": ("Kept Capital raises a fund", CONTROL, ""),
    "traditional": ("火幣研究院發布報告", "火幣研究院表示，香港的虛擬資產市場持續增長。", ""),
    "longer": ("Binance Labs invests in a wallet", CONTROL, ""),
    "inside": ("The People's Bank of China tests e-CNY", CONTROL, ""),
    "body only": ("Funding round closes", CONTROL,
                  "The round was led by HashNova, a Singapore fund."),
    "inline tags": ("Funding news", "<p>Led by <b>Hash</b>Nova this week</p>", ""),
    "full width": ("Funding news", "Led by ＨａｓｈＮｏｖａ this week.", ""),
    "acronym": ("HNV leads the round", CONTROL, ""),
    "acronym lower": ("hnv is a word here", CONTROL, ""),
    "cashtag": ("Traders pile into $nvt", CONTROL, ""),
    "topic term": ("稳定币监管新规", "香港金管局公布稳定币发行人制度。", ""),
    "entity in html": ("Deal", "AT&amp;T signs a deal with Coinbase.", ""),
    "topic kept": ("Hashrate hits a record", "Bitcoin hashrate rose again.", ""),
    "control en": ("Markets steady", CONTROL, CONTROL),
    "control zh": ("市场平稳", "分析人士表示，监管机构对数字资产态度变化。", ""),
    "full text": ("Weekly roundup", CONTROL, ""),
}
FULL_TEXT = "The fund, HashNova, was named in the filing. Hashrate rose."


def _build(path: Path) -> dict[str, int]:
    """A cache tagged under OLD (one article's hash unknown); guid -> id."""
    with Engine(OLD, path) as engine:
        store = engine.store
        feed = store.add_feed("https://example.test/feed")
        articles = [Article(guid=guid, title=t, summary=s, content_text=c)
                    for guid, (t, s, c) in ARTICLES.items()]
        save_articles(store, feed.id, articles, tagger=make_tagger(OLD), now=1, next_due=1)
        ids = {guid: article_id for article_id, guid in
               store.db.conn.execute("SELECT id, guid FROM articles")}
        store.save_extracted(ids["full text"], text=FULL_TEXT, error=None, now=1)
        engine.retag(workers=1)  # tags the full text under OLD, and notes OLD
        store.db.conn.execute("UPDATE articles SET tag_hash = '' WHERE id = ?",
                              (ids["control zh"],))
        store.db.conn.commit()
    return ids


def _copy(source: Path, target: Path) -> Path:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    return target


def _stored_tags(path: Path) -> dict[int, Any]:
    conn = sqlite3.connect(path)
    out: dict[int, Any] = {
        row[0]: [row[1:]] for row in conn.execute(
            "SELECT id, china, china_score, regions, topics, evidence, topic_mask, region_mask, "
            "topic_evidence, tag_hash FROM articles")}
    for table, query in (
        ("entities", "SELECT ae.article_id, e.name, e.type, ae.count FROM article_entities ae "
                     "JOIN entities e ON e.id = ae.entity_id"),
        ("topics", "SELECT article_id, topic FROM article_topics"),
        ("regions", "SELECT article_id, region FROM article_regions"),
    ):
        rows: dict[int, list[Any]] = {}
        for row in conn.execute(query):
            rows.setdefault(row[0], []).append((table, *row[1:]))
        for article_id, tags in out.items():
            tags.append(sorted(rows.get(article_id, [])))
    conn.close()
    return out


def test_a_selective_retag_stores_what_a_full_retag_stores(tmp_path: Path) -> None:
    base = tmp_path / "base.db"
    ids = _build(base)
    before = _stored_tags(base)
    selective = _copy(base, tmp_path / "selective.db")
    full = _copy(base, tmp_path / "full.db")

    with Engine(NEW, selective) as engine:  # which articles the plan tags, before it runs
        store = engine.store
        plan = RetagPlan.for_store(TagConfig.from_settings(NEW), store.tag_configs())
        to_tag, restamp = [], []
        for items, _full, hashes in store.taggable_batches():
            tagged, stamped = plan.split(items, hashes)
            to_tag += [i for i, _ in tagged]
            restamp += [i for i, _, _ in stamped]
        progress: list[tuple[int, int]] = []
        assert engine.retag(lambda done, total: progress.append((done, total)),
                            workers=1) == len(ids)
        assert store.tag_configs().keys() == {config_version(TagConfig.from_settings(NEW))}
    names = {article_id: guid for guid, article_id in ids.items()}
    assert {names[i] for i in restamp} == {"control en", "kept", "topic kept"}
    assert {names[i] for i in to_tag} == set(ARTICLES) - {"control en", "kept", "topic kept"}
    assert progress[-1] == (len(ids), len(ids))

    conn = sqlite3.connect(full)  # forget every config: a retag as before, all tagged
    conn.execute(f"DELETE FROM meta WHERE key GLOB '{TAG_CONFIG_KEY}*'")
    conn.commit()
    conn.close()
    with Engine(NEW, full) as engine:
        engine.retag(workers=1)

    after = _stored_tags(selective)
    assert after == _stored_tags(full)
    # not vacuous: the edit moved tags where its terms are, and the hash everywhere
    moved = {names[i] for i in ids.values() if after[i][0][:-1] != before[i][0][:-1]
             or after[i][1] != before[i][1]}
    assert {"removed", "changed", "traditional", "longer", "body only", "cashtag", "inline tags",
            "full text"} <= moved
    assert not moved & {"control en", "kept", "topic kept"}
    assert all(after[i][0][-1] != before[i][0][-1] for i in ids.values())


def test_an_edit_the_plan_cannot_read_tags_everything(tmp_path: Path) -> None:
    """China regions changed: every article may tag differently (the plan knows nothing)."""
    db = tmp_path / "c.db"
    ids = _build(db)
    regions = Settings(user_entities=OLD.user_entities, user_topics=OLD.user_topics,
                       china_regions=frozenset({"CN"}))
    with Engine(regions, db) as engine:
        plan = RetagPlan.for_store(TagConfig.from_settings(regions), engine.store.tag_configs())
        [(items, _full, hashes)] = list(engine.store.taggable_batches())
        to_tag, restamp = plan.split(items, hashes)
        assert len(to_tag) == len(ids) and restamp == []


def test_configs_are_noted_by_what_tags_and_read_back_only_when_they_digest_right(
        tmp_path: Path) -> None:
    config = TagConfig.from_settings(NEW)
    article = Article(guid="g", title="HashNova", summary="s", content_text="c", lang="en")
    assert config.build().input_hash(article) == version.input_hash(
        config_version(config), "HashNova", "s", "c", "en")  # the worker's own version
    text = retag_plan.record(config)
    assert retag_plan.from_record(text, config_version(config)) == config
    assert retag_plan.from_record(text, config_version(TagConfig())) is None
    assert retag_plan.from_record(text.replace("HashNova", "HashNovo"),
                                  config_version(config)) is None
    assert retag_plan.from_record("{", config_version(config)) is None
    with Engine(NEW, tmp_path / "d.db") as engine:
        engine.seed_demo()
        assert engine.store.tag_configs() == {config_version(config): text}


def test_changed_terms_reads_markup_as_the_tagger_does() -> None:
    old = TagConfig.from_settings(OLD)
    assert changed_terms(old, old) == frozenset()
    marked = Settings(user_entities=(*OLD.user_entities,
                                     UserEntity("Sun Corp", "ORG", ("=SUNC", "Sunny*0.5",
                                                                    "Sol!film"))),
                      user_topics={**OLD.user_topics, "desk": ("  ", "臺灣")})
    assert changed_terms(old, TagConfig.from_settings(marked)) == {
        "sun corp", "sunc", "sunny", "sol", "台湾"}
    swapped = Settings(user_entities=tuple(reversed(OLD.user_entities)),
                       user_topics=OLD.user_topics)
    assert changed_terms(old, TagConfig.from_settings(swapped)) is None
    twice = Settings(user_entities=(*OLD.user_entities, OLD.user_entities[0]))
    assert changed_terms(TagConfig.from_settings(twice), old) is None
    broken = Settings(user_topics={"desk": ("two\nlines",)})
    assert changed_terms(TagConfig(), TagConfig.from_settings(broken)) is None
    assert fold("ＨａｓｈＮｏｖａ 火幣 İ") == fold("hashnova 火币 i̇")


# -- the property: random edits, every skipped article tags the same under both ------------

TEXTS = [
    *ARTICLES.values(),
    ("TOKYO (Reuters) - Kraken opens an office", "TOKYO (Reuters) - The exchange said.", ""),
    ("Sun said TRON grows", "Justin Sun spoke in Hong Kong.", ""),
    ("Huobi Research on OKX", "火币研究院称，OKX在迪拜获得牌照。", ""),
    ("香港證監會批准兩家平台", "證監會表示，平台須遵守打擊洗錢規定。", ""),
    ("Buys 6,556 BTC", "MicroStrategy bought 6,556 BTC and 120 NVT.", ""),
    ("The HKMA and the SFC", "Hong Kong Monetary Authority said stablecoin rules apply.", ""),
]
POOL = sorted({
    "HashNova", "hashnova", "HNV", "NVT", "Kraken", "Tokyo", "TOKYO", "Sun", "Justin Sun",
    "火币", "火幣研究院", "Hong Kong", "Kong", "Bank", "People's Bank", "Binance Labs",
    "Monetary", "stablecoin", "稳定币", "證監會", "证监会", "平台", "BTC", "6,556 BTC", "AT&T",
    "OKX", "迪拜", "Reuters", "custody", "Regulators", "met", "e-CNY", "Capital", "Old Corp",
})
ENTITY = st.builds(
    UserEntity,
    name=st.sampled_from(POOL),
    type=st.sampled_from(["ORG", "PERSON", "PLACE", "TICKER"]),
    aliases=st.lists(st.sampled_from(POOL), max_size=2).map(tuple),
    china_weight=st.sampled_from([0.0, 0.5, 1.0]),
    region=st.sampled_from([None, "CN", "HK"]),
)
TOPICS = st.dictionaries(st.sampled_from(["watch", "desk", "mining"]),
                         st.lists(st.sampled_from(POOL), max_size=3).map(tuple), max_size=2)
ITEMS = [(n, Article(guid=str(n), title=t, summary=s, content_text=c))
         for n, (t, s, c) in enumerate(TEXTS)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(old_entities=st.lists(ENTITY, max_size=3, unique=True), added=st.lists(ENTITY, max_size=2),
       drop=st.integers(0, 3), old_topics=TOPICS, new_topics=TOPICS)
def test_every_article_the_plan_skips_tags_the_same_under_the_new_config(
        old_entities: list[UserEntity], added: list[UserEntity], drop: int,
        old_topics: dict[str, tuple[str, ...]], new_topics: dict[str, tuple[str, ...]]) -> None:
    kept = [e for n, e in enumerate(old_entities) if n != drop]
    new_entities = kept + [e for e in added if e not in kept]
    old = TagConfig(tuple(old_entities), tuple(sorted(old_topics.items())))
    new = TagConfig(tuple(new_entities), tuple(sorted(new_topics.items())))
    old_tagger, new_tagger = Tagger.from_settings(_settings(old)), Tagger.from_settings(
        _settings(new))
    stored = {n: old_tagger.input_hash(a.title, a.summary, a.content_text, a.lang)
              for n, a in ITEMS}
    plan = RetagPlan.for_store(new, {config_version(old): retag_plan.record(old)})
    _to_tag, restamp = plan.split(ITEMS, stored)
    if config_version(old) == config_version(new):
        assert restamp == []
    for n, had, now in restamp:
        article = ITEMS[n][1]
        assert had == stored[n]
        assert now == new_tagger.input_hash(article.title, article.summary, article.content_text,
                                            article.lang)
        args = (article.title, article.summary, article.content_text)
        assert new_tagger.tag(*args) == old_tagger.tag(*args), TEXTS[n]


def _settings(config: TagConfig) -> Settings:
    return Settings(user_entities=config.user_entities, user_topics=dict(config.user_topics),
                    china_regions=config.china_regions)
