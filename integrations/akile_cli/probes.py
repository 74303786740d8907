"""The requests ``akile doctor`` sends, and how each answer is read: pure data and functions.

Every probe is one small request (``max_tokens`` 32 or less, except the reasoning probe, which
must leave room for a Claude thinking budget) whose answer shows one fact about the channel:
``ok`` (accepted and honoured), ``ignored`` (accepted, no effect: a schema answered with prose,
``n=2`` answered once), ``rejected`` (a 400-class answer, message kept), ``no`` (a feature not
used, such as a tool not called) or ``failed`` (any other error).
"""

from __future__ import annotations

import base64
import json
import struct
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from akile_core.errors import AkileError
from akile_core.response import ToolCall, Usage

OK, IGNORED, REJECTED, NO, FAILED = "ok", "ignored", "rejected", "no", "failed"


@dataclass(frozen=True)
class Outcome:
    """What one probe request got back."""

    text: str = ""
    reasoning: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    choices: int = 1
    logprobs: bool = False
    usage: Usage | None = None
    error: AkileError | None = None


@dataclass(frozen=True)
class Finding:
    """One line of the doctor's table."""

    key: str
    title: str
    status: str
    detail: str = ""


Judge = Callable[[Outcome], tuple[str, str]]


@dataclass(frozen=True)
class Probe:
    """One request: what it adds to the base body, and how to read the answer."""

    key: str
    title: str
    judge: Judge
    body: Mapping[str, Any] = field(default_factory=dict)
    prompt: str | list[dict[str, Any]] = "Reply with the single word: OK"
    stream: bool = False
    max_tokens: int | None = 16
    params: tuple[str, ...] = ()
    """Body parameters this probe tests (saved as ``rejected_params`` when refused)."""

    def request(self, model: str) -> dict[str, Any]:
        """The body sent for ``model``."""
        body: dict[str, Any] = {
            "model": model,
            "messages": [{"role": "user", "content": self.prompt}],
        }
        if self.max_tokens is not None:
            body["max_tokens"] = self.max_tokens
        if self.stream:
            body["stream"] = True
        body.update(self.body)
        return body


def read(outcome: Outcome, judge: Judge) -> tuple[str, str]:
    """The finding for an outcome: errors are read the same way for every probe."""
    if outcome.error is not None:
        return error_status(outcome.error), first_line(gateway_message(outcome.error))
    return judge(outcome)


def gateway_message(error: AkileError) -> str:
    """The gateway's own words for an error (with its status), else the whole message."""
    body = getattr(error, "body", None)
    inner = body.get("error", body) if isinstance(body, dict) else None
    message = inner.get("message") if isinstance(inner, dict) else None
    if isinstance(message, str) and message:
        return f"HTTP {getattr(error, 'status_code', '?')}: {message}"
    return str(error)


_REFUSALS = ("not supported", "unsupported", "not support", "不支持")


def error_status(error: AkileError) -> str:
    """``rejected`` when the request was refused, else ``failed``.

    Refused: a 400-class status, or any status whose message says "not supported" (llama.cpp
    answers an image it cannot read with HTTP 500).
    """
    status = getattr(error, "status_code", None)
    if status in (400, 409, 413, 415, 422):
        return REJECTED
    return REJECTED if any(word in str(error).lower() for word in _REFUSALS) else FAILED


