"""Issue 13: topics by salience with evidence, amounts as one entity, bodies by pattern,
China traps as rules, places from data packages, and the retag hash."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.tagging.conftest import names
from tui import cli
from tui.tagging import Tagger, rules_version
from tui.tagging.money import money_key
from tui.tagging.normalize import nfkc, strip_html


def test_topic_evidence_names_terms_and_fields(tagger: Tagger) -> None:
    tags = tagger.tag(
        "Bitcoin miners add hashrate as new rigs arrive",
        "Miners in Texas switched on 20,000 rigs; the hashrate hit a record.",
    )
    why = {t.topic: t for t in tags.topic_evidence}
    assert "mining" in tags.topics and set(why) == set(tags.topics)
    fields = {field for _, field in why["mining"].terms}
    assert "title" in fields
    assert 0.0 < why["mining"].score <= 1.0


def test_passing_mentions_do_not_make_topics(tagger: Tagger) -> None:
    filler = (
        "The studio released a new game trailer on Tuesday and players liked the art style. "
        "Sales of the previous title were strong in Europe and Japan, the company said. "
    )
    body = (filler * 3 + "\n\n") * 2 + (
        "The company, which once said it might accept bitcoin, did not mention regulation.\n\n"
    ) + filler * 3
    tags = tagger.tag("Studio shows new game trailer", body)
    assert not {"regulation", "markets", "mining"} & tags.topics


def test_at_most_three_topics(tagger: Tagger) -> None:
    tags = tagger.tag(
        "SEC sues exchange over stablecoin, DeFi hack and NFT mint amid bitcoin rally",
        "Regulators, miners, hackers, traders, lenders and token sales all in one story.",
    )
    assert len(tags.topics) <= 3


def test_one_amount_is_one_entity(tagger: Tagger) -> None:
    tags = tagger.tag("Firm raises $4.3 billion", "该公司融资43亿美元。另一笔为6.1亿美元。")
    money = {e.name: e for e in tags.entities if e.type == "MONEY"}
    assert money["$4.3 billion"].count == 2
    assert set(money["$4.3 billion"].mentions) == {"$4.3 billion", "43亿美元"}
    assert "$610 million" in money and not any("6亿" in m for m in money)
    assert money_key("610000000 USD") == money_key("6.1亿美元") == money_key("$610 million")


def test_government_bodies_by_pattern_are_implicit_china(tagger: Tagger) -> None:
    tags = tagger.tag("营口市公安局破获一起虚拟货币洗钱案", "涉案金额达2亿元，嫌疑人已被刑拘。")
    bureau = next(e for e in tags.entities if e.name == "Yingkou Public Security Bureau")
    assert "营口市公安局" in bureau.mentions  # one canonical name, the written form a mention
    assert tags.china and tags.regions == {"CN"}
    en = tagger.tag("Sichuan Provincial Development and Reform Commission orders miners out", "")
    assert "Sichuan Development and Reform Commission" in names(en)
    assert en.china


def test_people_by_cue_words(tagger: Tagger) -> None:
    tags = tagger.tag("市场观察", "分析师孔中春表示，行情仍将震荡。罗德里戈·巴斯克斯在迈阿密称。")
    assert {"孔中春", "罗德里戈·巴斯克斯"} <= names(tags)
    assert "Miami" in names(tags)


def test_world_places_with_chinese_names(tagger: Tagger) -> None:
    tags = tagger.tag("Iran cuts power to miners in Tehran", "伊朗德黑兰的矿场停电。")
    places = {e.name for e in tags.entities if e.type == "PLACE"}
    assert {"Iran", "Tehran"} <= places
    tehran = next(e for e in tags.entities if e.name == "Tehran")
    assert set(tehran.mentions) == {"Tehran", "德黑兰"}
    assert not tags.china


def test_traps(tagger: Tagger) -> None:
    dateline = tagger.tag("BEIJING (Reuters) - Iran cuts power to licensed bitcoin miners", "")
    assert not dateline.china
    nickname = tagger.tag("以太坊香港升级将于下月上线", "开发者确认了“香港”升级的测试网日期。")
    assert not nickname.regions
    ecb = tagger.tag("欧洲央行推进数字欧元", "央行表示将在明年公布隐私方案。")
    assert not ecb.china
    tw = tagger.tag(
        "金管會要求虛擬資產業者申報外幣交易",
        "台灣業者須申報新台幣以外幣別，包括美元、日圓及大陸、香港或澳門發行之貨幣。",
    )
    assert not tw.china and tw.regions == {"TW"}
    tariff = tagger.tag(
        "Bitcoin slides after Trump threatens new tariffs",
        "Traders sold risk assets after the tariff threat against Chinese goods.",
    )
    assert not tariff.china


def test_input_hash_and_rules_version(tagger: Tagger) -> None:
    tags = tagger.tag("PBoC expands e-CNY pilot", "More cities join.")
    assert tags.input_hash == tagger.input_hash("PBoC expands e-CNY pilot", "More cities join.")
    assert tags.input_hash != tagger.input_hash("PBoC expands e-CNY pilot", "More cities.")
    assert tagger.rules_version == rules_version()
    assert rules_version(china_regions=("CN",)) != rules_version()


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300), st.text(max_size=600))
def test_mentions_come_from_the_text(title: str, body: str) -> None:
    tags = _TAGGER.tag(title, body)
    text = nfkc(strip_html(title).replace("\n", " ")) + "\n" + nfkc(strip_html(body))
    for entity in tags.entities:
        assert entity.mentions, entity
        for mention in entity.mentions:
            assert mention in text
    assert len(tags.topics) <= 3


_TAGGER = Tagger()


def test_cli_tag_outputs_topic_evidence(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import io

    record = {"id": 1, "title": "Bitcoin miners add hashrate", "summary": "New rigs came online."}
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(record) + "\n"))
    assert cli.main(["--home", str(tmp_path), "tag"]) == 0
    out = json.loads(capsys.readouterr().out.splitlines()[0])
    assert "mining" in out["topic_evidence"]
    assert out["topic_evidence"]["mining"]["terms"][0]["field"] in ("title", "lead", "body")
    assert all("mentions" in e for e in out["entities"])


def test_pinyin_and_characters_are_one_person(tagger: Tagger) -> None:
    tags = tagger.tag("观察", "分析师孔中春（Kong Zhongchun）表示，市场仍将震荡。")
    person = next(e for e in tags.entities if e.type == "PERSON")
    assert person.name == "孔中春" and "Kong Zhongchun" in person.mentions
    assert tagger.canonical("Kong Zhongchun") == "Kong Zhongchun"  # no alias: matched by mention


def test_store_keeps_topic_evidence_and_tag_hash(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Through the real CLI and SQLite file: list --json gives the stored topic evidence."""
    assert cli.main(["--home", str(tmp_path), "--demo", "list", "--json", "--limit", "60"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows and all("topic_evidence" in r for r in rows)
    with_topics = [r for r in rows if r["topics"]]
    assert with_topics
    for row in with_topics:
        assert set(row["topic_evidence"]) == set(row["topics"])
        for why in row["topic_evidence"].values():
            assert why["terms"] and {t["field"] for t in why["terms"]} <= {"title", "lead", "body"}
