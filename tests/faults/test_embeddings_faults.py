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
    # Never retried, and our async calls send no other batch: the first one goes alone while
    # the model's batch size is unproven, and its failure ends the call. LlamaIndex's async
    # batch call cuts the texts into embed_batch_size pieces itself and sends those together.
    attempts = len(fault_server.attempts(model))
    assert attempts <= 3 if (is_async and framework == "llamaindex") else attempts == 1


def embed_all(
    framework: str, is_async: bool, server: FaultServer, model: str, texts: list[str], batch: int
) -> list[list[float]]:
    params = {"model": model, "base_url": server.base_url, "api_key": "AK-test"}
    if framework == "langchain":
        lc = AkileEmbeddings(**params, chunk_size=batch)
        return asyncio.run(lc.aembed_documents(texts)) if is_async else lc.embed_documents(texts)
    li = AkileEmbedding(**params, embed_batch_size=batch)
    if is_async:
        return asyncio.run(li.aget_text_embedding_batch(texts))
    return li.get_text_embedding_batch(texts)


@pytest.mark.parametrize("style", ["dashscope", "siliconflow", "gemini"])
@pytest.mark.parametrize(("framework", "is_async"), CASES)
def test_a_batch_refused_as_too_large_is_split_to_the_named_size(
    framework: str, is_async: bool, style: str, fault_server: FaultServer, scenario: Any
) -> None:
    model = scenario(f"embed-cap:{style}:10")
    texts = ["x" * (n + 1) for n in range(25)]
    vectors = embed_all(framework, is_async, fault_server, model, texts, batch=20)
    assert [v[0] for v in vectors] == [float(n + 1) for n in range(25)]  # all, in order
    sizes = [len(e.body["input"]) for e in fault_server.attempts(model)]
    # One refusal (the first batch of 20), then batches of the size the upstream named.
    assert sizes[0] == 20 and sorted(sizes[1:]) == [5, 10, 10]


@pytest.mark.parametrize(("framework", "is_async"), CASES)
def test_a_refusal_without_a_number_halves_the_batch(
    framework: str, is_async: bool, fault_server: FaultServer, scenario: Any
) -> None:
    model = scenario("embed-cap:unnamed:6")
    texts = [f"t{n}" for n in range(24)]
    assert len(embed_all(framework, is_async, fault_server, model, texts, batch=24)) == 24
    sizes = [len(e.body["input"]) for e in fault_server.attempts(model)]
    assert sizes[:2] == [24, 12] and sorted(sizes[2:]) == [6, 6, 6, 6]  # 24, 12 refused
    assert sum(size for size in sizes if size <= 6) == 24


@pytest.mark.parametrize(("framework", "is_async"), CASES)
def test_a_known_model_is_batched_to_its_limit_without_a_refusal(
    framework: str, is_async: bool, fault_server: FaultServer
) -> None:
    # text-embedding-v3 takes at most 10 texts (DashScope); the channel refuses more.
    from tests.faults.server import Logged

    texts = [f"{framework}-{is_async}-{n}" for n in range(25)]
    vectors = embed_all(framework, is_async, fault_server, "text-embedding-v3", texts, batch=256)
    assert len(vectors) == 25
    mine: list[Logged] = [
        e for e in fault_server.log if e.body.get("input", [None])[0] in texts[::10]
    ]
    assert sorted(len(e.body["input"]) for e in mine) == [5, 10, 10]


def test_aembed_cancels_the_other_batches_after_a_failure(
    fault_server: FaultServer, scenario: Any
) -> None:
    model = scenario("embed-fail-one")
    texts = ["a", "b", "c", "d", "boom", "f", "g", "h"]
    lc = AkileEmbeddings(
        model=model, base_url=fault_server.base_url, api_key="AK-test", chunk_size=2
    )

    async def run() -> list[asyncio.Task[Any]]:
        with pytest.raises(akile_core.AuthenticationError):
            await lc.aembed_documents(texts)
        # Right after the error: nothing of this call is still running in the loop.
        return [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]

    assert asyncio.run(run()) == []
