"""Anthropic Messages answers as the chat-completions shapes the rest of the core reads.

An answer (``{"type": "message", "content": [...], "stop_reason", "usage"}``) becomes an OpenAI
``chat.completion`` dict, and each stream event (``message_start`` ... ``message_stop``) the
``chat.completion.chunk`` it amounts to, so ``response.parse_completion`` and
``stream.StreamState`` serve both wires. Two things have no OpenAI form and ride along under
LiteLLM's names: ``thinking_blocks`` (thinking and redacted_thinking blocks, signatures
included, to be sent back unchanged) and the cache counts in ``prompt_tokens_details``.

Usage follows LangChain's convention: ``prompt_tokens`` counts cache reads and writes too
(Anthropic's ``input_tokens`` does not), with the split in ``cached_tokens`` and
``cache_creation_tokens``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from akile_core.errors import AkileResponseError
from akile_core.response import count_of

# Anthropic stop_reason -> OpenAI finish_reason (what the frameworks read).
FINISH_REASONS = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
    "pause_turn": "pause_turn",
    "model_context_window_exceeded": "length",
}


def completion_dict(message: object) -> dict[str, Any]:
    """An Anthropic message as an OpenAI ``chat.completion`` dict."""
    if not isinstance(message, Mapping) or message.get("type") != "message":
        raise AkileResponseError(
            f"The gateway's /messages answer is not an Anthropic message: {str(message)[:200]!r}.",
            body=message,
        )
    text: list[str] = []
    reasoning: list[str] = []
    thinking: list[dict[str, Any]] = []
    calls: list[dict[str, Any]] = []
    for block in message.get("content") or ():
        kind = block.get("type")
        if kind == "text":
            text.append(str(block.get("text", "")))
        elif kind in ("thinking", "redacted_thinking"):
            thinking.append(dict(block))
            if kind == "thinking" and block.get("thinking"):
                reasoning.append(str(block["thinking"]))
        elif kind == "tool_use":
            calls.append(_tool_call(block))
    choice: dict[str, Any] = {"role": "assistant", "content": "".join(text)}
    if reasoning:
        choice["reasoning_content"] = "".join(reasoning)
    if thinking:
        choice["thinking_blocks"] = thinking
    if calls:
        choice["tool_calls"] = calls
    return {
        "id": message.get("id"),
        "object": "chat.completion",
        "model": message.get("model"),
        "choices": [
            {
                "index": 0,
                "message": choice,
                "finish_reason": finish_reason(message.get("stop_reason")),
            }
        ],
        "usage": usage_dict(message.get("usage") or {}),
    }


def finish_reason(stop_reason: object) -> str | None:
    """Anthropic's ``stop_reason`` as OpenAI's ``finish_reason`` (unknown ones as they are)."""
    if stop_reason is None:
        return None
    return FINISH_REASONS.get(str(stop_reason), str(stop_reason))


def usage_dict(usage: Mapping[str, Any]) -> dict[str, Any]:
    """Anthropic usage in OpenAI's keys; ``prompt_tokens`` includes the cache."""
    read = count_of(usage.get("cache_read_input_tokens"))
    written = count_of(usage.get("cache_creation_input_tokens"))
    prompt = count_of(usage.get("input_tokens")) + read + written
    completion = count_of(usage.get("output_tokens"))
    out: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }
    if "cache_read_input_tokens" in usage or "cache_creation_input_tokens" in usage:
        out["prompt_tokens_details"] = {"cached_tokens": read, "cache_creation_tokens": written}
    return out


def _tool_call(block: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": block.get("id"),
        "type": "function",
        "function": {
            "name": block.get("name"),
            "arguments": json.dumps(block.get("input") or {}, ensure_ascii=False),
        },
    }


class EventTranslator:
    """Anthropic stream events in order, as OpenAI chunks (``None`` for events that add nothing).

    Tool calls are numbered by their order among the calls (OpenAI's ``index``), not by the
    content block's index; thinking blocks by theirs among the thinking blocks.
    """

    def __init__(self) -> None:
        self.id: str | None = None
        self.model: str | None = None
        self.stopped = False
        self._usage: dict[str, Any] = {}
        self._calls: dict[int, int] = {}
        self._thinking: dict[int, int] = {}

    def chunk(self, event: Mapping[str, Any]) -> dict[str, Any] | None:
        """The chunk one event amounts to (an ``error`` event is returned for the caller)."""
        kind = event.get("type")
        if kind == "message_start":
            message = event.get("message") or {}
            self.id, self.model = message.get("id"), message.get("model")
            self._usage = dict(message.get("usage") or {})
            return None
        if kind == "content_block_start":
            return self._start(int(event.get("index") or 0), event.get("content_block") or {})
        if kind == "content_block_delta":
            return self._delta(int(event.get("index") or 0), event.get("delta") or {})
        if kind == "message_delta":
            self._usage.update(event.get("usage") or {})
            reason = finish_reason((event.get("delta") or {}).get("stop_reason"))
            return self._chunk({}, reason, usage_dict(self._usage))
        if kind == "message_stop":
            self.stopped = True
        return None

    def _start(self, index: int, block: Mapping[str, Any]) -> dict[str, Any] | None:
        kind = str(block.get("type"))
        if kind == "tool_use":
            self._calls[index] = len(self._calls)
            fragment = {
                "index": self._calls[index],
                "id": block.get("id"),
                "type": "function",
                "function": {"name": block.get("name"), "arguments": ""},
            }
            return self._chunk({"tool_calls": [fragment]})
        if kind in ("thinking", "redacted_thinking"):
            self._thinking[index] = len(self._thinking)
            start = {k: v for k, v in block.items() if k != "signature"}
            start["index"] = self._thinking[index]
            if kind == "thinking":  # the field Anthropic wants back, even empty (Opus 4.7+)
                start["thinking"] = str(block.get("thinking") or "")
            return self._chunk({"thinking_blocks": [start]})
        if kind == "text" and block.get("text"):
            return self._chunk({"content": block["text"]})
        return None

    def _delta(self, index: int, delta: Mapping[str, Any]) -> dict[str, Any] | None:
        kind = delta.get("type")
        if kind == "text_delta":
            return self._chunk({"content": delta.get("text", "")})
        if kind == "input_json_delta":
            fragment = {
                "index": self._calls.get(index, 0),
                "function": {"arguments": delta.get("partial_json", "")},
            }
            return self._chunk({"tool_calls": [fragment]})
        if kind == "thinking_delta":
            text = str(delta.get("thinking", ""))
            block = {"index": self._thinking.get(index, 0), "thinking": text}
            return self._chunk({"reasoning_content": text, "thinking_blocks": [block]})
        if kind == "signature_delta":
            block = {"index": self._thinking.get(index, 0), "signature": delta.get("signature")}
            return self._chunk({"thinking_blocks": [block]})
        return None

    def _chunk(
        self,
        delta: dict[str, Any],
        finish: str | None = None,
        usage: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        chunk: dict[str, Any] = {
            "id": self.id,
            "object": "chat.completion.chunk",
            "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        if usage is not None:
            chunk["usage"] = usage
        return chunk
