from __future__ import annotations

import asyncio

from akile_core import AkileSettings
from akile_core.client import get_async_client, get_client


def test_one_sync_client_per_configuration() -> None:
    a = AkileSettings.resolve(api_key="k1", base_url="http://127.0.0.1:9/v1")
    b = AkileSettings.resolve(api_key="k1", base_url="http://127.0.0.1:9/v1")
    c = AkileSettings.resolve(api_key="k2", base_url="http://127.0.0.1:9/v1")
    assert get_client(a) is get_client(b)
    assert get_client(a) is not get_client(c)


def test_client_carries_the_settings() -> None:
    settings = AkileSettings.resolve(
        api_key="k3", base_url="http://127.0.0.1:9/v1", max_retries=5, timeout=7
    )
    client = get_client(settings)
    assert str(client.base_url).rstrip("/") == "http://127.0.0.1:9/v1"
    assert client.max_retries == 5 and client.timeout == 7
    assert client.api_key == "k3"


def test_async_clients_are_shared_within_a_loop_not_across_and_closed_with_it() -> None:
    settings = AkileSettings.resolve(api_key="k4", base_url="http://127.0.0.1:9/v1")

    async def two() -> tuple[object, object]:
        return await get_async_client(settings), await get_async_client(settings)

    first, second = asyncio.run(two())
    assert first is second
    assert first.is_closed()  # type: ignore[attr-defined]  # closed at loop shutdown
    third, _ = asyncio.run(two())
    assert third is not first
