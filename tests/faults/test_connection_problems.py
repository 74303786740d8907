"""A failure to connect is named for what it was, on both transports; only a timeout is one.

The aiohttp transport (the default for async calls) reports every failed connect as httpx's
``ConnectTimeout``; before this was read from the cause chain, a refused connection said
"raise timeout=". Each case runs through the sync httpx transport, the async aiohttp one and
the async httpx one (a prebuilt ``AsyncOpenAI`` over ``DefaultAsyncHttpxClient``).
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import threading
from collections.abc import Iterator
from typing import Any

import openai
import pytest

import akile_core
from akile_core.connection_problems import diagnose
from langchain_akile import ChatAkile
from llamaindex_akile import Akile
from tests.faults.server import FaultServer

KEY = "AK-Cn4Pq7Ws2Lm9Xt5Bz"
TRANSPORTS = ["httpx", "aiohttp", "async-httpx"]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def not_tls() -> Iterator[int]:
    """A port that answers a TLS handshake with plain text and closes, like an HTTP server."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join(2)
    server.close()


def call(
    framework: str, transport: str, base_url: str, proxy: str | None = None, **kw: Any
) -> None:
    """One chat call through the given transport; a proxy needs a prebuilt client."""
    params: dict[str, Any] = {"model": "m", "api_key": KEY, "max_retries": 0, **kw}
    # A prebuilt client keeps its own settings: give it the same timeout.
    own = {"api_key": KEY, "base_url": base_url, "max_retries": 0, "timeout": kw.get("timeout")}
    if transport == "async-httpx" or proxy:
        if transport == "httpx":
            params["client"] = openai.OpenAI(
                **own, http_client=openai.DefaultHttpxClient(proxy=proxy)
            )
        else:
            http = (
                openai.DefaultAioHttpClient(proxy=proxy)
                if transport == "aiohttp"
                else openai.DefaultAsyncHttpxClient(proxy=proxy)
            )
            params["async_client"] = openai.AsyncOpenAI(**own, http_client=http)
    else:
        params["base_url"] = base_url
    llm = ChatAkile(**params) if framework == "langchain" else Akile(**params)
    if transport == "httpx":
        if framework == "langchain":
            llm.invoke("hi")
        else:
            llm.complete("hi")
        return

    async def run() -> None:
        try:
            if framework == "langchain":
                await llm.ainvoke("hi")
            else:
                await llm.acomplete("hi")
        finally:
            client = params.get("async_client")
            if client is not None:
                await client.close()

    asyncio.run(run())


CASES = [(f, t) for f in ("langchain", "llamaindex") for t in TRANSPORTS]


@pytest.mark.parametrize(("framework", "transport"), CASES)
def test_a_refused_connection_is_a_connection_error(framework: str, transport: str) -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    with pytest.raises(akile_core.AkileConnectionError) as info:
        call(framework, transport, url)
    assert not isinstance(info.value, akile_core.AkileTimeoutError)
    assert "refused" in str(info.value) and "base_url" in str(info.value)
    assert "raise timeout" not in str(info.value)


@pytest.mark.parametrize(("framework", "transport"), CASES)
def test_an_unknown_host_is_a_dns_failure(framework: str, transport: str) -> None:
    with pytest.raises(akile_core.AkileConnectionError) as info:
        call(framework, transport, "http://no-such-host.invalid/v1")
    assert not isinstance(info.value, akile_core.AkileTimeoutError)
    assert "host name could not be resolved" in str(info.value)


@pytest.mark.parametrize(("framework", "transport"), CASES)
def test_https_to_a_plain_http_server_is_a_tls_failure(
    framework: str, transport: str, not_tls: int
) -> None:
    with pytest.raises(akile_core.AkileConnectionError) as info:
        call(framework, transport, f"https://127.0.0.1:{not_tls}/v1")
    assert not isinstance(info.value, akile_core.AkileTimeoutError)
    assert "TLS" in str(info.value)


@pytest.mark.parametrize(("framework", "transport"), CASES)
def test_a_failing_proxy_is_named(
    framework: str, transport: str, fault_server: FaultServer
) -> None:
    # The fault server answers CONNECT with 502, as a proxy that cannot reach the host does.
    with pytest.raises(akile_core.AkileConnectionError) as info:
        call(framework, transport, "https://gateway.invalid/v1", proxy=fault_server.base_url[:-3])
    assert not isinstance(info.value, akile_core.AkileTimeoutError)
    assert "proxy" in str(info.value) and "HTTPS_PROXY" in str(info.value)


@pytest.mark.parametrize(("framework", "transport"), CASES)
def test_only_a_real_timeout_is_a_timeout(
    framework: str, transport: str, fault_server: FaultServer, scenario: Any
) -> None:
    # "stall" accepts the request and never answers.
    url = fault_server.base_url
    with pytest.raises(akile_core.AkileTimeoutError) as info:
        call(framework, transport, url, model=scenario("stall"), timeout=0.3)
    assert "raise timeout=" in str(info.value)


def test_diagnose_reads_the_cause_chain_not_the_wrapper() -> None:
    # The aiohttp transport's shape for a refused connect (seen in these tests' cause chains).
    def chained(*links: BaseException) -> BaseException:
        for outer, inner in itertools.pairwise(links):
            outer.__cause__ = inner
        return links[0]

    class ConnectTimeout(Exception):
        pass

    class ClientConnectorError(OSError):
        pass

    refused = chained(ConnectTimeout("x"), ClientConnectorError(), ConnectionRefusedError())
    assert diagnose(refused).kind == "refused"
    assert diagnose(chained(ConnectTimeout("x"), ClientConnectorError())).kind == "unreachable"
    assert diagnose(ConnectTimeout("connect timed out")).kind == "timeout"
    assert diagnose(chained(ConnectTimeout("x"), socket.gaierror(-2, "unknown"))).kind == "dns"
