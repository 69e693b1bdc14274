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


def _build(path: Path, config: Settings = OLD) -> dict[str, int]:
    """A cache tagged under ``config`` (one article's hash unknown); guid -> id."""
    with Engine(config, path) as engine:
        store = engine.store
        feed = store.add_feed("https://example.test/feed")
        articles = [Article(guid=guid, title=t, summary=s, content_text=c)
                    for guid, (t, s, c) in ARTICLES.items()]
        save_articles(store, feed.id, articles, tagger=make_tagger(config), now=1, next_due=1)
        ids = {guid: article_id for article_id, guid in
               store.db.conn.execute("SELECT id, guid FROM articles")}
        store.save_extracted(ids["full text"], text=FULL_TEXT, error=None, now=1)
        engine.retag(workers=1)  # tags the full text under ``config``, and notes it
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
            tagged, rescored, stamped = plan.split(items, hashes)
            assert rescored == []  # entities moved too: no topics-only path
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


def _planned(engine: Engine, config: Settings) -> tuple[set[int], set[int], set[int]]:
    """Ids the plan would tag, re-score for topics and re-stamp, before a retag runs."""
    store = engine.store
    plan = RetagPlan.for_store(TagConfig.from_settings(config), store.tag_configs())
    to_tag: set[int] = set()
    retopic: set[int] = set()
    restamp: set[int] = set()
    for items, _full, hashes in store.taggable_batches():
        tagged, rescored, stamped = plan.split(items, hashes)
        to_tag |= {i for i, _ in tagged}
        retopic |= {i for i, _, _, _ in rescored}
        restamp |= {i for i, _, _ in stamped}
    return to_tag, retopic, restamp


def _full_retag(path: Path, config: Settings) -> None:
    conn = sqlite3.connect(path)  # forget every config: a retag as before, all tagged
    conn.execute(f"DELETE FROM meta WHERE key GLOB '{TAG_CONFIG_KEY}*'")
    conn.commit()
    conn.close()
    with Engine(config, path) as engine:
        engine.retag(workers=1)


TOPICS_OLD = Settings(user_entities=NEW.user_entities,
                      user_topics={"watch": ("hashrate", "稳定币"), "desk": ("AT&T",)})
TOPICS_NEW = Settings(  # topic terms alone: added, removed, on an entity's alias, inside a name
    user_entities=NEW.user_entities,
    user_topics={"watch": ("Kraken", "HashNova"), "desk": ("AT&T", "Bank of"),
                 "mining": ("監管", "hashrate")},
)


def test_a_topics_only_retag_rescores_topics_and_stores_what_a_full_retag_stores(
        tmp_path: Path) -> None:
    base = tmp_path / "base.db"
    ids = _build(base, TOPICS_OLD)
    before = _stored_tags(base)
    selective = _copy(base, tmp_path / "selective.db")
    full = _copy(base, tmp_path / "full.db")
    with Engine(TOPICS_NEW, selective) as engine:
        to_tag, retopic, restamp = _planned(engine, TOPICS_NEW)
        assert engine.retag(workers=2) == len(ids)
    _full_retag(full, TOPICS_NEW)

    names = {article_id: guid for guid, article_id in ids.items()}
    assert {names[i] for i in to_tag} == {"control zh"}  # its hash was unknown
    assert {"topic term", "body only", "inside", "inline tags", "full text", "topic kept"} <= {
        names[i] for i in retopic}
    assert {"control en", "kept", "entity in html"} <= {names[i] for i in restamp}
    after = _stored_tags(selective)
    assert after == _stored_tags(full)
    topics_moved = {names[i] for i in ids.values()
                    if after[i][0][3] != before[i][0][3] or after[i][0][7] != before[i][0][7]}
    assert {"inside", "topic kept", "full text"} <= topics_moved  # not vacuous


def test_a_topic_term_cannot_move_entities_or_china() -> None:
    """A topic term on an entity's alias, inside a longer name, or with a first character
    no term had (a new first character widens the Chinese automata's prefilter): entity
    hits, China and entities stay those of the old config; the topic does apply."""
    old = Tagger(user_entities=NEW.user_entities)
    new = Tagger(user_entities=NEW.user_entities,
                 user_topics={"watch": ("Binance", "HashNova", "Bank of", "龘币", "证监")})
    texts = [*TEXTS, ("龘币 listed on Binance", "The People's Bank of China and HashNova.", ""),
             ("龘币上线", "香港证监会表示，HashNova获得牌照。", "")]
    watched = 0
    for title, summary, content in texts:
        was, now = old.tag(title, summary, content), new.tag(title, summary, content)
        assert (now.china, now.china_score, now.regions, now.evidence, now.entities) == (
            was.china, was.china_score, was.regions, was.evidence, was.entities), title
        assert new.retopic(title, summary, content) == (now.topics, now.topic_evidence)
        watched += "watch" in now.topics
    assert watched >= 3


