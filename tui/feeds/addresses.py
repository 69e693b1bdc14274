"""Which network addresses a fetch may connect to, decided on the address actually used.

A feed (or a redirect it sends) is a stranger's instruction to connect somewhere. On a cloud
VM, ``http://169.254.169.254/`` hands out instance credentials; on a home network, a router's
admin page sits on 192.168.x. So the policy is checked on the IP that the socket connects to,
after DNS resolution, on every hop (a name that resolves to a public address for the check
and a private one for the connection cannot slip past: we connect to the address we
checked):

* never link-local (169.254.0.0/16, fe80::/10), unspecified (0.0.0.0/8, ::), multicast,
  broadcast or reserved (240.0.0.0/4) addresses, whoever asked;
* IPv4 inside IPv6 (``::ffff:a.b.c.d``, NAT64 ``64:ff9b::/96``, 6to4, IPv4-compatible) is
  unwrapped and judged as the IPv4 address it carries;
* decimal, octal, hex and short IPv4 spellings (``2852039166``, ``0251.0376.0251.0376``,
  ``0xa9fea9fe``, ``169.254.43518``) are read the way the C resolver reads them;
* the first address of a fetch (the URL the user subscribed to, or typed) sets its scope,
  ``local`` (loopback, private, CGNAT, unique-local) or ``public``; every later hop must stay
  in that scope, so a public feed can never redirect into the machine or the LAN, while a
  self-hosted feed on 192.168.x keeps working and its redirects stay on the LAN.

The resolver and the connector are injectable (:class:`Network`) so tests can pretend any
address is anything while every byte stays on 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]
Connector = Callable[[str, int, float | None], socket.socket]

LOCAL = "local"
PUBLIC = "public"

_FORBIDDEN_V4 = (
    (ipaddress.ip_network("169.254.0.0/16"), "link-local"),
    (ipaddress.ip_network("0.0.0.0/8"), "unspecified"),
    (ipaddress.ip_network("224.0.0.0/4"), "multicast"),
    (ipaddress.ip_network("255.255.255.255/32"), "broadcast"),
    (ipaddress.ip_network("240.0.0.0/4"), "reserved"),
)
_LOCAL_V4 = tuple(
    ipaddress.ip_network(n)
    for n in ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
              "100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOCAL_V6 = tuple(ipaddress.ip_network(n) for n in ("::1/128", "fc00::/7", "fec0::/10"))


class AddressRefused(Exception):
    """A connection the policy does not allow; the message is one line for the user."""


def parse_ip(host: str) -> IPAddress | None:
    """``host`` as an IP address if it is one in any spelling, else None (a name).

    IPv4 follows inet_aton: one to four parts, each decimal, octal (leading 0) or hex
    (0x), the last part filling the remaining bytes. IPv6 may carry brackets or a zone.
    """
    text = host.strip().rstrip(".") if host else ""
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if ":" in text:
        try:
            return ipaddress.IPv6Address(text.split("%", 1)[0])
        except ValueError:
            return None
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers: list[int] = []
    for part in parts:
        number = _c_number(part)
        if number is None:
            return None
        numbers.append(number)
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = last
    for index, number in enumerate(head):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _c_number(part: str) -> int | None:
    lowered = part.lower()
    try:
        if lowered.startswith("0x"):
            return int(lowered[2:] or "0", 16) if len(lowered) <= 10 else None
        if len(lowered) > 1 and lowered.startswith("0"):
            return int(lowered[1:], 8) if len(lowered) <= 12 else None
        return int(lowered) if lowered.isdigit() and len(lowered) <= 10 else None
    except ValueError:
        return None


def unwrap(address: IPAddress) -> IPAddress:
    """The IPv4 address carried inside an IPv6 one (mapped, NAT64, 6to4, compatible)."""
    if isinstance(address, ipaddress.IPv4Address):
        return address
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    value = int(address)
    if value >> 32 == 0 and value > 1:  # ::a.b.c.d, the deprecated IPv4-compatible form
        return ipaddress.IPv4Address(value)
    return address


def classify(address: IPAddress | str) -> tuple[str, str]:
    """("forbidden", why) | ("local", kind) | ("public", "") for one address."""
    ip = unwrap(ipaddress.ip_address(address) if isinstance(address, str) else address)
    if isinstance(ip, ipaddress.IPv4Address):
        for network, why in _FORBIDDEN_V4:
            if ip in network:
                return "forbidden", why
        if any(ip in network for network in _LOCAL_V4):
            return LOCAL, "loopback" if ip.is_loopback else "private"
        return PUBLIC, ""
    if ip.is_unspecified:
        return "forbidden", "unspecified"
    if ip.is_link_local:
        return "forbidden", "link-local"
    if ip.is_multicast:
        return "forbidden", "multicast"
    if any(ip in network for network in _LOCAL_V6):
        return LOCAL, "loopback" if ip.is_loopback else "private"
    return PUBLIC, ""


def _resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _connect(ip: str, port: int, timeout: float | None) -> socket.socket:
    return socket.create_connection((ip, port), timeout)


@dataclass(frozen=True)
class Network:
    """How names are resolved and sockets connected; tests pass a fake one."""

    resolve: Resolver = _resolve
    connect: Connector = _connect


REAL_NETWORK = Network()


@dataclass
class Hops:
    """The policy state of one fetch: its network and the scope its first address set."""

    network: Network = REAL_NETWORK
    scope: str | None = None
    via: str = "a redirect"
    """What led here, for the refusal message (a redirect, or a story link in a feed)."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def admit(self, address: IPAddress | str) -> None:
        """Raise AddressRefused unless this fetch may connect to ``address``."""
        kind, why = classify(address)
        shown = str(address)
        if kind == "forbidden":
            raise AddressRefused(f"refused to connect to {shown}: a {why} address")
        with self._lock:
            if self.scope is None:
                self.scope = kind
                return
            if kind != self.scope:
                if self.scope == PUBLIC:
                    raise AddressRefused(
                        f"refused: {self.via} from a public address to a {why} one ({shown})")
                raise AddressRefused(
                    f"refused: a redirect from a local address to a public one ({shown}); "
                    "a local feed's redirects stay local")

    def resolve(self, host: str, port: int, timeout: float | None) -> list[str]:
        """The host's addresses, within ``timeout`` (DNS can hang; the deadline must not)."""
        literal = parse_ip(host)
        if literal is not None:
            return [str(literal)]
        box: dict[str, object] = {}

        def run() -> None:
            try:
                box["ok"] = list(self.network.resolve(host, port))
            except BaseException as exc:  # handed back to the caller below
                box["error"] = exc

        thread = threading.Thread(target=run, name="sinowire-dns", daemon=True)
        thread.start()
        thread.join(timeout)
        if "error" in box:
            raise box["error"]  # type: ignore[misc]  # the box holds what the thread stored
        if "ok" not in box:
            raise TimeoutError(f"DNS lookup of {host} timed out")
        return box["ok"]  # type: ignore[return-value]  # the box holds what the thread stored

    def open(self, host: str, port: int, timeout: float | None) -> tuple[socket.socket, str]:
        """Resolve, check every candidate, connect to the first allowed one."""
        candidates = self.resolve(host, port, timeout)
        if not candidates:
            raise socket.gaierror(socket.EAI_NONAME, f"no address for {host}")
        refusal: AddressRefused | None = None
        last_error: OSError | None = None
        for ip in candidates:
            try:
                self.admit(ip)
            except AddressRefused as exc:
                refusal = refusal or exc
                continue
            try:
                return self.network.connect(ip, port, timeout), ip
            except OSError as exc:
                last_error = exc
        if last_error is not None:
            raise last_error
        assert refusal is not None
        raise refusal


__all__ = [
    "LOCAL", "PUBLIC", "REAL_NETWORK", "AddressRefused", "Hops", "Network", "classify",
    "parse_ip", "unwrap",
]
