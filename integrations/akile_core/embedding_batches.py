"""How many texts one embeddings request may carry, per model: known limits and learned ones.

Upstreams behind the gateway cap the number of inputs per request far below OpenAI's 2,048,
and answer a larger batch with HTTP 400. Known caps are listed here with where each was seen;
an unknown model keeps the adapter's batch size (256 by default). When an upstream refuses a
batch as too large anyway, its message usually names the cap: the batch is split to that size
(or halved, if no number is given), the size is remembered for the model for this process, and
the job goes on in order. So each size costs at most one refused request per process.
"""

from __future__ import annotations

import logging
import re
import threading

from akile_core.errors import BadRequestError

# Caps per model name (lower case), each with its source.
KNOWN_BATCH_LIMITS: dict[str, int] = {
    # DashScope (Alibaba): "batch size is invalid, it should not be larger than 10.:
    # input.contents" (mem0ai/mem0#6861, zilliztech/claude-context#177, memodb-io/memobase#142).
    "text-embedding-v3": 10,
    "text-embedding-v4": 10,
    # DashScope's older models: "... should not be larger than 25" (langchain4j/langchain4j#1140).
    "text-embedding-v1": 25,
    "text-embedding-v2": 25,
    # Gemini batchEmbedContents: "BatchEmbedContentsRequest.requests: at most 100 requests can
    # be in one batch" (langchain-ai/langchainjs#4491, weaviate/weaviate#11277, vercel/ai#16575).
    "gemini-embedding-001": 100,
    "text-embedding-004": 100,
    "embedding-001": 100,
    # SiliconFlow: "input batch size 473 > maximum allowed batch size 64"
    # (n4ze3m/page-assist#371, apecloud/ApeRAG#716).
    "baai/bge-m3": 64,
}

# How upstreams say a batch is too large; the group, where there is one, is the cap.
_TOO_LARGE = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"batch size is invalid, it should not be larger than (\d+)",  # DashScope
        r"maximum allowed batch size (\d+)",  # SiliconFlow
        r"at most (\d+) requests can be in one batch",  # Gemini
        r"too many inputs[^0-9]*(\d+)?",  # OpenAI-style "Too many inputs. The max is 2048"
        r"batch size[^.]*(?:exceed|too large|larger than|greater than)\D*(\d+)?",
    )
)

_log = logging.getLogger("akile")
_lock = threading.Lock()
# Per model name: the cap an upstream told us in this process (only ever lowered), and the
# largest batch that went through, so async calls know when a first probing batch is needed.
_learned: dict[str, int] = {}
_confirmed: dict[str, int] = {}


def batch_limit(model: str, batch_size: int) -> int:
    """How many texts to put in one request: the asked size, capped by what is known."""
    name = model.lower()
    known = KNOWN_BATCH_LIMITS.get(name) or KNOWN_BATCH_LIMITS.get(name.rsplit("/", 1)[-1])
    limit = min(batch_size, known or batch_size)
    learned = _learned.get(name)
    return min(limit, learned) if learned else limit


def is_confirmed(model: str, size: int) -> bool:
    """Whether a batch of ``size`` texts already went through for ``model`` in this process."""
    return _confirmed.get(model.lower(), 0) >= size


def confirm(model: str, size: int) -> None:
    """Remember that a batch of ``size`` texts went through."""
    name = model.lower()
    with _lock:
        _confirmed[name] = max(_confirmed.get(name, 0), size)


def smaller_batch(error: BaseException, model: str, sent: int) -> int | None:
    """The batch size to retry with if ``error`` refused a batch of ``sent`` texts as too large.

    ``None`` when the error is something else, or the batch cannot be split further. The new
    size is remembered for ``model``, and logged (WARNING, logger ``akile``).
    """
    if not isinstance(error, BadRequestError) or sent <= 1:
        return None
    cap = _cap_named_in(str(error))
    if cap is None:
        return None
    size = cap if 0 < cap < sent else max(1, sent // 2)
    name = model.lower()
    with _lock:
        _learned[name] = min(_learned.get(name, size), size)
        _confirmed[name] = min(_confirmed.get(name, 0), size)
    _log.warning("Model %r takes at most %d texts a request; splitting the batch.", model, size)
    return size


def _cap_named_in(message: str) -> int | None:
    """The cap a "batch too large" message names; 0 if it names none; ``None`` if it is not one."""
    for pattern in _TOO_LARGE:
        match = pattern.search(message)
        if match:
            number = match.group(1) if match.groups() else None
            return int(number) if number else 0
    return None


def forget() -> None:
    """Forget learned caps (tests, or after the gateway's channels changed)."""
    with _lock:
        _learned.clear()
        _confirmed.clear()
