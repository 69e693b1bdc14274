"""FilterState: escape clears the newest filter that is on; undo walks back (issue 11 #2)."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from tui.models import Filter
from tui.ui.filter_state import FilterState, on_fields


def test_escape_clears_the_last_filter_turned_on() -> None:
    state = FilterState()
    state.apply(replace(state.current, china=True))
    state.apply(replace(state.current, topics=frozenset({"mining"})))
    state.apply(replace(state.current, unread=True))
    assert state.clear_last() == "unread"
    assert state.clear_last() == "topics"
    assert state.current == Filter(china=True)
    assert state.clear_last() == "china"
    assert state.clear_last() is None and state.current == Filter()


def test_c_c_then_escape_does_not_bring_china_back() -> None:
    state = FilterState()
    state.apply(Filter(china=True))
    state.apply(Filter())
    assert state.clear_last() is None
    assert state.current == Filter()
    assert state.undo() and state.current == Filter(china=True)  # undo is its own key


def test_changing_a_field_makes_it_the_newest() -> None:
    state = FilterState()
    state.apply(Filter(search="btc"))
    state.apply(replace(state.current, china=True))
    state.apply(replace(state.current, search="eth"))
    assert state.clear_last() == "search"
    assert state.current == Filter(china=True)


flags = st.sampled_from(["china", "unread", "starred"])


@given(st.lists(flags, max_size=12))
def test_order_is_exactly_the_fields_that_are_on(toggles: list[str]) -> None:
    state = FilterState()
    for name in toggles:
        state.apply(replace(state.current, **{name: not getattr(state.current, name)}))
        assert set(state.order) == on_fields(state.current)
        assert len(state.order) == len(set(state.order))
    while state.clear_last():
        pass
    assert state.current == Filter()
    steps = len(state.history)
    while state.undo():  # undo returns through every step, escape's own included
        steps -= 1
    assert steps == 0 and state.current == Filter() and state.order == []
