"""The doctor's look at Claude's native wire, ``/v1/messages``.

Is it offered, and does it keep what chat completions lose (a thinking tool loop's
signatures, prompt caching)? Run for Claude models (by name, table or the listing's
``"anthropic"``): at most five small requests over ``/v1/messages`` through the library's own wire, so what passes here is what
``ChatAkile`` and ``Akile`` get with ``endpoint="auto"``.
"""

from __future__ import annotations

from typing import Any

from akile_cli.probes import FAILED, NO, OK, REJECTED, Finding, Outcome

# Anthropic caches a prefix of at least 1,024 tokens on most models: this is above that.
_CACHED_PREFIX = "You answer in one word. " * 260
_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def messages_findings(gateway: Any, model: str, outcomes: list[Outcome]) -> list[Finding]:
    """The findings about ``/v1/messages``; each request's outcome is added to ``outcomes``."""
    from akile_core import AkileError, NotFoundError

    plain = _send(gateway, model, outcomes, {"max_tokens": 16}, "Reply with the single word: OK")
    if isinstance(plain, NotFoundError):
        return [Finding("messages", "/v1/messages", REJECTED, _first_line(plain))]
    if isinstance(plain, AkileError):
        return [Finding("messages", "/v1/messages", FAILED, _first_line(plain))]
    findings = [Finding("messages", "/v1/messages", OK, "offered")]
    findings.append(_thinking_loop(gateway, model, outcomes))
    findings.append(_caching(gateway, model, outcomes))
    return findings


def _thinking_loop(gateway: Any, model: str, outcomes: list[Outcome]) -> Finding:
    from akile_core import AkileError

    title = "/v1/messages: thinking tool loop"
    prompt = "What is the weather in Paris? Use the tool."
    body = {"max_tokens": 1400, "reasoning_effort": "low", "tools": [_TOOL]}
    first = _send(gateway, model, outcomes, body, prompt)
    if isinstance(first, AkileError):
        return Finding("messages_thinking_tools", title, FAILED, _first_line(first))
    if not first.choices[0].tool_calls:
        return Finding("messages_thinking_tools", title, NO, "no tool call to answer")
    choice = first.choices[0]
    call = choice.tool_calls[0]
    assistant = {
        "role": "assistant",
        "content": choice.content,
        "tool_calls": [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
        ],
        "thinking_blocks": [dict(block) for block in choice.thinking_blocks],
    }
    history = [
        {"role": "user", "content": prompt},
        assistant,
        {"role": "tool", "tool_call_id": call.id, "content": "sunny"},
    ]
    second = _send(gateway, model, outcomes, body, history)
    if isinstance(second, AkileError):
        return Finding("messages_thinking_tools", title, REJECTED, _first_line(second))
    signed = sum(1 for block in choice.thinking_blocks if block.get("signature"))
    return Finding("messages_thinking_tools", title, OK, f"completed ({signed} signed block)")


def _caching(gateway: Any, model: str, outcomes: list[Outcome]) -> Finding:
    from akile_core import AkileError

    title = "/v1/messages: prompt caching"
    system = {
        "role": "system",
        "content": [
            {"type": "text", "text": _CACHED_PREFIX, "cache_control": {"type": "ephemeral"}}
        ],
    }
    read = 0
    for attempt in range(2):
        answer = _send(
            gateway, model, outcomes, {"max_tokens": 8}, [system, _user(f"Say {attempt}")]
        )
        if isinstance(answer, AkileError):
            return Finding("messages_cache", title, FAILED, _first_line(answer))
        read = (answer.usage.cached_tokens or 0) if answer.usage else 0
    if read:
        return Finding("messages_cache", title, OK, f"{read:,} tokens read from the cache")
    return Finding("messages_cache", title, NO, "the repeated prefix was not read from the cache")


def _user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def _send(
    gateway: Any, model: str, outcomes: list[Outcome], extra: dict[str, Any], prompt: Any
) -> Any:
    """A completion over /v1/messages, or the error; recorded in ``outcomes`` either way."""
    from akile_core import AkileError

    messages = [_user(prompt)] if isinstance(prompt, str) else prompt
    try:
        completion = gateway.complete({"model": model, "messages": messages, **extra})
    except AkileError as err:
        outcomes.append(Outcome(error=err))
        return err
    outcomes.append(Outcome(text=completion.choices[0].content, usage=completion.usage))
    return completion


def _first_line(err: Exception) -> str:
    return str(err).splitlines()[0][:160]
