"""Settings: one schema of keys, the loader that checks a config.toml against it, and the
default feeds with their evidence."""

from tui.settings.defaults import DEFAULT_FEEDS, RETIRED, DefaultFeed, RetiredDefault
from tui.settings.load import load_settings, settings_from_dict
from tui.settings.model import ConfigError, Settings, UserEntity
from tui.settings.schema import DEFAULT_USER_AGENT, KEYS, Key, example_config

EXAMPLE_CONFIG = example_config()

__all__ = ["DEFAULT_FEEDS", "DEFAULT_USER_AGENT", "EXAMPLE_CONFIG", "KEYS", "RETIRED",
           "ConfigError", "DefaultFeed", "Key", "RetiredDefault", "Settings", "UserEntity",
           "load_settings", "settings_from_dict"]
