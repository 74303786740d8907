"""A chat-completions body as an Anthropic Messages body, for the gateway's ``POST /v1/messages``.

The adapters build one body shape (OpenAI's, with two extensions the chat-completions wire never
sends: ``thinking_blocks`` on assistant turns and ``cache_control`` on parts and tools); this
module turns it into Anthropic's. Each function is small and pure. Sources: Anthropic's Messages
API reference, and how new-api relays the body (``relay/claude_handler.go``: decoded into
``ClaudeRequest``, so unknown top-level fields are dropped, and content passes as it is, so
thinking signatures, ``cache_control`` and ``output_config`` survive;
shared/reference/claude-messages-and-thinking-rules.md).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from akile_core.errors import AkileConfigError

# new-api fills 8192 when max_tokens is missing (relay/claude_handler.go); so do we, below the
# model's own output limit, and above a thinking budget.
DEFAULT_MAX_TOKENS = 8192
# The same budgets new-api gives reasoning_effort on chat completions (akile_core.reasoning).
THINKING_BUDGET = {"minimal": 1024, "low": 1280, "medium": 2048, "high": 4096}
ADAPTIVE_EFFORTS = ("low", "medium", "high", "xhigh", "max")
# Body fields Anthropic's API has no place for; the chat wire's own (stream_options, n, ...).
_NOT_ANTHROPIC = frozenset(
    {
        "stream_options",
        "n",
        "logprobs",
        "top_logprobs",
        "seed",
        "frequency_penalty",
        "presence_penalty",
        "parallel_tool_calls",
        "response_format",
        "reasoning_effort",
        "max_completion_tokens",
        "stop",
        "user",
        "messages",
        "tools",
        "tool_choice",
        "max_tokens",
        "cache_control",
    }
)


def messages_body(
    body: Mapping[str, Any], *, max_output: int | None = None, adaptive: bool = False
) -> dict[str, Any]:
    """The Anthropic body for a chat-completions ``body``.

    ``max_output``: the model's output limit (model table), for the default ``max_tokens``;
    ``adaptive``: the model takes only adaptive thinking (Opus 4.7+, Sonnet 5), so
    ``reasoning_effort`` goes as ``output_config.effort``, not a budget.
    """
    system, messages = split_system(body.get("messages") or ())
    out: dict[str, Any] = {"model": body["model"], "messages": to_messages(messages)}
    if isinstance(body.get("cache_control"), Mapping):
        mark_last_block(out["messages"], body["cache_control"])
    if system:
        out["system"] = system
    thinking, effort = _thinking(body, adaptive)
    if thinking is not None:
        check_thinking_history(messages)
    out["max_tokens"] = _max_tokens(body, max_output, thinking)
    if thinking is not None:
        out["thinking"] = thinking
    if body.get("tools"):
        out["tools"] = [to_tool(tool) for tool in body["tools"]]
    choice = to_tool_choice(body.get("tool_choice"), body.get("parallel_tool_calls"))
    if choice is not None and (body.get("tools") or choice.get("type") == "none"):
        out["tool_choice"] = choice
    if thinking is not None and choice is not None and choice["type"] in ("any", "tool"):
        raise AkileConfigError(
            'Claude refuses thinking with a forced tool choice ("Thinking may not be enabled '
            "when tool_choice forces tool use\"): use tool_choice='auto', or turn thinking off "
            "for this call."
        )
    stop = body.get("stop")
    if stop:
        out["stop_sequences"] = [stop] if isinstance(stop, str) else list(stop)
    output_config = _output_config(body.get("response_format"), effort)
    if output_config:
        out["output_config"] = {**output_config, **(body.get("output_config") or {})}
    if isinstance(body.get("user"), str):
        out["metadata"] = {"user_id": body["user"]}
    for key, value in body.items():  # temperature, top_p, top_k, stream, extra_body fields
        if key not in _NOT_ANTHROPIC and key not in out:
            out[key] = value
    return out


# -- messages ------------------------------------------------------------------------------


def split_system(
    messages: Sequence[Mapping[str, Any]],
) -> tuple[str | list[dict[str, Any]], list[Mapping[str, Any]]]:
    """System and developer turns as Anthropic's ``system`` (text, or blocks with cache marks)."""
    blocks: list[dict[str, Any]] = []
    rest = []
    for message in messages:
        if message.get("role") in ("system", "developer"):
            blocks += _text_blocks(message.get("content"))
        else:
            rest.append(message)
    if any("cache_control" in block for block in blocks):
        return blocks, rest
    return "\n\n".join(block["text"] for block in blocks), rest


