"""AkileEmbedding: pure checks, then replayed exchanges with a real embedding server."""

from __future__ import annotations

import json

import pytest

from akile_core import AkileConfigError
from llama_index.embeddings.akile import AkileEmbedding
from tests.conftest import EMBEDDING_TEXTS, cosine, embedding_params

TEXTS = EMBEDDING_TEXTS


def test_api_base_alias_batch_default_and_secret() -> None:
    model = AkileEmbedding(model="m", api_base="http://127.0.0.1:9/v1", api_key="AK-secret12345")
    assert model.base_url == "http://127.0.0.1:9/v1" and model.embed_batch_size == 256
    for text in (repr(model), json.dumps(model.to_dict(), default=str)):
        assert "AK-secret12345" not in text


def test_empty_text_is_refused_before_sending() -> None:
    with pytest.raises(AkileConfigError, match="Text 1 is empty"):
        AkileEmbedding(model="m", api_key="k").get_text_embedding_batch(["ok", ""])


@pytest.mark.vcr
@pytest.mark.embeddings
def test_batches_keep_order() -> None:
    model = AkileEmbedding(**embedding_params(embed_batch_size=3))
    vectors = model.get_text_embedding_batch(TEXTS)
    assert len(vectors) == 4 and len({len(v) for v in vectors}) == 1
    assert vectors[3] == pytest.approx(model.get_query_embedding(TEXTS[3]), abs=1e-6)


@pytest.mark.vcr
@pytest.mark.embeddings
async def test_async_embeddings() -> None:
    model = AkileEmbedding(**embedding_params(embed_batch_size=2))
    vectors = await model.aget_text_embedding_batch(TEXTS)
    assert len(vectors) == 4
    # Concurrent batches may share a forward pass on the server, which moves the last digits
    # (llama.cpp batches concurrent requests): the same text, not the same bits.
    assert cosine(vectors[0], await model.aget_text_embedding(TEXTS[0])) > 0.999