def test_a_rescored_article_a_writer_retagged_meanwhile_is_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    ids = _build(db, TOPICS_OLD)
    one, other = ids["topic term"], ids["kept"]
    before = _stored_tags(db)
    with Engine(TOPICS_NEW, db) as engine:  # (read back once closed: another SQLite build)
        hashes = dict(engine.store.db.conn.execute("SELECT id, tag_hash FROM articles"))
        engine.store.write_tags([], (), [(one, "not " + hashes[one], "new", frozenset({"nft"}), ()),
                                         (other, hashes[other], "new", frozenset({"nft"}), ())])
    after = _stored_tags(db)
    assert after[one] == before[one]
    row, entities, topics, regions = after[other]
    assert (row[3], row[-1], topics) == ("nft", "new", [("topics", "nft")])
    assert (row[:3], entities, regions) == (before[other][0][:3], before[other][1],
                                            before[other][3])


def test_an_edit_the_plan_cannot_read_tags_everything(tmp_path: Path) -> None:
    """China regions changed: every article may tag differently (the plan knows nothing)."""
    db = tmp_path / "c.db"
    ids = _build(db)
    regions = Settings(user_entities=OLD.user_entities, user_topics=OLD.user_topics,
                       china_regions=frozenset({"CN"}))
    with Engine(regions, db) as engine:
        plan = RetagPlan.for_store(TagConfig.from_settings(regions), engine.store.tag_configs())
        [(items, _full, hashes)] = list(engine.store.taggable_batches())
        to_tag, retopic, restamp = plan.split(items, hashes)
        assert len(to_tag) == len(ids) and retopic == restamp == []


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


def test_the_stored_hash_keeps_its_bytes() -> None:
    """Every cache holds these hashes: a new way to compute them must give the same, or
    every retag after it tags the whole cache (values from the first implementation)."""
    assert version.input_hash("2026.12-x:abc", "香港 title", "sum\ud800mary", "body") == (
        "be2477a08e3f7241f08d87404588666b9e5f1bac")
    assert version.input_hash("v", "", "", "", "en") == "a5e8a6f224e618e8ed3d2e3fc1fec81d8a60dbbf"
    texts = ("香港 title", "sum\ud800mary", "body")
    under = version.input_hasher(*texts)
    assert [under("2026.12-x:abc"), under("v")] == [
        version.input_hash(v, *texts) for v in ("2026.12-x:abc", "v")]


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
    _to_tag, retopic, restamp = plan.split(ITEMS, stored)
    if config_version(old) == config_version(new):
        assert retopic == restamp == []
    _assert_only_topics_move(old_tagger, new_tagger, retopic, stored)
    for n, had, now in restamp:
        article = ITEMS[n][1]
        assert had == stored[n]
        assert now == new_tagger.input_hash(article.title, article.summary, article.content_text,
                                            article.lang)
        args = (article.title, article.summary, article.content_text)
        assert new_tagger.tag(*args) == old_tagger.tag(*args), TEXTS[n]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entities=st.lists(ENTITY, max_size=3, unique=True), old_topics=TOPICS, new_topics=TOPICS)
def test_an_edit_of_topic_terms_alone_moves_only_topics_where_the_plan_rescores(
        entities: list[UserEntity], old_topics: dict[str, tuple[str, ...]],
        new_topics: dict[str, tuple[str, ...]]) -> None:
    old = TagConfig(tuple(entities), tuple(sorted(old_topics.items())))
    new = TagConfig(tuple(entities), tuple(sorted(new_topics.items())))
    old_tagger, new_tagger = Tagger.from_settings(_settings(old)), Tagger.from_settings(
        _settings(new))
    stored = {n: old_tagger.input_hash(a.title, a.summary, a.content_text, a.lang)
              for n, a in ITEMS}
    plan = RetagPlan.for_store(new, {config_version(old): retag_plan.record(old)})
    to_tag, retopic, restamp = plan.split(ITEMS, stored)
    assert to_tag == []
    _assert_only_topics_move(old_tagger, new_tagger, retopic, stored)
    for n, _had, _now in restamp:
        args = ITEMS[n][1].title, ITEMS[n][1].summary, ITEMS[n][1].content_text
        assert new_tagger.tag(*args) == old_tagger.tag(*args), TEXTS[n]


def _assert_only_topics_move(old_tagger: Tagger, new_tagger: Tagger,
                             retopic: list[tuple[int, Article, str, str]],
                             stored: dict[int, str]) -> None:
    """Every article the plan re-scores for topics keeps China and entities, and its
    topics and hash are what a full tag says."""
    for n, article, had, now in retopic:
        assert had == stored[n]
        assert now == new_tagger.input_hash(article.title, article.summary,
                                            article.content_text, article.lang)
        args = (article.title, article.summary, article.content_text)
        was, now = old_tagger.tag(*args), new_tagger.tag(*args)
        assert (now.china, now.china_score, now.regions, now.evidence, now.entities) == (
            was.china, was.china_score, was.regions, was.evidence, was.entities), TEXTS[n]
        assert new_tagger.retopic(*args) == (now.topics, now.topic_evidence)


def _settings(config: TagConfig) -> Settings:
    return Settings(user_entities=config.user_entities, user_topics=dict(config.user_topics),
                    china_regions=config.china_regions)