def to_messages(messages: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Turns in Anthropic's form; tool results join the user turn, consecutive roles merge."""
    out: list[dict[str, Any]] = []
    for message in messages:
        role = message.get("role")
        if role == "assistant":
            turn = {"role": "assistant", "content": assistant_blocks(message)}
        elif role in ("tool", "function"):
            turn = {"role": "user", "content": [tool_result(message)]}
        elif role == "user":
            turn = {"role": "user", "content": user_blocks(message.get("content"))}
        else:
            raise AkileConfigError(f"Claude takes no {role!r} turns: use user or assistant.")
        if out and out[-1]["role"] == turn["role"]:
            # Anthropic wants turns to alternate: tool results and the next user text are one.
            out[-1]["content"] = out[-1]["content"] + turn["content"]
        else:
            out.append(turn)
    return out


def mark_last_block(messages: list[dict[str, Any]], mark: Mapping[str, Any]) -> None:
    """A per-call ``cache_control`` on the last block of the last turn.

    That is where langchain-anthropic places its ``cache_control=`` option: everything up to
    there is cached.
    """
    if messages and messages[-1]["content"]:
        messages[-1]["content"][-1] = {**messages[-1]["content"][-1], "cache_control": dict(mark)}


def check_thinking_history(messages: Sequence[Mapping[str, Any]]) -> None:
    """Refuse a tool loop in progress whose assistant turn lost its thinking block.

    With thinking on, Anthropic requires that turn to start with the thinking block it returned,
    signature included (400 "Expected `thinking` or `redacted_thinking`, but found
    `tool_use`", Kilo-Org/kilocode#5219); a history from chat completions or another provider
    has no signature to send.
    """
    trailing = 0
    for message in reversed(messages):
        if message.get("role") not in ("tool", "function"):
            break
        trailing += 1
    if not trailing or len(messages) <= trailing:
        return
    turn = messages[-trailing - 1]
    if (
        turn.get("role") == "assistant"
        and turn.get("tool_calls")
        and not turn.get("thinking_blocks")
    ):
        raise AkileConfigError(
            "This tool loop's last assistant turn has no signed thinking block (a history from "
            "chat completions or another provider carries none), and Claude refuses to continue "
            "it with thinking on. Leave reasoning_effort unset for this call, or run the loop "
            "over /v1/messages from its first turn."
        )


def assistant_blocks(message: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Thinking blocks first (unchanged: their signatures are checked), then text, then calls."""
    blocks = [
        {k: v for k, v in block.items() if k != "index"}
        for block in message.get("thinking_blocks") or ()
    ]
    for block in blocks:
        if block.get("type", "thinking") == "thinking":
            block.setdefault("type", "thinking")
            block.setdefault("thinking", "")  # Anthropic wants the field, even empty
    content = message.get("content")
    if isinstance(content, str):
        if content:
            blocks.append({"type": "text", "text": content})
    elif content:
        blocks += [b for b in _text_blocks(content) if b["text"]]
    for call in message.get("tool_calls") or ():
        function = call.get("function") or {}
        blocks.append(
            {
                "type": "tool_use",
                "id": call.get("id"),
                "name": function.get("name"),
                "input": _arguments(function.get("arguments")),
            }
        )
    return blocks or [{"type": "text", "text": ""}]


def tool_result(message: Mapping[str, Any]) -> dict[str, Any]:
    """A tool message as a ``tool_result`` block (text, or text and image blocks)."""
    content = message.get("content")
    result: dict[str, Any] = {
        "type": "tool_result",
        "tool_use_id": message.get("tool_call_id"),
        "content": content if isinstance(content, str) else user_blocks(content),
    }
    return result


def user_blocks(content: object) -> list[dict[str, Any]]:
    """User content as Anthropic blocks: text, image (URL or base64), document (PDF)."""
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    if not isinstance(content, list):
        return []
    return [to_block(part) for part in content]


def to_block(part: Mapping[str, Any]) -> dict[str, Any]:
    """One OpenAI content part as an Anthropic block, its ``cache_control`` kept."""
    kind = part.get("type")
    if kind == "text":
        block: dict[str, Any] = {"type": "text", "text": str(part.get("text", ""))}
    elif kind == "image_url":
        image = part.get("image_url")
        url = image if isinstance(image, str) else (image or {}).get("url", "")
        block = {"type": "image", "source": _source(str(url))}
    elif kind == "file":
        data = (part.get("file") or {}).get("file_data") or ""
        block = {"type": "document", "source": _source(str(data))}
    elif kind in ("image", "document", "tool_result", "thinking", "redacted_thinking"):
        block = dict(part)  # already Anthropic's (a history from ChatAnthropic)
    else:
        raise AkileConfigError(
            f"Claude cannot take a {kind!r} content part: send text, images or PDFs."
        )
    if "cache_control" in part:
        block["cache_control"] = part["cache_control"]
    return block


def _source(url: str) -> dict[str, Any]:
    if url.startswith("data:"):
        header, _, data = url.partition(",")
        media_type = header[len("data:") :].split(";")[0] or "application/octet-stream"
        return {"type": "base64", "media_type": media_type, "data": data}
    return {"type": "url", "url": url}


def _text_blocks(content: object) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    blocks = []
    for part in content if isinstance(content, list) else ():
        if isinstance(part, Mapping) and part.get("type") == "text":
            block = {"type": "text", "text": str(part.get("text", ""))}
            if "cache_control" in part:
                block["cache_control"] = part["cache_control"]
            blocks.append(block)
    return blocks


def _arguments(arguments: object) -> object:
    if isinstance(arguments, Mapping):
        return dict(arguments)
    try:
        parsed = json.loads(str(arguments or "{}"))
    except ValueError as exc:
        raise AkileConfigError(
            f"A tool call in the history has arguments that are not JSON ({exc}); Claude takes "
            "tool input as an object."
        ) from None
    return parsed if isinstance(parsed, dict) else {"input": parsed}


# -- tools, thinking, output -------------------------------------------------------------------


def to_tool(tool: Mapping[str, Any]) -> dict[str, Any]:
    """An OpenAI function tool as an Anthropic tool, its ``cache_control`` kept."""
    function = tool.get("function")
    if tool.get("type") != "function" or not isinstance(function, Mapping):
        return dict(tool)  # already Anthropic's, or a server tool
    out: dict[str, Any] = {
        "name": function.get("name"),
        "input_schema": function.get("parameters") or {"type": "object", "properties": {}},
    }
    if function.get("description"):
        out["description"] = function["description"]
    if "cache_control" in tool:
        out["cache_control"] = tool["cache_control"]
    return out


def to_tool_choice(choice: object, parallel: object = None) -> dict[str, Any] | None:
    """OpenAI's ``tool_choice`` as Anthropic's; ``parallel_tool_calls=False`` rides on it."""
    if choice is None and parallel is not False:
        return None
    if choice in (None, "auto"):
        out: dict[str, Any] = {"type": "auto"}
    elif choice in ("required", "any"):
        out = {"type": "any"}
    elif choice == "none":
        return {"type": "none"}
    elif isinstance(choice, Mapping):
        name = (choice.get("function") or {}).get("name") or choice.get("name")
        out = {"type": "tool", "name": name}
    else:
        raise AkileConfigError(f"Unsupported tool_choice {choice!r} for Claude.")
    if parallel is False:
        out["disable_parallel_tool_use"] = True
    return out


def _thinking(body: Mapping[str, Any], adaptive: bool) -> tuple[dict[str, Any] | None, str | None]:
    """The ``thinking`` field and the adaptive effort for ``reasoning_effort`` (or as given)."""
    given = body.get("thinking")
    if isinstance(given, Mapping):
        return dict(given), None
    effort = body.get("reasoning_effort")
    if effort is None or effort == "none":
        return None, None
    if adaptive:
        if effort not in ADAPTIVE_EFFORTS:
            raise AkileConfigError(
                f"Model {body['model']!r} thinks adaptively and takes effort "
                f"{', '.join(ADAPTIVE_EFFORTS)}; got {effort!r}."
            )
        return {"type": "adaptive"}, str(effort)
    budget = THINKING_BUDGET.get(str(effort))
    if budget is None:
        raise AkileConfigError(
            f"Model {body['model']!r} thinks within a token budget, which reasoning_effort "
            f"{', '.join(THINKING_BUDGET)} set; got {effort!r}."
        )
    return {"type": "enabled", "budget_tokens": budget}, None


def _max_tokens(
    body: Mapping[str, Any], max_output: int | None, thinking: Mapping[str, Any] | None
) -> int:
    budget = thinking.get("budget_tokens") if thinking else None
    given = body.get("max_tokens") or body.get("max_completion_tokens")
    if isinstance(given, int):
        if isinstance(budget, int) and given <= budget:
            raise AkileConfigError(
                f"max_tokens={given} must be larger than the thinking budget ({budget} tokens): "
                "Anthropic answers 400 otherwise. Raise max_tokens or lower the effort."
            )
        return given
    limit = max_output or DEFAULT_MAX_TOKENS
    default = min(limit, DEFAULT_MAX_TOKENS)
    if isinstance(budget, int) and default <= budget:
        default = min(limit, budget + DEFAULT_MAX_TOKENS)
        if default <= budget:
            raise AkileConfigError(
                f"The thinking budget ({budget} tokens) needs max_tokens above it, and this "
                f"model writes at most {limit} tokens: lower reasoning_effort."
            )
    return default


def _output_config(response_format: object, effort: str | None) -> dict[str, Any]:
    config: dict[str, Any] = {}
    if effort is not None:
        config["effort"] = effort
    if isinstance(response_format, Mapping) and response_format.get("type") == "json_schema":
        spec = response_format.get("json_schema") or {}
        schema = spec.get("schema") if isinstance(spec, Mapping) else None
        if isinstance(schema, Mapping):
            config["format"] = {"type": "json_schema", "schema": closed_schema(schema)}
    return config


def closed_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` with ``additionalProperties: false`` on every object.

    Anthropic requires it for structured output (400 otherwise; lfnovo/esperanto#273).
    """
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if isinstance(value, Mapping):
            out[key] = (
                {k: closed_schema(v) if isinstance(v, Mapping) else v for k, v in value.items()}
                if key in ("properties", "$defs", "definitions")
                else closed_schema(value)
            )
        elif isinstance(value, list):
            out[key] = [closed_schema(v) if isinstance(v, Mapping) else v for v in value]
        else:
            out[key] = value
    if out.get("type") == "object" or "properties" in out:
        out.setdefault("additionalProperties", False)
    return out