def first_line(text: str, limit: int = 110) -> str:
    """The start of a message, on one line."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def answered(outcome: Outcome) -> tuple[str, str]:
    """Accepted: the answer came back (an empty one is a failure, never ``ok``)."""
    if not outcome.text.strip() and not outcome.tool_calls:
        return FAILED, "HTTP 200 with an empty answer"
    return OK, repr(first_line(outcome.text, 40))


def usage_sent(outcome: Outcome) -> tuple[str, str]:
    """A streamed answer that ended with a usage chunk."""
    status, detail = answered(outcome)
    if status != OK:
        return status, detail
    if outcome.usage is None:
        return NO, "no usage chunk"
    return OK, f"{outcome.usage.input_tokens} + {outcome.usage.output_tokens} tokens"


def capped_at(limit: int) -> Judge:
    """The answer stopped within ``limit`` tokens (usage decides; without usage, accepted)."""

    def judge(outcome: Outcome) -> tuple[str, str]:
        if outcome.usage is None:
            return OK, "accepted (no usage to check the cap)"
        if outcome.usage.output_tokens <= limit:
            return OK, f"{outcome.usage.output_tokens} completion tokens (cap {limit})"
        return IGNORED, f"{outcome.usage.output_tokens} completion tokens despite a cap of {limit}"

    return judge


def stopped_before(stop: str) -> Judge:
    """The answer ended before the stop sequence."""

    def judge(outcome: Outcome) -> tuple[str, str]:
        if stop in outcome.text:
            return IGNORED, f"the answer went past {stop!r}: {first_line(outcome.text, 40)!r}"
        return OK, repr(first_line(outcome.text, 40))

    return judge


def two_choices(outcome: Outcome) -> tuple[str, str]:
    """``n=2`` gave two choices."""
    if outcome.choices >= 2:
        return OK, f"{outcome.choices} choices"
    return IGNORED, "one choice came back"


def has_logprobs(outcome: Outcome) -> tuple[str, str]:
    """Log probabilities came back."""
    return (OK, "log probabilities returned") if outcome.logprobs else (IGNORED, "none returned")


def called(name: str | None = None, at_least: int = 1) -> Judge:
    """A tool call (of ``name``) with JSON arguments; ``at_least`` calls for parallel calls."""

    def judge(outcome: Outcome) -> tuple[str, str]:
        calls = [c for c in outcome.tool_calls if name is None or c.name == name]
        if not calls:
            return NO, f"answered in text: {first_line(outcome.text, 40)!r}"
        for call in calls:
            try:
                json.loads(call.arguments or "{}")
            except ValueError:
                return FAILED, f"arguments are not JSON: {call.arguments[:40]!r}"
        if len(calls) < at_least:
            return NO, f"{len(calls)} call; asked for {at_least}"
        shown = ", ".join(f"{c.name}({c.arguments})" for c in calls)
        return OK, first_line(shown, 80)

    return judge


def not_called(outcome: Outcome) -> tuple[str, str]:
    """``tool_choice: "none"`` was honoured."""
    if outcome.tool_calls:
        return IGNORED, f"called {outcome.tool_calls[0].name} anyway"
    return OK, "answered in text"


def json_object(keys: Sequence[str] = ()) -> Judge:
    """The answer is a JSON object (with ``keys``); prose means the format was ignored."""

    def judge(outcome: Outcome) -> tuple[str, str]:
        text = outcome.text.strip()
        if text.startswith("```"):  # a fenced block is the model's doing, not the format's
            return IGNORED, f"prose or a fenced block: {first_line(text, 50)!r}"
        try:
            value = json.loads(text)
        except ValueError:
            return IGNORED, f"prose: {first_line(text, 50)!r}"
        if not isinstance(value, dict) or any(k not in value for k in keys):
            return IGNORED, f"JSON without the schema's keys: {first_line(text, 50)!r}"
        return OK, first_line(text, 60)

    return judge


def reasoned(outcome: Outcome) -> tuple[str, str]:
    """Reasoning text came back apart from the answer."""
    if outcome.reasoning.strip():
        return OK, f"reasoning text: {first_line(outcome.reasoning, 40)!r}"
    status, detail = answered(outcome)
    return (IGNORED, "accepted, no reasoning text returned") if status == OK else (status, detail)


WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "description": "the city's name"}},
            "required": ["city"],
        },
    },
}
CAPITAL_SCHEMA = {
    "type": "json_schema",
    "json_schema": {
        "name": "capital",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {"capital": {"type": "string"}},
            "required": ["capital"],
            "additionalProperties": False,
        },
    },
}
WEATHER_PROMPT = "What is the weather in Paris? Use the get_weather tool."


def red_png(size: int = 8) -> str:
    """A ``size`` x ``size`` red PNG as a data URL (made here: no file, no network)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * size for _ in range(size))
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode()


def with_extra_probes(extra: list[Probe], plan: list[Probe]) -> list[Probe]:
    """The plan with the model-specific probes after the probe they extend (``tool_choice_*``)."""
    if not extra:
        return plan
    at = next(i for i, probe in enumerate(plan) if probe.key == "tool_choice_none")
    return [*plan[:at], *extra, *plan[at:]]


