"""The rules added for the training misses: a follow-up about the rare name in both
headlines, and capitals that open a sentence are grammar, not names."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.stories import Grouper, MemoryIndex
from tui.stories.headlines import headline_keys
from tui.stories.signals import name_keys, signals_from_parts

T0 = 1_795_000_000
HOUR = 3600
HACK = ("Velmor lending protocol drained of $6.2 million on Base",
        "An attacker abused Velmor's oracle, CertiK said, taking $6.2 million in USDC.")


def _add(grouper: Grouper, ref: int, title: str, summary: str, hours: float, lang: str,
         entities: list | None = None) -> int:
    return grouper.add(signals_from_parts(ref, title, summary, "", T0 + int(hours * HOUR),
                                          lang, entities or [])).story


def test_a_follow_up_naming_only_the_headline_name_joins_in_the_rush() -> None:
    grouper = Grouper(MemoryIndex())
    first = _add(grouper, 1, *HACK, 0, "en", [("CertiK", "ORG")])
    follow = _add(grouper, 2, "Velmor exploit traced to a leaked deployer key",
                  "the team said the key sat on a build server.", 10, "en")
    assert follow == first


def test_the_same_name_days_later_is_another_event() -> None:
    grouper = Grouper(MemoryIndex())
    first = _add(grouper, 1, *HACK, 0, "en", [("CertiK", "ORG")])
    later = _add(grouper, 2, "Velmor reopens markets after two audits",
                 "the protocol said its new oracle went live.", 50, "en")
    assert later != first


def test_a_name_only_one_headline_carries_is_not_the_subject() -> None:
    """The sparse report's one name sits in the other's body only: two events."""
    grouper = Grouper(MemoryIndex())
    first = _add(grouper, 1, "Base sequencer stalls for an hour during upgrade",
                 "Projects on the network, Velmor among them, paused deposits.", 0, "en")
    other = _add(grouper, 2, "Velmor launches a points programme",
                 "the programme rewards early depositors.", 3, "en")
    assert other != first


def test_sentence_openers_in_the_body_are_not_names() -> None:
    found = name_keys("Shenzhen pilots tax payments in e-CNY\nResidents of Futian can pay. "
                      "Officials said Residents apply online.", set())
    assert "n:residents" in found  # capitalised mid-sentence, so it counts
    assert "n:officials" not in found and "o:officials" in found  # weighs, never matches
    assert "n:shenzhen" in found  # the headline opens with names


def test_a_shared_sentence_opener_is_no_evidence() -> None:
    """Two reports about different Shenzhen schemes that both open a sentence with
    'Residents' are not one story for it."""
    grouper = Grouper(MemoryIndex())
    first = _add(grouper, 1, "Shenzhen hands out e-CNY vouchers from Dec 6",
                 "Residents can apply from December 6, the city said.", 0, "en",
                 [("e-CNY", "ORG")])
    other = _add(grouper, 2, "Shenzhen pilots paying income tax in digital yuan",
                 "Residents of Futian can now pay in e-CNY.", 40, "en", [("e-CNY", "ORG")])
    assert other != first


def test_headline_keys_find_aliases_in_either_script() -> None:
    keys = headline_keys("金管會發布新規", {"e:fsc (taiwan)", "n:velmor"})
    assert keys == {"^e:fsc (taiwan)"}


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80), st.sets(st.sampled_from(["e:binance", "n:okx", "t:btc", "$:USD:1"])))
def test_headline_keys_mark_only_entities_and_names(title: str, keys: set[str]) -> None:
    assert all(k[0] == "^" and k[1:] in keys and k[1] in "en"
               for k in headline_keys(title, keys))


def test_distinctive_numbers_are_fractions_big_or_three_figures_but_not_years() -> None:
    from tui.stories.signals import distinctive

    assert all(distinctive(k) for k in ("#:4.1", "#:162", "#:6e+07", "#:3400", "#:1.24"))
    assert not any(distinctive(k) for k in ("#:6", "#:24", "#:2026", "#:12", "#:x"))


def test_a_ticker_and_the_same_figures_join_in_the_rush_not_days_later() -> None:
    grouper = Grouper(MemoryIndex())
    first = _add(grouper, 1, "Bitcoin mining difficulty rises 3.7% to a record 171T",
                 "the adjustment came at block 930,000.", 0, "en", [("BTC", "TICKER")])
    same = _add(grouper, 2, "比特币挖矿难度上调3.7%至171T", "创历史新高。", 1, "zh",
                [("BTC", "TICKER")])
    later = _add(grouper, 3, "Bitcoin difficulty rises 3.7% again", "to 177T, two weeks on.",
                 60, "en", [("BTC", "TICKER")])
    assert same == first
    assert later != first


def test_an_amount_is_not_counted_again_as_a_distinctive_number() -> None:
    one = signals_from_parts(1, "Tether mints $1 billion USDT", "", "", T0, "en", [])
    assert "$:USD:1e+09" in one.keys and not one.distinct
