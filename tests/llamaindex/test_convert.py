"""Table tests for the LlamaIndex <-> wire converters."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from llama_index.core.base.llms.types import (
    AudioBlock,
    ChatMessage,
    DocumentBlock,
    ImageBlock,
    MessageRole,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
)
from llama_index.core.tools import FunctionTool

from akile_core import AkileConfigError, Choice, ToolCall, Usage
from llamaindex_akile._convert import (
    from_wire_choice,
    parse_arguments,
    to_tool_selections,
    to_wire_message,
    to_wire_tool_choice,
    to_wire_tools,
    usage_kwargs,
)

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (ChatMessage(role="system", content="be brief"), {"role": "system", "content": "be brief"}),
        (ChatMessage(role="user", content="hi"), {"role": "user", "content": "hi"}),
        (ChatMessage(role="assistant", content="hello"), {"role": "assistant", "content": "hello"}),
        (
            ChatMessage(role="tool", content="4", additional_kwargs={"tool_call_id": "c1"}),
            {"role": "tool", "content": "4", "tool_call_id": "c1"},
        ),
        (
            ChatMessage(
                role="assistant",
                blocks=[
                    ThinkingBlock(content="hm"),
                    TextBlock(text=""),
                    ToolCallBlock(tool_call_id="c1", tool_name="add", tool_kwargs={"a": 1}),
                ],
            ),
            {
                "role": "assistant",
                "content": None,
                "reasoning_content": "hm",
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
            ChatMessage(
                role="assistant",
                content="",
                additional_kwargs={
                    "tool_calls": [
                        {
                            "id": "c9",
                            "type": "function",
                            "function": {"name": "f", "arguments": "{}"},
                        }
                    ]
                },
            ),
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "c9", "type": "function", "function": {"name": "f", "arguments": "{}"}}
                ],
            },
        ),
    ],
)
def test_to_wire_message(message: ChatMessage, expected: dict[str, Any]) -> None:
    assert to_wire_message(message) == expected


def test_images_by_url_bytes_and_path(tmp_path: Any) -> None:
    path = tmp_path / "dot.png"
    path.write_bytes(PNG)
    message = ChatMessage(
        role="user",
        blocks=[
            TextBlock(text="what?"),
            ImageBlock(url="https://x/cat.png"),
            ImageBlock(image=PNG, image_mimetype="image/png"),
            ImageBlock(path=path, image_mimetype="image/png"),
        ],
    )
    parts = to_wire_message(message)["content"]
    assert parts[0] == {"type": "text", "text": "what?"}
    assert parts[1] == {"type": "image_url", "image_url": {"url": "https://x/cat.png"}}
    data_url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert parts[2] == parts[3] == {"type": "image_url", "image_url": {"url": data_url}}


@pytest.mark.parametrize(
    "message",
    [
        ChatMessage(role="chatbot", content="x"),
        ChatMessage(role="tool", content="4"),
        ChatMessage(role="system", blocks=[AudioBlock(audio=b"abc", format="mp3")]),
        ChatMessage(role="system", blocks=[ImageBlock(url="https://x/cat.png")]),
    ],
)
def test_bad_messages_fail_clearly(message: ChatMessage) -> None:
    with pytest.raises(AkileConfigError):
        to_wire_message(message)


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def test_tools_and_choice() -> None:
    (tool,) = to_wire_tools([FunctionTool.from_defaults(add)])
    assert tool["function"]["name"] == "add" and tool["function"]["parameters"]["required"] == [
        "a",
        "b",
    ]
    assert to_wire_tool_choice(None, tool_required=False) is None
    assert to_wire_tool_choice(None, tool_required=True) == "required"
    assert to_wire_tool_choice("auto", tool_required=True) == "auto"
    assert to_wire_tool_choice("add", tool_required=False) == {
        "type": "function",
        "function": {"name": "add"},
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1, "b": 2}', {"a": 1, "b": 2}),
        ("", {}),
        ('{"a": 1, "b"', {"a": 1}),
        ('{"name": "Tok', {"name": "Tok"}),
        ('{"items": [1, 2', {"items": [1, 2]}),
        ('{"a": {"b": "c', {"a": {"b": "c"}}),
        ("{", {}),
        ('"just a string"', {"value": "just a string"}),
        # Fields already complete survive a dangling separator (audit finding 14):
        ('{"a": 1,', {"a": 1}),
        ('{"a": 1, "b": 2, "c": [1,', {"a": 1, "b": 2, "c": [1]}),
        ('{"a": {"b": 1,', {"a": {"b": 1}}),
        ('{"a": 1.', {}),
        ('{"a": 1, "b":', {"a": 1}),
    ],
)
def test_parse_arguments_copes_with_partial_json(text: str, expected: dict[str, Any]) -> None:
    assert parse_arguments(text) == expected


def test_from_wire_choice_and_tool_selections() -> None:
    message = from_wire_choice(
        Choice(
            content="", reasoning="think", tool_calls=(ToolCall("c1", "add", '{"a": 1, "b": 2}'),)
        )
    )
    assert message.role == MessageRole.ASSISTANT
    assert isinstance(message.blocks[0], ThinkingBlock) and message.blocks[0].content == "think"
    assert message.additional_kwargs["tool_calls"][0]["function"]["name"] == "add"
    (selection,) = to_tool_selections(message)
    assert (selection.tool_id, selection.tool_name, selection.tool_kwargs) == (
        "c1",
        "add",
        {"a": 1, "b": 2},
    )
    # the message goes back into history with its reasoning, and its calls once
    wire = to_wire_message(message)
    assert wire["reasoning_content"] == "think" and len(wire["tool_calls"]) == 1


def test_usage_kwargs() -> None:
    assert usage_kwargs(Usage(10, 5, 15, cached_tokens=4, reasoning_tokens=2)) == {
        "prompt_tokens": 10,
        "completion_tokens": 5,
        "total_tokens": 15,
        "cached_tokens": 4,
        "reasoning_tokens": 2,
    }


def test_document_and_audio_blocks_become_file_and_input_audio_parts(tmp_path: Any) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    message = ChatMessage(
        role="user",
        blocks=[
            TextBlock(text="read"),
            DocumentBlock(path=pdf, title="report.pdf"),
            AudioBlock(audio=b"RIFF\x00\x01WAVE", format="wav"),
        ],
    )
    parts = to_wire_message(message)["content"]
    pdf_b64 = base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode()
    assert parts[1] == {
        "type": "file",
        "file": {"filename": "report.pdf", "file_data": f"data:application/pdf;base64,{pdf_b64}"},
    }
    assert parts[2] == {
        "type": "input_audio",
        "input_audio": {"data": base64.b64encode(b"RIFF\x00\x01WAVE").decode(), "format": "wav"},
    }
