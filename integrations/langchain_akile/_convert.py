"""Conversions between LangChain messages/tools and the chat-completions wire format.

Pure functions: plain values in, new values out; nothing here does I/O or touches a client.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.messages.ai import InputTokenDetails, OutputTokenDetails, UsageMetadata
from langchain_core.messages.block_translators.openai import convert_to_openai_data_block
from langchain_core.messages.content import is_data_content_block
from langchain_core.messages.tool import tool_call_chunk
from langchain_core.output_parsers.openai_tools import make_invalid_tool_call, parse_tool_call
from langchain_core.utils.function_calling import (
    convert_to_json_schema,
    convert_to_openai_function,
    convert_to_openai_tool,
)

from akile_core import AkileConfigError, Choice, Delta, ToolCall, Usage

if TYPE_CHECKING:
    from akile_core.profiles import ModelSpec

PROVIDER = "akile"

_ROLES = {"system", "developer", "user", "assistant", "tool", "function"}


def to_wire_messages(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    """Convert a LangChain message list to chat-completions messages."""
    return [to_wire_message(message) for message in messages]


def to_wire_message(message: BaseMessage) -> dict[str, Any]:
    """Convert one LangChain message to a chat-completions message dict."""
    if isinstance(message, AIMessage):
        return _assistant_to_wire(message)
    if isinstance(message, ToolMessage):
        return {
            "role": "tool",
            "content": _tool_content(message.content),
            "tool_call_id": message.tool_call_id,
        }
    if isinstance(message, SystemMessage):
        # langchain-core turns ("developer", ...) and {"role": "developer"} into a SystemMessage
        # marked this way; ChatOpenAI honours the mark, and so do we.
        role = (
            "developer"
            if message.additional_kwargs.get("__openai_role__") == "developer"
            else "system"
        )
        wire: dict[str, Any] = {"role": role, "content": _system_content(message.content)}
    elif isinstance(message, HumanMessage):
        wire = {"role": "user", "content": to_wire_content(message.content)}
    elif isinstance(message, FunctionMessage):
        wire = {"role": "function", "content": _text_content(message.content)}
    elif isinstance(message, ChatMessage):
        if message.role not in _ROLES:
            raise AkileConfigError(
                f"Unknown message role {message.role!r}: use one of {sorted(_ROLES)}."
            )
        wire = {"role": message.role, "content": to_wire_content(message.content)}
    else:
        raise TypeError(
            f"Cannot send a {type(message).__name__}: use SystemMessage, HumanMessage, "
            "AIMessage, ToolMessage or ChatMessage."
        )
    name = _name_of(message)
    if name:
        wire["name"] = name
    return wire


def _name_of(message: BaseMessage) -> str | None:
    """``message.name``, else ``additional_kwargs["name"]`` (where ChatOpenAI also looks)."""
    name = message.name or message.additional_kwargs.get("name")
    return name if isinstance(name, str) and name else None


def _assistant_to_wire(message: AIMessage) -> dict[str, Any]:
    wire: dict[str, Any] = {"role": "assistant", "content": _assistant_content(message.content)}
    tool_calls = [_tool_call_to_wire(call) for call in message.tool_calls]
    tool_calls += [_tool_call_to_wire(call) for call in message.invalid_tool_calls]
    if tool_calls:
        wire["tool_calls"] = tool_calls
        if not wire["content"]:
            wire["content"] = None
    # Thinking-mode tool loops (DeepSeek, Qwen, Kimi) reject a history whose assistant
    # turns lost their reasoning_content, so it goes back exactly as it came.
    reasoning = message.additional_kwargs.get("reasoning_content")
    if isinstance(reasoning, str) and reasoning:
        wire["reasoning_content"] = reasoning
    # Claude's thinking blocks go back unchanged (Anthropic checks their signatures), from
    # our own messages or from ChatAnthropic histories; only /v1/messages sends them on.
    thinking = thinking_blocks_of(message)
    if thinking:
        wire["thinking_blocks"] = thinking
    name = _name_of(message)
    if name:
        wire["name"] = name
    return wire


def thinking_blocks_of(message: AIMessage) -> list[dict[str, Any]]:
    """Claude's signed thinking blocks in ``message``.

    Ours (``additional_kwargs``), Anthropic's content blocks (ChatAnthropic), or standard
    reasoning blocks carrying a signature.
    """
    ours = message.additional_kwargs.get("thinking_blocks")
    if isinstance(ours, list) and ours:
        return [dict(block) for block in ours if isinstance(block, Mapping)]
    found: list[dict[str, Any]] = []
    for block in message.content if isinstance(message.content, list) else ():
        if not isinstance(block, Mapping):
            continue
        if block.get("type") in ("thinking", "redacted_thinking"):
            found.append({k: v for k, v in block.items() if k != "index"})
        elif block.get("type") == "reasoning" and (block.get("extras") or {}).get("signature"):
            signature = block["extras"]["signature"]
            found.append(
                {"type": "thinking", "thinking": block.get("reasoning", ""), "signature": signature}
            )
    return found


def _tool_call_to_wire(call: Mapping[str, Any]) -> dict[str, Any]:
    args = call.get("args")
    arguments = args if isinstance(args, str) else json.dumps(args or {}, ensure_ascii=False)
    return {
        "id": call.get("id"),
        "type": "function",
        "function": {"name": call.get("name"), "arguments": arguments},
    }


def to_wire_content(content: str | list[Any]) -> str | list[dict[str, Any]]:
    """User content: a string, or a list of text and image parts in OpenAI format."""
    if isinstance(content, str):
        return content
    return [to_wire_block(block) for block in content]


def to_wire_block(block: str | Mapping[str, Any]) -> dict[str, Any]:
    """One content block: text, an OpenAI ``image_url`` part, or a LangChain data block."""
    if isinstance(block, str):
        return {"type": "text", "text": block}
    kind = block.get("type")
    if kind == "text" and "source_type" not in block:
        return _text_part(block)
    if kind == "image" and isinstance(block.get("source"), Mapping):
        return _anthropic_image(block["source"])
    if kind == "image_url":
        image_url = block.get("image_url")
        return {
            "type": "image_url",
            "image_url": {"url": image_url}
            if isinstance(image_url, str)
            else dict(image_url or {}),
        }
    if kind in ("input_audio", "file"):
        if "file" in block or "input_audio" in block:
            return dict(block)  # already in OpenAI format
    if is_data_content_block(dict(block)):
        try:
            return convert_to_openai_data_block(dict(block))
        except (ValueError, KeyError) as exc:
            raise AkileConfigError(f"Cannot send the {kind!r} content block: {exc}") from exc
    raise AkileConfigError(
        f"Unsupported content block type {kind!r}: send text, image_url, or a LangChain "
        "image/file/audio block with url or base64 data."
    )


def _text_part(block: Mapping[str, Any]) -> dict[str, Any]:
    """A text part, keeping ``cache_control``.

    Claude prompt caching through new-api and OpenRouter channels is asked for in this form
    (QuantumNous/new-api#4240).
    """
    part: dict[str, Any] = {"type": "text", "text": block.get("text", "")}
    if "cache_control" in block:
        part["cache_control"] = block["cache_control"]
    return part


def _anthropic_image(source: Mapping[str, Any]) -> dict[str, Any]:
    """An Anthropic-format image, as ChatAnthropic histories hold them, as ``image_url``."""
    if source.get("type") == "base64":
        url = f"data:{source.get('media_type') or 'image/png'};base64,{source.get('data', '')}"
    elif source.get("type") == "url" and source.get("url"):
        url = str(source["url"])
    else:
        raise AkileConfigError(
            f"Cannot send an Anthropic image with source type {source.get('type')!r}: "
            "use base64 data or a URL."
        )
    return {"type": "image_url", "image_url": {"url": url}}


def _system_content(content: str | list[Any]) -> str | list[dict[str, Any]]:
    """System text: a string, or text parts when a block carries ``cache_control``."""
    if isinstance(content, list) and any(
        isinstance(block, Mapping) and "cache_control" in block for block in content
    ):
        _text_content(content)  # raises on non-text blocks, with the message that says why
        return [
            _text_part(block) if isinstance(block, Mapping) else {"type": "text", "text": block}
            for block in content
        ]
    return _text_content(content)


def _text_content(content: str | list[Any]) -> str:
    if isinstance(content, str):
        return content
    parts = []
    for block in content:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, Mapping) and block.get("type") == "text":
            parts.append(str(block.get("text", "")))
        else:
            kind = block.get("type") if isinstance(block, Mapping) else type(block).__name__
            raise AkileConfigError(
                f"System messages take text only; got a {kind!r} block. Move it to a user message."
            )
    return "".join(parts)


def _assistant_content(content: str | list[Any]) -> str | list[dict[str, Any]]:
    """An assistant turn's text, as text parts when one carries ``cache_control``.

    Claude takes a cache mark on an AI message over ``/v1/messages``, as in ChatAnthropic.
    """
    if isinstance(content, list) and any(
        isinstance(b, Mapping) and b.get("type") == "text" and "cache_control" in b for b in content
    ):
        return [
            _text_part(b) for b in content if isinstance(b, Mapping) and b.get("type") == "text"
        ]
    return _assistant_text(content)


def _assistant_text(content: str | list[Any]) -> str:
    if isinstance(content, str):
        return content
    parts = []
    for block in content:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, Mapping):
            # Only text goes back as an assistant turn's content. Everything else is what
            # another provider's model produced (thinking, tool_use echoes, v1
            # server_tool_call / non_standard / image / refusal blocks) and has no
            # chat-completions form; tool calls and reasoning are sent from their own fields.
            if block.get("type") == "text":
                parts.append(str(block.get("text", "")))
        else:
            raise AkileConfigError(
                f"Unsupported content {type(block).__name__} in an AI message: "
                "use strings or content-block dicts."
            )
    return "".join(parts)


def _tool_content(content: str | list[Any]) -> str | list[dict[str, Any]]:
    if isinstance(content, str):
        return content
    blocks = [to_wire_block(block) for block in content]
    if all(block["type"] == "text" and "cache_control" not in block for block in blocks):
        return "".join(block["text"] for block in blocks)
    return blocks


def to_wire_tools(tools: Sequence[Any], *, strict: bool | None = None) -> list[dict[str, Any]]:
    """Convert tools (BaseTool, functions, pydantic models, dicts) to OpenAI tool dicts."""
    wire = []
    for tool in tools:
        try:
            converted = convert_to_openai_tool(tool, strict=strict)
        except Exception as exc:
            raise AkileConfigError(
                f"Cannot convert tool {getattr(tool, 'name', tool)!r} to a JSON schema: {exc}. "
                "Pass a @tool function, a BaseTool, a pydantic model, a TypedDict, or an "
                "OpenAI-format tool dict."
            ) from exc
        if converted.get("type") != "function" or not isinstance(
            converted.get("function"), Mapping
        ):
            raise AkileConfigError(
                f"Cannot bind the tool {dict(converted)!r}: chat completions take function tools "
                "only. Provider built-in tools (web_search, code_interpreter, ...) are not "
                "available through this endpoint; describe the tool as a function instead."
            )
        if isinstance(tool, Mapping) and "cache_control" in tool:
            # langchain-anthropic's way to cache the tool definitions up to this one; only
            # /v1/messages sends it on.
            converted = {**converted, "cache_control": tool["cache_control"]}
        wire.append(converted)
    return wire


def to_response_format(schema: Any, strict: bool | None) -> dict[str, Any]:
    """A ``response_format`` of type ``json_schema`` for ``with_structured_output``.

    An OpenAI response-format dict, whole (``{"type": "json_schema", ...}``) or its inner
    ``{"name", "schema", "strict"}`` part, is sent as given. With ``strict=True`` the schema is
    made strict-valid (``additionalProperties: false`` on every object, as OpenAI requires);
    otherwise it is the schema as LangChain writes it.
    """
    if (
        isinstance(schema, Mapping)
        and schema.get("type") == "json_schema"
        and "json_schema" in schema
    ):
        return dict(schema)
    if isinstance(schema, Mapping) and "name" in schema and "schema" in schema:
        inner = dict(schema)
        if strict is not None:
            inner["strict"] = strict
        return {"type": "json_schema", "json_schema": inner}
    if strict:
        function = convert_to_openai_function(schema, strict=True)
        inner = {"name": function["name"], "schema": function["parameters"], "strict": True}
        if function.get("description"):
            inner["description"] = function["description"]
        return {"type": "json_schema", "json_schema": inner}
    json_schema = convert_to_json_schema(schema)
    inner = {"name": json_schema.get("title", "response"), "schema": json_schema}
    if strict is not None:
        inner["strict"] = strict
    return {"type": "json_schema", "json_schema": inner}


def to_wire_tool_choice(tool_choice: Any, tool_names: Sequence[str]) -> Any:
    """Map LangChain's tool_choice values to the chat-completions ones."""
    if tool_choice is None or tool_choice is False:
        return None
    if tool_choice is True or tool_choice == "any":
        return "required"
    if tool_choice in ("auto", "none", "required"):
        return tool_choice
    if isinstance(tool_choice, str):
        if tool_choice not in tool_names:
            raise AkileConfigError(
                f"tool_choice {tool_choice!r} is not one of the bound tools {list(tool_names)}."
            )
        return {"type": "function", "function": {"name": tool_choice}}
    if isinstance(tool_choice, Mapping):
        return dict(tool_choice)
    raise AkileConfigError(
        f"Unsupported tool_choice {tool_choice!r}: use 'auto', 'none', 'any'/'required', "
        "a tool name, or a dict."
    )


def to_usage_metadata(usage: Usage) -> UsageMetadata:
    """Core usage to LangChain's ``UsageMetadata`` (details only where the gateway sent them)."""
    metadata = UsageMetadata(
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        total_tokens=usage.total_tokens,
    )
    input_details = InputTokenDetails()
    if usage.cached_tokens is not None:
        input_details["cache_read"] = usage.cached_tokens
    if usage.cache_write_tokens is not None:
        input_details["cache_creation"] = usage.cache_write_tokens
    if input_details:
        metadata["input_token_details"] = input_details
    if usage.reasoning_tokens is not None:
        metadata["output_token_details"] = OutputTokenDetails(reasoning=usage.reasoning_tokens)
    return metadata


def from_wire_choice(choice: Choice) -> AIMessage:
    """A parsed completion choice to an ``AIMessage`` (usage and metadata added by the caller)."""
    tool_calls = []
    invalid_tool_calls = []
    for call in choice.tool_calls:
        raw = _raw_tool_call(call)
        try:
            parsed = parse_tool_call(raw, return_id=True)
        except Exception as exc:
            invalid_tool_calls.append(make_invalid_tool_call(raw, str(exc)))
        else:
            if parsed is not None:
                tool_calls.append(parsed)
    additional_kwargs: dict[str, Any] = {}
    if choice.reasoning:
        additional_kwargs["reasoning_content"] = choice.reasoning
    if choice.refusal:
        additional_kwargs["refusal"] = choice.refusal
    if choice.thinking_blocks:
        additional_kwargs["thinking_blocks"] = [dict(block) for block in choice.thinking_blocks]
    return AIMessage(
        content=choice.content,
        additional_kwargs=additional_kwargs,
        tool_calls=tool_calls,
        invalid_tool_calls=invalid_tool_calls,
    )


def _raw_tool_call(call: ToolCall) -> dict[str, Any]:
    return {
        "id": call.id,
        "type": "function",
        "function": {"name": call.name, "arguments": call.arguments},
    }


def from_delta(delta: Delta, message_id: str | None = None) -> AIMessageChunk:
    """One stream delta to an ``AIMessageChunk``; every chunk of a stream carries one id."""
    additional_kwargs: dict[str, Any] = (
        {"reasoning_content": delta.reasoning} if delta.reasoning else {}
    )
    if delta.thinking_blocks:
        # Pieces keyed by "index": LangChain's chunk merge joins them into whole blocks.
        additional_kwargs["thinking_blocks"] = [dict(block) for block in delta.thinking_blocks]
    return AIMessageChunk(
        content=delta.content,
        id=message_id,
        additional_kwargs=additional_kwargs,
        tool_call_chunks=[
            tool_call_chunk(
                name=fragment.name, args=fragment.arguments, id=fragment.id, index=fragment.index
            )
            for fragment in delta.tool_calls
        ],
    )


def to_langchain_profile(spec: ModelSpec, declared: Collection[str]) -> dict[str, Any]:
    """A core model spec as LangChain's ``ModelProfile``, keeping only keys the core declares.

    Older langchain-core versions declare fewer keys and warn about unknown ones, so the keys
    are filtered to what the installed ``ModelProfile`` has; unknown facts are left out.
    """
    profile: dict[str, Any] = {
        "max_input_tokens": spec.max_input_tokens,
        "max_output_tokens": spec.max_output_tokens,
        "tool_calling": spec.tool_calling,
        # ChatAkile assembles streamed tool calls into tool_call_chunks for every family.
        "tool_call_streaming": True if spec.tool_calling else None,
        "structured_output": (
            spec.structured_output == "json_schema" if spec.structured_output else None
        ),
        "reasoning_output": spec.reasoning,
        "reasoning_effort_levels": list(spec.reasoning_efforts) or None,
        "temperature": spec.temperature,
    }
    if spec.inputs:
        for kind in ("text", "image", "pdf", "audio", "video"):
            profile[f"{kind}_inputs"] = kind in spec.inputs
    return {k: v for k, v in profile.items() if v is not None and k in declared}
