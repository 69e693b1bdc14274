"""The per-fetch deadline watchdog: shuts a fetch's sockets once its deadline passes.

Per-read timeouts do not bound a server that drips one byte at a time, and checking the
clock between chunks does not help while a read waits for a full 64 KiB chunk or for the
status line. So every fetch starts a timer; when it fires, the sockets the fetch is using are
shut down, which makes a recv() blocked in the fetching thread return at once. Connections
register themselves with the fetch running on their thread (``current.watch``).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

current = threading.local()


class Watch:
    """Shuts the sockets a fetch is using once its deadline passes.

    Registration happens in the connection's ``request()`` on the fetching thread, so a
    connection shared through the pool only ever belongs to the fetch using it now.
    """

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._done = False
        self._conns: list[HTTPConnection] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def add(self, conn: HTTPConnection) -> None:
        with self._lock:
            conn._sinowire_watch = self  # type: ignore[attr-defined]
            self._conns.append(conn)
            if self.expired:
                _shut(conn)

    def connected(self, conn: HTTPConnection) -> None:
        with self._lock:
            if self.expired:
                _shut(conn)

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            for conn in self._conns:
                if getattr(conn, "_sinowire_watch", None) is self:
                    _shut(conn)

    def cancel(self) -> None:
        with self._lock:
            self._done = True
            self._conns.clear()
        self._timer.cancel()


def _shut(conn: HTTPConnection) -> None:
    sock = getattr(conn, "sock", None)
    if sock is not None:
        # The base-class method works on the file descriptor, also for an SSLSocket,
        # and makes a recv() blocked in another thread return at once.
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _WatchedMixin:
    def request(self, *args: Any, **kwargs: Any) -> None:
        watch = getattr(current, "watch", None)
        if watch is not None:
            watch.add(self)
        super().request(*args, **kwargs)  # type: ignore[misc]

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        watch = getattr(current, "watch", None)
        if watch is not None:
            watch.connected(self)


class _WatchedHTTPConnection(_WatchedMixin, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_WatchedMixin, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class WatchedAdapter(HTTPAdapter):
    """An adapter whose connections report to the current fetch's watchdog."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS pools have their own classes
            manager.pool_classes_by_scheme = _WATCHED_POOLS
        return manager
