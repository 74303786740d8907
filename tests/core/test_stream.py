"""Stream assembly over every dialect the core handles. Each fixture cites where it comes from."""

from __future__ import annotations

import json
from typing import Any

import pytest

from akile_core import AkileResponseError, StreamState


def chunk(
    delta: dict[str, Any] | None = None, finish: str | None = None, **top: Any
) -> dict[str, Any]:
    choice: dict[str, Any] = {"index": 0, "finish_reason": finish}
    if delta is not None:
        choice["delta"] = delta
    return {"id": "c1", "model": "m", "choices": [choice], **top}


def tc(
    index: int | None = None,
    id: str | None = None,
    name: str | None = None,
    args: str | None = None,
) -> dict[str, Any]:
    call: dict[str, Any] = {"function": {}}
    if index is not None:
        call["index"] = index
    if id is not None:
        call["id"] = id
        call["type"] = "function"
    if name is not None:
        call["function"]["name"] = name
    if args is not None:
        call["function"]["arguments"] = args
    return call


def run(chunks: list[dict[str, Any]]) -> tuple[StreamState, list[Any]]:
    state = StreamState()
    deltas = [d for c in chunks if (d := state.feed(c)) is not None]
    return state, deltas


# llama.cpp (shared/recording-server/README.md, "Streamed tool call"): index on every fragment,
# id and name on the first only.
LLAMA_STREAMED_CALL = [
    chunk({"role": "assistant", "content": None}),
    chunk({"tool_calls": [tc(0, "oldC8L", "get_weather", "{")]}),
    chunk({"tool_calls": [tc(0, args='"city')]}),
    chunk({"tool_calls": [tc(0, args='": "Paris"}')]}),
    chunk({}, "tool_calls"),
    {
        "id": "c1",
        "model": "m",
        "choices": [],
        "usage": {"prompt_tokens": 190, "completion_tokens": 17, "total_tokens": 207},
    },
]
# Some gateways repeat id and name in every fragment (reported against langchain-openai and
# llama-index OpenAILike: "call_1call_1" ids, "get_weatherget_weather" names).
REPEATED_ID_NAME = [
    chunk({"tool_calls": [tc(0, "call_1", "get_weather", '{"city"')]}),
    chunk({"tool_calls": [tc(0, "call_1", "get_weather", ': "Paris"}')]}),
    chunk({}, "tool_calls"),
]
# Gemini's OpenAI-compatible endpoint and older vLLM bridges omit `index`.
NO_INDEX = [
    chunk({"tool_calls": [tc(None, "a", "get_weather", '{"city": "Paris"}')]}),
    chunk({"tool_calls": [tc(None, "b", "get_time", '{"city": ')]}),
    chunk({"tool_calls": [tc(None, None, None, '"Tokyo"}')]}),
    chunk({}, "tool_calls"),
]
# Several complete calls in one delta (Gemini, Anthropic-via-gateway bursts).
TWO_IN_ONE_DELTA = [
    chunk(
        {
            "tool_calls": [
                tc(0, "a", "get_weather", '{"city": "Paris"}'),
                tc(1, "b", "get_time", '{"city": "Tokyo"}'),
            ]
        }
    ),
    chunk({}, "tool_calls"),
]
# Tools without parameters: OpenAI sends "" arguments; some servers omit the field.
EMPTY_ARGUMENTS = [
    chunk({"tool_calls": [tc(0, "a", "now", "")]}),
    chunk({"tool_calls": [tc(1, "b", "today")]}),
    chunk({}, "tool_calls"),
]
# one-api channels that number every call 0 but give each its own id.
ALL_INDEX_ZERO = [
    chunk({"tool_calls": [tc(0, "a", "get_weather", '{"city": "Paris"}')]}),
    chunk({"tool_calls": [tc(0, "b", "get_time", '{"city": "Tokyo"}')]}),
    chunk({}, "tool_calls"),
]

TWO_CALLS = [("a", "get_weather", {"city": "Paris"}), ("b", "get_time", {"city": "Tokyo"})]


@pytest.mark.parametrize(
    ("chunks", "expected"),
    [
        (LLAMA_STREAMED_CALL, [("oldC8L", "get_weather", {"city": "Paris"})]),
        (REPEATED_ID_NAME, [("call_1", "get_weather", {"city": "Paris"})]),
        (NO_INDEX, TWO_CALLS),
        (TWO_IN_ONE_DELTA, TWO_CALLS),
        (EMPTY_ARGUMENTS, [("a", "now", {}), ("b", "today", {})]),
        (ALL_INDEX_ZERO, TWO_CALLS),
    ],
    ids=[
        "llama.cpp",
        "repeated-id-name",
        "no-index",
        "two-in-one-delta",
        "empty-arguments",
        "all-index-zero",
    ],
)
def test_tool_calls_are_assembled(
    chunks: list[dict[str, Any]], expected: list[tuple[str, str, dict[str, Any]]]
) -> None:
    state, _ = run(chunks)
    calls = [(c.id, c.name, json.loads(c.arguments or "{}")) for c in state.tool_calls.calls()]
    assert calls == expected
    state.check_complete()


