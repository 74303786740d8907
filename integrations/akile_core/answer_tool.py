"""``response_format`` on a channel that discards it: asked for as a tool, answered as text.

new-api's Claude converter never reads ``response_format`` (gateway-families.md section 1), so
a JSON schema sent there comes back as prose, and LangChain's ``create_agent`` sends exactly
that whenever a model's name is on its list of native structured-output models. Instead of
refusing, the request carries the schema as the parameters of one extra tool, the *answer
tool*, and the model is made to call it (or, beside an agent's own tools, offered it); the call's
arguments are then returned as the message text, as a native answer would be, and the tool never
shows among the tool calls. LiteLLM answers ``response_format`` for Anthropic the same way
(``litellm/constants.py`` ``RESPONSE_FORMAT_TOOL_NAME``, whose name this module shares).

Everything here is a small pure function over OpenAI-shaped dicts and the parsed values.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from akile_core.response import Choice, Completion

ANSWER_TOOL = "json_tool_call"
# The description doubles as the mark that a tool is ours: a user's own tool that happens to be
# named json_tool_call is left alone.
ANSWER_TOOL_DESCRIPTION = (
    "Give your final answer by calling this function; its arguments are the answer, in exactly "
    "this structure."
)
_OPEN_OBJECT = {"type": "object", "additionalProperties": True}


def answer_tool(response_format: Mapping[str, Any]) -> dict[str, Any]:
    """The tool that stands for ``response_format`` (``json_schema``, or ``json_object``)."""
    spec = (
        response_format.get("json_schema") if response_format.get("type") == "json_schema" else None
    )
    schema = spec.get("schema") if isinstance(spec, Mapping) else None
    function: dict[str, Any] = {
        "name": ANSWER_TOOL,
        "description": ANSWER_TOOL_DESCRIPTION,
        "parameters": dict(schema) if isinstance(schema, Mapping) else dict(_OPEN_OBJECT),
    }
    return {"type": "function", "function": function}


def with_answer_tool(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with its ``response_format`` replaced by the answer tool.

    Alone, the tool is forced with ``tool_choice="required"``: with one tool that is the same as
    naming it, and every server takes it (llama.cpp treats a named choice as ``auto``; new-api
    maps ``required`` to Anthropic's ``any``), so the answer is always the structure.
    Beside other tools (an agent's), it is offered without forcing, so the model may still call
    the real tools first; a ``tool_choice`` the caller set is kept.
    """
    shaped = {key: value for key, value in body.items() if key != "response_format"}
    tools = list(body.get("tools") or ())
    shaped["tools"] = [*tools, answer_tool(body["response_format"])]
    if not tools:
        shaped["tool_choice"] = "required"
        shaped.pop("parallel_tool_calls", None)
    return shaped


def answer_tool_in(body: Mapping[str, Any]) -> str | None:
    """:data:`ANSWER_TOOL` if ``body`` carries the answer tool (as the last tool), else ``None``."""
    tools = body.get("tools")
    if not tools:
        return None
    function = tools[-1].get("function") if isinstance(tools[-1], Mapping) else None
    if (
        isinstance(function, Mapping)
        and function.get("name") == ANSWER_TOOL
        and function.get("description") == ANSWER_TOOL_DESCRIPTION
    ):
        return ANSWER_TOOL
    return None


def answer_from_tool(completion: Completion, tool: str = ANSWER_TOOL) -> Completion:
    """The completion with each call of the answer tool turned into the message text."""
    return dataclasses.replace(
        completion, choices=tuple(_choice_answered(choice, tool) for choice in completion.choices)
    )


def _choice_answered(choice: Choice, tool: str) -> Choice:
    answers = [call for call in choice.tool_calls if call.name == tool]
    if not answers:
        return choice
    others = tuple(call for call in choice.tool_calls if call.name != tool)
    finish = choice.finish_reason
    if not others and finish == "tool_calls":
        finish = "stop"  # what a native structured answer finishes with
    return dataclasses.replace(
        choice,
        content=answers[0].arguments or "{}",
        tool_calls=others,
        finish_reason=finish,
    )
