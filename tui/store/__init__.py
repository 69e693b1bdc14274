"""The only code that writes SQL."""

from tui.store.database import NewerSchemaError, StoreError
from tui.store.store import FeedExistsError, Store

__all__ = ["FeedExistsError", "NewerSchemaError", "Store", "StoreError"]
