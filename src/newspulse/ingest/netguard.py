"""SSRF guard: a fetch may only reach globally routable addresses unless tests opt in.

NewsPulse fetches URLs that strangers chose (feed URLs, article links, redirect
targets), so without a guard a feed could make the server read its own admin
ports, cloud metadata (169.254.169.254) or anything on the private network.

The check happens on the address a socket is about to connect to, never on the
URL text and never through a second DNS lookup (which a rebinding DNS server
could answer differently: a time-of-check/time-of-use hole):

1. ``GuardedResolver`` drops every resolved address the policy refuses, and
   raises ``BlockedAddressError`` when none is left, so aiohttp only ever
   tries allowed addresses.
2. ``guarded_socket_factory`` checks the exact ``sockaddr`` aiohttp hands to
   the socket it connects.  This also covers IP-literal URLs, for which aiohttp
   skips the resolver, and any path that might bypass the resolver.

Both sit in the one ``TCPConnector`` every request (and so every redirect hop)
goes through.  Environment proxies are never used by the fetcher
(``trust_env=False``), since a proxy would connect on our behalf unchecked.

Loopback is opted into with ``allow_private_hosts=True`` (the
``Settings.allow_private_hosts`` field) or, when no explicit value is given,
the environment variable ``NEWSPULSE_ALLOW_PRIVATE_HOSTS=1``.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Iterable

import aiohttp
from aiohappyeyeballs import AddrInfoType
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from newspulse.errors import NewsPulseError

ALLOW_PRIVATE_HOSTS_ENV = "NEWSPULSE_ALLOW_PRIVATE_HOSTS"
_TRUE_WORDS = frozenset({"1", "true", "yes", "on"})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# RFC 6052 §2.1: the well-known NAT64 prefix embeds an IPv4 address in the last
# 32 bits; a NAT64 gateway would connect to that IPv4 address for us.
_NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")


class BlockedAddressError(NewsPulseError):
    """A fetch would connect to an address the SSRF policy does not allow."""

    def __init__(self, url: str, *, address: str = "", reason: str = "") -> None:
        detail = f" {address}" if address else ""
        why = f" ({reason})" if reason else ""
        super().__init__(
            f"address{detail} is not allowed{why}; tests may opt in with "
            f"{ALLOW_PRIVATE_HOSTS_ENV}=1",
            url,
        )
        self.url = url
        self.address = address
        self.reason = reason


def private_hosts_allowed(allow_private_hosts: bool | None = None) -> bool:
    """The effective opt-in: the explicit argument wins, else the environment variable."""
    if allow_private_hosts is not None:
        return allow_private_hosts
    return os.environ.get(ALLOW_PRIVATE_HOSTS_ENV, "").strip().lower() in _TRUE_WORDS


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address forwards to, if it is one of the tunnelling forms."""
    if address.sixtofour is not None:  # 2002::/16, RFC 3056
        return address.sixtofour
    if address.teredo is not None:  # 2001::/32, RFC 4380: (server, client)
        return address.teredo[1]
    return None


def _category(address: IPAddress) -> str | None:
    """The first non-public category an address falls in, or None when it is public."""
    # Order matters only for the message: the most specific name comes first.
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address.is_private:
        return "private"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        # fec0::/10, deprecated by RFC 3879 but still routed inside some networks.
        return "site-local"
    if address.is_reserved:
        return "reserved"
    if not address.is_global:
        # 100.64.0.0/10 (RFC 6598 shared address space) and similar ranges.
        return "not globally routable"
    return None


