"""The /v1/messages conversions as pure tables: chat-completions bodies to Anthropic bodies, and
Anthropic answers and events to the chat-completions shapes (Anthropic's Messages API reference)."""

from __future__ import annotations

from typing import Any

import pytest

from akile_core.errors import AkileConfigError
from akile_core.messages_request import (
    closed_schema,
    messages_body,
    to_messages,
    to_tool_choice,
)
from akile_core.messages_response import EventTranslator, completion_dict, finish_reason, usage_dict
from akile_core.response import parse_completion
from akile_core.stream import StreamState


def body(**extra: Any) -> dict[str, Any]:
    return {"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": "hi"}], **extra}


@pytest.mark.parametrize(
    ("stop", "finish"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("max_tokens", "length"),
        ("tool_use", "tool_calls"),
        ("refusal", "content_filter"),
        ("pause_turn", "pause_turn"),
        ("something_new", "something_new"),
        (None, None),
    ],
)
def test_stop_reasons(stop: str | None, finish: str | None) -> None:
    assert finish_reason(stop) == finish


def test_usage_counts_the_cache_in_the_prompt() -> None:
    usage = usage_dict(
        {
            "input_tokens": 10,
            "output_tokens": 5,
            "cache_read_input_tokens": 100,
            "cache_creation_input_tokens": 20,
        }
    )
    assert usage == {
        "prompt_tokens": 130,
        "completion_tokens": 5,
        "total_tokens": 135,
        "prompt_tokens_details": {"cached_tokens": 100, "cache_creation_tokens": 20},
    }


@pytest.mark.parametrize(
    ("choice", "parallel", "expected"),
    [
        ("auto", None, {"type": "auto"}),
        ("required", None, {"type": "any"}),
        ("none", None, {"type": "none"}),
        ({"type": "function", "function": {"name": "f"}}, None, {"type": "tool", "name": "f"}),
        (None, False, {"type": "auto", "disable_parallel_tool_use": True}),
        (None, None, None),
    ],
)
def test_tool_choice(choice: Any, parallel: Any, expected: Any) -> None:
    assert to_tool_choice(choice, parallel) == expected


def test_tool_results_and_user_text_become_one_user_turn() -> None:
    turns = to_messages(
        [
            {"role": "user", "content": "weather?"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "t1",
                        "type": "function",
                        "function": {"name": "w", "arguments": '{"c": 1}'},
                    },
                    {"id": "t2", "type": "function", "function": {"name": "w", "arguments": "{}"}},
                ],
                "thinking_blocks": [
                    {"index": 0, "type": "thinking", "thinking": "t", "signature": "s"}
                ],
            },
            {"role": "tool", "tool_call_id": "t1", "content": "sunny"},
            {"role": "tool", "tool_call_id": "t2", "content": "rain"},
            {"role": "user", "content": "and so?"},
        ]
    )
    assert [t["role"] for t in turns] == ["user", "assistant", "user"]
    assistant = turns[1]["content"]
    assert assistant[0] == {
        "type": "thinking",
        "thinking": "t",
        "signature": "s",
    }  # first, no index
    assert [b["type"] for b in assistant[1:]] == ["tool_use", "tool_use"]
    assert assistant[1]["input"] == {"c": 1}
    assert [b["type"] for b in turns[2]["content"]] == ["tool_result", "tool_result", "text"]


def test_system_with_a_cache_mark_stays_blocks() -> None:
    plain = messages_body(
        body(messages=[{"role": "system", "content": "a"}, {"role": "user", "content": "b"}])
    )
    assert plain["system"] == "a"
    marked = messages_body(
        body(
            messages=[
                {
                    "role": "system",
                    "content": [
                        {"type": "text", "text": "a", "cache_control": {"type": "ephemeral"}}
                    ],
                },
                {"role": "user", "content": "b"},
            ]
        )
    )
    assert marked["system"] == [
        {"type": "text", "text": "a", "cache_control": {"type": "ephemeral"}}
    ]


@pytest.mark.parametrize(
    ("extra", "kw", "thinking", "max_tokens", "config"),
    [
        ({}, {}, None, 8192, None),
        ({}, {"max_output": 4096}, None, 4096, None),
        ({"reasoning_effort": "low"}, {}, {"type": "enabled", "budget_tokens": 1280}, 8192, None),
        (
            {"reasoning_effort": "high"},
            {"max_output": 4096},
            {"type": "enabled", "budget_tokens": 4096},
            4096,
            "raise",
        ),
        (
            {"reasoning_effort": "max"},
            {"adaptive": True},
            {"type": "adaptive"},
            8192,
            {"effort": "max"},
        ),
        ({"reasoning_effort": "none"}, {}, None, 8192, None),
    ],
)
def test_thinking_and_max_tokens(
    extra: dict[str, Any], kw: dict[str, Any], thinking: Any, max_tokens: int, config: Any
) -> None:
    if config == "raise":  # a budget the model's own output limit cannot exceed
        with pytest.raises(AkileConfigError, match="needs max_tokens above it"):
            messages_body(body(**extra), **kw)
        return
    out = messages_body(body(**extra), **kw)
    assert out.get("thinking") == thinking and out["max_tokens"] == max_tokens
    assert out.get("output_config") == config


