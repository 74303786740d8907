"""Table tests for every LangChain <-> wire converter."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    ChatMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from pydantic import BaseModel

from akile_core import AkileConfigError, Choice, Delta, ToolCall, ToolCallFragment, Usage
from langchain_akile._convert import (
    from_delta,
    from_wire_choice,
    to_response_format,
    to_usage_metadata,
    to_wire_message,
    to_wire_tool_choice,
    to_wire_tools,
)

PNG_B64 = "iVBORw0KGgo="


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (SystemMessage("be brief"), {"role": "system", "content": "be brief"}),
        (HumanMessage("hi"), {"role": "user", "content": "hi"}),
        (HumanMessage("hi", name="ann"), {"role": "user", "content": "hi", "name": "ann"}),
        (
            ToolMessage("4", tool_call_id="c1"),
            {"role": "tool", "content": "4", "tool_call_id": "c1"},
        ),
        (
            ToolMessage([{"type": "text", "text": "4"}], tool_call_id="c1"),
            {"role": "tool", "content": "4", "tool_call_id": "c1"},
        ),
        (ChatMessage(role="developer", content="x"), {"role": "developer", "content": "x"}),
        # langchain-core's own form of ("developer", ...) and {"role": "developer"}:
        (
            SystemMessage("terse", additional_kwargs={"__openai_role__": "developer"}),
            {"role": "developer", "content": "terse"},
        ),
        (
            HumanMessage("hi", additional_kwargs={"name": "ann"}),
            {"role": "user", "content": "hi", "name": "ann"},
        ),
        # Claude prompt caching asks for cache_control on text parts (new-api#4240):
        (
            HumanMessage(
                [{"type": "text", "text": "long doc", "cache_control": {"type": "ephemeral"}}]
            ),
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "long doc", "cache_control": {"type": "ephemeral"}}
                ],
            },
        ),
        (
            SystemMessage(
                [{"type": "text", "text": "sys", "cache_control": {"type": "ephemeral"}}]
            ),
            {
                "role": "system",
                "content": [
                    {"type": "text", "text": "sys", "cache_control": {"type": "ephemeral"}}
                ],
            },
        ),
        # A ChatAnthropic history's image block:
        (
            HumanMessage(
                [
                    {
                        "type": "image",
                        "source": {"type": "base64", "media_type": "image/png", "data": PNG_B64},
                    }
                ]
            ),
            {
                "role": "user",
                "content": [
                    {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG_B64}"}}
                ],
            },
        ),
        # AI turns recorded with other providers (v1 blocks): their text goes back, the rest
        # has no chat-completions form.
        (
            AIMessage(
                [
                    {"type": "server_tool_call", "id": "s1", "name": "web_search", "args": {}},
                    {"type": "non_standard", "value": {"x": 1}},
                    {"type": "refusal", "refusal": "no"},
                    {"type": "text", "text": "answer"},
                ]
            ),
            {"role": "assistant", "content": "answer"},
        ),
        (AIMessage("hello"), {"role": "assistant", "content": "hello"}),
        (
            AIMessage("", tool_calls=[{"name": "add", "args": {"a": 1}, "id": "c1"}]),
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "add", "arguments": '{"a": 1}'},
                    }
                ],
            },
        ),
        (
            AIMessage("ok", additional_kwargs={"reasoning_content": "thought"}),
            {"role": "assistant", "content": "ok", "reasoning_content": "thought"},
        ),
        (
            AIMessage([{"type": "reasoning", "reasoning": "x"}, {"type": "text", "text": "done"}]),
            {"role": "assistant", "content": "done"},
        ),
        (
            AIMessage("", tool_calls=[{"name": "中文", "args": {"名": "你好"}, "id": "c2"}]),
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "c2",
                        "type": "function",
                        "function": {"name": "中文", "arguments": '{"名": "你好"}'},
                    }
                ],
            },
        ),
    ],
)
def test_to_wire_message(message: Any, expected: dict[str, Any]) -> None:
    assert to_wire_message(message) == expected


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (
            {"type": "image_url", "image_url": {"url": "https://x/cat.png"}},
            {"type": "image_url", "image_url": {"url": "https://x/cat.png"}},
        ),
        (
            {"type": "image_url", "image_url": "https://x/cat.png"},
            {"type": "image_url", "image_url": {"url": "https://x/cat.png"}},
        ),
        (
            {"type": "image", "url": "https://x/cat.png"},
            {"type": "image_url", "image_url": {"url": "https://x/cat.png"}},
        ),
        (
            {"type": "image", "base64": PNG_B64, "mime_type": "image/png"},
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG_B64}"}},
        ),
        (
            {"type": "image", "source_type": "base64", "data": PNG_B64, "mime_type": "image/png"},
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG_B64}"}},
        ),
        (
            {"type": "image", "source_type": "url", "url": "https://x/a.jpg"},
            {"type": "image_url", "image_url": {"url": "https://x/a.jpg"}},
        ),
    ],
)
def test_image_blocks(block: dict[str, Any], expected: dict[str, Any]) -> None:
    wire = to_wire_message(HumanMessage([{"type": "text", "text": "describe"}, block]))
    assert wire["content"] == [{"type": "text", "text": "describe"}, expected]


@pytest.mark.parametrize(
    "message",
    [
        ChatMessage(role="wizard", content="x"),
        HumanMessage([{"type": "hologram", "data": "x"}]),
        HumanMessage([{"type": "image", "base64": PNG_B64}]),  # no mime type
        SystemMessage([{"type": "image_url", "image_url": {"url": "https://x"}}]),
    ],
)
def test_bad_messages_fail_clearly(message: Any) -> None:
    with pytest.raises(AkileConfigError):
        to_wire_message(message)


class GetWeather(BaseModel):
    """Get the weather for a city."""

    city: str


def test_to_wire_tools_and_errors() -> None:
    (tool,) = to_wire_tools([GetWeather], strict=True)
    assert tool["function"]["name"] == "GetWeather" and tool["function"]["strict"] is True
    with pytest.raises(AkileConfigError, match="JSON schema"):
        to_wire_tools([object()])


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        (None, None),
        (False, None),
        ("auto", "auto"),
        ("none", "none"),
        ("any", "required"),
        (True, "required"),
        ("required", "required"),
        ("GetWeather", {"type": "function", "function": {"name": "GetWeather"}}),
        (
            {"type": "function", "function": {"name": "GetWeather"}},
            {"type": "function", "function": {"name": "GetWeather"}},
        ),
    ],
)
def test_tool_choice(choice: Any, expected: Any) -> None:
    assert to_wire_tool_choice(choice, ["GetWeather"]) == expected


def test_unknown_tool_choice_name() -> None:
    with pytest.raises(AkileConfigError, match="not one of the bound tools"):
        to_wire_tool_choice("Nope", ["GetWeather"])


def test_from_wire_choice_valid_invalid_and_reasoning() -> None:
    message = from_wire_choice(
        Choice(
            content="",
            reasoning="let me think",
            tool_calls=(
                ToolCall("c1", "GetWeather", '{"city": "Paris"}'),
                ToolCall("c2", "GetWeather", '{"city": '),
                ToolCall("c3", "now", ""),
            ),
        )
    )
    assert message.tool_calls == [
        {"name": "GetWeather", "args": {"city": "Paris"}, "id": "c1", "type": "tool_call"},
        {"name": "now", "args": {}, "id": "c3", "type": "tool_call"},
    ]
    assert message.invalid_tool_calls[0]["id"] == "c2"
    assert message.additional_kwargs["reasoning_content"] == "let me think"
    assert message.content_blocks[0] == {"type": "reasoning", "reasoning": "let me think"}


def test_reasoning_round_trips_into_history() -> None:
    message = from_wire_choice(Choice(content="4", reasoning="2+2"))
    assert to_wire_message(message)["reasoning_content"] == "2+2"


def test_from_delta() -> None:
    chunk = from_delta(
        Delta(content="hi", reasoning="hm", tool_calls=(ToolCallFragment(0, "c1", "f", "{"),))
    )
    assert isinstance(chunk, AIMessageChunk)
    assert chunk.content == "hi" and chunk.additional_kwargs == {"reasoning_content": "hm"}
    assert chunk.tool_call_chunks == [
        {"name": "f", "args": "{", "id": "c1", "index": 0, "type": "tool_call_chunk"}
    ]


def test_usage_metadata() -> None:
    assert to_usage_metadata(
        Usage(10, 5, 15, cached_tokens=4, cache_write_tokens=1, reasoning_tokens=2)
    ) == {
        "input_tokens": 10,
        "output_tokens": 5,
        "total_tokens": 15,
        "input_token_details": {"cache_read": 4, "cache_creation": 1},
        "output_token_details": {"reasoning": 2},
    }
    assert "input_token_details" not in to_usage_metadata(Usage(1, 1, 2))


def _objects(schema: Any) -> list[dict[str, Any]]:
    found = [schema] if isinstance(schema, dict) and schema.get("type") == "object" else []
    if isinstance(schema, dict):
        for value in schema.values():
            found += _objects(value)
    elif isinstance(schema, list):
        for value in schema:
            found += _objects(value)
    return found


class _Address(BaseModel):
    city: str


class _Person(BaseModel):
    """A person."""

    name: str
    address: _Address


def test_strict_response_format_is_valid_in_strict_mode() -> None:
    response_format = to_response_format(_Person, strict=True)
    inner = response_format["json_schema"]
    assert response_format["type"] == "json_schema" and inner["strict"] is True
    objects = _objects(inner["schema"])
    assert len(objects) >= 2  # the person and the nested address
    assert all(o.get("additionalProperties") is False for o in objects)


def test_openai_response_format_dicts_pass_through() -> None:
    inner = {
        "name": "city",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {"name": {"type": "string"}},
            "required": ["name"],
            "additionalProperties": False,
        },
    }
    assert to_response_format(inner, strict=None) == {"type": "json_schema", "json_schema": inner}
    whole = {"type": "json_schema", "json_schema": inner}
    assert to_response_format(whole, strict=None) == whole


def test_a_built_in_tool_is_a_clear_error() -> None:
    with pytest.raises(AkileConfigError, match="function tools only"):
        to_wire_tools([{"type": "web_search"}])


def test_stream_chunks_carry_the_message_id() -> None:
    assert from_delta(Delta(content="x"), "chatcmpl-1").id == "chatcmpl-1"
