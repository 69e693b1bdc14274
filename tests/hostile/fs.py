"""Read-only folders and full disks for the fault tests, made as real as the machine allows.

As root, permissions do not stop writes (root bypasses them), so a read-only *bind mount*
is used instead; a full disk is a small tmpfs. Without root (or where mounting is not
allowed) the read-only case falls back to chmod, and the full-disk case is left to
SQLite's ``PRAGMA max_page_count`` in the tests themselves. ``how`` says which was used.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path


class Unavailable(Exception):
    """This machine cannot simulate the fault this way (the test picks another)."""


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def _umount(path: Path) -> None:
    subprocess.run(["umount", str(path)], capture_output=True)


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[str]:
    """Make ``folder`` unwritable for this process; yields how ("bind-mount" or "chmod")."""
    if os.geteuid() == 0:
        if _mount("--bind", str(folder), str(folder)):
            if _mount("-o", "remount,ro,bind", str(folder)):
                try:
                    yield "bind-mount"
                finally:
                    _umount(folder)
                return
            _umount(folder)
        raise Unavailable("root, but a read-only bind mount is not allowed here")
    modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")]}
    for path in modes:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield "chmod"
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


@contextlib.contextmanager
def tiny_disk(folder: Path, size_kb: int) -> Iterator[None]:
    """A tmpfs of ``size_kb`` mounted on ``folder``; raises _Unavailable if not possible."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not _mount("-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs",
                                       str(folder)):
        raise Unavailable("mounting a tmpfs needs root")
    try:
        yield
    finally:
        _umount(folder)


def grow(folder: Path, size_kb: int) -> bool:
    """Make the tmpfs on ``folder`` bigger (the user freed some space)."""
    return _mount("-o", f"remount,size={size_kb}k", str(folder))


