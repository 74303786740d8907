"""Conversions between LlamaIndex chat messages/tools and the chat-completions wire format.

Pure functions: plain values in, new values out; nothing here does I/O or touches a client
(an image given by path is read, which is the one exception, and says so).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from typing import Any

from llama_index.core.base.llms.types import (
    AudioBlock,
    CachePoint,
    ChatMessage,
    DocumentBlock,
    ImageBlock,
    MessageRole,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
)
from llama_index.core.llms.llm import ToolSelection
from llama_index.core.tools import BaseTool

from akile_core import AkileConfigError, Choice, ToolCall, Usage

_WIRE_ROLES = {
    MessageRole.SYSTEM: "system",
    MessageRole.DEVELOPER: "developer",
    MessageRole.USER: "user",
    MessageRole.ASSISTANT: "assistant",
    MessageRole.TOOL: "tool",
    MessageRole.FUNCTION: "function",
}


def to_wire_messages(messages: Sequence[ChatMessage]) -> list[dict[str, Any]]:
    """Convert LlamaIndex chat messages to chat-completions messages."""
    return [to_wire_message(message) for message in messages]


def to_wire_message(message: ChatMessage) -> dict[str, Any]:
    """Convert one LlamaIndex ``ChatMessage`` to a chat-completions message dict."""
    role = _WIRE_ROLES.get(MessageRole(message.role))
    if role is None:
        raise AkileConfigError(
            f"Unsupported message role {message.role!r}: use system, user, assistant or tool."
        )
    if role == "assistant":
        return _assistant_to_wire(message)
    wire: dict[str, Any] = {"role": role, "content": _content_to_wire(message, role)}
    if role == "tool":
        call_id = message.additional_kwargs.get("tool_call_id")
        if not call_id:
            raise AkileConfigError(
                "A tool message needs additional_kwargs['tool_call_id'] naming the call it answers."
            )
        wire["tool_call_id"] = call_id
    if name := message.additional_kwargs.get("name"):
        wire["name"] = name
    return wire


def _assistant_to_wire(message: ChatMessage) -> dict[str, Any]:
    text = "".join(b.text for b in message.blocks if isinstance(b, TextBlock))
    wire: dict[str, Any] = {"role": "assistant", "content": text}
    calls = [
        _tool_call_to_wire(b.tool_call_id, b.tool_name, b.tool_kwargs)
        for b in message.blocks
        if isinstance(b, ToolCallBlock)
    ]
    # Older LlamaIndex code and other integrations keep OpenAI-format calls only here; our own
    # messages carry them in both places, so blocks win.
    for legacy in () if calls else message.additional_kwargs.get("tool_calls") or ():
        raw = legacy if isinstance(legacy, Mapping) else legacy.model_dump()
        function = raw.get("function") or {}
        calls.append(
            _tool_call_to_wire(raw.get("id"), function.get("name"), function.get("arguments"))
        )
    if calls:
        wire["tool_calls"] = calls
        wire["content"] = text or None
    if any(isinstance(b, CachePoint) for b in message.blocks):
        # A cache mark on an assistant turn: its text parts, the mark on the one before it.
        wire["content"] = _marked_text_parts(message.blocks) or wire["content"]
    # Thinking-mode tool loops require the reasoning of earlier assistant turns to come back.
    reasoning = "".join(b.content or "" for b in message.blocks if isinstance(b, ThinkingBlock))
    if reasoning:
        wire["reasoning_content"] = reasoning
    # Claude's signed thinking blocks go back unchanged (only /v1/messages sends them on).
    signed = [
        to_thinking_block(b)
        for b in message.blocks
        if isinstance(b, ThinkingBlock) and _is_signed(b.additional_information)
    ]
    if signed:
        wire["thinking_blocks"] = signed
    return wire


def _marked_text_parts(blocks: Sequence[Any]) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    for block in blocks:
        if isinstance(block, TextBlock):
            parts.append({"type": "text", "text": block.text})
        elif isinstance(block, CachePoint) and parts:
            parts[-1]["cache_control"] = cache_control_of(block)
    return parts


def _is_signed(information: Mapping[str, Any]) -> bool:
    return bool(information.get("signature")) or information.get("type") == "redacted_thinking"


def to_thinking_block(block: ThinkingBlock) -> dict[str, Any]:
    """A ``ThinkingBlock`` as Claude's block.

    Its text, and what ``additional_information`` keeps (``signature``, or a redacted block's
    ``data``), as llama-index-llms-anthropic does.
    """
    information = dict(block.additional_information)
    kind = information.pop("type", "thinking")
    if kind == "redacted_thinking":
        return {"type": kind, **information}
    return {"type": kind, "thinking": block.content or "", **information}


def _tool_call_to_wire(call_id: str | None, name: str | None, kwargs: Any) -> dict[str, Any]:
    arguments = kwargs if isinstance(kwargs, str) else json.dumps(kwargs or {}, ensure_ascii=False)
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def _content_to_wire(message: ChatMessage, role: str) -> str | list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    for block in message.blocks:
        if isinstance(block, TextBlock):
            parts.append({"type": "text", "text": block.text})
        elif isinstance(block, ImageBlock):
            if role not in ("user", "tool"):
                raise AkileConfigError(f"Images can be sent in user messages, not {role} ones.")
            parts.append(image_to_wire(block))
        elif isinstance(block, (DocumentBlock, AudioBlock)):
            if role != "user":
                raise AkileConfigError(
                    f"Documents and audio can be sent in user messages, not {role} ones."
                )
            parts.append(
                document_to_wire(block)
                if isinstance(block, DocumentBlock)
                else audio_to_wire(block)
            )
        elif isinstance(block, ThinkingBlock):
            continue
        elif isinstance(block, CachePoint):
            if not parts:
                raise AkileConfigError(
                    "A CachePoint marks the end of what to cache: put it after the block it "
                    "closes, not first."
                )
            parts[-1]["cache_control"] = cache_control_of(block)
        else:
            raise AkileConfigError(
                f"Unsupported content block {type(block).__name__} in a {role} message: "
                "send TextBlock, ImageBlock, DocumentBlock or AudioBlock."
            )
    if all(part["type"] == "text" and "cache_control" not in part for part in parts):
        return "".join(part["text"] for part in parts)
    return parts


def cache_control_of(point: CachePoint) -> dict[str, Any]:
    """A ``CachePoint``'s mark as Anthropic's ``cache_control``.

    A TTL only when not the 5m default, as llama-index-llms-anthropic sends it.
    """
    mark: dict[str, Any] = {"type": point.cache_control.type}
    ttl = getattr(point.cache_control, "ttl", None)
    if ttl and ttl != "5m":
        mark["ttl"] = ttl
    return mark


def image_to_wire(block: ImageBlock) -> dict[str, Any]:
    """An ``ImageBlock`` as an ``image_url`` part: URLs are passed on, paths and bytes inlined."""
    detail = {"detail": block.detail} if block.detail else {}
    if block.url is not None and not block.image and not block.path:
        return {"type": "image_url", "image_url": {"url": str(block.url), **detail}}
    data = block.resolve_image(as_base64=True).read().decode("ascii")
    mimetype = block.image_mimetype or "image/png"
    return {"type": "image_url", "image_url": {"url": f"data:{mimetype};base64,{data}", **detail}}


def document_to_wire(block: DocumentBlock) -> dict[str, Any]:
    """A ``DocumentBlock`` (PDF) as an OpenAI ``file`` part, inlined as a data URL.

    Both ``filename`` and ``file_data`` are sent: new-api silently drops a ``file`` part that
    lacks either when converting it for Claude (gateway-families.md, "Content parts").
    """
    data = base64.b64encode(block.resolve_document().read()).decode("ascii")
    mimetype = block.document_mimetype or "application/pdf"
    filename = block.title or "document.pdf"
    return {
        "type": "file",
        "file": {"filename": filename, "file_data": f"data:{mimetype};base64,{data}"},
    }


def audio_to_wire(block: AudioBlock) -> dict[str, Any]:
    """An ``AudioBlock`` as an OpenAI ``input_audio`` part (base64 data and its format)."""
    data = block.resolve_audio(as_base64=True).read().decode("ascii")
    audio_format = block.format or "wav"
    return {"type": "input_audio", "input_audio": {"data": data, "format": audio_format}}


def to_wire_tools(tools: Sequence[BaseTool]) -> list[dict[str, Any]]:
    """LlamaIndex tools as OpenAI tool dicts."""
    wire = []
    for tool in tools:
        try:
            wire.append(tool.metadata.to_openai_tool(skip_length_check=True))
        except Exception as exc:
            raise AkileConfigError(
                f"Cannot convert tool {tool.metadata.name!r} to a JSON schema: {exc}"
            ) from exc
    return wire


def to_wire_tool_choice(tool_choice: Any, tool_required: bool) -> Any:
    """``tool_choice`` as given (a name becomes a function choice), else ``required``/None."""
    if tool_choice is None:
        return "required" if tool_required else None
    if isinstance(tool_choice, str) and tool_choice not in ("auto", "none", "required"):
        return {"type": "function", "function": {"name": tool_choice}}
    return tool_choice


def from_wire_choice(choice: Choice) -> ChatMessage:
    """A completion choice as an assistant ``ChatMessage``: thinking, text, then tool calls."""
    return assistant_message(
        choice.content, choice.reasoning, choice.tool_calls, choice.thinking_blocks
    )


def assistant_message(
    text: str,
    reasoning: str | None,
    tool_calls: Sequence[ToolCall],
    thinking_blocks: Sequence[Mapping[str, Any]] = (),
) -> ChatMessage:
    """An assistant message: a ``ThinkingBlock``, a ``TextBlock``, then ``ToolCallBlock``s.

    The calls are also put in ``additional_kwargs["tool_calls"]`` in OpenAI format, where
    LlamaIndex's streaming structured output (``process_streaming_objects``) looks for them.
    """
    blocks: list[Any] = [
        ThinkingBlock(
            content=str(block.get("thinking") or ""),
            additional_information={
                k: v for k, v in block.items() if k not in ("thinking", "index")
            },
        )
        for block in thinking_blocks
    ]
    if reasoning and not blocks:
        blocks.append(ThinkingBlock(content=reasoning))
    blocks.append(TextBlock(text=text))
    blocks.extend(tool_call_block(call) for call in tool_calls)
    additional_kwargs: dict[str, Any] = {}
    if tool_calls:
        additional_kwargs["tool_calls"] = [
            _tool_call_to_wire(call.id, call.name, call.arguments) for call in tool_calls
        ]
    return ChatMessage(
        role=MessageRole.ASSISTANT, blocks=blocks, additional_kwargs=additional_kwargs
    )


def tool_call_block(call: ToolCall) -> ToolCallBlock:
    """A complete or partial tool call; arguments stay the raw text the model wrote."""
    return ToolCallBlock(
        tool_call_id=call.id or None, tool_name=call.name, tool_kwargs=call.arguments
    )


def to_tool_selections(message: ChatMessage) -> list[ToolSelection]:
    """The tool calls of a message; partial JSON (mid-stream) is parsed as far as it goes."""
    selections = []
    for block in message.blocks:
        if isinstance(block, ToolCallBlock):
            kwargs = block.tool_kwargs
            if isinstance(kwargs, str):
                kwargs = parse_arguments(kwargs)
            selections.append(
                ToolSelection(
                    tool_id=block.tool_call_id or "", tool_name=block.tool_name, tool_kwargs=kwargs
                )
            )
    return selections


def parse_arguments(text: str) -> dict[str, Any]:
    """Tool arguments from JSON text: ``{}`` if empty, best-effort if cut off mid-stream."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = _parse_partial_json(text)
    return value if isinstance(value, dict) else {"value": value}


