"""sinowire: a terminal news reader for crypto news, built to follow China."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sinowire")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
