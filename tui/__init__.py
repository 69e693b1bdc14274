"""sinowire: a terminal news reader for crypto news, built to follow China."""

from __future__ import annotations

import os
import sys


def _version() -> str:
    """The installed version, read from the ``sinowire-X.dist-info`` folder name.

    ``importlib.metadata`` finds the same folder but costs ~40 ms to import (it pulls in
    the email parser), which every start-up of the app would pay.
    """
    prefix, suffix = "sinowire-", ".dist-info"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.startswith(prefix) and name.endswith(suffix):
                return name[len(prefix):-len(suffix)]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sinowire")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0.0.0"


__version__ = _version()
