"""The per-fetch deadline watchdog, and the connection classes that report to it.

Per-read timeouts do not bound a server that drips one byte at a time, and checking the
clock between chunks does not help while a read waits for a full 64 KiB chunk or for the
status line. So every fetch starts a timer; when it fires, the sockets the fetch is using are
shut down, which makes a recv() blocked in the fetching thread return at once.

The watchdog keeps the *socket*, taken when the connection creates it, not the connection:
for a close-delimited body (HTTP/1.0, or no Content-Length and ``Connection: close``)
http.client hands the socket to the response and sets the connection's ``sock`` to None,
so a watchdog that shuts ``conn.sock`` finds nothing to shut and the drip goes on for as
long as the server likes. Connections register with the fetch running on their thread
(``current.watch``); the same hook resolves names and checks every address against the
fetch's address policy (``current.hops``, :mod:`tui.feeds.addresses`) before connecting.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from tui.feeds.addresses import Hops

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
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def add(self, conn: HTTPConnection) -> None:
        with self._lock:
            conn._sinowire_watch = self  # type: ignore[attr-defined]  # http.client and urllib3 internals, untyped
            self._conns.append(conn)
            if self.expired:
                _shut(conn)

    def connected(self, conn: HTTPConnection) -> None:
        with self._lock:
            if self.expired:
                _shut(conn)

    def add_socket(self, sock: socket.socket) -> None:
        """Own a socket directly (it outlives ``conn.sock`` for close-delimited bodies)."""
        with self._lock:
            self._socks.append(sock)
            if self.expired:
                _shut_socket(sock)

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            for conn in self._conns:
                if getattr(conn, "_sinowire_watch", None) is self:
                    _shut(conn)
            for sock in self._socks:
                _shut_socket(sock)

    def cancel(self) -> None:
        with self._lock:
            self._done = True
            self._conns.clear()
            self._socks.clear()
        self._timer.cancel()


def _shut(conn: HTTPConnection) -> None:
    for sock in (getattr(conn, "sock", None), getattr(conn, "_sinowire_sock", None)):
        if sock is not None:
            _shut_socket(sock)


def _shut_socket(sock: socket.socket) -> None:
    # The base-class method works on the file descriptor, also for an SSLSocket, and makes
    # a recv() blocked in another thread return at once. A socket whose close() was called
    # while a response still reads from it keeps its descriptor, so this still reaches it.
    with contextlib.suppress(OSError, ValueError, TypeError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _WatchedMixin:
    def request(self, *args: Any, **kwargs: Any) -> None:
        watch = getattr(current, "watch", None)
        if watch is not None:
            watch.add(self)
        hops: Hops | None = getattr(current, "hops", None)
        ip = getattr(self, "_sinowire_ip", None)
        if hops is not None and ip is not None:
            hops.admit(ip)  # a pooled connection reused by a later hop is checked again
        super().request(*args, **kwargs)  # type: ignore[misc]  # http.client and urllib3 internals, untyped

    def _new_conn(self) -> socket.socket:
        """Resolve, check the address against the policy, connect, and hand it to the watch."""
        hops: Hops = getattr(current, "hops", None) or Hops()
        if getattr(self, "proxy", None) is not None:
            sock: socket.socket = super()._new_conn()  # type: ignore[misc]  # the proxy
        else:
            sock = self._open_checked(hops)
        self._sinowire_sock = sock
        watch = getattr(current, "watch", None)
        if watch is not None:
            watch.add_socket(sock)
        return sock

    def _open_checked(self, hops: Hops) -> socket.socket:
        conn: Any = self  # always an urllib3 HTTPConnection: the mixin is only used with one
        host: str = conn._dns_host
        port: int = conn.port
        timeout = conn.timeout if isinstance(conn.timeout, int | float) else None
        try:
            sock, ip = hops.open(host, port, timeout)
        except socket.gaierror as exc:
            raise NameResolutionError(host, conn, exc) from exc
        except TimeoutError as exc:
            raise ConnectTimeoutError(
                conn, f"Connection to {host} timed out. (connect timeout={timeout})"
            ) from exc
        except OSError as exc:
            raise NewConnectionError(conn, f"Failed to establish a new connection: {exc}") from exc
        self._sinowire_ip = ip
        for option in getattr(self, "socket_options", None) or ():
            with contextlib.suppress(OSError):
                sock.setsockopt(*option)
        sock.settimeout(timeout)
        return sock

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]  # http.client and urllib3 internals, untyped
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
