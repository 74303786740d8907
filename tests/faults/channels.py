"""Fault-server channels that behave like new-api in front of Claude and Gemini upstreams.

A request whose ``model`` is one of ``LISTED`` is answered the way new-api's converter and the
upstream behind it would answer it (../shared/reference/gateway-families.md, section numbers
below), so the family rules can be checked end to end with real model names:

- Claude (``relay/channel/claude``, ``to_claude_messages_req.go``): ``response_format`` is never
  read, so the answer is prose (section 1); ``temperature`` and ``top_p`` are forwarded and
  Anthropic answers 400 when both arrive, and to any sampling parameter on Opus 4.7/4.8
  (section 4); ``reasoning_effort`` low/medium/high becomes ``thinking`` with a 1280/2048/4096
  budget, which Opus 4.7/4.8 refuse, and which needs ``temperature`` unset or 1 and ``max_tokens``
  above the budget (section 5a); ``tool_choice`` without tools is refused (section 2a); streamed
  tool calls carry Claude's content-block index, so the first call is index 1 after a text block
  and 2 after thinking and text (section 2b); each thinking signature arrives as a ``"\\n"``
  reasoning delta (section 5b); usage is sent by default (section 3).
- Gemini (``to_gemini_chat_req.go``, ``relay-gemini.go``): a ``json_schema`` goes to
  ``responseSchema`` with ``$ref`` unresolved, which Gemini answers with 400 (sections 1, 8);
  tool parameters pass an allow-list that removes ``$ref``/``$defs`` (section 2a); reasoning comes
  only from ``extra_body.google.thinking_config`` (camelCase keys are a 500), never from
  ``reasoning_effort`` (section 5a); each streamed tool call arrives whole, with a gateway-minted
  ``call_`` id, on a chunk that already says ``tool_calls`` (section 2b).

``/v1/models`` lists these models with the ``supported_endpoint_types`` new-api derives from the
channel type (section 9), including ``team-sonnet``: an admin's alias whose name says nothing
about its family.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tests.faults.server import USAGE, _end_sse, _send, _sse, _start_sse, answer_for

# The fault server's version header: new-api sends X-New-Api-Version on every response (section 10).
VERSION_HEADER = {"x-new-api-version": "v0.9.0-fault"}

LISTED: dict[str, str] = {
    "claude-sonnet-4-5": "claude",
    "claude-opus-4-8": "claude",
    "team-sonnet": "claude",
    "gemini-2.5-flash": "gemini",
    "gemini-3-pro-preview": "gemini",
}
# new-api common/endpoint_type.go GetEndpointTypesByChannelType (section 9).
ENDPOINT_TYPES = {"claude": ["anthropic", "openai"], "gemini": ["gemini", "openai"]}
MODEL_LIST = {
    "success": True,
    "object": "list",
    "data": [
        {
            "id": "ok",
            "object": "model",
            "owned_by": "custom",
            "supported_endpoint_types": ["openai"],
        }
    ]
    + [
        {
            "id": name,
            "object": "model",
            "owned_by": family,
            "supported_endpoint_types": ENDPOINT_TYPES[family],
        }
        for name, family in LISTED.items()
    ],
}

ADAPTIVE_ONLY = ("claude-opus-4-7", "claude-opus-4-8")
CLAUDE_BUDGETS = {"low": 1280, "medium": 2048, "high": 4096}
THOUGHT = "Let me think."


def _anthropic_400(message: str) -> dict[str, Any]:
    # An upstream Anthropic 400 as new-api relays it (section 8).
    return {
        "error": {"message": message, "type": "invalid_request_error", "param": "", "code": None}
    }


def claude_refusal(model: str, body: Mapping[str, Any]) -> str | None:
    """What Anthropic answers 400 to, after new-api's conversion; ``None`` if the body is fine."""
    sampling = [p for p in ("temperature", "top_p", "top_k") if body.get(p) is not None]
    effort = body.get("reasoning_effort")
    thinking = effort in CLAUDE_BUDGETS
    if model.startswith(ADAPTIVE_ONLY):
        if sampling:
            return f"`{sampling[0]}` is deprecated for this model."
        if thinking:
            return (
                "thinking.type.enabled is not supported for this model. "
                "Use thinking.type.adaptive and output_config.effort to control thinking behavior."
            )
    if body.get("temperature") is not None and body.get("top_p") is not None:
        return "`temperature` and `top_p` cannot both be specified for this model. Please use only one."
    if ("tool_choice" in body or "parallel_tool_calls" in body) and not body.get("tools"):
        return "tool_choice may only be specified while providing tools"
    if "tools" in body and not body["tools"]:
        # An empty tool list: OpenAI, vLLM and DashScope answer 400 (langchain-ai/langchain#37184,
        # #34907); new-api passes it on.
        return "[] is too short - 'tools'"
    choice = body.get("tool_choice")
    if thinking and (isinstance(choice, Mapping) or choice == "required"):
        # new-api maps these to Anthropic's {type: tool} / {type: any}, which thinking refuses
        # (shared/reference/claude-messages-and-thinking-rules.md; mastra-ai/mastra#7507).
        return "Thinking may not be enabled when tool_choice forces tool use."
    if thinking and any(
        m.get("role") == "assistant" and m.get("tool_calls") for m in body.get("messages") or ()
    ):
        # new-api's converter keeps no thinking signatures (section 5b), so the assistant turn
        # reaches Anthropic without its thinking block, which a thinking tool loop requires
        # (Kilo-Org/kilocode#5219; shared/reference/claude-messages-and-thinking-rules.md).
        return (
            "messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found "
            "`tool_use`. When `thinking` is enabled, a final `assistant` message must start with "
            "a thinking block."
        )
    if thinking:
        if body.get("temperature") not in (None, 1):
            return "`temperature` may only be set to 1 when thinking is enabled."
        max_tokens = body.get("max_completion_tokens") or body.get("max_tokens") or 8192
        if max_tokens <= CLAUDE_BUDGETS[str(effort)]:
            return "`max_tokens` must be greater than `thinking.budget_tokens`."
    return None


