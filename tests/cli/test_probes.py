"""How the doctor reads answers, and which facts it saves: the pure parts, case by case."""

from __future__ import annotations

import base64

import pytest

from akile_cli.findings import facts_from, structured_method
from akile_cli.probes import (
    Finding,
    Outcome,
    answered,
    called,
    capped_at,
    error_status,
    json_object,
    probes,
    read,
    red_png,
)
from akile_core import BadRequestError, ServerError
from akile_core.response import ToolCall, Usage


def test_an_empty_answer_is_a_failure_never_ok() -> None:
    assert answered(Outcome(text="  ")) == ("failed", "HTTP 200 with an empty answer")
    assert answered(Outcome(text="OK"))[0] == "ok"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ('{"capital": "Paris"}', "ok"),
        ('```json\n{"capital": "Paris"}\n```', "ignored"),  # the prompt's doing, not the format's
        ("The capital is Paris.", "ignored"),
        ('{"city": "Paris"}', "ignored"),  # JSON, but not the schema's
    ],
)
def test_json_answers(text: str, status: str) -> None:
    assert json_object(("capital",))(Outcome(text=text))[0] == status


def test_tool_calls_are_read_with_their_arguments() -> None:
    call = ToolCall(id="1", name="get_weather", arguments='{"city": "Paris"}')
    assert called("get_weather")(Outcome(tool_calls=(call,)))[0] == "ok"
    assert called("get_weather", at_least=2)(Outcome(tool_calls=(call,)))[0] == "no"
    broken = ToolCall(id="1", name="get_weather", arguments='{"city": ')
    assert called()(Outcome(tool_calls=(broken,)))[0] == "failed"
    assert called()(Outcome(text="It is sunny."))[0] == "no"


def test_a_cap_is_checked_against_usage() -> None:
    assert capped_at(5)(Outcome(text="x", usage=Usage(3, 5, 8)))[0] == "ok"
    assert capped_at(5)(Outcome(text="x", usage=Usage(3, 9, 12)))[0] == "ignored"


def test_errors_are_rejections_or_failures() -> None:
    refused = BadRequestError("bad", status_code=400, body={"error": {"message": "no seed"}})
    assert read(Outcome(error=refused), answered) == ("rejected", "HTTP 400: no seed")
    assert error_status(ServerError("image input is not supported", status_code=500)) == "rejected"
    assert error_status(ServerError("upstream overloaded", status_code=502)) == "failed"


def test_every_probe_is_small() -> None:
    plan = probes(reasoning_max_tokens=1400)
    assert len({p.key for p in plan}) == len(plan) == 22
    assert plan[0].key == "chat"  # the others mean nothing if it fails
    for probe in plan:
        limit = probe.request("m").get("max_tokens", probe.body.get("max_completion_tokens"))
        assert limit is not None and limit <= (1400 if probe.key == "reasoning_effort" else 64)


def test_the_probe_image_is_a_png() -> None:
    raw = base64.b64decode(red_png().split(",", 1)[1])
    assert raw.startswith(b"\x89PNG\r\n\x1a\n") and b"IEND" in raw


def findings(**status: str) -> list[Finding]:
    return [Finding(k, k, v) for k, v in status.items()]


def test_facts_only_from_what_was_shown() -> None:
    plan = probes(256)
    assert facts_from(findings(chat="ok"), plan, frozenset({"text"}), None) == {}
    facts = facts_from(
        findings(
            temperature="ok",
            top_p="ok",
            temperature_top_p="rejected",
            tools="ok",
            json_schema="ignored",
            seed="rejected",
            logprobs="rejected",
            image="rejected",
        ),
        plan,
        frozenset({"text", "image"}),
        "claude",
    )
    assert facts == {
        "structured_output": "function_calling",
        "temperature_with_top_p": False,
        "tool_calling": True,
        "inputs": ["text"],
        "rejected_params": ["seed", "logprobs", "top_logprobs"],
        "family": "claude",
    }
    assert facts_from(findings(temperature="rejected"), plan, frozenset(), None) == {
        "temperature": False
    }


def test_the_best_structured_method_that_worked() -> None:
    assert structured_method({"json_schema": "ok", "tools": "ok"}) == "json_schema"
    assert structured_method({"json_schema": "ignored", "json_object": "ok"}) == "json_mode"
    assert structured_method({"json_schema": "ignored", "json_object": "ok", "tools": "ok"}) == (
        "function_calling"
    )
    assert structured_method({}) is None


@pytest.mark.parametrize(
    ("detail", "saved"),
    [
        # The upstreams' refusals of a forced tool while thinking (akile_core/thinking.py).
        ("HTTP 400: Thinking mode does not support this tool_choice", False),
        ("HTTP 400: tool_choice specified is incompatible with thinking enabled", False),
        ("HTTP 400: ... does not support being set to required or object in thinking mode", False),
        ("HTTP 500: The model produced output that does not match", None),  # another reason
    ],
)
def test_a_forced_tool_refused_for_thinking_is_saved(detail: str, saved: bool | None) -> None:
    found = [Finding("tool_choice_required", "t", "rejected", detail)]
    facts = facts_from(found, probes(256), frozenset(), None)
    assert facts.get("forced_tool_while_thinking") is saved
