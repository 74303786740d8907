from __future__ import annotations

import asyncio

from akile_core import AkileSettings
from akile_core.client import MAX_CACHED_CONFIGURATIONS, _sync_clients, get_async_client, get_client


def test_one_sync_client_per_configuration_over_one_pool() -> None:
    a = AkileSettings.resolve(api_key="k1", base_url="http://127.0.0.1:9/v1")
    b = AkileSettings.resolve(api_key="k1", base_url="http://127.0.0.1:9/v1")
    c = AkileSettings.resolve(api_key="k2", base_url="http://127.0.0.1:9/v1")
    assert get_client(a) is get_client(b)
    assert get_client(a) is not get_client(c)
    # Another key is another small client, not another connection pool.
    assert get_client(a)._client is get_client(c)._client


def test_client_carries_the_settings() -> None:
    settings = AkileSettings.resolve(
        api_key="k3", base_url="http://127.0.0.1:9/v1", max_retries=5, timeout=7
    )
    client = get_client(settings)
    assert str(client.base_url).rstrip("/") == "http://127.0.0.1:9/v1"
    assert client.max_retries == 5 and client.timeout == 7
    assert client.api_key == "k3"


def test_the_client_cache_is_bounded() -> None:
    for i in range(MAX_CACHED_CONFIGURATIONS + 20):
        get_client(AkileSettings.resolve(api_key=f"tenant-{i}", base_url="http://127.0.0.1:9/v1"))
    assert len(_sync_clients) == MAX_CACHED_CONFIGURATIONS


def test_async_clients_are_shared_within_a_loop_not_across_and_closed_with_it() -> None:
    settings = AkileSettings.resolve(api_key="k4", base_url="http://127.0.0.1:9/v1")
    other = AkileSettings.resolve(api_key="k5", base_url="http://127.0.0.1:9/v1")

    async def three() -> tuple[object, object, object]:
        return (
            await get_async_client(settings),
            await get_async_client(settings),
            await get_async_client(other),
        )

    first, second, third = asyncio.run(three())
    assert first is second
    assert third is not first and third._client is first._client  # type: ignore[attr-defined]
    assert first.is_closed()  # type: ignore[attr-defined]  # closed at loop shutdown
    fourth, _, _ = asyncio.run(three())
    assert fourth is not first


def test_a_loop_closed_without_shutdown_asyncgens_still_closes_its_pool() -> None:
    # LlamaIndex's asyncio_run, inside a running loop, does exactly this in a worker thread.
    settings = AkileSettings.resolve(api_key="k6", base_url="http://127.0.0.1:9/v1")
    loop = asyncio.new_event_loop()
    client = loop.run_until_complete(get_async_client(settings))
    assert not client.is_closed()
    loop.close()
    assert client.is_closed()
    assert not hasattr(loop, "_akile_clients")