def sample_arguments(schema: Any) -> Any:
    """A value that fits ``schema`` as an upstream model would fill it (fields without a type
    become ``None``, the way a schema stripped of its ``$ref`` leaves them)."""
    if not isinstance(schema, Mapping):
        return None
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        return sample_arguments(schema["anyOf"][0])
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {k: sample_arguments(v) for k, v in (schema.get("properties") or {}).items()}
    return {"string": "echo", "integer": 1, "number": 1.5, "boolean": True, "array": []}.get(
        str(kind)
    )


def _strip_refs(schema: Any) -> Any:
    # Gemini's allow-list (CleanFunctionParameters, section 2a) removes $ref and $defs.
    if isinstance(schema, list):
        return [_strip_refs(item) for item in schema]
    if not isinstance(schema, Mapping):
        return schema
    return {k: _strip_refs(v) for k, v in schema.items() if k not in ("$ref", "$defs")}


def _has_ref(node: Any) -> bool:
    if isinstance(node, Mapping):
        return "$ref" in node or "$defs" in node or any(_has_ref(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_ref(v) for v in node)
    return False


def _called_tool(body: Mapping[str, Any]) -> dict[str, Any] | None:
    """The tool an upstream model calls: the named one, else the first; none for ``"none"``.

    After a tool's result, a model left to choose is done with tools: it answers, by the answer
    tool when one is offered (an agent's structured response), else in text.
    """
    tools = [t["function"] for t in body.get("tools") or [] if t.get("type") == "function"]
    choice = body.get("tool_choice")
    if not tools or choice == "none":
        return None
    if isinstance(choice, Mapping):
        name = choice.get("function", {}).get("name")
        return next((t for t in tools if t["name"] == name), None)
    if choice != "required" and (body.get("messages") or [{}])[-1].get("role") == "tool":
        return next((t for t in tools if t["name"] == "json_tool_call"), None)
    return tools[0]


def _message(model: str, content: str, reasoning: str, calls: list[dict[str, Any]]) -> Any:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if reasoning:
        message["reasoning_content"] = reasoning
    if calls:
        message["tool_calls"] = calls
    return {
        "id": "msg_fault",
        "object": "chat.completion",
        "model": model,
        "choices": [
            {"index": 0, "finish_reason": "tool_calls" if calls else "stop", "message": message}
        ],
        "usage": USAGE,
    }


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "msg_fault",
        "object": "chat.completion.chunk",
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        "usage": None,
    }


