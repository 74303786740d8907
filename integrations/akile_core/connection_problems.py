"""What went wrong when no HTTP answer came: refused, DNS, TLS, proxy, timeout, or a cut.

The two transports we send through name the same failure differently. httpx reports a refused
connection as ``ConnectError``; the aiohttp transport (the default for async calls) wraps every
failed connect, refused and unresolvable hosts included, in ``ConnectTimeout``, so the type
alone would send a user whose gateway is down to raise ``timeout=``. The cause chain tells the
truth in both: the operating system's error (``ConnectionRefusedError``, ``socket.gaierror``,
``ssl.SSLError``) or the transport's own class (aiohttp's ``ClientConnectorDNSError``,
``ClientProxyConnectionError``; httpx's ``ProxyError``). This module reads that chain, by class
and by module name, so that neither httpx nor aiohttp has to be imported here.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

ProblemKind = Literal["refused", "dns", "tls", "proxy", "unreachable", "timeout", "dropped"]


@dataclass(frozen=True)
class ConnectionProblem:
    """One failure to get an answer: what it was, in words, and what to do about it."""

    kind: ProblemKind
    what: str
    hint: str

    @property
    def headline(self) -> str:
        """The first words of the message: what the user experienced."""
        if self.kind == "timeout":
            return "No answer from the gateway"
        if self.kind == "dropped":
            return "The connection to the gateway broke"
        return "Could not reach the gateway"

    @property
    def is_timeout(self) -> bool:
        """Only a real timeout is reported as one (``AkileTimeoutError``)."""
        return self.kind == "timeout"


_HINTS: dict[ProblemKind, tuple[str, str]] = {
    "refused": (
        "the connection was refused: nothing is listening at that address",
        "check base_url / AKILE_BASE_URL (host and port) and that the gateway, or the local "
        "server it names, is running; if a proxy is set (HTTPS_PROXY), check that it runs.",
    ),
    "dns": (
        "the host name could not be resolved",
        "check the host in base_url / AKILE_BASE_URL for typos, and the network or DNS.",
    ),
    "tls": (
        "the TLS (HTTPS) handshake failed",
        "check that base_url uses https only where the server speaks it; behind a corporate "
        "proxy or with a private CA, point SSL_CERT_FILE at the CA bundle or pass an http "
        "client that trusts it (README, 'Proxies and custom HTTP clients').",
    ),
    "proxy": (
        "the proxy failed or refused the connection",
        "check HTTPS_PROXY / HTTP_PROXY / NO_PROXY (or the proxy of the http client you "
        "passed) and that the proxy can reach the gateway.",
    ),
    "unreachable": (
        "no connection could be made",
        "check base_url / AKILE_BASE_URL (http or https, host, port), the network and any "
        "proxy (HTTPS_PROXY / NO_PROXY).",
    ),
    "timeout": (
        "the gateway did not answer within the timeout",
        "raise timeout= (seconds) or retry; long generations may need streaming "
        "(streaming=True in LangChain, stream_chat in LlamaIndex).",
    ),
    "dropped": (
        "the connection dropped before the answer was complete",
        "retry; if it keeps happening, check proxies and timeouts between you and the gateway. "
        "The interrupted answer was not returned as complete.",
    ),
}

# Transport classes whose names say what happened, whatever their module (httpx, httpx2,
# httpcore, aiohttp, anyio).
_PROXY_CLASSES = frozenset(
    {"ProxyError", "ClientProxyConnectionError", "ClientHttpProxyError", "ProxyTimeoutError"}
)
_TLS_CLASSES = frozenset(
    {"ClientSSLError", "ClientConnectorSSLError", "ClientConnectorCertificateError"}
)
_DNS_CLASSES = frozenset({"ClientConnectorDNSError"})
_TIMEOUT_CLASSES = frozenset(
    {
        "ReadTimeout",
        "WriteTimeout",
        "PoolTimeout",
        "ServerTimeoutError",
        "ConnectionTimeoutError",
        "SocketTimeoutError",
        "TimeoutError",
        "timeout",
    }
)
# aiohttp's own words for a connection that could not be made or that broke. They come first:
# the aiohttp transport wraps each of them in httpx's ConnectTimeout, and openai then in its
# APITimeoutError, so those two names prove nothing when aiohttp is underneath.
_AIOHTTP_UNREACHABLE = frozenset({"ClientConnectorError"})
_AIOHTTP_DROPPED = frozenset(
    {"ServerDisconnectedError", "ClientPayloadError", "ClientOSError", "ClientResponseError"}
)
_CONNECT_CLASSES = frozenset({"ConnectError"})


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and its causes and contexts, each once."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def innermost_cause(exc: BaseException) -> BaseException:
    """The last link of ``exc``'s cause chain (the operating system's error, usually)."""
    *_, last = _chain(exc)
    return last


def diagnose(exc: BaseException) -> ConnectionProblem:
    """Name the failure behind a transport exception (see the module docstring).

    The deepest telling cause wins: a proxy's refusal is a proxy problem even though the
    operating system calls it a refused connection, so transport classes are checked first.
    """
    chain = list(_chain(exc))
    names = {type(link).__name__ for link in chain}
    kind: ProblemKind
    if names & _PROXY_CLASSES:
        kind = "proxy"
    elif names & _TLS_CLASSES or any(isinstance(link, ssl.SSLError) for link in chain):
        kind = "tls"
    elif names & _DNS_CLASSES or any(isinstance(link, socket.gaierror) for link in chain):
        kind = "dns"
    elif any(isinstance(link, ConnectionRefusedError) for link in chain):
        kind = "refused"
    elif names & _TIMEOUT_CLASSES:
        kind = "timeout"
    elif names & _AIOHTTP_UNREACHABLE:
        kind = "unreachable"
    elif names & _AIOHTTP_DROPPED:
        kind = "dropped"
    elif names & {"ConnectTimeout", "APITimeoutError"}:
        kind = "timeout"  # httpx's own connect timeout, or the SDK's word with no cause
    elif names & _CONNECT_CLASSES:
        kind = "unreachable"
    else:
        kind = "dropped"
    what, hint = _HINTS[kind]
    return ConnectionProblem(kind, what, hint)
