"""Embedding calls: texts in batches sized to what the model takes, split when refused.

The gateway's ``embed`` methods call these; they send through the gateway's clients and error
mapping, so embeddings share the chat calls' pool, retries and errors.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping, Sequence
from typing import Any, Protocol, TypeVar

import openai

from akile_core.embedding_batches import batch_limit, confirm, is_confirmed, smaller_batch
from akile_core.embeddings import (
    EmbeddingOptions,
    batch_end,
    check_texts,
    embedding_body,
    parse_embeddings,
)
from akile_core.error_mapping import RequestErrors, raise_reported_error
from akile_core.errors import BadRequestError
from akile_core.request import request_options_of


class Gateway(Protocol):
    """What these calls use of ``akile_core.gateway.Gateway`` (a Protocol: no import cycle)."""

    def client(self) -> openai.OpenAI: ...  # noqa: D102
    async def async_client(self) -> openai.AsyncOpenAI: ...  # noqa: D102
    def errors_for(  # noqa: D102
        self, body: Mapping[str, Any], endpoint: str = "chat"
    ) -> RequestErrors: ...


_T = TypeVar("_T")


def embed(
    gateway: Gateway,
    texts: Sequence[str],
    options: EmbeddingOptions,
    request_options: Mapping[str, Any] | None = None,
) -> list[list[float]]:
    """Embed ``texts`` in batches (by count and size); vectors come back in input order.

    Batches are as large as the model takes (``akile_core.embedding_batches``); one the
    upstream refuses as too large is split, and the rest are sized to match. The first
    failure stops the call (the later batches are not sent).
    """
    check_texts(texts)
    vectors: list[list[float]] = []
    start = 0
    while start < len(texts):
        size = batch_limit(options.model, options.batch_size)
        end = batch_end(texts, start, size, options.max_batch_chars)
        vectors += _embed_batch(gateway, texts[start:end], options, request_options)
        start = end
    return vectors


async def aembed(
    gateway: Gateway,
    texts: Sequence[str],
    options: EmbeddingOptions,
    request_options: Mapping[str, Any] | None = None,
) -> list[list[float]]:
    """Async :meth:`embed`; the batches are sent concurrently over the loop's pool.

    The first failure cancels the batches still in flight (after a 401 or a missing model
    the others would fail the same way, and each costs a request). While a model's batch
    size is not yet known to work in this process, the first batch goes alone, so that a
    refusal as too large costs one request instead of one per batch.
    """
    check_texts(texts)
    vectors: list[list[float]] = []
    start = 0
    size = batch_limit(options.model, options.batch_size)
    if len(texts) > size and not is_confirmed(options.model, size):
        start = batch_end(texts, 0, size, options.max_batch_chars)
        vectors = await _aembed_batch(gateway, texts[:start], options, request_options)
        size = batch_limit(options.model, options.batch_size)
    spans: list[tuple[int, int]] = []
    while start < len(texts):
        end = batch_end(texts, start, size, options.max_batch_chars)
        spans.append((start, end))
        start = end
    parts = await _all_or_cancel(
        [_aembed_batch(gateway, texts[s:e], options, request_options) for s, e in spans]
    )
    return vectors + [vector for part in parts for vector in part]


def _embed_batch(
    gateway: Gateway,
    batch: Sequence[str],
    options: EmbeddingOptions,
    request_options: Mapping[str, Any] | None,
) -> list[list[float]]:
    """Embed one batch; a batch refused as too large is split, as the refusal says."""
    body = embedding_body(batch, options)
    errors = gateway.errors_for(body, endpoint="embeddings")
    try:
        with errors.mapped():
            data = gateway.client().post(
                "/embeddings",
                cast_to=object,
                body=body,
                options=request_options_of(request_options),
            )
            data = raise_reported_error(data, errors)
    except BadRequestError as err:
        size = smaller_batch(err, options.model, len(batch))
        if size is None:
            raise
        vectors: list[list[float]] = []
        while len(vectors) < len(batch):
            # Sized anew each time: a piece may teach a smaller size still.
            size = batch_limit(options.model, options.batch_size)
            piece = batch[len(vectors) : len(vectors) + size]
            vectors += _embed_batch(gateway, piece, options, request_options)
        return vectors
    confirm(options.model, len(batch))
    return parse_embeddings(data, len(batch))


async def _aembed_batch(
    gateway: Gateway,
    batch: Sequence[str],
    options: EmbeddingOptions,
    request_options: Mapping[str, Any] | None,
) -> list[list[float]]:
    """Async :meth:`_embed_batch`; the pieces of a split batch also go concurrently."""
    body = embedding_body(batch, options)
    errors = gateway.errors_for(body, endpoint="embeddings")
    try:
        with errors.mapped():
            data = await (await gateway.async_client()).post(
                "/embeddings",
                cast_to=object,
                body=body,
                options=request_options_of(request_options),
            )
            data = raise_reported_error(data, errors)
    except BadRequestError as err:
        size = smaller_batch(err, options.model, len(batch))
        if size is None:
            raise
        # The first piece alone (it may teach a smaller size still), then the rest at once.
        first = await _aembed_batch(gateway, batch[:size], options, request_options)
        size = batch_limit(options.model, options.batch_size)
        parts = await _all_or_cancel(
            [
                _aembed_batch(gateway, batch[start : start + size], options, request_options)
                for start in range(len(first), len(batch), size)
            ]
        )
        return first + [vector for part in parts for vector in part]
    confirm(options.model, len(batch))
    return parse_embeddings(data, len(batch))


async def _all_or_cancel(calls: list[Coroutine[Any, Any, _T]]) -> list[_T]:
    """Run ``calls`` concurrently; on the first failure cancel the rest, then raise it."""
    tasks = [asyncio.ensure_future(call) for call in calls]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
