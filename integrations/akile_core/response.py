"""Parse a chat completion (the decoded JSON of an HTTP 200) into plain, framework-free values.

Gateways put the same information in different places depending on the upstream model family;
each function here reads every known place, first match wins, and says so in a comment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from akile_core.errors import AkileResponseError


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts of one response; ``None`` where the gateway did not say."""

    input_tokens: int
    output_tokens: int
    total_tokens: int
    cached_tokens: int | None = None
    cache_write_tokens: int | None = None
    reasoning_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One complete tool call; ``arguments`` is the raw JSON text the model wrote."""

    id: str
    name: str
    arguments: str


@dataclass(frozen=True, slots=True)
class Choice:
    """One choice of a completion."""

    content: str
    reasoning: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: str | None = None
    logprobs: Any = None
    refusal: str | None = None
    index: int = 0
    thinking_blocks: tuple[Mapping[str, Any], ...] = ()
    """Claude's thinking and redacted_thinking blocks, signatures included (``/v1/messages``):
    sent back unchanged in the next request, as Anthropic checks them."""


@dataclass(frozen=True, slots=True)
class Completion:
    """A parsed, non-streamed chat completion."""

    choices: tuple[Choice, ...]
    usage: Usage | None = None
    model: str | None = None
    id: str | None = None
    system_fingerprint: str | None = None
    created: int | None = None
    raw: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    """The decoded response body, for callers that hand OpenAI-shaped data on (LlamaIndex)."""


def parse_completion(data: object) -> Completion:
    """Turn a decoded response body into a :class:`Completion`, or raise if it is not one."""
    if not isinstance(data, Mapping):
        raise AkileResponseError(
            "The gateway answered HTTP 200 but the body is not a JSON chat completion: "
            f"{str(data)[:200]!r}. What to do: check base_url (it should be the API root, "
            "e.g. https://aigateway.akile.ai/v1).",
            body=data,
        )
    choices = data.get("choices")
    if not choices:
        raise AkileResponseError(
            "The gateway answered HTTP 200 with no choices, so there is no answer to return. "
            "What to do: retry, or try another model; quote the response id "
            f"{data.get('id')!r} to support.",
            body=dict(data),
        )
    usage = data.get("usage")
    return Completion(
        choices=tuple(parse_choice(choice) for choice in choices),
        usage=parse_usage(usage) if isinstance(usage, Mapping) else None,
        model=_opt_str(data.get("model")),
        id=_opt_str(data.get("id")),
        system_fingerprint=_opt_str(data.get("system_fingerprint")),
        created=data.get("created") if isinstance(data.get("created"), int) else None,
        raw=data,
    )


def parse_choice(choice: Mapping[str, Any]) -> Choice:
    """One element of ``choices``."""
    message = choice.get("message") or {}
    return Choice(
        content=text_of(message.get("content")),
        reasoning=reasoning_of(message),
        tool_calls=tuple(
            ToolCall(
                id=str(call.get("id") or ""),
                name=str((call.get("function") or {}).get("name") or ""),
                arguments=str((call.get("function") or {}).get("arguments") or ""),
            )
            for call in message.get("tool_calls") or ()
        ),
        finish_reason=_opt_str(choice.get("finish_reason")),
        logprobs=choice.get("logprobs"),
        refusal=_opt_str(message.get("refusal")),
        index=int(choice.get("index") or 0),
        thinking_blocks=tuple(message.get("thinking_blocks") or ()),
    )


def text_of(content: object) -> str:
    """Message content as text: a string, or the text parts of a content list, joined."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            str(part.get("text", ""))
            for part in content
            if isinstance(part, Mapping) and part.get("type") in ("text", "output_text")
        )
    return str(content)


def reasoning_of(message: Mapping[str, Any]) -> str | None:
    """The model's reasoning text, from ``reasoning_content`` else ``reasoning``.

    ``reasoning_content`` is DeepSeek's, Qwen's and most gateways' field; ``reasoning`` is
    OpenRouter's and vLLM's. Never both: some gateways send the same text in each.
    """
    for key in ("reasoning_content", "reasoning"):
        value = message.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def parse_usage(usage: Mapping[str, Any]) -> Usage:
    """Token counts, with cache and reasoning details wherever the upstream family puts them."""
    prompt = count_of(usage.get("prompt_tokens"))
    completion = count_of(usage.get("completion_tokens"))
    prompt_details = usage.get("prompt_tokens_details") or {}
    completion_details = usage.get("completion_tokens_details") or {}
    cached = _first_int(
        prompt_details.get("cached_tokens"),  # OpenAI
        usage.get("prompt_cache_hit_tokens"),  # DeepSeek
        usage.get("cache_read_input_tokens"),  # Anthropic-style, passed through by gateways
    )
    cache_write = _first_int(
        prompt_details.get("cached_creation_tokens"),  # new-api (dto/openai_response.go)
        prompt_details.get("cache_creation_tokens"),
        prompt_details.get("cache_write_tokens"),
        usage.get("cache_creation_input_tokens"),
    )
    reasoning = _first_int(
        completion_details.get("reasoning_tokens"), usage.get("reasoning_tokens")
    )
    total = count_of(usage.get("total_tokens")) or prompt + completion
    return Usage(prompt, completion, total, cached, cache_write, reasoning)


def usage_to_wire(usage: Usage) -> dict[str, Any]:
    """Usage in OpenAI's key names, as code written for the OpenAI SDK reads it."""
    wire: dict[str, Any] = {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
    }
    prompt_details = {
        key: value
        for key, value in (
            ("cached_tokens", usage.cached_tokens),
            ("cache_write_tokens", usage.cache_write_tokens),
        )
        if value is not None
    }
    if prompt_details:
        wire["prompt_tokens_details"] = prompt_details
    if usage.reasoning_tokens is not None:
        wire["completion_tokens_details"] = {"reasoning_tokens": usage.reasoning_tokens}
    return wire


def count_of(value: object) -> int:
    """A token count: the integer, else 0 (never a bool, a float or a string)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _first_int(*values: object) -> int | None:
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _opt_str(value: object) -> str | None:
    return value if isinstance(value, str) else None
