"""Shared ``openai`` clients: one connection pool per process (and per event loop), not per key.

An ``openai.OpenAI`` is cheap; its connection pool is not (sockets, TLS state, buffers). So the
pool is shared, and what differs between configurations (key, base URL, timeout, retries,
headers) lives in small ``openai`` clients built over it and kept in a bounded LRU cache. A
multi-tenant app with one gateway key per end user therefore opens sockets per host, not per
key, and its memory stays flat however many keys it sees.

Async pools are per event loop, because an async connection cannot be used from a loop other
than the one that opened it. They are stored on the loop itself, so a finished loop and its pool
are freed together, and closed when the loop closes: at ``asyncio.run``'s shutdown, and also when
code closes a loop without ``shutdown_asyncgens`` (LlamaIndex's ``asyncio_run`` inside a running
loop does), which would otherwise leak an open aiohttp session per loop.
"""

from __future__ import annotations

import asyncio
import atexit
import threading
import weakref
from typing import Any, TypeVar

import openai

from akile_core.config import AkileSettings
from akile_core.error_mapping import is_final_gateway_error
from akile_core.errors import AkileConfigError
from akile_core.lru import LRU

# Configurations kept per pool. Evicting one only drops a small object: the sockets belong to
# the shared pool, so a call still using an evicted client is unaffected.
MAX_CACHED_CONFIGURATIONS = 64

# The process's sync connection pools (one per proxy, ``None``: the environment's; made on
# first use), and the clients over them.
_sync_pools: dict[str | None, openai.DefaultHttpxClient] = {}
_sync_clients: LRU[openai.OpenAI] = LRU(MAX_CACHED_CONFIGURATIONS)
_pool_lock = threading.Lock()
# Where an event loop's async pool lives: an attribute of the loop itself...
_LOOP_ATTRIBUTE = "_akile_clients"
# ...or, for loops that take no attributes (uvloop's, for one), here, closed at
# ``shutdown_asyncgens``, the one moment such a loop tells anyone it is ending.
_foreign_loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopClients] = (
    weakref.WeakKeyDictionary()
)


def _shared_sync_pool(proxy: str | None) -> openai.DefaultHttpxClient:
    with _pool_lock:
        pool = _sync_pools.get(proxy)
        if pool is None:
            pool = _sync_pools[proxy] = openai.DefaultHttpxClient(
                event_hooks={"response": [mark_final_errors]}, **_proxy_kwargs(proxy)
            )
            atexit.register(pool.close)
        return pool


def get_client(settings: AkileSettings) -> openai.OpenAI:
    """Return the sync client for these settings, over the process's pool for its proxy."""
    return _sync_clients.get_or_make(
        settings,
        lambda: openai.OpenAI(
            **_client_kwargs(settings), http_client=_shared_sync_pool(settings.proxy)
        ),
    )


class _LoopClients:
    """The async pools of one event loop (one per proxy), and the clients built over them."""

    def __init__(self) -> None:
        self.pools: dict[str | None, Any] = {}
        self.clients: LRU[openai.AsyncOpenAI] = LRU(MAX_CACHED_CONFIGURATIONS)
        self.closer: Any = None

    def get(self, settings: AkileSettings) -> openai.AsyncOpenAI:
        """The client for ``settings``, over this loop's pool for its proxy."""
        return self.clients.get_or_make(
            settings,
            lambda: openai.AsyncOpenAI(
                **_client_kwargs(settings), http_client=self.pool(settings.proxy)
            ),
        )

    def pool(self, proxy: str | None) -> Any:
        """This loop's pool for ``proxy``, made on first use (one loop: no lock needed)."""
        pool = self.pools.get(proxy)
        if pool is None:
            pool = self.pools[proxy] = _async_http_client(proxy)
        return pool

    async def aclose(self) -> None:
        """Close every pool of this loop."""
        for pool in self.pools.values():
            await pool.aclose()


async def get_async_client(settings: AkileSettings) -> openai.AsyncOpenAI:
    """Return the async client for these settings, over the running loop's connection pool."""
    loop = asyncio.get_running_loop()
    holder: _LoopClients | None = getattr(loop, _LOOP_ATTRIBUTE, None) or _foreign_loops.get(loop)
    if holder is None:
        holder = _LoopClients()
        if not _own_by_loop(loop, holder):
            _foreign_loops[loop] = holder
            # A strong reference: the loop only holds async generators weakly.
            holder.closer = _close_at_shutdown(loop, holder)
            await holder.closer.__anext__()
    return holder.get(settings)


def _own_by_loop(loop: asyncio.AbstractEventLoop, holder: _LoopClients) -> bool:
    """Store the pool on the loop and close it just before the loop closes; False if we can't."""
    try:
        original_close = loop.close

        def close() -> None:
            # Called on a stopped loop that still works: the last moment the pool's sockets
            # can be closed cleanly. asyncio.run, pytest-asyncio and LlamaIndex's asyncio_run
            # all end their loops through here.
            if getattr(loop, _LOOP_ATTRIBUTE, None) is holder:
                delattr(loop, _LOOP_ATTRIBUTE)
                if not loop.is_running() and not loop.is_closed():
                    loop.run_until_complete(holder.aclose())
            original_close()

        setattr(loop, _LOOP_ATTRIBUTE, holder)
        loop.close = close  # type: ignore[method-assign]
    except AttributeError:
        return False
    return True