def _parse_partial_json(text: str) -> Any:
    """Parse JSON cut off mid-stream, keeping every field that is already complete.

    ``'{"a": 1,'`` gives ``{"a": 1}``; a dangling key or a half-written number is dropped, so a
    preview never flickers back to empty while arguments stream in.
    """
    candidate = text
    for _ in range(16):
        try:
            return json.loads(_closed(candidate))
        except json.JSONDecodeError:
            pass
        stripped = candidate.rstrip().rstrip(",:").rstrip()
        if stripped != candidate:
            candidate = stripped
            continue
        cut = max(candidate.rfind(","), candidate.rfind("{"), candidate.rfind("["))
        if cut <= 0:
            break
        candidate = candidate[:cut] if candidate[cut] == "," else candidate[: cut + 1]
    return {}


def _closed(text: str) -> str:
    """``text`` with its open string, arrays and objects closed."""
    closers: list[str] = []
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            closers.append("}" if char == "{" else "]")
        elif char in "}]" and closers:
            closers.pop()
    return text + ('"' if in_string else "") + "".join(reversed(closers))


def usage_kwargs(usage: Usage) -> dict[str, Any]:
    """Usage in the keys LlamaIndex integrations report in ``additional_kwargs``."""
    kwargs: dict[str, Any] = {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
    }
    if usage.cached_tokens is not None:
        kwargs["cached_tokens"] = usage.cached_tokens
    if usage.cache_write_tokens is not None:
        kwargs["cache_write_tokens"] = usage.cache_write_tokens
    if usage.reasoning_tokens is not None:
        kwargs["reasoning_tokens"] = usage.reasoning_tokens
    return kwargs
