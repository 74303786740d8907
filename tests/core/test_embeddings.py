"""Embedding batching, validation and decoding: pure table tests."""

from __future__ import annotations

import array
import base64

import pytest

from akile_core import AkileConfigError, AkileResponseError
from akile_core.embeddings import (
    EmbeddingOptions,
    batches,
    check_texts,
    decode_vector,
    embedding_body,
    parse_embeddings,
)
from akile_core.error_mapping import error_from_body
from akile_core.errors import ModelNotFoundError


@pytest.mark.parametrize(
    ("texts", "size", "chars", "expected"),
    [
        (["a", "b", "c", "d", "e"], 2, 100, [(0, ["a", "b"]), (2, ["c", "d"]), (4, ["e"])]),
        (["aaaa", "bbbb", "cc", "d"], 10, 8, [(0, ["aaaa", "bbbb"]), (2, ["cc", "d"])]),
        (["x" * 50, "y"], 10, 10, [(0, ["x" * 50]), (1, ["y"])]),  # one big text still goes
        ([], 4, 10, []),
    ],
)
def test_batches_by_count_and_size_keep_order(
    texts: list[str], size: int, chars: int, expected: list[tuple[int, list[str]]]
) -> None:
    assert [(start, list(batch)) for start, batch in batches(texts, size, chars)] == expected


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        (["ok", ""], "Text 1 is empty"),
        (["ok", "   "], "Text 1 is empty"),
        (["x" * 200_001], "Text 0 has 200,001 characters"),
        ([b"bytes"], "Text 0 is a bytes"),
        ("a string", "Pass a list"),
    ],
)
def test_bad_input_is_refused_before_sending(texts: list[str], message: str) -> None:
    with pytest.raises(AkileConfigError, match=message):
        check_texts(texts)


def test_options_are_checked() -> None:
    for bad in ({"model": ""}, {"model": "m", "dimensions": 0}, {"model": "m", "batch_size": 0}):
        with pytest.raises(AkileConfigError):
            EmbeddingOptions(**bad)  # type: ignore[arg-type]


def test_body_sends_only_what_was_set() -> None:
    assert embedding_body(["a"], EmbeddingOptions(model="m")) == {
        "model": "m",
        "input": ["a"],
        "encoding_format": "base64",
    }
    assert embedding_body(["a"], EmbeddingOptions(model="m", dimensions=64))["dimensions"] == 64


def test_base64_and_float_vectors_decode_alike() -> None:
    vector = [0.5, -1.25, 3.0]
    encoded = base64.b64encode(array.array("f", vector).tobytes()).decode()
    assert decode_vector(encoded) == decode_vector(vector) == vector


def test_vectors_come_back_in_input_order() -> None:
    data = {"data": [{"index": 1, "embedding": [2.0]}, {"index": 0, "embedding": [1.0]}]}
    assert parse_embeddings(data, 2) == [[1.0], [2.0]]
    with pytest.raises(AkileResponseError, match="for 3 texts with 2 vectors"):
        parse_embeddings(data, 3)


def test_no_channel_for_an_embedding_model_names_embedding_models() -> None:
    body = {"error": {"message": "无可用渠道", "code": "model_not_found"}}
    err = error_from_body(body, status=503, model="claude-opus-4-8", endpoint="embeddings")
    assert isinstance(err, ModelNotFoundError)
    assert "embedding model" in str(err) and "cannot embed" in str(err)
    chat = error_from_body(body, status=503, model="claude-opus-4-8")
    assert "embedding" not in str(chat)


@pytest.mark.parametrize(
    ("model", "asked", "expected"),
    [
        ("text-embedding-v3", 256, 10),  # DashScope
        ("alibaba/text-embedding-v4", 256, 10),  # a vendor prefix does not hide it
        ("text-embedding-v2", 256, 25),
        ("gemini-embedding-001", 256, 100),
        ("BAAI/bge-m3", 256, 64),
        ("text-embedding-3-small", 256, 256),  # no known cap below the asked size
        ("text-embedding-v3", 4, 4),  # a smaller asked size wins
    ],
)
def test_batch_limit_per_model(model: str, asked: int, expected: int) -> None:
    from akile_core.embedding_batches import batch_limit

    assert batch_limit(model, asked) == expected


@pytest.mark.parametrize(
    ("message", "sent", "expected"),
    [
        ("Value error, batch size is invalid, it should not be larger than 10.: input", 32, 10),
        ("input batch size 473 > maximum allowed batch size 64", 473, 64),
        (
            "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch",
            150,
            100,
        ),
        ("batch size too large", 40, 20),  # no number: halved
        ("Too many inputs. The max number of inputs is 2048.", 3000, 2048),
        ("messages: at least one message is required", 40, None),  # not a size refusal
        ("batch size too large", 1, None),  # one text cannot be split
    ],
)
def test_smaller_batch_reads_the_cap_from_the_refusal(
    message: str, sent: int, expected: int | None
) -> None:
    from akile_core.embedding_batches import batch_limit, smaller_batch
    from akile_core.errors import BadRequestError

    model = f"model-for-{message[:12]}-{sent}"
    error = BadRequestError(message, status_code=400)
    assert smaller_batch(error, model, sent) == expected
    if expected is not None:
        assert batch_limit(model, 5000) == expected  # remembered for the model
