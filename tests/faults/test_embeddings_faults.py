"""Embeddings through both adapters against the fault server: order, retries, final errors."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import akile_core
from langchain_akile import AkileEmbeddings
from llama_index.embeddings.akile import AkileEmbedding
from tests.faults.server import FaultServer

TEXTS = ["a", "bb", "ccc", "dddd", "eeeee"]


def embed(framework: str, is_async: bool, server: FaultServer, model: str) -> list[list[float]]:
    params = {"model": model, "base_url": server.base_url, "api_key": "AK-test"}
    if framework == "langchain":
        lc = AkileEmbeddings(**params, chunk_size=2)
        return asyncio.run(lc.aembed_documents(TEXTS)) if is_async else lc.embed_documents(TEXTS)
    li = AkileEmbedding(**params, embed_batch_size=2)
    if is_async:
        return asyncio.run(li.aget_text_embedding_batch(TEXTS))
    return li.get_text_embedding_batch(TEXTS)


CASES = [(f, a) for f in ("langchain", "llamaindex") for a in (False, True)]


@pytest.mark.parametrize(("framework", "is_async"), CASES)
def test_batches_come_back_in_order(
    framework: str, is_async: bool, fault_server: FaultServer, scenario: Any
) -> None:
    model = scenario("ok")
    vectors = embed(framework, is_async, fault_server, model)
    # The server answers each batch in reverse index order; each vector encodes its text length.
    assert [v[0] for v in vectors] == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert len(fault_server.attempts(model)) == 3  # 5 texts in batches of 2


@pytest.mark.parametrize(("framework", "is_async"), CASES)
def test_a_transient_failure_is_retried_once_in_the_client(
    framework: str, is_async: bool, fault_server: FaultServer, scenario: Any
) -> None:
    model = scenario("once:503")
    # The first request fails once; the client's one retry layer resends only that request.
    assert len(embed(framework, is_async, fault_server, model)) == 5
    assert len(fault_server.attempts(model)) == 4


@pytest.mark.parametrize(("framework", "is_async"), CASES)
def test_no_channel_is_final_and_names_embedding_models(
    framework: str, is_async: bool, fault_server: FaultServer, scenario: Any
) -> None:
    model = scenario("no-channel")
    with pytest.raises(akile_core.ModelNotFoundError) as info:
        embed(framework, is_async, fault_server, model)
    assert "embedding model" in str(info.value)
    # Never retried: one request, or one per batch when the async batches went out together.
    attempts = len(fault_server.attempts(model))
    assert attempts <= 3 if is_async else attempts == 1
