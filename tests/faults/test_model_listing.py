"""The model list, read one way by everything: sync and async twins, headers, families learned."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

import akile_core
from akile_core import AkileSettings, Gateway
from akile_core.families import forget_learned_families, learned_family
from akile_core.model_listing import listed_models
from tests.faults.channels import MODEL_LIST, VERSION_HEADER
from tests.faults.server import FaultServer
from tests.faults.test_faults import KEY


@pytest.fixture(autouse=True)
def fresh_families() -> Iterator[None]:
    forget_learned_families()
    yield
    forget_learned_families()


def listed_ids() -> list[str]:
    return sorted(str(entry["id"]) for entry in MODEL_LIST["data"])


def test_list_models_and_its_async_twin_agree(fault_server: FaultServer) -> None:
    url = fault_server.base_url
    assert akile_core.list_models(api_key=KEY, base_url=url) == listed_ids()
    assert asyncio.run(akile_core.alist_models(api_key=KEY, base_url=url)) == listed_ids()


def test_the_listing_comes_with_its_headers_and_teaches_families(
    fault_server: FaultServer,
) -> None:
    gateway = Gateway(AkileSettings.resolve(api_key=KEY, base_url=fault_server.base_url))
    entries, headers = gateway.models_and_headers()
    assert [entry["id"] for entry in entries] == listed_ids()
    assert headers.get("x-new-api-version") == VERSION_HEADER["x-new-api-version"]
    assert learned_family("claude-opus-4-8") == "claude"
    forget_learned_families()
    entries, headers = asyncio.run(gateway.amodels_and_headers())
    assert [entry["id"] for entry in entries] == listed_ids()
    assert learned_family("claude-opus-4-8") == "claude"


@pytest.mark.parametrize(
    ("body", "ids"),
    [
        ({"data": [{"id": "b"}, {"id": "a"}], "object": "list"}, ["a", "b"]),  # new-api, OpenAI
        ([{"id": "b"}, {"id": "a"}], ["a", "b"]),  # the list alone
        ('{"data": [{"id": "a"}]}', ["a"]),  # JSON sent as text by a proxy
        ("<html>502</html>", []),
        ({"data": [{"name": "no id"}, {"id": "a"}]}, ["a"]),
    ],
)
def test_one_reader_for_every_listing_shape(body: object, ids: list[str]) -> None:
    assert [entry["id"] for entry in listed_models(body)] == ids
