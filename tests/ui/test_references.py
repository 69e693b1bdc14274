"""Trailing reference lists are split off robustly (issue 11 #11)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui.ui.references import Reference, split_references


def test_both_forms_heading_and_titles() -> None:
    text = ("The PBoC said[1] it would act[2].\n\nLinks\n\n"
            "[1]: https://pbc.gov.cn/a?utm=x\n[2] https://example.com/b \"A title\"\n")
    body, refs = split_references(text)
    assert body == "The PBoC said[1] it would act[2]."
    assert refs == [Reference(1, "https://pbc.gov.cn/a?utm=x"),
                    Reference(2, "https://example.com/b", "A title")]


def test_only_a_trailing_block_counts() -> None:
    text = "[1]: https://a.example/ at the start\nThen prose.\n[2] not a url line here"
    assert split_references(text) == (text, [])
    mid = "Intro\n[1]: https://a.example/\nMore prose after it."
    assert split_references(mid) == (mid, [])


def test_duplicates_keep_the_first_and_sort() -> None:
    body, refs = split_references("x\n[3]: https://c/\n[1]: https://a/\n[3]: https://z/")
    assert body == "x" and [r.url for r in refs] == ["https://a/", "https://c/"]


@given(st.text(max_size=300))
def test_never_loses_text_that_is_not_a_reference(text: str) -> None:
    body, refs = split_references(text)
    if not refs:
        assert body == text
    else:
        assert text.startswith(body.rstrip()[:50])
        assert all(r.url and " " not in r.url for r in refs)