@pytest.mark.parametrize(
    "chunks", [REPEATED_ID_NAME, NO_INDEX, ALL_INDEX_ZERO, LLAMA_STREAMED_CALL]
)
def test_emitted_fragments_concatenate_to_the_calls(chunks: list[dict[str, Any]]) -> None:
    """Frameworks join fragments by concatenation; ours must add up to the assembled calls."""
    state, deltas = run(chunks)
    joined: dict[int, dict[str, str]] = {}
    for delta in deltas:
        for fragment in delta.tool_calls:
            entry = joined.setdefault(fragment.index, {"id": "", "name": "", "arguments": ""})
            entry["id"] += fragment.id or ""
            entry["name"] += fragment.name or ""
            entry["arguments"] += fragment.arguments
    assert [(v["id"], v["name"], v["arguments"]) for _, v in sorted(joined.items())] == [
        (c.id, c.name, c.arguments) for c in state.tool_calls.calls()
    ]


def test_usage_only_final_chunk_and_odd_chunks() -> None:
    state, deltas = run(
        [
            {"id": "c1", "choices": []},  # empty choices (Azure content-filter preamble)
            {"id": "c1", "choices": [{"index": 0, "finish_reason": None}]},  # no delta at all
            chunk({"content": "Hel"}),
            chunk({"content": "lo"}, "stop"),
            {
                "id": "c1",
                "model": "m",
                "choices": [],
                "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
            },
        ]
    )
    assert "".join(d.content for d in deltas) == "Hello"
    assert state.usage is not None and state.usage.total_tokens == 5
    assert state.finish_reason == "stop"


def test_running_usage_is_kept_not_summed() -> None:
    # Some servers put a running total in every chunk (seen on DashScope-compatible channels).
    state, _ = run(
        [
            chunk(
                {"content": "a"},
                usage={"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
            ),
            chunk(
                {"content": "b"},
                "stop",
                usage={"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
            ),
        ]
    )
    assert state.usage is not None and state.usage.output_tokens == 2


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        ({"reasoning_content": "think"}, "think"),  # DeepSeek
        ({"reasoning": "think"}, "think"),  # OpenRouter
        ({"reasoning_content": "think", "reasoning": "think"}, "think"),  # both: not doubled
    ],
)
def test_reasoning_deltas(delta: dict[str, str], expected: str) -> None:
    _, deltas = run([chunk(delta), chunk({}, "stop")])
    assert [d.reasoning for d in deltas] == [expected]


def test_stream_cut_before_finish_is_an_error() -> None:
    state, deltas = run([chunk({"content": "The answer is"})])
    assert deltas[0].content == "The answer is"
    with pytest.raises(AkileResponseError, match="incomplete"):
        state.check_complete()


def test_non_object_event_is_an_error() -> None:
    with pytest.raises(AkileResponseError):
        StreamState().feed("data: nonsense")


# new-api's Claude stream converter (StreamResponseClaude2OpenAI, gateway-families.md 5b) sends
# each thinking block's signature_delta as a reasoning delta of exactly "\n"; tool calls carry
# Claude's content-block index, so the first call after a text block is index 1.
CLAUDE_THINKING_THEN_TOOL = [
    chunk({"role": "assistant", "content": ""}),
    chunk({"reasoning_content": "Weighing it."}),
    chunk({"reasoning_content": "\n"}),  # a real newline inside the thinking
    chunk({"reasoning_content": "Decided."}),
    chunk({"reasoning_content": "\n"}),  # the signature
    chunk({"content": "Let me check."}),
    chunk({"tool_calls": [tc(1, "toolu_1", "lookup", "")]}),
    chunk({"tool_calls": [tc(1, None, None, '{"q": ')]}),
    chunk({"tool_calls": [tc(1, None, None, '"x"}')]}),
    chunk({}, "tool_calls"),
]


@pytest.mark.parametrize(("hold", "reasoning"), [(True, "Weighing it.\nDecided."), (False, None)])
def test_claude_signature_newlines_are_dropped_only_when_asked(
    hold: bool, reasoning: str | None
) -> None:
    state = StreamState()
    state.hold_lone_newline = hold
    deltas = [d for d in map(state.feed, CLAUDE_THINKING_THEN_TOOL) if d is not None]
    got = "".join(d.reasoning for d in deltas)
    # Off (DeepSeek and every OpenAI-compatible channel), every "\n" is real text and stays.
    assert got == (reasoning or "Weighing it.\nDecided.\n")
    assert "".join(d.content for d in deltas) == "Let me check."
    [call] = state.tool_calls.calls()
    assert (call.id, call.name, call.arguments) == ("toolu_1", "lookup", '{"q": "x"}')


def test_a_held_newline_before_a_tool_call_is_dropped() -> None:
    state = StreamState()
    state.hold_lone_newline = True
    stream = [
        chunk({"reasoning_content": "Think."}),
        chunk({"reasoning_content": "\n"}),
        chunk({"tool_calls": [tc(2, "toolu_2", "f", "{}")]}),
        chunk({}, "tool_calls"),
    ]
    deltas = [d for d in map(state.feed, stream) if d is not None]
    assert "".join(d.reasoning for d in deltas) == "Think."
    assert [f.index for d in deltas for f in d.tool_calls] == [2]