def address_block_reason(
    address: str | IPAddress, *, allowed_networks: Iterable[IPNetwork] = ()
) -> str | None:
    """Why the policy refuses ``address`` ("loopback", "private", ...), or None if it may be used.

    IPv6 forms that carry an IPv4 address (mapped, 6to4, Teredo, NAT64) are judged
    by the IPv4 address too.  ``allowed_networks`` lists exceptions (for example an
    internal proxy network a deployment trusts).
    """
    if isinstance(address, str):
        # A scope id ("fe80::1%eth0") is not part of the address proper.
        address = ipaddress.ip_address(address.split("%", 1)[0])
    allowed = tuple(allowed_networks)
    if any(address in network for network in allowed if network.version == address.version):
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        # RFC 4291 §2.5.5.2: ::ffff:a.b.c.d *is* the IPv4 host, so only its IPv4 form counts.
        inner = address_block_reason(address.ipv4_mapped, allowed_networks=allowed)
        return None if inner is None else f"IPv4-mapped {inner} address"
    if isinstance(address, ipaddress.IPv6Address) and address in _NAT64_PREFIX:
        # RFC 6052 §2.1: a NAT64 gateway connects to the embedded IPv4 address for us;
        # Python files the whole prefix under "reserved", which would block IPv6-only hosts.
        translated = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        inner = address_block_reason(translated, allowed_networks=allowed)
        return None if inner is None else f"NAT64 form of a {inner} IPv4 address {translated}"
    reason = _category(address)
    if reason is not None:
        return reason
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            inner = address_block_reason(embedded, allowed_networks=allowed)
            if inner is not None:
                return f"IPv6 tunnel to a {inner} IPv4 address {embedded}"
    return None


class GuardedResolver(AbstractResolver):
    """Resolves names with ``inner`` and keeps only the addresses the policy allows."""

    def __init__(
        self,
        *,
        inner: AbstractResolver | None = None,
        allowed_networks: Iterable[IPNetwork] = (),
    ) -> None:
        self._inner = inner
        self._allowed_networks = tuple(allowed_networks)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if self._inner is None:
            # ThreadedResolver needs the running loop, so it is made on first use.
            self._inner = ThreadedResolver()
        results = await self._inner.resolve(host, port, family)
        kept: list[ResolveResult] = []
        refused: list[tuple[str, str]] = []
        for result in results:
            reason = address_block_reason(result["host"], allowed_networks=self._allowed_networks)
            if reason is None:
                kept.append(result)
            else:
                refused.append((result["host"], reason))
        if not kept and refused:
            address, reason = refused[0]
            raise BlockedAddressError(host, address=address, reason=f"{host} is {reason}")
        return kept

    async def close(self) -> None:
        if self._inner is not None:
            await self._inner.close()


def guarded_socket_factory(
    *, allowed_networks: Iterable[IPNetwork] = ()
) -> Callable[[AddrInfoType], socket.socket]:
    """A socket factory for aiohttp that refuses to create a socket for a blocked address."""
    allowed = tuple(allowed_networks)

    def create_socket(addr_info: AddrInfoType) -> socket.socket:
        family, type_, proto, _, sockaddr = addr_info
        address = str(sockaddr[0])
        reason = address_block_reason(address, allowed_networks=allowed)
        if reason is not None:
            raise BlockedAddressError(address, address=address, reason=reason)
        return socket.socket(family=family, type=type_, proto=proto)

    return create_socket


def guarded_connector(
    *,
    allow_private_hosts: bool | None = None,
    allowed_networks: Iterable[IPNetwork] = (),
    limit: int = 100,
    limit_per_host: int = 0,
) -> aiohttp.TCPConnector:
    """A ``TCPConnector`` that enforces the SSRF policy on every connection it opens.

    Must be called with a running event loop (aiohttp binds the connector to it).
    """
    if private_hosts_allowed(allow_private_hosts):
        return aiohttp.TCPConnector(limit=limit, limit_per_host=limit_per_host)
    allowed = tuple(allowed_networks)
    return aiohttp.TCPConnector(
        limit=limit,
        limit_per_host=limit_per_host,
        resolver=GuardedResolver(allowed_networks=allowed),
        socket_factory=guarded_socket_factory(allowed_networks=allowed),
    )
