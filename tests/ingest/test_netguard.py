"""The SSRF guard: the address policy, and the fetcher refusing loopback unless opted in.

End-to-end cases only ever aim at loopback addresses: the guard is what stops them,
and a broken guard then reaches the local test server, never another machine.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any

import aiohttp
import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from newspulse.errors import NewsPulseError
from newspulse.ingest.fetch import FetchBlockedError, Fetcher, FetchError, FetchResult
from newspulse.ingest.netguard import (
    ALLOW_PRIVATE_HOSTS_ENV,
    BlockedAddressError,
    GuardedResolver,
    address_block_reason,
    guarded_socket_factory,
    private_hosts_allowed,
)
from tests.servers import HttpServer, rss_feed
from tests.servers import http_server as http_server

SECOND_HOST = [ipaddress.ip_network("127.0.0.2/32")]


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("100.64.0.1", "not globally routable"),
        ("fec0::1", "site-local"),
        ("::ffff:127.0.0.1", "IPv4-mapped loopback address"),
        ("::ffff:10.0.0.1", "IPv4-mapped private address"),
        ("64:ff9b::a00:1", "NAT64 form of a private IPv4 address 10.0.0.1"),
        ("2002:7f00:1::", "IPv6 tunnel to a loopback IPv4 address 127.0.0.1"),
    ],
)
def test_refuses_non_public_addresses(address: str, reason: str) -> None:
    assert address_block_reason(address) == reason


@pytest.mark.parametrize(
    "address",
    ["93.184.215.14", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"],
)
def test_allows_public_addresses(address: str) -> None:
    assert address_block_reason(address) is None


def test_allowed_networks_are_exceptions() -> None:
    assert address_block_reason("127.0.0.2", allowed_networks=SECOND_HOST) is None
    assert address_block_reason("127.0.0.1", allowed_networks=SECOND_HOST) == "loopback"


@pytest.mark.parametrize(
    ("env", "explicit", "allowed"),
    [
        (None, None, False),
        ("1", None, True),
        ("true", None, True),
        ("0", None, False),
        ("", None, False),
        ("1", False, False),
        (None, True, True),
    ],
)
def test_opt_in(
    monkeypatch: pytest.MonkeyPatch, env: str | None, explicit: bool | None, allowed: bool
) -> None:
    if env is None:
        monkeypatch.delenv(ALLOW_PRIVATE_HOSTS_ENV, raising=False)
    else:
        monkeypatch.setenv(ALLOW_PRIVATE_HOSTS_ENV, env)
    assert private_hosts_allowed(explicit) is allowed


def test_error_says_the_address_is_not_allowed() -> None:
    error = BlockedAddressError("http://x.test/", address="10.0.0.1", reason="private")
    assert isinstance(error, NewsPulseError)
    assert str(error).startswith("address 10.0.0.1 is not allowed (private)")
    assert "'http://x.test/'" in str(error)


def test_socket_factory_refuses_before_any_socket_exists() -> None:
    create = guarded_socket_factory()
    with pytest.raises(BlockedAddressError, match="link-local"):
        create((socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("169.254.1.1", 80)))
    # A public address only gets an unconnected socket.
    with create(
        (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("93.184.215.14", 80))
    ) as created:
        assert created.family == socket.AF_INET


def fetch(url: str, **options: Any) -> FetchResult:
    settings: dict[str, Any] = {
        "min_delay": 0.0,
        "total_timeout": 5.0,
    }
    settings.update(options)

    async def run() -> FetchResult:
        async with Fetcher(**settings) as client:
            return await client.fetch(url)

    return asyncio.run(run())


def test_localhost_name_is_refused_after_resolution(http_server: HttpServer) -> None:
    url = http_server.url("/feed/ssrf-name", host="localhost")
    with pytest.raises(FetchBlockedError) as caught:
        fetch(url, allow_private_hosts=False)
    error = caught.value
    assert isinstance(error, BlockedAddressError)
    assert isinstance(error, FetchError)
    assert error.url == url
    assert "is not allowed" in str(error)
    assert "localhost is loopback" in str(error)
    assert http_server.hits("/feed/ssrf-name") == []


@pytest.mark.parametrize(
    ("host", "reason"),
    [("127.0.0.1", "loopback"), ("[::1]", "loopback"), ("[::ffff:127.0.0.1]", "IPv4-mapped")],
)
def test_ip_literals_are_refused(http_server: HttpServer, host: str, reason: str) -> None:
    port = http_server.ports["127.0.0.1"]
    with pytest.raises(FetchBlockedError, match=reason):
        fetch(f"http://{host}:{port}/feed/ssrf-literal", allow_private_hosts=False)
    assert http_server.hits("/feed/ssrf-literal") == []


@pytest.mark.parametrize("target_host", ["localhost", "127.0.0.1"])
def test_every_redirect_hop_is_checked(http_server: HttpServer, target_host: str) -> None:
    # 127.0.0.2 stands in for a public server (an allowed network) that redirects to
    # a loopback-only target; the first hop is fetched, the second must be refused.
    target = http_server.url(f"/feed/ssrf-hop-{target_host}", host=target_host)
    start = http_server.url(f"/redirect?to={target}&case={target_host}", host="127.0.0.2")
    with pytest.raises(FetchBlockedError, match="redirected to") as caught:
        fetch(start, allow_private_hosts=False, allowed_networks=SECOND_HOST)
    assert caught.value.url == start
    assert any(f"case={target_host}" in hit.query for hit in http_server.hits("/redirect"))
    assert http_server.hits(f"/feed/ssrf-hop-{target_host}") == []


def test_allowed_network_is_fetched(http_server: HttpServer) -> None:
    url = http_server.url("/feed/allowed", host="127.0.0.2")
    result = fetch(url, allow_private_hosts=False, allowed_networks=SECOND_HOST)
    assert result.body == rss_feed("allowed", 20)


def test_environment_opts_in(monkeypatch: pytest.MonkeyPatch, http_server: HttpServer) -> None:
    monkeypatch.setenv(ALLOW_PRIVATE_HOSTS_ENV, "1")
    url = http_server.url("/feed/env-opt-in", host="localhost")
    assert fetch(url).status == 200
    with pytest.raises(FetchBlockedError):
        fetch(url, allow_private_hosts=False)


class ScriptedResolver(AbstractResolver):
    """Answers each lookup with the next address list in ``answers`` (a rebinding DNS)."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers = list(answers)
        self.lookups = 0

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        addresses = self.answers[min(self.lookups, len(self.answers) - 1)]
        self.lookups += 1
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in addresses
        ]

    async def close(self) -> None:
        pass


