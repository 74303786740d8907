"""Gateway answers as LlamaIndex ``ChatResponse``s, with ``raw`` in the OpenAI SDK's shape.

Code written for llama-index's OpenAI LLM reads ``response.raw["choices"][0]["finish_reason"]``
and ``TokenCountingHandler`` reads ``response.raw["usage"]``; both work here unchanged.
"""

from __future__ import annotations

from typing import Any

from llama_index.core.base.llms.types import ChatMessage, ChatResponse, LogProb

from akile_core import Completion, Delta, StreamState
from akile_core.response import usage_to_wire
from llamaindex_akile._convert import assistant_message, from_wire_choice, usage_kwargs


def to_chat_response(completion: Completion) -> ChatResponse:
    """A non-streamed completion (choice 0) as a ``ChatResponse``; ``raw`` is the body itself."""
    choice = completion.choices[0]
    return ChatResponse(
        message=from_wire_choice(choice),
        raw=dict(completion.raw) if completion.raw is not None else None,
        additional_kwargs=usage_kwargs(completion.usage) if completion.usage else {},
        logprobs=to_logprobs(choice.logprobs),
    )


def to_logprobs(logprobs: Any) -> list[list[LogProb]] | None:
    """OpenAI ``logprobs.content`` as LlamaIndex's per-token lists of alternatives."""
    content = logprobs.get("content") if isinstance(logprobs, dict) else None
    if not isinstance(content, list):
        return None
    return [
        [_logprob(alt) for alt in token.get("top_logprobs") or ()] or [_logprob(token)]
        for token in content
        if isinstance(token, dict)
    ]


def _logprob(entry: dict[str, Any]) -> LogProb:
    return LogProb(
        token=str(entry.get("token", "")),
        logprob=float(entry.get("logprob") or 0.0),
        bytes=list(entry.get("bytes") or ()),
    )


class StreamView:
    """The cumulative message of a stream, rebuilt per delta for LlamaIndex's responses."""

    def __init__(self) -> None:
        self.state = StreamState()
        self._text: list[str] = []
        self._thinking: list[str] = []
        self._blocks: dict[int, dict[str, Any]] = {}

    def _message(self) -> ChatMessage:
        reasoning = "".join(self._thinking) or None
        return assistant_message(
            "".join(self._text),
            reasoning,
            self.state.tool_calls.calls(self.state.answer_tool),
            [self._blocks[index] for index in sorted(self._blocks)],
        )

    def _add_thinking(self, pieces: Any) -> None:
        """Claude's thinking-block pieces, joined by index: text appended, the rest set."""
        for piece in pieces:
            block = self._blocks.setdefault(int(piece.get("index", 0)), {})
            for key, value in piece.items():
                if key == "thinking":
                    block["thinking"] = block.get("thinking", "") + str(value)
                elif key != "index":
                    block[key] = value

    def update(self, delta: Delta) -> ChatResponse:
        if delta.content:
            self._text.append(delta.content)
        extra = {}
        if delta.thinking_blocks:
            self._add_thinking(delta.thinking_blocks)
        if delta.reasoning:
            self._thinking.append(delta.reasoning)
            extra["thinking_delta"] = delta.reasoning
        return ChatResponse(
            message=self._message(),
            delta=delta.content,
            additional_kwargs=extra,
            logprobs=to_logprobs(delta.logprobs) if delta.logprobs is not None else None,
        )

    def final(self) -> ChatResponse:
        """The closing response: the whole message, usage, and an OpenAI-shaped ``raw``."""
        state = self.state
        message = self._message()
        raw: dict[str, Any] = {
            "id": state.id,
            "object": "chat.completion",
            "model": state.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "".join(self._text)},
                    "finish_reason": state.finish_reason,
                }
            ],
        }
        if state.usage is not None:
            raw["usage"] = usage_to_wire(state.usage)
        extra = usage_kwargs(state.usage) if state.usage else {}
        return ChatResponse(message=message, delta="", raw=raw, additional_kwargs=extra)
