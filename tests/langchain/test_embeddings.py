"""AkileEmbeddings replayed from exchanges recorded against a real embedding server."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document
from langchain_core.vectorstores import InMemoryVectorStore

from langchain_akile import AkileEmbeddings
from tests.conftest import EMBEDDING_TEXTS, cosine, embedding_params

pytestmark = [pytest.mark.vcr, pytest.mark.embeddings]


TEXTS = EMBEDDING_TEXTS


def test_batches_keep_order_and_match_single_calls() -> None:
    batched = AkileEmbeddings(**embedding_params(chunk_size=3)).embed_documents(TEXTS)
    assert len(batched) == 4 and len({len(v) for v in batched}) == 1
    single = AkileEmbeddings(**embedding_params()).embed_query(TEXTS[3])
    assert batched[3] == pytest.approx(single, abs=1e-6)


def test_base64_and_float_encodings_give_the_same_vectors() -> None:
    as_base64 = AkileEmbeddings(**embedding_params()).embed_query("hello")
    as_float = AkileEmbeddings(**embedding_params(encoding_format="float")).embed_query("hello")
    assert as_base64 == pytest.approx(as_float, abs=1e-6)


async def test_async_batches_are_concurrent_and_in_order() -> None:
    model = AkileEmbeddings(**embedding_params(chunk_size=2))
    vectors = await model.aembed_documents(TEXTS)
    assert len(vectors) == 4
    # Concurrent batches may share a forward pass on the server, which moves the last digits
    # (llama.cpp batches concurrent requests): the same text, not the same bits.
    assert cosine(vectors[3], await model.aembed_query(TEXTS[3])) > 0.999


def test_retriever_on_the_gateway_alone() -> None:
    store = InMemoryVectorStore(AkileEmbeddings(**embedding_params()))
    store.add_documents(
        [
            Document("The AK AI Gateway serves Claude, GPT, Gemini and DeepSeek models."),
            Document("Bananas are yellow and grow in bunches."),
        ]
    )
    (best,) = store.as_retriever(search_kwargs={"k": 1}).invoke(
        "Which models does the gateway serve?"
    )
    assert "Gateway" in best.page_content
