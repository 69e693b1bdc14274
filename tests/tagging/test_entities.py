"""Entities: gazetteer hits with counts, names at cue words, cashtags, money, user entities."""

from __future__ import annotations

import pytest

from tui.config import UserEntity, settings_from_dict
from tui.models import Entity
from tui.tagging import Tagger
from tui.tagging.money import find_money


def by_name(tags) -> dict[str, Entity]:  # type: ignore[no-untyped-def]
    return {e.name: e for e in tags.entities}


def test_gazetteer_types_and_counts(tagger: Tagger) -> None:
    tags = tagger.tag(
        "Coinbase and Vitalik Buterin",
        "Coinbase listed ETH in Singapore; Coinbase said Ethereum is busy.",
    )
    ents = by_name(tags)
    assert ents["Coinbase"] == Entity("Coinbase", "ORG", 3)
    assert ents["Vitalik Buterin"].type == "PERSON"
    assert ents["Singapore"].type == "PLACE"
    assert ents["ETH"] == Entity("ETH", "TICKER", 2)


def test_sorted_by_count_then_name(tagger: Tagger) -> None:
    tags = tagger.tag("Binance, OKX and Binance", "Kraken, Binance, OKX.")
    counts = [(-e.count, e.name) for e in tags.entities]
    assert counts == sorted(counts)


def test_aliases_map_to_canonical(tagger: Tagger) -> None:
    tags = tagger.tag("PBOC and 人民银行 and People's Bank", "")
    assert by_name(tags)["People's Bank of China"].count == 3
    assert tagger.canonical("pboc") == "People's Bank of China"
    assert tagger.canonical("央行") == "People's Bank of China"
    assert tagger.canonical("Unknown Thing") == "Unknown Thing"


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("The round was led by Gaorong Capital on Monday.", "Gaorong Capital", "ORG"),
        ("Engineers at Fractal Labs built it.", "Fractal Labs", "ORG"),
        ("Users moved funds to Zorbit Exchange overnight.", "Zorbit Exchange", "ORG"),
        ("The firm's CEO Jane Doe declined to comment.", "Jane Doe", "PERSON"),
        ("The plan, said founder Ada Okafor, is simple.", "Ada Okafor", "PERSON"),
        ('"It works," said Mary Ann Lee.', "Mary Ann Lee", "PERSON"),
        ("Tom Brady said the deal closed.", "Tom Brady", "PERSON"),
        ("Jane Roe, chief executive of Foo, spoke.", "Jane Roe", "PERSON"),
        ("According to Sam Okoro, demand is strong.", "Sam Okoro", "PERSON"),
        ("深圳市星火链科技有限公司宣布成立。", "星火链科技有限公司", "ORG"),
    ],
)
def test_names_outside_the_gazetteer(tagger: Tagger, text: str, name: str, kind: str) -> None:
    ents = by_name(tagger.tag("", text))
    assert name in ents and ents[name].type == kind


@pytest.mark.parametrize(
    "text",
    [
        "According to Wu Blockchain, OTC demand rose.",
        "The Crypto Exchange said it would reopen.",
        "该公司表示，一家香港加密货币交易所将上线。",
        "Reporting by Sam Wu; Editing by Ann Lee",
        "Analysts said the Federal Reserve would wait.",
    ],
)
def test_no_false_names(tagger: Tagger, text: str) -> None:
    tags = tagger.tag("", text)
    heuristic = {e.name for e in tags.entities} - {"Hong Kong", "Federal Reserve", "Wu Blockchain"}
    assert not heuristic, heuristic


def test_cashtags(tagger: Tagger) -> None:
    ents = by_name(tagger.tag("$PEPE and $ZORB rally", "$ZORB doubled; $BTC flat."))
    assert ents["ZORB"] == Entity("ZORB", "TICKER", 2)
    assert ents["PEPE"].type == "TICKER"
    assert ents["BTC"].count == 1


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("raised $80 million", "$80 million"),
        ("raised $80m", "$80 million"),
        ("a US$3.5bn deal", "$3.5 billion"),
        ("HK$10m in fees", "HK$10 million"),
        ("1.2 billion yuan of loans", "1.2 billion yuan"),
        ("RMB 100 million fund", "100 million yuan"),
        ("worth $1,200,000", "$1.2 million"),
        ("holds 194,000 BTC", "194,000 BTC"),
        ("融资10亿元", "1 billion yuan"),
        ("获得3000万美元投资", "$30 million"),
        ("持有19.4万枚比特币", "194,000 BTC"),
        ("罚款1.5亿人民币", "150 million yuan"),
        ("涉案两千万元", "20 million yuan"),
    ],
)
def test_money_is_normalised(text: str, canonical: str) -> None:
    assert [m[2] for m in find_money(text)] == [canonical]


@pytest.mark.parametrize("text", ["5 million users", "version 2.5", "统一元宇宙", "2024年1月"])
def test_not_money(text: str) -> None:
    assert list(find_money(text)) == []


def test_money_entities_counted_together(tagger: Tagger) -> None:
    ents = by_name(tagger.tag("Firm raises $80m", "The $80 million round closed."))
    assert ents["$80 million"] == Entity("$80 million", "MONEY", 2)


def test_user_entities_from_config() -> None:
    user = UserEntity("Example Capital", "ORG", ("ExCap", "示例资本"), 3.0, "HK")
    tagger = Tagger(user_entities=(user,))
    tags = tagger.tag("ExCap opens office", "示例资本表示将扩张。")
    assert by_name(tags)["Example Capital"].count == 2
    assert tags.china and tags.regions == {"HK"}


def test_user_entity_without_region_counts_as_mainland() -> None:
    tagger = Tagger(user_entities=(UserEntity("Zorb Mining", "ORG", (), 3.0, None),))
    tags = tagger.tag("Zorb Mining expands", "")
    assert tags.china and tags.regions == {"CN"}


def test_from_settings() -> None:
    settings = settings_from_dict(
        {
            "china": {"regions": ["CN"]},
            "tagging": {
                "entities": [{"name": "Zorb DAO", "type": "ORG", "aliases": ["ZorbDAO"]}],
                "topics": {"ai": ["artificial intelligence"]},
            },
        }
    )
    tagger = Tagger.from_settings(settings)
    tags = tagger.tag("ZorbDAO adopts artificial intelligence", "Hong Kong SFC approved it.")
    assert "Zorb DAO" in by_name(tags)
    assert "ai" in tags.topics
    assert not tags.china  # HK is not in the configured regions