def probes(reasoning_max_tokens: int, thinking_off: Mapping[str, Any] | None = None) -> list[Probe]:
    """Every probe, in the order they run (``chat`` first: if it fails, nothing else can work).

    ``thinking_off``: the fields that turn the model's thinking off (``akile_core.thinking``),
    for one more probe: a forced tool with them, as the library sends it to such a model.
    """
    tools = {"tools": [WEATHER_TOOL]}
    named = {"type": "function", "function": {"name": "get_weather"}}
    extra = []
    if thinking_off:
        extra.append(
            Probe(
                "tool_choice_thinking_off",
                "tool_choice: required, thinking off",
                called(),
                {**tools, "tool_choice": "required", **thinking_off},
                prompt="Say hello.",
                max_tokens=32,
            )
        )
    return with_extra_probes(
        extra,
        [
            Probe("chat", "chat (non-stream)", answered),
            Probe(
                "stream",
                "stream",
                usage_sent,
                {"stream_options": {"include_usage": True}},
                stream=True,
            ),
            Probe(
                "stream_usage_default",
                "stream: usage without stream_options",
                usage_sent,
                stream=True,
            ),
            Probe("max_tokens", "max_tokens", capped_at(5), max_tokens=5),
            Probe(
                "max_completion_tokens",
                "max_completion_tokens",
                capped_at(5),
                {"max_completion_tokens": 5},
                max_tokens=None,
            ),
            Probe(
                "temperature",
                "temperature alone",
                answered,
                {"temperature": 0.5},
                params=("temperature",),
            ),
            Probe("top_p", "top_p alone", answered, {"top_p": 0.9}, params=("top_p",)),
            Probe(
                "temperature_top_p",
                "temperature and top_p together",
                answered,
                {"temperature": 0.5, "top_p": 0.9},
            ),
            Probe(
                "stop",
                "stop",
                stopped_before("5"),
                {"stop": ["5"]},
                prompt="Count from 1 to 9, separated by spaces. Output only the numbers.",
                max_tokens=32,
                params=("stop",),
            ),
            Probe("seed", "seed", answered, {"seed": 7}, params=("seed",)),
            Probe("n", "n=2", two_choices, {"n": 2}, params=("n",)),
            Probe(
                "logprobs",
                "logprobs",
                has_logprobs,
                {"logprobs": True, "top_logprobs": 2},
                params=("logprobs", "top_logprobs"),
            ),
            Probe(
                "tools", "tools", called("get_weather"), tools, prompt=WEATHER_PROMPT, max_tokens=32
            ),
            Probe(
                "tools_stream",
                "tools (stream)",
                called("get_weather"),
                tools,
                prompt=WEATHER_PROMPT,
                stream=True,
                max_tokens=32,
            ),
            Probe(
                "tool_choice_required",
                "tool_choice: required",
                called(),
                {**tools, "tool_choice": "required"},
                prompt="Say hello.",
                max_tokens=32,
            ),
            Probe(
                "tool_choice_named",
                "tool_choice: named function",
                called("get_weather"),
                {**tools, "tool_choice": named},
                prompt="Say hello.",
                max_tokens=32,
            ),
            Probe(
                "tool_choice_none",
                "tool_choice: none",
                not_called,
                {**tools, "tool_choice": "none"},
                prompt=WEATHER_PROMPT,
                max_tokens=32,
            ),
            Probe(
                "parallel_tool_calls",
                "parallel tool calls",
                called("get_weather", at_least=2),
                {**tools, "parallel_tool_calls": True},
                prompt="What is the weather in Paris and in Tokyo? Call get_weather once for each city.",
                max_tokens=64,
                params=("parallel_tool_calls",),
            ),
            Probe(
                "json_object",
                "response_format: json_object",
                json_object(("capital",)),
                {"response_format": {"type": "json_object"}},
                prompt='Give the capital of France as a JSON object with the key "capital".',
                max_tokens=32,
            ),
            Probe(
                "json_schema",
                "response_format: json_schema",
                json_object(("capital",)),
                {"response_format": CAPITAL_SCHEMA},
                # No word of JSON in the prompt: JSON back means the schema was enforced.
                prompt="What is the capital of France? Answer in a few words.",
                max_tokens=32,
            ),
            Probe(
                "reasoning_effort",
                "reasoning_effort: low",
                reasoned,
                {"reasoning_effort": "low"},
                prompt="Is 91 a prime number? Answer yes or no.",
                max_tokens=reasoning_max_tokens,
            ),
            Probe(
                "image",
                "image input",
                answered,
                prompt=[
                    {"type": "text", "text": "What colour is this image? Answer with one word."},
                    {"type": "image_url", "image_url": {"url": red_png()}},
                ],
                max_tokens=16,
            ),
        ],
    )
