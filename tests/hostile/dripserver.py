"""A loopback server that drips a response in a chosen framing and phase, plain or TLS.

Framings: ``length`` (Content-Length), ``chunked``, ``close`` (HTTP/1.1, no length,
``Connection: close``), ``http10`` (HTTP/1.0, no length). Phases: where the drip starts:
``status`` (inside the status line), ``headers``, ``body``, ``redirect`` (a 302 first, the
body drip on the second hop). ``hold=True`` makes a server that accepts and never says a
word (for https, a TLS handshake that never finishes). The
drip goes on until the client hangs up or ``limit`` seconds pass, so a client that ignores
its deadline is caught by the test's clock, never by the server giving up first.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

FRAMINGS = ("length", "chunked", "close", "http10")
PHASES = ("status", "headers", "body", "redirect")


@dataclass(frozen=True)
class Drip:
    framing: str
    phase: str
    interval: float = 0.1
    size: int = 1  # bytes per tick
    limit: float = 20.0


def make_cert(folder: Path) -> tuple[Path, Path] | None:
    """A self-signed certificate for 127.0.0.1 (None without the openssl command)."""
    if shutil.which("openssl") is None:
        return None
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key


class DripServer:
    """Serves ``/<name>`` with the Drip registered under that name."""

    def __init__(self, tls: tuple[Path, Path] | None = None, *, hold: bool = False) -> None:
        self.drips: dict[str, Drip] = {}
        self.hold = hold
        self.context: ssl.SSLContext | None = None
        if tls is not None:
            self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.context.load_cert_chain(*tls)
        self._sock = socket.create_server(("127.0.0.1", 0), backlog=128)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def url(self, name: str) -> str:
        scheme = "https" if self.context else "http"
        return f"{scheme}://127.0.0.1:{self.port}/{name}"

    def add(self, name: str, drip: Drip) -> str:
        self.drips[name] = drip
        return self.url(name)

    def close(self) -> None:
        self._stop.set()
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(20)
            if self.hold:  # never answer, not even the TLS handshake
                time.sleep(20)
                return
            if self.context is not None:
                conn = self.context.wrap_socket(conn, server_side=True)
            request = b""
            while b"\r\n\r\n" not in request and len(request) < 65536:
                data = conn.recv(4096)
                if not data:
                    return
                request += data
            first = request.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
            path = first[1] if len(first) > 1 else "/"
            name, _, hop = path.strip("/").partition("/")
            drip = self.drips.get(name)
            if drip is not None:
                _respond(conn, drip, second_hop=hop == "next", name=name)
        except (OSError, ssl.SSLError):
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()


def _dribble(conn: socket.socket, data: bytes, drip: Drip, deadline: float) -> None:
    """Send ``data`` ``drip.size`` bytes at a time; repeat its last byte until the limit."""
    index = 0
    while time.monotonic() < deadline:
        piece = data[index:index + drip.size] if index < len(data) else data[-1:] * drip.size
        index += drip.size
        conn.sendall(piece)
        time.sleep(drip.interval)


def _status(drip: Drip, code: str = "200 OK") -> bytes:
    version = "HTTP/1.0" if drip.framing == "http10" else "HTTP/1.1"
    return f"{version} {code}\r\n".encode()


def _framing_headers(drip: Drip) -> bytes:
    if drip.framing == "length":
        return b"Content-Length: 1000000\r\n"
    if drip.framing == "chunked":
        return b"Transfer-Encoding: chunked\r\n"
    if drip.framing == "close":
        return b"Connection: close\r\n"
    return b""


def _respond(conn: socket.socket, drip: Drip, *, second_hop: bool, name: str) -> None:
    deadline = time.monotonic() + drip.limit
    if drip.phase == "status":
        _dribble(conn, _status(drip) + b"X-Never: ", drip, deadline)
        return
    if drip.phase == "headers":
        conn.sendall(_status(drip))
        _dribble(conn, b"Content-Type: application/xml\r\nX-Slow: ", drip, deadline)
        return
    if drip.phase == "redirect" and not second_hop:
        body = b"moved"
        conn.sendall(_status(drip, "302 Found") + f"Location: /{name}/next\r\n".encode()
                     + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
        return
    conn.sendall(_status(drip) + b"Content-Type: application/rss+xml\r\n"
                 + _framing_headers(drip) + b"\r\n")
    if drip.framing == "chunked":
        while time.monotonic() < deadline:
            conn.sendall(f"{drip.size:x}\r\n".encode() + b"x" * drip.size + b"\r\n")
            time.sleep(drip.interval)
        return
    _dribble(conn, b"<rss>", drip, deadline)