def test_bad_thinking_inputs_are_refused() -> None:
    with pytest.raises(AkileConfigError, match="larger than the thinking budget"):
        messages_body(body(reasoning_effort="high", max_tokens=4096))
    with pytest.raises(AkileConfigError, match="adaptively"):
        messages_body(body(reasoning_effort="minimal"), adaptive=True)
    with pytest.raises(AkileConfigError, match="token budget"):
        messages_body(body(reasoning_effort="xhigh"))


def test_closed_schema_closes_every_object() -> None:
    schema = {
        "type": "object",
        "properties": {
            "pet": {"$ref": "#/$defs/Pet"},
            "tags": {"type": "array", "items": {"type": "object"}},
        },
        "$defs": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}},
    }
    closed = closed_schema(schema)
    assert closed["additionalProperties"] is False
    assert closed["$defs"]["Pet"]["additionalProperties"] is False
    assert closed["properties"]["tags"]["items"]["additionalProperties"] is False
    assert "additionalProperties" not in closed["properties"]["pet"]  # a $ref, not an object


def test_an_answer_with_thinking_redacted_thinking_and_a_tool_call() -> None:
    message = {
        "type": "message",
        "id": "msg_1",
        "model": "claude-sonnet-4-5",
        "content": [
            {"type": "thinking", "thinking": "hmm", "signature": "sig"},
            {"type": "redacted_thinking", "data": "opaque"},
            {"type": "text", "text": "Let me check."},
            {"type": "tool_use", "id": "toolu_1", "name": "w", "input": {"city": "巴黎"}},
        ],
        "stop_reason": "tool_use",
        "usage": {"input_tokens": 3, "output_tokens": 4},
    }
    choice = parse_completion(completion_dict(message)).choices[0]
    assert (choice.content, choice.reasoning, choice.finish_reason) == (
        "Let me check.",
        "hmm",
        "tool_calls",
    )
    assert [b["type"] for b in choice.thinking_blocks] == ["thinking", "redacted_thinking"]
    assert choice.tool_calls[0].arguments == '{"city": "巴黎"}'


def test_events_become_deltas_in_order() -> None:
    events = [
        {
            "type": "message_start",
            "message": {
                "id": "msg_1",
                "model": "m",
                "usage": {"input_tokens": 7, "output_tokens": 1},
            },
        },
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "thinking", "thinking": ""},
        },
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "thinking_delta", "thinking": "hm"},
        },
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "signature_delta", "signature": "sig"},
        },
        {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "ok"}},
        {
            "type": "content_block_start",
            "index": 2,
            "content_block": {"type": "tool_use", "id": "t", "name": "w", "input": {}},
        },
        {
            "type": "content_block_delta",
            "index": 2,
            "delta": {"type": "input_json_delta", "partial_json": '{"a"'},
        },
        {
            "type": "content_block_delta",
            "index": 2,
            "delta": {"type": "input_json_delta", "partial_json": ": 1}"},
        },
        {
            "type": "message_delta",
            "delta": {"stop_reason": "tool_use"},
            "usage": {"output_tokens": 9},
        },
        {"type": "message_stop"},
    ]
    translator, state = EventTranslator(), StreamState()
    state.events = translator
    deltas = [state.feed(chunk) for chunk in map(translator.chunk, events) if chunk is not None]
    deltas = [d for d in deltas if d is not None]
    assert (
        "".join(d.reasoning for d in deltas) == "hm" and "".join(d.content for d in deltas) == "ok"
    )
    assert [b for d in deltas for b in d.thinking_blocks][-1] == {"index": 0, "signature": "sig"}
    assert state.tool_calls.calls()[0].arguments == '{"a": 1}'
    assert state.tool_calls.calls()[0].name == "w"
    assert (state.finish_reason, state.id) == ("tool_calls", "msg_1")
    assert state.usage is not None and (state.usage.input_tokens, state.usage.output_tokens) == (
        7,
        9,
    )
    state.check_complete()


def test_a_stream_without_message_stop_is_incomplete() -> None:
    from akile_core.errors import AkileResponseError

    translator, state = EventTranslator(), StreamState()
    state.events = translator
    for event in (
        {"type": "message_start", "message": {"id": "m"}},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn"},
            "usage": {"output_tokens": 1},
        },
    ):
        chunk = translator.chunk(event)
        if chunk is not None:
            state.feed(chunk)
    with pytest.raises(AkileResponseError, match="without finishing"):
        state.check_complete()


def test_image_urls_and_data_urls_become_sources() -> None:
    out = messages_body(
        body(
            messages=[
                {
                    "role": "user",
                    "content": [
                        {"type": "image_url", "image_url": {"url": "https://example.test/cat.png"}},
                        {"type": "image_url", "image_url": "data:image/jpeg;base64,/9j/4AAQ"},
                    ],
                }
            ]
        )
    )
    sources = [block["source"] for block in out["messages"][0]["content"]]
    assert sources == [
        {"type": "url", "url": "https://example.test/cat.png"},
        {"type": "base64", "media_type": "image/jpeg", "data": "/9j/4AAQ"},
    ]
    with pytest.raises(AkileConfigError, match="cannot take a 'input_audio'"):
        messages_body(body(messages=[{"role": "user", "content": [{"type": "input_audio"}]}]))
