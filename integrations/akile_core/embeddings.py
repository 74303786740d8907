"""Embeddings (``POST /v1/embeddings``): batching, request bodies and response decoding.

new-api-family gateways serve embeddings for channels that have embedding models (OpenAI,
Gemini, Jina, SiliconFlow, Zhipu, ...), and answer "not implemented" for Claude, AWS and
DeepSeek channels (gateway-families.md, section 9). The framework adapters call
:meth:`Embedder.embed`; everything that knows the wire format is here.
"""

from __future__ import annotations

import array
import base64
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from akile_core.errors import AkileConfigError, AkileResponseError

# OpenAI's limits per request: 2,048 inputs, 300,000 tokens in all, 8,192 tokens per input.
# Batches stay well inside them; a single input is checked in characters (a token is at least
# one character, so this never rejects text the upstream would accept as to size, while it
# catches pasted files before they cost a round trip).
DEFAULT_BATCH_SIZE = 256
DEFAULT_MAX_BATCH_CHARS = 400_000
MAX_INPUT_CHARS = 200_000

EncodingFormat = Literal["float", "base64"]


@dataclass(frozen=True)
class EmbeddingOptions:
    """What every request of one embedding model carries."""

    model: str
    dimensions: int | None = None
    encoding_format: EncodingFormat = "base64"
    batch_size: int = DEFAULT_BATCH_SIZE
    max_batch_chars: int = DEFAULT_MAX_BATCH_CHARS

    def __post_init__(self) -> None:
        if not self.model or not isinstance(self.model, str):
            raise AkileConfigError(
                "model is required: pass an embedding model listed on the gateway console's "
                "channel (渠道) page, e.g. model='text-embedding-3-small'."
            )
        if self.dimensions is not None and (
            isinstance(self.dimensions, bool)
            or not isinstance(self.dimensions, int)
            or self.dimensions <= 0
        ):
            raise AkileConfigError(
                f"dimensions must be a positive integer, got {self.dimensions!r}."
            )
        if self.encoding_format not in ("float", "base64"):
            raise AkileConfigError(
                f"encoding_format must be 'float' or 'base64', got {self.encoding_format!r}."
            )
        if not isinstance(self.batch_size, int) or not 1 <= self.batch_size <= 2048:
            raise AkileConfigError(
                f"batch_size must be an integer from 1 to 2048, got {self.batch_size!r}."
            )


def check_texts(texts: Sequence[str]) -> None:
    """Reject input no embedding model accepts, naming the text at fault."""
    if isinstance(texts, str):
        raise AkileConfigError(
            "Pass a list of texts to embed_documents (or one text to embed_query)."
        )
    for position, text in enumerate(texts):
        if not isinstance(text, str):
            raise AkileConfigError(
                f"Text {position} is a {type(text).__name__}, not a string: embed text only."
            )
        if not text.strip():
            raise AkileConfigError(
                f"Text {position} is empty: embedding models reject empty input; drop it or "
                "put a placeholder in its place."
            )
        if len(text) > MAX_INPUT_CHARS:
            raise AkileConfigError(
                f"Text {position} has {len(text):,} characters, more than any embedding model "
                f"takes in one input ({MAX_INPUT_CHARS:,}); split it into chunks first "
                "(e.g. with a text splitter)."
            )


def batches(
    texts: Sequence[str], batch_size: int, max_chars: int
) -> Iterator[tuple[int, Sequence[str]]]:
    """Split ``texts`` into (start, batch) pieces by count and by total size, in order."""
    start = 0
    while start < len(texts):
        end = batch_end(texts, start, batch_size, max_chars)
        yield start, texts[start:end]
        start = end


def batch_end(texts: Sequence[str], start: int, batch_size: int, max_chars: int) -> int:
    """Where the batch that begins at ``start`` ends (one past its last text).

    At most ``batch_size`` texts and ``max_chars`` characters, and never fewer than one text.
    """
    end, size = start, 0
    while end < len(texts) and end - start < batch_size:
        size += len(texts[end])
        if size > max_chars and end > start:
            break
        end += 1
    return end


def embedding_body(texts: Sequence[str], options: EmbeddingOptions) -> dict[str, Any]:
    """The JSON body of one request; only the options that were set."""
    body: dict[str, Any] = {
        "model": options.model,
        "input": list(texts),
        "encoding_format": options.encoding_format,
    }
    if options.dimensions is not None:
        body["dimensions"] = options.dimensions
    return body


def parse_embeddings(data: object, expected: int) -> list[list[float]]:
    """The vectors of an embeddings response, in input order (by ``index``), decoded."""
    items = data.get("data") if isinstance(data, Mapping) else None
    if not isinstance(items, list) or len(items) != expected:
        got = len(items) if isinstance(items, list) else "no"
        raise AkileResponseError(
            f"The gateway answered an embeddings request for {expected} texts with {got} "
            f"vectors: {str(data)[:200]!r}. What to do: retry; check that the model is an "
            "embedding model.",
            body=data,
        )
    ordered = sorted(items, key=lambda item: int(item.get("index", 0)))
    return [decode_vector(item.get("embedding")) for item in ordered]


def decode_vector(value: object) -> list[float]:
    """A vector from its JSON form: a list of floats, or base64 of little-endian float32."""
    if isinstance(value, list):
        return [float(x) for x in value]
    if isinstance(value, str):
        # base64 is a quarter of the JSON size and decodes at C speed, which is why it is
        # the default (as the openai SDK does).
        floats = array.array("f", base64.b64decode(value))
        if sys.byteorder != "little":
            floats.byteswap()
        return floats.tolist()
    raise AkileResponseError(f"An embedding is neither a list nor base64: {str(value)[:80]!r}.")
