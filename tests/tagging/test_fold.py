"""The traditional → simplified fold (data/t2s.tsv, built by tests/tagging/build_t2s.py).

Hong Kong and Taiwan text is folded to simplified before any term is matched, so a traditional
character the table lacks hides every entity, place and China cue written with it. The
headlines below are written for this test (not copied from the gold sets); each one was tagged
wrongly with the hand-kept table, which lacked 滄 勻 衞 爺 濱 緬 別 洗 宮 and others.
"""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.tagging.conftest import names
from tui.tagging import Tagger, topic_terms
from tui.tagging.gazetteer import load_entries
from tui.tagging.normalize import has_cjk, nfkc, t2s_table, to_simplified

# Traditional headline, the entity it must yield, whether it is about China.
HEADLINES = [
    ("臨滄市警方破獲虛擬貨幣挖礦案", "Lincang Public Security Bureau", True),  # the body
    ("都勻市一名男子利用泰達幣洗錢被判刑", "Duyun", True),
    ("中衞市數據中心被指違規挖礦", "Zhongwei", True),  # 衞: the Hong Kong form of 衛
    ("王爺廟一家礦場被查封", "Ulanhot", True),
    ("橫濱一家加密貨幣交易所遭駭客攻擊", "Yokohama", False),
    ("緬因州監管機構對加密貨幣ATM開罰", "Maine", False),
    ("杜尚別礦場因電力短缺停運", "Dushanbe", False),
    ("宮城縣一名男子遭比特幣詐騙", "Miyagi", False),
    ("反洗錢金融行動特別工作組召開全體會議", "FATF", False),
]

# Characters that simplified text also writes with their own sense: folding them would turn
# 著名 (famous) into 着名 and 乾隆 into 干隆, so they stay as written.
TWO_WAY_WORDS = ["著名", "显著", "土著", "乾隆", "乾坤", "束脩", "空濛"]


@pytest.mark.parametrize(("title", "entity", "china"), HEADLINES)
def test_traditional_headline_finds_its_entity_and_china(
    tagger: Tagger, title: str, entity: str, china: bool
) -> None:
    tags = tagger.tag(title, "", "", "zh")
    assert entity in names(tags)
    assert tags.china is china


def test_the_characters_issue_13_found_missing_fold() -> None:
    assert to_simplified("訴決錨測減槓拋洩剝羈") == "诉决锚测减杠抛泄剥羁"


def test_a_character_with_only_rare_second_forms_folds_to_the_common_one() -> None:
    # OpenCC lists 崙 -> 仑 and the Extension B form 𪨧; 噹 -> 当 and 𪠽
    assert to_simplified("崑崙 噹噹") == "昆仑 当当"


@pytest.mark.parametrize("word", TWO_WAY_WORDS)
def test_characters_simplified_text_also_writes_do_not_fold(word: str) -> None:
    assert to_simplified(word) == word


def test_the_fold_is_one_character_for_one_and_never_chains() -> None:
    table = t2s_table()
    assert len(table) > 2500  # OpenCC's characters, not a hand-kept list
    assert not {ord(s) for s in table.values()} & set(table)


@cache
def _simplified_words() -> tuple[str, ...]:
    """Simplified text from the data: topic terms, gazetteer names as folded, two-way words."""
    words = set(topic_terms.chinese_terms()) | set(TWO_WAY_WORDS)
    for entry in load_entries():
        words |= {to_simplified(nfkc(a.surface)) for a in entry.aliases if has_cjk(a.surface)}
    return tuple(sorted(words))


@given(
    st.lists(
        st.one_of(
            st.sampled_from(TWO_WAY_WORDS),
            st.sampled_from(_simplified_words()),
            st.text(alphabet=" ,.:0123456789$BTCusdt"),
        ),
        max_size=12,
    )
)
def test_folding_never_changes_simplified_text(parts: list[str]) -> None:
    text = "".join(parts)
    assert to_simplified(text) == text