def test_resolver_keeps_only_allowed_addresses() -> None:
    inner = ScriptedResolver(["127.0.0.1", "127.0.0.2"])
    guarded = GuardedResolver(inner=inner, allowed_networks=SECOND_HOST)
    kept = asyncio.run(guarded.resolve("mixed.test", 80))
    assert [result["host"] for result in kept] == ["127.0.0.2"]


def test_resolver_refuses_a_name_with_only_blocked_addresses() -> None:
    guarded = GuardedResolver(inner=ScriptedResolver(["10.0.0.1", "127.0.0.1"]))
    with pytest.raises(BlockedAddressError, match=r"10\.0\.0\.1 is not allowed"):
        asyncio.run(guarded.resolve("internal.test", 80))


def test_rebinding_dns_is_checked_on_the_address_connected_to(http_server: HttpServer) -> None:
    # The name first resolves to the allowed 127.0.0.2, then rebinds to 127.0.0.1.
    # Each connection is checked on the answer it connects with, with no second lookup.
    resolver = ScriptedResolver(["127.0.0.2"], ["127.0.0.1"])
    url = f"http://rebind.test:{http_server.ports['127.0.0.2']}/feed/rebind"

    async def run() -> tuple[int, BaseException | None]:
        connector = aiohttp.TCPConnector(
            resolver=GuardedResolver(inner=resolver, allowed_networks=SECOND_HOST),
            socket_factory=guarded_socket_factory(allowed_networks=SECOND_HOST),
            use_dns_cache=False,
            force_close=True,
        )
        async with aiohttp.ClientSession(connector=connector) as session:
            async with session.get(url) as response:
                status = response.status
                await response.read()
            try:
                async with session.get(url):
                    pass
            except BlockedAddressError as exc:
                return status, exc
        return status, None

    status, second = asyncio.run(run())
    assert status == 200
    assert isinstance(second, BlockedAddressError)
    assert "rebind.test is loopback" in str(second)
    assert resolver.lookups == 2
