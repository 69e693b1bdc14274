"""Speed work must not change one output: the frozen golden file, and random text mixes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.tagging import golden
from tui.tagging import Tagger, version


def test_every_frozen_item_tags_exactly_as_frozen(tagger: Tagger) -> None:
    want = golden.GOLDEN.read_text("utf-8")
    got = golden.render(tagger)
    if got != want:  # name the first items that differ, not a megabyte of diff
        import json

        old, new = json.loads(want), json.loads(got)
        diff = [k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
        raise AssertionError(f"{len(diff)} items differ, first: {diff[:5]}")


def test_a_change_of_output_names_a_new_rules_release() -> None:
    """Stored tags are skipped by retag on (release, data, text): when the frozen output
    changes, the release must change too, or a cache would keep the old tags forever."""
    import hashlib

    sha = hashlib.sha1(golden.GOLDEN.read_bytes()).hexdigest()[:12]
    assert sha == version.GOLDEN_SHA, (
        f"tag() output changed: bump RULES_RELEASE in tui/tagging/version.py and set "
        f"GOLDEN_SHA = {sha!r}"
    )


def test_the_rules_version_ignores_code_but_not_release_or_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = version.rules_version()
    version.builtin_digest.cache_clear()
    monkeypatch.setattr(version, "RULES_RELEASE", version.RULES_RELEASE + "-next")
    try:
        assert version.rules_version() != base
    finally:
        monkeypatch.undo()
        version.builtin_digest.cache_clear()
    assert version.rules_version() == base
    assert version.rules_version(china_regions=("CN",)) != base


_PIECES = st.sampled_from([
    "China", "中国", "中國", "香港", "Hong Kong", "PBOC", "央行", "币安", "Binance", "BTC", "$BTC",
    "<p>", "</p>", "&amp;", "<br/>", "·", "（", "）", "(", ")", "'s ", "’s", "省", "市", "公安局",
    "6.1亿美元", "$4.3 billion", " token", "代币", "mining", "矿池", "Mr.", "表示", "，", "。",
    " ", "\n", "Changpeng Zhao", "赵长鹏", "e-CNY", "数字人民币", "Inc.", "集团", "億", "新台幣",
])
_TEXT = st.lists(
    st.one_of(_PIECES, st.text(max_size=12), st.text("abcXYZ 中国香港台灣市区省., ", max_size=12)),
    max_size=40,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(title=_TEXT, summary=_TEXT, content=_TEXT, lang=st.sampled_from([None, "en", "zh"]))
def test_tag_never_raises_and_is_deterministic(
    tagger: Tagger, title: str, summary: str, content: str, lang: str | None
) -> None:
    tags = tagger.tag(title, summary, content, lang)
    assert golden.dump(tagger.tag(title, summary, content, lang)) == golden.dump(tags)
    assert tags.input_hash == version.input_hash(
        tagger.rules_version, title, summary, content, lang
    )
