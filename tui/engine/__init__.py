"""The engine: the one way anything updates the cache (fetch, parse, tag, store, retention).

``open_engine()`` builds it for a home (or the demo); ``Engine`` is the entry point.
"""

from tui.engine.engine import Engine, ImportReport
from tui.engine.factory import open_engine

__all__ = ["Engine", "ImportReport", "open_engine"]
