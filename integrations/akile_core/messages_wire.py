"""Claude's native wire: the gateway's ``POST /v1/messages`` (new-api ``relay/claude_handler.go``).

What chat completions lose on Claude's way through new-api's converter survives here: thinking
blocks with their signatures (so a thinking tool loop completes), ``cache_control`` (prompt
caching), and ``output_config`` (native structured output). The body is converted by
``akile_core.messages_request``, the answers by ``akile_core.messages_response`` into the shapes
the chat-completions wire produces, so the adapters read one set of values from both wires.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from akile_core.answer_tool import answer_from_tool
from akile_core.error_mapping import RequestErrors, raise_reported_error
from akile_core.facts_changed import on_facts_changed
from akile_core.families import Family
from akile_core.messages_request import messages_body
from akile_core.messages_response import EventTranslator, completion_dict
from akile_core.response import Completion, ToolCall, parse_completion
from akile_core.stream import Delta, StreamState


class MessagesWire:
    """Anthropic's Messages API, as new-api serves it for Claude channels."""

    name = "messages"
    path = "/messages"

    def request_body(self, body: dict[str, Any]) -> dict[str, Any]:
        """The Anthropic body for the adapters' chat-completions-shaped ``body``."""
        max_output, adaptive = model_limits(str(body["model"]))
        return messages_body(body, max_output=max_output, adaptive=adaptive)

    def completion(
        self, data: object, errors: RequestErrors, answer_tool: str | None = None
    ) -> Completion:
        """A non-streamed answer, parsed; raise what it reports instead of an answer."""
        message = raise_reported_error(data, errors)
        completion = parse_completion(completion_dict(message))
        return completion if answer_tool is None else answer_from_tool(completion, answer_tool)

    def start_stream(
        self, state: StreamState, family: Family, answer_tool: str | None = None
    ) -> None:
        """Prepare ``state`` for Anthropic events (signatures arrive as such: nothing held)."""
        state.events = EventTranslator()
        state.answer_tool = answer_tool

    def check_called(self, calls: Sequence[ToolCall], tool: str, errors: RequestErrors) -> None:
        """Raise ``ToolNotCalledError`` unless ``calls`` hold ``tool`` (``"*"``: any tool)."""
        if not any(tool in ("*", call.name) for call in calls):
            raise errors.tool_not_called(tool)

    def delta(self, event: object, state: StreamState, errors: RequestErrors) -> Delta | None:
        """One Anthropic event: raise an ``error`` event, else what it adds to the answer."""
        event = raise_reported_error(event, errors, finish_check=False)
        if not isinstance(event, dict):
            return state.feed(event)  # not an object: StreamState says so
        chunk = state.events.chunk(event)
        return None if chunk is None else state.feed(chunk)


@functools.lru_cache(maxsize=1024)
def model_limits(model: str) -> tuple[int | None, bool]:
    """The model's output limit and whether it thinks only adaptively, from the model table.

    Cached until model facts change (``facts_changed``), as the rules are.
    """
    from akile_core.profiles import resolve
    from akile_core.rules import rules_of

    spec = resolve(model).spec
    return (spec.max_output_tokens if spec is not None else None), rules_of(model).adaptive_only


@on_facts_changed
def _forget_limits() -> None:
    model_limits.cache_clear()


MESSAGES = MessagesWire()
