from __future__ import annotations

import pytest

from tui.tagging import Tagger


@pytest.fixture(scope="session")
def tagger() -> Tagger:
    return Tagger()


def names(tags) -> set[str]:  # type: ignore[no-untyped-def]
    return {e.name for e in tags.entities}
