"""The engine: the one way anything updates the cache (fetch, parse, tag, store, retention).

``open_engine()`` builds it for a home (or the demo); ``Engine`` is the entry point.

The names are imported on first use: the parse worker unpickles functions from
``tui.engine.jobs`` and ``tui.engine.worker``, and importing this package must not drag the
store (sqlite-utils) and the updater into every worker's start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.engine.engine import Engine, ImportReport
    from tui.engine.factory import open_engine

__all__ = ["Engine", "ImportReport", "open_engine"]


def __getattr__(name: str) -> Any:
    if name in ("Engine", "ImportReport"):
        from tui.engine import engine

        return getattr(engine, name)
    if name == "open_engine":
        from tui.engine.factory import open_engine

        return open_engine
    raise AttributeError(f"module 'tui.engine' has no attribute {name!r}")