async def _close_at_shutdown(loop: asyncio.AbstractEventLoop, holder: _LoopClients) -> Any:
    try:
        yield
    finally:
        _foreign_loops.pop(loop, None)
        await holder.aclose()


def _async_http_client(proxy: str | None) -> Any:
    """The async HTTP client: aiohttp-backed when available, else the SDK's default.

    With many concurrent requests the default httpx pool spends most of its CPU managing
    itself; the SDK's aiohttp transport (``openai[aiohttp]``, bundled with openai 3.x when
    aiohttp is installed) needs about half the CPU per request and keeps 200 concurrent calls
    near twice as fast (benchmarks/). Both speak the same httpx client interface. An explicit
    proxy goes through httpx's transport, which supports every proxy scheme we accept.
    """
    hooks = {"response": [amark_final_errors]}
    if proxy is None:
        try:
            return openai.DefaultAioHttpClient(event_hooks=hooks)
        except RuntimeError:  # aiohttp is not installed: the SDK's default transport
            pass
    return openai.DefaultAsyncHttpxClient(event_hooks=hooks, **_proxy_kwargs(proxy))


def _proxy_kwargs(proxy: str | None) -> dict[str, Any]:
    return {} if proxy is None else {"proxy": proxy}


def client_over(settings: AkileSettings, http_client: object, *, sync: bool) -> Any:
    """An ``openai`` client for ``settings`` over the user's own HTTP client (``http_client=``).

    Its retries are decided by :func:`guard_prebuilt`'s rule when the gateway wraps it, since
    hooks are not added to an object we do not own. ``sync`` picks ``OpenAI`` (an
    ``httpx.Client``) or ``AsyncOpenAI`` (an ``httpx.AsyncClient``).
    """
    make = openai.OpenAI if sync else openai.AsyncOpenAI
    try:
        return make(**_client_kwargs(settings), http_client=http_client)  # type: ignore[arg-type]
    except (TypeError, AttributeError):  # the SDK checks the kind, after reading its timeout
        field, kind = ("http_client", "Client") if sync else ("http_async_client", "AsyncClient")
        raise AkileConfigError(
            f"{field} must be an httpx.{kind} (for example openai.Default"
            f"{'Httpx' if sync else 'AsyncHttpx'}Client(proxy=..., verify=...)), got "
            f"{type(http_client).__name__}."
        ) from None


def _client_kwargs(settings: AkileSettings) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "api_key": settings.api_key.get_secret_value(),
        "base_url": settings.base_url,
        "max_retries": settings.max_retries,
        "default_headers": dict(settings.default_headers) or None,
        "default_query": dict(settings.default_query) or None,
    }
    if settings.timeout is not None:
        kwargs["timeout"] = settings.timeout
    return kwargs


# What the openai client retries (408, 409, 429, >= 500) minus what a gateway says is final.
_RETRYABLE_STATUSES = frozenset({408, 409, 429})


def _is_retryable_status(status: int) -> bool:
    return status in _RETRYABLE_STATUSES or status >= 500


def mark_final_errors(response: Any) -> None:
    """HTTP response hook: tell the openai client not to retry errors that cannot heal.

    The openai client retries 429 and 5xx, and obeys an ``x-should-retry`` header first. A
    new-api/one-api gateway answers "no available channel" with 503 and some upstreams put
    ``insufficient_quota`` in a 429: retrying those only multiplies the failure, so this hook
    sets ``x-should-retry: false`` on them. It reads only error bodies, which are small.
    """
    if _is_retryable_status(response.status_code):
        response.read()
        if is_final_gateway_error(response.status_code, response.content):
            response.headers["x-should-retry"] = "false"


async def amark_final_errors(response: Any) -> None:
    """Async twin of :func:`mark_final_errors`."""
    if _is_retryable_status(response.status_code):
        await response.aread()
        if is_final_gateway_error(response.status_code, response.content):
            response.headers["x-should-retry"] = "false"


_Prebuilt = TypeVar("_Prebuilt", openai.OpenAI, openai.AsyncOpenAI)


def guard_prebuilt(client: _Prebuilt) -> _Prebuilt:
    """A copy of a client the user built, that does not retry errors that cannot heal either.

    A prebuilt client sends through its own HTTP client, without :func:`mark_final_errors`,
    and we do not add hooks to an object we do not own. Its copy (same connection pool, same
    settings) decides retries the way ours do: the openai client asks ``_should_retry`` before
    each retry, and the copy answers "no" for a "no available channel" or an exhausted quota.
    One case stays out of reach: an async streamed request, whose error body is not read yet
    when the SDK decides (synchronously) to retry; that body is read here only where it already
    was. README, "Prebuilt clients", says so.
    """
    guarded = client.copy()
    decide = guarded._should_retry

    def should_retry(response: Any) -> bool:
        if _is_retryable_status(response.status_code):
            content = _content_if_read(response, sync=isinstance(client, openai.OpenAI))
            if content is not None and is_final_gateway_error(response.status_code, content):
                return False
        return decide(response)

    # An instance attribute on our own copy: the SDK looks the method up on the instance.
    setattr(guarded, "_should_retry", should_retry)  # noqa: B010
    return guarded


def _content_if_read(response: Any, *, sync: bool) -> bytes | None:
    """The error body: read it on a sync response; on an async one, only if already read."""
    try:
        if sync:
            response.read()
        return bytes(response.content)
    except Exception:  # httpx's ResponseNotRead: an async stream not read yet
        return None
