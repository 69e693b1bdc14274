"""Compatibility home of the settings API; the code lives in :mod:`tui.settings`.

Kept so ``from tui.config import Settings, ConfigError, load_settings, DEFAULT_FEEDS``
works everywhere it already does.
"""

from tui.models import TOPICS
from tui.settings import (
    DEFAULT_FEEDS,
    DEFAULT_USER_AGENT,
    EXAMPLE_CONFIG,
    RETIRED,
    ConfigError,
    DefaultFeed,
    RetiredDefault,
    Settings,
    UserEntity,
    load_settings,
    settings_from_dict,
)

__all__ = ["DEFAULT_FEEDS", "DEFAULT_USER_AGENT", "EXAMPLE_CONFIG", "RETIRED", "TOPICS",
           "ConfigError", "DefaultFeed", "RetiredDefault", "Settings", "UserEntity",
           "load_settings", "settings_from_dict"]
