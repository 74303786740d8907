"""From the doctor's findings to model facts the library acts on (``--save``): pure functions.

Only facts a probe showed are written; what no probe could decide stays as the table says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from akile_cli.probes import OK, REJECTED, Finding, Probe


def facts_from(
    findings: Sequence[Finding],
    probes: Sequence[Probe],
    table_inputs: frozenset[str],
    family: str | None,
) -> dict[str, Any]:
    """``ModelSpec`` facts the findings prove (see ``akile_core.profiles``)."""
    status = {f.key: f.status for f in findings}
    facts: dict[str, Any] = {}
    structured = structured_method(status)
    if structured is not None:
        facts["structured_output"] = structured
    if status.get("temperature") == REJECTED:
        facts["temperature"] = False
    elif status.get("temperature") == OK and status.get("top_p") == OK:
        together = status.get("temperature_top_p")
        if together in (OK, REJECTED):
            facts["temperature_with_top_p"] = together == OK
    if status.get("tools") == OK or status.get("tool_choice_named") == OK:
        facts["tool_calling"] = True
    elif status.get("tools") == REJECTED:
        facts["tool_calling"] = False
    if status.get("reasoning_effort") == OK:
        facts["reasoning"] = True
    forced = forced_tool_while_thinking(findings)
    if forced is not None:
        facts["forced_tool_while_thinking"] = forced
    if status.get("image") == OK:
        facts["inputs"] = sorted(table_inputs | {"text", "image"})
    elif status.get("image") == REJECTED:
        facts["inputs"] = sorted((table_inputs or {"text"}) - {"image"})
    rejected = [
        param
        for probe in probes
        if status.get(probe.key) == REJECTED and probe.key != "temperature"  # temperature=False
        for param in probe.params
    ]
    if rejected:
        facts["rejected_params"] = rejected
    if status.get("messages") in (OK, REJECTED):
        facts["messages_endpoint"] = status["messages"] == OK
    if family is not None:
        facts["family"] = family
    return facts


def forced_tool_while_thinking(findings: Sequence[Finding]) -> bool | None:
    """``False`` when a forced tool probe was refused because the model thinks, else unknown.

    DeepSeek V4 says "Thinking mode does not support this tool_choice", Kimi "incompatible with
    thinking enabled", DashScope "in thinking mode". Only the refusal is recorded: it is what
    changes the requests (``akile_core.rules``); a channel that takes a forced tool needs no fact.
    """
    forced = [f for f in findings if f.key in ("tool_choice_required", "tool_choice_named")]
    if any(f.status == REJECTED and "think" in f.detail.lower() for f in forced):
        return False
    return None


def structured_method(status: Mapping[str, str]) -> str | None:
    """The structured-output method that worked, best first (``None``: none was shown)."""
    if status.get("json_schema") == OK:
        return "json_schema"
    if status.get("tools") == OK or status.get("tool_choice_named") == OK:
        return "function_calling"
    if status.get("json_object") == OK:
        return "json_mode"
    return None
