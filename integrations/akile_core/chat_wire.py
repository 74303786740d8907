"""The chat-completions wire: ``POST /chat/completions`` and OpenAI's JSON and SSE shapes.

A wire is what differs between the gateway's protocols: the path, the body it takes, how an
answer and a stream event are read into the shared values (``Completion``, ``Delta``), and
how a failure hidden in an HTTP 200 is found. The gateway sends; the wire reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from akile_core.answer_tool import answer_from_tool
from akile_core.error_mapping import RequestErrors, raise_reported_error
from akile_core.error_table import ERROR_FINISH_BODY
from akile_core.families import Family
from akile_core.response import Completion, ToolCall, parse_completion
from akile_core.stream import Delta, StreamState


class ChatCompletionsWire:
    """OpenAI's chat completions, as new-api serves them for every family."""

    name = "chat_completions"
    path = "/chat/completions"

    def request_body(self, body: dict[str, Any]) -> dict[str, Any]:
        """The body to send: the adapters build this wire's shape, less two Claude fields.

        Claude's signed thinking blocks on assistant turns and cache marks on tools go only
        over ``/v1/messages``: an OpenAI-compatible upstream may refuse a field it does not
        know.
        """
        tools = body.get("tools")
        if tools and any("cache_control" in tool for tool in tools):
            body = {**body, "tools": [_without(tool, "cache_control") for tool in tools]}
        messages = body.get("messages")
        if not messages or not any("thinking_blocks" in m for m in messages):
            return body
        return {**body, "messages": [_without(m, "thinking_blocks") for m in messages]}

    def completion(
        self, data: object, errors: RequestErrors, answer_tool: str | None = None
    ) -> Completion:
        """A non-streamed answer, parsed; raise what it reports instead of an answer.

        ``answer_tool``: the request stood in for ``response_format`` with this tool
        (``akile_core.answer_tool``), whose call is the answer text.
        """
        completion = parse_completion(raise_reported_error(data, errors))
        return completion if answer_tool is None else answer_from_tool(completion, answer_tool)

    def start_stream(
        self, state: StreamState, family: Family, answer_tool: str | None = None
    ) -> None:
        r"""Prepare ``state`` for a stream from a model of ``family``.

        new-api's Claude converter turns a thinking block's signature into a lone ``"\n"``
        reasoning delta; ``StreamState`` holds it back on Claude streams only, since other
        families stream real newlines.
        """
        state.hold_lone_newline = family == "claude"
        state.answer_tool = answer_tool

    def check_called(self, calls: Sequence[ToolCall], tool: str, errors: RequestErrors) -> None:
        """Raise ``ToolNotCalledError`` unless ``calls`` hold ``tool`` (``"*"``: any tool)."""
        if not any(tool in ("*", call.name) for call in calls):
            raise errors.tool_not_called(tool)

    def delta(self, event: object, state: StreamState, errors: RequestErrors) -> Delta | None:
        """One stream event: raise the mapped error if it reports one, else what it adds."""
        delta = state.feed(raise_reported_error(event, errors, finish_check=False))
        if state.finish_reason == "error":  # read by feed already: no second look at choices
            raise errors.from_body(ERROR_FINISH_BODY)
        return delta


def _without(item: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k != key}


CHAT_COMPLETIONS = ChatCompletionsWire()
