"""Issue 10, class 3: the address policy, judged on the address actually connected to.

A fake network (resolver + connector) lets a name or an IP *pretend* to be public while the
bytes go to a loopback server; the connector refuses anything else outright, so no test here
can reach beyond 127.0.0.0/8 or ::1, and every forbidden address must be refused before the
connector is asked (it records every address it was asked for).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator

import pytest
import requests
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.conftest_http import RawServer, request_path
from tui.config import Settings
from tui.feeds.addresses import LOCAL, PUBLIC, Hops, Network, classify, parse_ip
from tui.feeds.fetch import fetch, fetch_page, make_session

# Public-looking addresses the fake network routes to the loopback server (never dialled).
PUBLIC_A = "93.184.216.34"
PUBLIC_B = "2606:2800:220:1:248:1893:25c8:1946"
METADATA = "169.254.169.254"
FEED = b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>"


class FakeNetwork:
    """Names → addresses; public addresses are routed to ``port`` on 127.0.0.1."""

    def __init__(self, port: int, names: dict[str, list[str]] | None = None) -> None:
        self.port = port
        self.names = names or {}
        self.dialled: list[str] = []
        self.resolved: list[str] = []
        self._lock = threading.Lock()
        self.network = Network(resolve=self.resolve, connect=self.connect)

    def resolve(self, host: str, port: int) -> list[str]:
        self.resolved.append(host)
        answer = self.names.get(host)
        if answer is None:
            raise socket.gaierror(socket.EAI_NONAME, "unknown test name")
        if callable(answer):
            return answer()
        return list(answer)

    def connect(self, ip: str, port: int, timeout: float | None) -> socket.socket:
        with self._lock:
            self.dialled.append(ip)
        address = ipaddress.ip_address(ip)
        if classify(address)[0] == PUBLIC:
            return socket.create_connection(("127.0.0.1", self.port), timeout)
        if address.is_loopback and isinstance(address, ipaddress.IPv4Address):
            return socket.create_connection((ip, port), timeout)
        raise AssertionError(f"the test network refuses to dial {ip}")


def _handler(routes: dict[str, bytes]):  # type: ignore[no-untyped-def]
    def handle(conn: socket.socket, request: bytes) -> None:
        path = request_path(request)
        location = routes.get(path)
        if location is not None:
            conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: " + location
                         + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        # "Connection: close": the server closes after each answer, and a client that
        # reused the socket for the redirect would race that close (a reset, now and then).
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                     + f"Content-Length: {len(FEED)}\r\nConnection: close\r\n\r\n".encode()
                     + FEED)
    return handle


@pytest.fixture
def server() -> Iterator[tuple[RawServer, dict[str, bytes]]]:
    routes: dict[str, bytes] = {}
    raw = RawServer(_handler(routes))
    yield raw, routes
    raw.close()


@pytest.fixture
def settings() -> Settings:
    # Generous: nothing here tests a timeout, and a loaded CI machine is slow to accept.
    return Settings().with_changes(connect_timeout=5.0, read_timeout=10.0, deadline=15.0)


# --- spellings ------------------------------------------------------------------------------


def _spellings(value: int) -> list[str]:
    """The ways a C resolver accepts to write one IPv4 address."""
    octets = value.to_bytes(4, "big")
    dotted = ".".join(str(o) for o in octets)
    return [
        dotted,
        str(value),
        hex(value),
        "0" + oct(value)[2:],
        ".".join("0" + oct(o)[2:] if o else "0" for o in octets),
        ".".join(hex(o) for o in octets),
        f"{octets[0]}.{octets[1]}.{int.from_bytes(octets[2:], 'big')}",
        f"{octets[0]}.{int.from_bytes(octets[1:], 'big')}",
        f"[::ffff:{dotted}]",
        f"[::ffff:{octets[0]:02x}{octets[1]:02x}:{octets[2]:02x}{octets[3]:02x}]",
        f"[64:ff9b::{dotted}]",
        f"[2002:{octets[0]:02x}{octets[1]:02x}:{octets[2]:02x}{octets[3]:02x}::1]",
    ]


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_every_ipv4_spelling_means_the_same_address(value: int) -> None:
    expected = ipaddress.IPv4Address(value)
    for spelling in _spellings(value)[:8]:
        assert parse_ip(spelling) == expected, spelling
    for spelling in _spellings(value)[8:]:
        parsed = parse_ip(spelling)
        assert parsed is not None and classify(parsed) == classify(expected), spelling


@pytest.mark.parametrize("host", ["example.com", "1.2.3.4.5", "256.1.1.1", "0x1g", "1..2",
                                  "4294967296", "", "08.1.1.1", "[::ffff:zz]"])
def test_names_and_non_addresses_are_not_taken_for_addresses(host: str) -> None:
    assert parse_ip(host) is None


@pytest.mark.parametrize(("address", "kind"), [
    ("169.254.169.254", "forbidden"), ("169.254.0.1", "forbidden"), ("0.0.0.0", "forbidden"),
    ("0.1.2.3", "forbidden"), ("224.0.0.1", "forbidden"), ("239.255.255.250", "forbidden"),
    ("255.255.255.255", "forbidden"), ("240.0.0.1", "forbidden"), ("::", "forbidden"),
    ("fe80::1", "forbidden"), ("ff02::1", "forbidden"), ("::ffff:169.254.169.254", "forbidden"),
    ("64:ff9b::a9fe:a9fe", "forbidden"), ("::ffff:0.0.0.0", "forbidden"),
    ("127.0.0.1", LOCAL), ("127.8.9.10", LOCAL), ("::1", LOCAL), ("10.1.2.3", LOCAL),
    ("172.16.0.1", LOCAL), ("172.31.255.255", LOCAL), ("192.168.1.1", LOCAL),
    ("100.64.0.1", LOCAL), ("fd00::1", LOCAL), ("::ffff:127.0.0.1", LOCAL),
    ("::ffff:192.168.0.1", LOCAL),
    ("93.184.216.34", PUBLIC), ("8.8.8.8", PUBLIC), ("172.32.0.1", PUBLIC),
    ("2606:4700::1111", PUBLIC), ("::ffff:8.8.8.8", PUBLIC),
])
def test_classes(address: str, kind: str) -> None:
    assert classify(address)[0] == kind


FORBIDDEN_V4 = st.one_of(
    st.integers(int(ipaddress.IPv4Address("169.254.0.0")),
                int(ipaddress.IPv4Address("169.254.255.255"))),
    st.integers(0, 2**24 - 1),
    st.integers(int(ipaddress.IPv4Address("224.0.0.0")), 2**32 - 1),
)


@hsettings(max_examples=60, deadline=None)
@given(value=FORBIDDEN_V4, pick=st.integers(0, 11), hop=st.booleans())
def test_forbidden_addresses_in_any_spelling_are_refused_before_connecting(
    value: int, pick: int, hop: bool
) -> None:
    spelling = _spellings(value)[pick]
    fake = FakeNetwork(port=9)  # nothing is ever dialled, so the port does not matter
    settings = Settings().with_changes(deadline=3.0)
    if hop:
        # A redirect from a public feed: the first hop is the fake public server.
        fake.names["news.example"] = [PUBLIC_A]
        raw = RawServer(_handler({"/feed": f"http://{spelling}/latest/meta-data/".encode()}))
        fake.port = raw.port
        try:
            result = fetch("http://news.example/feed", settings=settings, network=fake.network)
        finally:
            raw.close()
        assert fake.dialled == [PUBLIC_A]
    else:
        result = fetch(f"http://{spelling}/latest/meta-data/", settings=settings,
                       network=fake.network)
        assert fake.dialled == []
    assert result.status == "error"
    assert result.error is not None and result.error.startswith("refused")


# --- whole fetches through the fake network -------------------------------------------------


@pytest.mark.parametrize(("target", "names", "why"), [
    (b"http://169.254.169.254/latest/meta-data/", {}, "link-local"),
    (b"http://2852039166/latest/meta-data/", {}, "link-local"),
    (b"http://[::ffff:169.254.169.254]/", {}, "link-local"),
    (b"http://0.0.0.0/", {}, "unspecified"),
    (b"http://meta.test/", {"meta.test": [METADATA]}, "link-local"),
    (b"http://mapped.test/", {"mapped.test": ["::ffff:a9fe:a9fe"]}, "link-local"),
    (b"http://mcast.test/", {"mcast.test": ["239.1.1.1"]}, "multicast"),
    (b"http://127.0.0.1/admin", {}, "public address to a loopback"),
    (b"http://localhost.test/", {"localhost.test": ["127.0.0.1"]}, "public address to a loopback"),
    (b"http://router.test/", {"router.test": ["192.168.1.1"]}, "public address to a private"),
    (b"http://[::1]/", {}, "public address to a loopback"),
    (b"http://017700000001/", {}, "public address to a loopback"),
])
def test_a_public_feed_cannot_redirect_to_metadata_loopback_or_lan(
    server, settings: Settings, target: bytes, names: dict[str, list[str]], why: str
) -> None:
    raw, routes = server
    routes["/feed"] = target
    fake = FakeNetwork(raw.port, {"news.example": [PUBLIC_A], **names})
    for kind in ("feed", "page"):
        fake.dialled.clear()
        if kind == "feed":
            result = fetch("http://news.example/feed", settings=settings, network=fake.network)
        else:
            result = fetch_page("http://news.example/feed", settings, network=fake.network)
        assert result.status == "error"
        assert result.error is not None and why in result.error, result.error
        assert fake.dialled == [PUBLIC_A], "the refused address was dialled"


def test_public_to_public_redirects_and_a_name_with_a_bad_and_a_good_address(
    server, settings: Settings
) -> None:
    raw, routes = server
    routes["/feed"] = b"http://cdn.example/feed2"
    fake = FakeNetwork(raw.port, {"news.example": [PUBLIC_A],
                                  "cdn.example": [METADATA, PUBLIC_B]})
    result = fetch("http://news.example/feed", settings=settings, network=fake.network)
    assert result.status == "ok", result.error
    assert result.body == FEED
    assert fake.dialled == [PUBLIC_A, PUBLIC_B]  # the metadata address was skipped


def test_dns_rebinding_cannot_slip_a_loopback_address_in(server, settings: Settings) -> None:
    raw, routes = server
    routes["/feed"] = b"http://rebind.example/again"
    answers = iter([[PUBLIC_A], ["127.0.0.1"], ["127.0.0.1"]])
    fake = FakeNetwork(raw.port, {"rebind.example": lambda: next(answers)})  # type: ignore[dict-item]
    result = fetch("http://rebind.example/feed", settings=settings, network=fake.network)
    assert result.error is not None and "public address to a loopback" in result.error
    assert fake.dialled == [PUBLIC_A]


def test_a_pooled_loopback_connection_is_not_a_way_around_the_policy(
    server, settings: Settings
) -> None:
    raw, routes = server
    routes["/feed"] = f"http://127.0.0.1:{raw.port}/inside".encode()
    fake = FakeNetwork(raw.port, {"news.example": [PUBLIC_A]})
    with make_session(settings) as session:
        ok = fetch(f"http://127.0.0.1:{raw.port}/inside", settings=settings, session=session,
                   network=fake.network)
        assert ok.status == "ok"  # leaves a kept-alive connection to 127.0.0.1 in the pool
        refused = fetch("http://news.example/feed", settings=settings, session=session,
                        network=fake.network)
    assert refused.error is not None and "public address to a loopback" in refused.error
    assert [r for r in raw.requests if b"/inside" in r].__len__() == 1


def test_a_self_hosted_feed_may_be_local_and_its_redirects_stay_local(
    server, settings: Settings
) -> None:
    raw, routes = server
    routes["/feed"] = f"http://127.0.0.1:{raw.port}/moved".encode()
    routes["/out"] = b"http://news.example/feed2"
    fake = FakeNetwork(raw.port, {"news.example": [PUBLIC_A]})
    result = fetch(raw.url("/feed"), settings=settings, network=fake.network)
    assert result.status == "ok" and result.body == FEED
    out = fetch(raw.url("/out"), settings=settings, network=fake.network)
    assert out.error is not None and "local address to a public one" in out.error
    assert PUBLIC_A not in fake.dialled


def test_an_article_link_from_a_public_feed_cannot_reach_loopback(
    server, settings: Settings
) -> None:
    raw, _ = server
    fake = FakeNetwork(raw.port, {"news.example": [PUBLIC_A]})
    page = fetch_page(raw.url("/article"), settings, origin="http://news.example/feed",
                      network=fake.network)
    assert page.error is not None
    assert "story link in a feed from a public address to a loopback" in page.error
    assert raw.requests == []
    typed = fetch_page(raw.url("/article"), settings, network=fake.network)
    assert typed.status == "ok"  # the user typed a loopback URL: allowed


def test_the_real_network_refuses_metadata_without_any_traffic(settings: Settings,
                                                                monkeypatch) -> None:
    # With the default resolver and connector: the literal is refused before DNS/connect.
    def no(*args: object, **kwargs: object) -> None:
        raise AssertionError("tried to connect")

    monkeypatch.setattr(socket, "create_connection", no)
    monkeypatch.setattr(socket, "getaddrinfo", no)
    for url in ("http://169.254.169.254/latest/meta-data/", "http://2852039166/",
                "http://[::ffff:169.254.169.254]/", "http://0.0.0.0/", "http://0xa9.0xfe.0xa9.0xfe/",
                "http://025177524776/", "http://169.254.43518/"):
        result = fetch(url, settings=settings)
        assert result.error is not None, url
        assert result.error.startswith(("refused", "invalid", "not an http")), result.error
    with requests.Session() as plain:  # a caller's own session gets the same policy
        result = fetch("http://169.254.169.254/", settings=settings, session=plain)
    assert result.error is not None and result.error.startswith("refused")


def test_hops_scope_is_set_by_the_first_address() -> None:
    hops = Hops()
    hops.admit("192.168.1.10")
    hops.admit("10.0.0.1")
    with pytest.raises(Exception, match="public one"):
        hops.admit("8.8.8.8")