async def _finish(w: Any, body: Mapping[str, Any], scenario: str, reason: str) -> bool:
    """The finish chunk, then usage (sent unless the client said not to: section 3), [DONE]."""
    await _sse(w, _chunk(scenario, {}, reason))
    if (body.get("stream_options") or {}).get("include_usage", True):
        usage = {
            "id": "msg_fault",
            "object": "chat.completion.chunk",
            "choices": [],
            "usage": USAGE,
        }
        await _sse(w, usage)
    await _end_sse(w)
    return True


async def claude_channel(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    refusal = claude_refusal(scenario, body)
    if refusal is not None:
        await _send(w, 400, _anthropic_400(refusal), VERSION_HEADER)
        return True
    thinking = body.get("reasoning_effort") in CLAUDE_BUDGETS
    return await _answer(w, body, scenario, THOUGHT if thinking else "")


async def _answer(w: Any, body: Mapping[str, Any], scenario: str, reasoning: str) -> bool:
    """The model's answer: a call of the chosen tool, else the echo; streamed as new-api does."""
    tool = _called_tool(body)
    forced = isinstance(body.get("tool_choice"), Mapping) or body.get("tool_choice") == "required"
    text = "" if tool and forced else answer_for(body)  # response_format is never read
    arguments = json.dumps(sample_arguments(tool.get("parameters"))) if tool else ""
    if not body.get("stream"):
        calls = []
        if tool:
            function = {"name": tool["name"], "arguments": arguments}
            calls = [{"id": "toolu_01fault", "type": "function", "function": function}]
        await _send(w, 200, _message(scenario, text, reasoning, calls), VERSION_HEADER)
        return True
    await _start_sse(w)
    await _sse(w, _chunk(scenario, {"role": "assistant", "content": ""}))
    block = 0  # Claude's content-block index, which new-api passes on as the tool-call index
    if reasoning:
        await _sse(w, _chunk(scenario, {"reasoning_content": reasoning}))
        await _sse(w, _chunk(scenario, {"reasoning_content": "\n"}))  # the signature_delta
        block += 1
    if text:
        for start in range(0, len(text), 4):
            await _sse(w, _chunk(scenario, {"content": text[start : start + 4]}))
        block += 1
    if tool:
        opening = {"id": "toolu_01fault", "type": "function"}
        opening["function"] = {"name": tool["name"], "arguments": ""}  # type: ignore[assignment]
        await _sse(w, _chunk(scenario, {"tool_calls": [{"index": block, **opening}]}))
        half = len(arguments) // 2
        for part in (arguments[:half], arguments[half:]):
            fragment = {"index": block, "type": "function", "function": {"arguments": part}}
            await _sse(w, _chunk(scenario, {"tool_calls": [fragment]}))
    return await _finish(w, body, scenario, "tool_calls" if tool else "stop")


# Thinking models behind OpenAI-compatible channels (new-api passes thinking fields on): whether
# a call thinks, and the 400 each gives a forced tool choice while thinking (cited in
# integrations/akile_core/thinking.py).
THINKING_CHANNELS: dict[str, tuple[Any, str]] = {
    # DeepSeek V4 and Kimi K2.6 think unless thinking: {"type": "disabled"}.
    "deepseek-v4-flash": (
        lambda body: (body.get("thinking") or {}).get("type") != "disabled",
        "Thinking mode does not support this tool_choice",
    ),
    "kimi-k2.6": (
        lambda body: (body.get("thinking") or {}).get("type") != "disabled",
        "tool_choice specified is incompatible with thinking enabled",
    ),
    # Kimi K2 Thinking always thinks (no switch), and refuses forced tools like K2.6.
    "kimi-k2-thinking": (
        lambda body: True,
        "tool_choice specified is incompatible with thinking enabled",
    ),
    # Open Qwen3 models on DashScope think unless enable_thinking is false.
    "qwen3-235b-a22b": (
        lambda body: body.get("enable_thinking", True) is not False,
        "<400> InternalError.Algo.InvalidParameter: The tool_choice parameter does not support "
        "being set to required or object in thinking mode",
    ),
}


async def glm_channel(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    # Z.AI takes only tool_choice "auto" (vectorize-io/hindsight#4246).
    choice = body.get("tool_choice")
    if body.get("tools") and choice not in (None, "auto"):
        error = {"message": "Tool choice must be auto", "code": 400}
        await _send(w, 400, {"error": error}, VERSION_HEADER)
        return True
    if answer_for(body) == "echo: answer in text":  # a model that decides not to call the tool
        body = {**body, "tool_choice": "none"}
    return await _answer(w, body, scenario, "")


async def thinking_channel(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    thinks, refusal = THINKING_CHANNELS[scenario]
    schema = (body.get("response_format") or {}).get("type") == "json_schema"
    if scenario.startswith("deepseek") and schema:
        # DeepSeek refuses json_schema (llm-exe/llm-exe#662, UKGovernmentBEIS/inspect_ai#4916).
        error = {
            "message": "This response_format type is unavailable now",
            "type": "invalid_request_error",
        }
        await _send(w, 400, {"error": error}, VERSION_HEADER)
        return True
    if scenario.startswith("qwen3") and body.get("response_format") and thinks(body):
        # DashScope (presenton/presenton#184).
        message = "Json mode response is not supported when enable_thinking is true"
        await _send(w, 400, {"error": {"message": message, "type": "invalid_request_error"}})
        return True
    choice = body.get("tool_choice")
    forced = isinstance(choice, Mapping) or choice == "required"
    if thinks(body) and forced and body.get("tools"):
        error = {"message": refusal, "type": "invalid_request_error", "param": None, "code": None}
        await _send(w, 400, {"error": error}, VERSION_HEADER)
        return True
    if answer_for(body) == "echo: answer in text":  # a model that decides not to call the tool
        body = {**body, "tool_choice": "none"}
    return await _answer(w, body, scenario, THOUGHT if thinks(body) else "")


def gpt_refusal(model: str, body: Mapping[str, Any]) -> str | None:
    """OpenAI's 400 for function tools beside a reasoning effort on chat completions.

    gpt-5.4 and 5.5 refuse an effort other than "none" with tools (openai/openai-openapi#541,
    charmbracelet/crush#2913); gpt-5.6 applies a default effort, so tools need an explicit
    "none" (BerriAI/litellm#34569). new-api forwards reasoning_effort verbatim (section 5).
    """
    effort = body.get("reasoning_effort")
    if not body.get("tools") or effort == "none":
        return None
    if model.startswith("gpt-5.6"):
        return (
            f"Function tools with reasoning_effort are not supported for {model} in "
            "/v1/chat/completions. To use function tools, use /v1/responses or set "
            "reasoning_effort to 'none'."
        )
    if effort is not None:
        return (
            f"Function tools with reasoning_effort are not supported for {model} in "
            "/v1/chat/completions. Please use /v1/responses instead."
        )
    return None


async def gpt_channel(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    refusal = gpt_refusal(scenario, body)
    if refusal is not None:
        error = {"message": refusal, "type": "invalid_request_error", "param": "reasoning_effort"}
        await _send(w, 400, {"error": {**error, "code": None}}, VERSION_HEADER)
        return True
    return await _answer(w, body, scenario, "")


def _gemini_error(body: Mapping[str, Any]) -> tuple[int, dict[str, Any]] | None:
    response_format = body.get("response_format") or {}
    schema = (response_format.get("json_schema") or {}).get("schema")
    if response_format.get("type") == "json_schema" and _has_ref(schema):
        # Gemini's INVALID_ARGUMENT, relayed as new-api's upstream_error (section 8).
        message = (
            'Invalid JSON payload received. Unknown name "$ref" at '
            "'generation_config.response_schema': Cannot find field."
        )
        return 400, {
            "error": {"message": message, "type": "upstream_error", "param": "", "code": 400}
        }
    config = ((body.get("extra_body") or {}).get("google") or {}).get("thinking_config") or {}
    camel = [k for k in config if any(c.isupper() for c in k)]
    if camel:
        message = (
            f"unknown field {camel[0]!r} in extra_body.google.thinking_config (request id: fault)"
        )
        return 500, {
            "error": {"message": message, "type": "new_api_error", "code": "convert_request_failed"}
        }
    return None


async def gemini_channel(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    error = _gemini_error(body)
    if error is not None:
        await _send(w, error[0], error[1], VERSION_HEADER)
        return True
    config = ((body.get("extra_body") or {}).get("google") or {}).get("thinking_config") or {}
    reasoning = THOUGHT if config.get("include_thoughts") else ""  # reasoning_effort is ignored
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        text = json.dumps(sample_arguments(response_format["json_schema"].get("schema")))
    elif response_format.get("type") == "json_object":
        text = json.dumps({"answer": answer_for(body)})
    else:
        text = answer_for(body)
    tool = _called_tool(body)
    calls = []
    if tool:
        arguments = json.dumps(sample_arguments(_strip_refs(tool.get("parameters"))))
        function = {"name": tool["name"], "arguments": arguments}
        calls = [{"id": "call_6f1d0c2e", "type": "function", "function": function}]
        text = ""
    if not body.get("stream"):
        await _send(w, 200, _message(scenario, text, reasoning, calls), VERSION_HEADER)
        return True
    await _start_sse(w)
    if reasoning:
        await _sse(w, _chunk(scenario, {"role": "assistant", "reasoning_content": reasoning}))
    if calls:
        # The call arrives whole, on a chunk that already finishes with tool_calls.
        whole = [{"index": 0, **calls[0]}]
        await _sse(w, _chunk(scenario, {"role": "assistant", "tool_calls": whole}, "tool_calls"))
    else:
        for start in range(0, len(text), 5):
            await _sse(w, _chunk(scenario, {"content": text[start : start + 5]}))
    return await _finish(w, body, scenario, "tool_calls" if calls else "stop")


CHANNELS = {
    name: claude_channel if family == "claude" else gemini_channel
    for name, family in LISTED.items()
}


async def dashscope_embeddings(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    """DashScope's text-embedding-v3: at most 10 texts a request (mem0ai/mem0#6861)."""
    from tests.faults.server import embed_cap

    return await embed_cap(w, body, "embed-cap:dashscope:10", attempt, headers)


CHANNELS["text-embedding-v3"] = dashscope_embeddings
# OpenAI channels, passed through by new-api; not in the model list, which tests pin.
CHANNELS["gpt-5.4"] = gpt_channel
CHANNELS["gpt-5.6-terra"] = gpt_channel
CHANNELS.update({name: thinking_channel for name in THINKING_CHANNELS})
CHANNELS["glm-4.6"] = glm_channel
