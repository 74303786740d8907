"""The fault server's ``POST /v1/messages``: Claude's native wire as new-api relays it.

new-api (``relay/claude_handler.go``) passes the Anthropic body to the upstream nearly as it is,
so this channel answers as Anthropic does. Each rule cites where it was read
(shared/reference/claude-messages-and-thinking-rules.md gives the sources):

- ``temperature`` with ``top_p``: 400 on Sonnet 4.5+ (langfuse/langfuse#9882, iOfficeAI/AionUi#912);
- Opus 4.7/4.8: any sampling parameter is 400 "`<param>` is deprecated for this model."
  (TestPlanIt/testplanit#220), and ``thinking.type: enabled`` is 400, adaptive only
  (Sylinko/Everywhere#410); their thinking blocks come back with empty text and a signature
  (display "omitted", anthropics/claude-code#49268);
- thinking with a forced tool choice: 400 "Thinking may not be enabled when tool_choice forces tool
  use." (mastra-ai/mastra#7507);
- a thinking tool loop whose last assistant turn with ``tool_use`` does not start with the
  thinking block returned earlier: 400 "Expected `thinking` or `redacted_thinking`, but found
  `tool_use`" (Kilo-Org/kilocode#5219); an altered block: 400 "Invalid `signature` in `thinking`
  block" (anthropics/claude-code#10627). Signatures here are a hash of the thinking text;
- prompt caching: more than 4 ``cache_control`` blocks is 400 (tghamm/Anthropic.SDK#50); the
  prefix up to the last mark is written on first sight (``cache_creation_input_tokens``) and read
  after (``cache_read_input_tokens``), beside ``input_tokens`` that exclude both;
- ``output_config.format``: a JSON answer to the schema, and 400 when an object lacks
  ``additionalProperties: false`` (lfnovo/esperanto#273);
- errors in Anthropic's shape, ``{"type": "error", "error": {"type", "message"}}``: a prompt
  ``overloaded`` gets HTTP 529 ``overloaded_error``; in a stream, ``error mid-stream`` gets an
  ``event: error`` after some text, and ``no message_stop`` ends the body without it.

A deployment prefix ``/no-messages`` plays a gateway without the route: 404 "Invalid URL (POST
/v1/messages)", new-api's answer to an unknown path (``router/relay-router.go`` NoRoute).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from tests.faults.channels import VERSION_HEADER, sample_arguments
from tests.faults.server import _raw_chunk, _send, _start_sse

ADAPTIVE_ONLY = ("claude-opus-4-7", "claude-opus-4-8")
THOUGHT = "Let me think."
_cached_prefixes: set[str] = set()


def signature_of(thinking: str) -> str:
    return "sig-" + hashlib.sha256(thinking.encode()).hexdigest()[:24]


def error_body(kind: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}}


def last_user_text(body: Mapping[str, Any]) -> str:
    for message in reversed(body.get("messages") or ()):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            return content
        texts = [b.get("text", "") for b in content if b.get("type") == "text"]
        if texts:
            return str(texts[-1])
        results = [b for b in content if b.get("type") == "tool_result"]
        if results:
            return "tool said " + json.dumps(results[-1].get("content"), ensure_ascii=False)
    return ""


def refusal(model: str, body: Mapping[str, Any]) -> str | None:
    """What Anthropic answers 400 to; ``None`` if the body is fine."""
    sampling = [p for p in ("temperature", "top_p", "top_k") if body.get(p) is not None]
    thinking = body.get("thinking") or {}
    if model.startswith(ADAPTIVE_ONLY):
        if sampling:
            return f"`{sampling[0]}` is deprecated for this model."
        if thinking.get("type") == "enabled":
            return (
                '"thinking.type.enabled" is not supported for this model. Use '
                '"thinking.type.adaptive" and "output_config.effort" to control thinking behavior.'
            )
    if body.get("temperature") is not None and body.get("top_p") is not None:
        return "`temperature` and `top_p` cannot both be specified for this model. Please use only one."
    choice = body.get("tool_choice") or {}
    if thinking and choice.get("type") in ("any", "tool"):
        return "Thinking may not be enabled when tool_choice forces tool use."
    marks = _cache_marks(body)
    if marks > 4:
        return f"A maximum of 4 blocks with cache_control may be provided. Found {marks}."
    schema = ((body.get("output_config") or {}).get("format") or {}).get("schema")
    if schema is not None and not _closed(schema):
        return (
            "output_config.format.schema: For 'object' type, 'additionalProperties' must be "
            "explicitly set to false"
        )
    if thinking:
        return _thinking_history_refusal(body)
    return None


def _thinking_history_refusal(body: Mapping[str, Any]) -> str | None:
    messages = list(body.get("messages") or ())
    for index in range(len(messages) - 1, -1, -1):
        message = messages[index]
        content = message.get("content")
        if message.get("role") != "assistant" or not isinstance(content, list):
            continue
        if not any(block.get("type") == "tool_use" for block in content):
            return None
        first = content[0]
        if first.get("type") not in ("thinking", "redacted_thinking"):
            return (
                f"messages.{index}.content.0.type: Expected `thinking` or `redacted_thinking`, "
                f"but found `{first.get('type')}`. When `thinking` is enabled, a final "
                "`assistant` message must start with a thinking block."
            )
        if first.get("type") == "thinking" and (
            "thinking" not in first
            or first.get("signature") != signature_of(str(first["thinking"]))
        ):
            return f"messages.{index}.content.0: Invalid `signature` in `thinking` block"
        return None
    return None


def _cache_marks(body: Mapping[str, Any]) -> int:
    count = sum(1 for tool in body.get("tools") or () if "cache_control" in tool)
    system = body.get("system")
    if isinstance(system, list):
        count += sum(1 for block in system if "cache_control" in block)
    for message in body.get("messages") or ():
        content = message.get("content")
        if isinstance(content, list):
            count += sum(1 for block in content if "cache_control" in block)
    return count


def _closed(schema: Any) -> bool:
    if isinstance(schema, list):
        return all(_closed(item) for item in schema)
    if not isinstance(schema, Mapping):
        return True
    if schema.get("type") == "object" and schema.get("additionalProperties") is not False:
        return False
    return all(_closed(value) for value in schema.values())


def usage_for(body: Mapping[str, Any], output_tokens: int) -> dict[str, Any]:
    """Tokens as Anthropic counts them: a prefix up to the last cache mark is cached."""
    prompt = json.dumps(
        [body.get("system"), body.get("tools"), body.get("messages")], ensure_ascii=False
    )
    total = max(1, len(prompt) // 4)
    usage = {"input_tokens": total, "output_tokens": output_tokens}
    prefix = _cached_prefix(body)
    if prefix is not None:
        size = max(1, len(prefix) // 4)
        key = str(body.get("model")) + prefix
        usage["input_tokens"] = max(1, total - size)
        if key in _cached_prefixes:
            usage["cache_read_input_tokens"], usage["cache_creation_input_tokens"] = size, 0
        else:
            _cached_prefixes.add(key)
            usage["cache_read_input_tokens"], usage["cache_creation_input_tokens"] = 0, size
    return usage


def _cached_prefix(body: Mapping[str, Any]) -> str | None:
    parts: list[Any] = []
    found: str | None = None
    sequence: list[Any] = list(body.get("tools") or ())
    system = body.get("system")
    sequence += system if isinstance(system, list) else [system]
    for message in body.get("messages") or ():
        content = message.get("content")
        sequence += content if isinstance(content, list) else [content]
    for block in sequence:
        parts.append(block)
        if isinstance(block, Mapping) and "cache_control" in block:
            found = json.dumps(parts, ensure_ascii=False, sort_keys=True)
    return found


def answer_blocks(model: str, body: Mapping[str, Any]) -> tuple[list[dict[str, Any]], str]:
    """The content blocks of the answer, and its stop reason."""
    blocks: list[dict[str, Any]] = []
    if body.get("thinking"):
        # Opus 4.7+ omit the thinking text by default and still sign the block.
        thought = "" if model.startswith(ADAPTIVE_ONLY) else THOUGHT
        blocks.append({"type": "thinking", "thinking": thought, "signature": signature_of(thought)})
    choice = body.get("tool_choice") or {"type": "auto"}
    tools = [t for t in body.get("tools") or () if "input_schema" in t]
    last = (body.get("messages") or [{}])[-1]
    after_result = isinstance(last.get("content"), list) and any(
        b.get("type") == "tool_result" for b in last["content"]
    )
    if tools and choice.get("type") != "none" and not after_result:
        named = [t for t in tools if t["name"] == choice.get("name")] if choice.get("name") else []
        tool = (named or tools)[0]
        arguments = sample_arguments(tool.get("input_schema")) or {}
        blocks.append(
            {"type": "tool_use", "id": "toolu_01native", "name": tool["name"], "input": arguments}
        )
        return blocks, "tool_use"
    schema = ((body.get("output_config") or {}).get("format") or {}).get("schema")
    if schema is not None:
        text = json.dumps(sample_arguments(schema), ensure_ascii=False)
    else:
        text = "echo: " + last_user_text(body)
    blocks.append({"type": "text", "text": text})
    return blocks, "end_turn"


async def messages(w: Any, path: str, body: dict[str, Any]) -> bool:
    """Answer ``POST .../v1/messages`` as the deployment in ``path`` does."""
    if path.startswith("/no-messages/"):
        invalid = {
            "error": {
                "message": "Invalid URL (POST /v1/messages)",
                "type": "invalid_request_error",
                "param": "",
                "code": "",
            }
        }
        await _send(w, 404, invalid)
        return True
    model = str(body.get("model"))
    prompt = last_user_text(body)
    if prompt == "overloaded":
        await _send(w, 529, error_body("overloaded_error", "Overloaded"), VERSION_HEADER)
        return True
    problem = refusal(model, body)
    if problem is not None:
        await _send(w, 400, error_body("invalid_request_error", problem), VERSION_HEADER)
        return True
    blocks, stop = answer_blocks(model, body)
    output_tokens = sum(len(json.dumps(b)) // 8 for b in blocks) or 1
    message = {
        "id": "msg_01native",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": blocks,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": usage_for(body, output_tokens),
    }
    if not body.get("stream"):
        await _send(w, 200, message, VERSION_HEADER)
        return True
    return await _stream(w, message, prompt)


async def _event(w: Any, kind: str, data: Mapping[str, Any]) -> None:
    payload = f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()
    await _raw_chunk(w, payload)


async def _stream(w: Any, message: dict[str, Any], prompt: str) -> bool:
    await _start_sse(w)
    usage = message["usage"]
    start = {**message, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
    await _event(w, "message_start", {"type": "message_start", "message": start})
    await _event(w, "ping", {"type": "ping"})
    for index, block in enumerate(message["content"]):
        await _block(w, index, block)
        if prompt == "error mid-stream":
            failure = error_body("overloaded_error", "Overloaded")
            await _event(w, "error", failure)
            w.write(b"0\r\n\r\n")
            await w.drain()
            return True
    delta = {"stop_reason": message["stop_reason"], "stop_sequence": None}
    await _event(
        w,
        "message_delta",
        {
            "type": "message_delta",
            "delta": delta,
            "usage": {"output_tokens": usage["output_tokens"]},
        },
    )
    if prompt != "no message_stop":
        await _event(w, "message_stop", {"type": "message_stop"})
    w.write(b"0\r\n\r\n")
    await w.drain()
    return True


async def _block(w: Any, index: int, block: Mapping[str, Any]) -> None:
    kind = block["type"]
    if kind == "thinking":
        opening = {"type": "thinking", "thinking": ""}
    elif kind == "text":
        opening = {"type": "text", "text": ""}
    else:
        opening = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
    start = {"type": "content_block_start", "index": index, "content_block": opening}
    await _event(w, "content_block_start", start)
    if kind == "thinking":
        pieces = (
            [{"type": "thinking_delta", "thinking": block["thinking"]}] if block["thinking"] else []
        )
        pieces.append({"type": "signature_delta", "signature": block["signature"]})
    elif kind == "text":
        text = block["text"]
        pieces = [{"type": "text_delta", "text": text[i : i + 5]} for i in range(0, len(text), 5)]
    else:
        arguments = json.dumps(block["input"], ensure_ascii=False)
        half = len(arguments) // 2
        pieces = [
            {"type": "input_json_delta", "partial_json": part}
            for part in (arguments[:half], arguments[half:])
        ]
    for piece in pieces:
        await _event(
            w,
            "content_block_delta",
            {"type": "content_block_delta", "index": index, "delta": piece},
        )
    await _event(w, "content_block_stop", {"type": "content_block_stop", "index": index})
