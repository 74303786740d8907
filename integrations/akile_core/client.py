"""One ``openai`` client per configuration, shared by every model instance that uses it.

Building an ``openai.OpenAI`` costs about a millisecond and each owns a connection pool, so a
per-call client would both slow calls down and defeat keep-alive. Clients are cached by their
(hashable) settings. Async clients are also keyed by event loop, because an async connection
pool cannot be used from a loop other than the one that opened its connections.
"""

from __future__ import annotations

import asyncio
import atexit
import threading
import weakref
from collections.abc import AsyncIterator
from typing import Any

import openai

from akile_core.config import AkileSettings
from akile_core.errors import is_final_gateway_error

_sync_clients: dict[AkileSettings, openai.OpenAI] = {}
_async_clients: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop,
    dict[AkileSettings, tuple[openai.AsyncOpenAI, AsyncIterator[None]]],
] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


@atexit.register
def _close_sync_clients() -> None:
    # Shared clients live as long as the process; close their pooled sockets on the way out.
    for client in list(_sync_clients.values()):
        client.close()


# What the openai client retries (408, 409, 429, >= 500) minus what a gateway says is final.
_RETRYABLE_STATUSES = frozenset({408, 409, 429})


def get_client(settings: AkileSettings) -> openai.OpenAI:
    """Return the shared sync client for these settings, creating it on first use."""
    client = _sync_clients.get(settings)
    if client is None:
        with _lock:
            client = _sync_clients.get(settings)
            if client is None:
                client = openai.OpenAI(
                    **_client_kwargs(settings),
                    http_client=openai.DefaultHttpxClient(
                        event_hooks={"response": [mark_final_errors]}
                    ),
                )
                _sync_clients[settings] = client
    return client


async def get_async_client(settings: AkileSettings) -> openai.AsyncOpenAI:
    """Return the shared async client for these settings and the running event loop.

    The client is closed when its loop shuts down (``asyncio.run`` and pytest-asyncio call
    ``loop.shutdown_asyncgens()`` before closing a loop): otherwise its pooled connections
    would outlive their loop and fail noisily in the garbage collector.
    """
    loop = asyncio.get_running_loop()
    with _lock:
        per_loop = _async_clients.setdefault(loop, {})
        entry = per_loop.get(settings)
        if entry is not None:
            return entry[0]
        client = openai.AsyncOpenAI(
            **_client_kwargs(settings),
            http_client=_async_http_client(),
        )
        closer = _close_at_loop_shutdown(client)
        # A strong reference: the loop only holds async generators weakly.
        per_loop[settings] = (client, closer)
    await closer.__anext__()
    return client


async def _close_at_loop_shutdown(client: openai.AsyncOpenAI) -> AsyncIterator[None]:
    try:
        yield
    finally:
        await client.close()


def _async_http_client() -> Any:
    """The async HTTP client: aiohttp-backed when available, else the SDK's default.

    With many concurrent requests the default httpx pool spends most of its CPU managing
    itself; the SDK's aiohttp transport (``openai[aiohttp]``, bundled with openai 3.x when
    aiohttp is installed) needs about half the CPU per request and keeps 200 concurrent calls
    near twice as fast (benchmarks/). Both speak the same httpx client interface.
    """
    hooks = {"response": [amark_final_errors]}
    try:
        return openai.DefaultAioHttpClient(event_hooks=hooks)
    except RuntimeError:  # aiohttp is not installed: the SDK's default transport
        return openai.DefaultAsyncHttpxClient(event_hooks=hooks)


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
