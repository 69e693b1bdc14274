"""The engine: the one way anything updates the cache (fetch, parse, tag, store, retention)."""
