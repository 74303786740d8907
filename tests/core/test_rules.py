"""Family rules: what is left out of a body, and why (sources in akile_core/rules.py)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from akile_core import AkileConfigError
from akile_core.answer_tool import ANSWER_TOOL
from akile_core.families import forget_learned_families, learn_families
from akile_core.model_listing import listed_models
from akile_core.profiles import (
    clear_registered_profiles,
    family_of,
    register_model_profile,
    resolve,
)
from akile_core.rules import apply_rules, rules_for
from akile_core.schemas import inline_schema


def sent(model: str, body: dict[str, Any]) -> tuple[set[str], set[str]]:
    out, dropped = shaped(model, body)
    return set(out) - {"model"}, {param for param, _ in dropped}


def shaped(model: str, body: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    return apply_rules({"model": model, **body}, rules_for(model, resolve(model)))


@pytest.mark.parametrize(
    ("model", "body", "kept", "dropped"),
    [
        # Opus 4.7/4.8 take no sampling parameters at all.
        (
            "claude-opus-4-8",
            {"temperature": 0.2, "top_p": 0.9, "max_tokens": 5},
            {"max_tokens"},
            {"temperature", "top_p"},
        ),
        # Other Claude models: temperature or top_p, not both; the temperature stays.
        ("claude-sonnet-4-5", {"temperature": 0.2, "top_p": 0.9}, {"temperature"}, {"top_p"}),
        ("claude-sonnet-4-5", {"top_p": 0.9}, {"top_p"}, set()),
        ("gpt-4o", {"temperature": 0.2, "top_p": 0.9}, {"temperature", "top_p"}, set()),
        ("my-finetune", {"temperature": 0.2, "top_p": 0.9}, {"temperature", "top_p"}, set()),
        # Tool options without tools, for every family.
        (
            "gpt-4o",
            {"tool_choice": "auto", "parallel_tool_calls": False},
            set(),
            {"tool_choice", "parallel_tool_calls"},
        ),
        (
            "gpt-4o",
            {"tools": [{"type": "function"}], "tool_choice": "auto"},
            {"tools", "tool_choice"},
            set(),
        ),
    ],
)
def test_rules(model: str, body: dict[str, Any], kept: set[str], dropped: set[str]) -> None:
    assert sent(model, body) == (kept, dropped)


# -- reasoning_effort per family (akile_core/reasoning.py) ------------------------------------


@pytest.mark.parametrize(
    ("model", "body", "expected", "dropped"),
    [
        # Claude before 4.7: the gateway maps low/medium/high to a thinking budget; Anthropic
        # then refuses sampling parameters, so they go (with a warning).
        (
            "claude-sonnet-4-5",
            {"reasoning_effort": "high", "temperature": 0.3, "max_tokens": 8000},
            {"reasoning_effort": "high", "max_tokens": 8000},
            {"temperature"},
        ),
        # Gemini 2.x ignores reasoning_effort: a thinking budget in extra_body instead.
        (
            "gemini-2.5-flash",
            {"reasoning_effort": "low"},
            {
                "extra_body": {
                    "google": {
                        "thinking_config": {"thinking_budget": 1024, "include_thoughts": True}
                    }
                }
            },
            set(),
        ),
        # Gemini 3: a thinking level; what the caller set in extra_body by hand wins.
        (
            "gemini-3-flash-preview",
            {
                "reasoning_effort": "high",
                "extra_body": {"google": {"thinking_config": {"include_thoughts": False}}},
            },
            {
                "extra_body": {
                    "google": {
                        "thinking_config": {"thinking_level": "high", "include_thoughts": False}
                    }
                }
            },
            set(),
        ),
        # OpenAI-compatible channels forward it verbatim.
        ("deepseek-v4-pro", {"reasoning_effort": "max"}, {"reasoning_effort": "max"}, set()),
        ("gpt-5", {"reasoning_effort": "minimal"}, {"reasoning_effort": "minimal"}, set()),
        ("my-finetune", {"reasoning_effort": "low"}, {"reasoning_effort": "low"}, set()),
    ],
)
def test_reasoning_effort_is_sent_the_way_the_family_understands(
    model: str, body: dict[str, Any], expected: dict[str, Any], dropped: set[str]
) -> None:
    out, gone = shaped(model, body)
    assert out == {"model": model, **expected}
    assert {param for param, _ in gone} == dropped


@pytest.mark.parametrize(
    ("model", "body", "message"),
    [
        # Opus 4.7+: reasoning_effort becomes thinking.type=enabled, which it answers with 400.
        ("claude-opus-4-8", {"reasoning_effort": "high"}, "claude-opus-4-8-high"),
        # Claude: the gateway ignores every level but low/medium/high.
        ("claude-sonnet-4-6", {"reasoning_effort": "max"}, "would ignore 'max' silently"),
        # Anthropic needs max_tokens above the budget (4096 for high).
        (
            "claude-sonnet-4-5",
            {"reasoning_effort": "high", "max_tokens": 1000},
            "max_tokens=1000 must be larger",
        ),
        # The table lists the model's levels.
        ("gpt-5", {"reasoning_effort": "xhigh"}, "takes reasoning_effort minimal, low"),
        # The table knows the model and it does not reason.
        ("gpt-4o", {"reasoning_effort": "low"}, "does not reason"),
        ("gpt-5", {"reasoning_effort": "extreme"}, "must be one of"),
        ("gemini-2.5-pro", {"reasoning_effort": "xhigh"}, "thinks by budget"),
    ],
)
def test_reasoning_effort_that_would_fail_or_be_ignored_is_refused(
    model: str, body: dict[str, Any], message: str
) -> None:
    with pytest.raises(AkileConfigError, match=re.escape(message)):
        shaped(model, body)


# -- Gemini: inlined schemas (akile_core/schemas.py) ------------------------------------------

NESTED = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Person",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "address": {"$ref": "#/$defs/Address", "description": "where they live"},
        "kind": {"const": "person"},
        "pet": {"oneOf": [{"$ref": "#/$defs/Address"}, {"type": "null"}]},
    },
    "required": ["name", "address"],
    "$defs": {
        "Address": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        }
    },
}
ADDRESS = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}


def test_gemini_gets_inlined_schemas_in_response_format_and_tools() -> None:
    response_format = {"type": "json_schema", "json_schema": {"name": "P", "schema": NESTED}}
    tools = [{"type": "function", "function": {"name": "save", "parameters": NESTED}}]
    out, _ = shaped("gemini-2.5-flash", {"response_format": response_format, "tools": tools})
    inlined = out["response_format"]["json_schema"]["schema"]
    assert inlined == out["tools"][0]["function"]["parameters"]
    assert inlined == {
        "title": "Person",
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "address": {**ADDRESS, "description": "where they live"},
            "kind": {"enum": ["person"]},
            "pet": {"anyOf": [ADDRESS, {"type": "null"}]},
        },
        "required": ["name", "address"],
    }
    assert "$ref" not in json.dumps(out)
    # Other families get the schema untouched.
    assert shaped("gpt-4o", {"response_format": response_format})[0]["response_format"] == (
        response_format
    )


def test_a_recursive_schema_is_refused_for_gemini() -> None:
    tree = {
        "type": "object",
        "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}},
        "$defs": {"Node": {"type": "object", "properties": {"kids": {"$ref": "#/$defs/Node"}}}},
    }
    with pytest.raises(AkileConfigError, match="refers to itself"):
        inline_schema(tree)
    with pytest.raises(AkileConfigError, match="no definition"):
        inline_schema({"$ref": "#/$defs/Missing"})


# -- families: the gateway's model list wins over the name ------------------------------------


def test_the_family_comes_from_the_model_list_when_the_gateway_sends_it() -> None:
    listing = {
        "data": [
            {"id": "house-model", "supported_endpoint_types": ["anthropic", "openai"]},
            {"id": "gemini-2.5-flash", "supported_endpoint_types": ["openai"]},
            {"id": "vertex-alias", "supported_endpoint_types": ["gemini", "openai"]},
            {"id": "plain"},
        ]
    }
    assert family_of("house-model") == "openai"
    try:
        assert learn_families(listed_models(listing)) == {
            "house-model": "claude",
            "gemini-2.5-flash": "openai",
            "vertex-alias": "gemini",
        }
        assert family_of("house-model") == "claude"
        assert family_of("vertex-alias") == "gemini"
        # A Gemini name served by a plain OpenAI-compatible channel: no Gemini rules.
        assert family_of("gemini-2.5-flash") == "openai"
        assert family_of("plain") == "openai"
        assert sent("house-model", {"temperature": 0.2, "top_p": 0.9}) == (
            {"temperature"},
            {"top_p"},
        )
        # The table's facts stay; only the family changes.
        assert resolve("gemini-2.5-flash").spec.context_window == 1_048_576  # type: ignore[union-attr]
    finally:
        forget_learned_families()
    assert family_of("house-model") == "openai"


def test_a_registered_family_wins() -> None:
    register_model_profile("house-*", family="gemini")
    try:
        assert family_of("house-model") == "gemini"
    finally:
        clear_registered_profiles()
    with pytest.raises(ValueError, match="family must be one of"):
        register_model_profile("x", family="anthropic")


def test_claude_channels_get_response_format_as_an_answer_tool() -> None:
    # Was refused (json_schema) or dropped (json_object); now the framework's path works.
    schema = {"type": "json_schema", "json_schema": {"name": "P", "schema": {"type": "object"}}}
    for response_format, parameters in (
        (schema, {"type": "object"}),
        ({"type": "json_object"}, {"type": "object", "additionalProperties": True}),
    ):
        out, changes = shaped("claude-sonnet-4-5", {"response_format": response_format})
        assert "response_format" not in out
        assert [t["function"]["name"] for t in out["tools"]] == [ANSWER_TOOL]
        assert out["tools"][0]["function"]["parameters"] == parameters
        assert out["tool_choice"] == "required"
        assert [param for param, _ in changes] == ["response_format"]
    # Beside other tools the answer tool is offered, not forced.
    weather = {"type": "function", "function": {"name": "w", "parameters": {}}}
    out, _ = shaped("claude-sonnet-4-5", {"response_format": schema, "tools": [weather]})
    assert [t["function"]["name"] for t in out["tools"]] == ["w", ANSWER_TOOL]
    assert "tool_choice" not in out
    # Not for other families.
    assert shaped("gpt-4o", {"response_format": schema})[0]["response_format"] == schema
    # A profile that says this key's channel enforces it (what `akile doctor --save` records).
    register_model_profile("claude-sonnet-4-5", structured_output="json_schema")
    try:
        assert sent("claude-sonnet-4-5", {"response_format": schema}) == (
            {"response_format"},
            set(),
        )
    finally:
        clear_registered_profiles()


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        # The family's real off switch, not a string the upstream ignores or refuses.
        ("claude-sonnet-4-5", {}),
        ("deepseek-v4-flash", {"thinking": {"type": "disabled"}}),
        ("kimi-k2.6", {"thinking": {"type": "disabled"}}),
        ("qwen3-235b-a22b", {"enable_thinking": False}),
        ("gpt-5.1", {"reasoning_effort": "none"}),  # OpenAI takes "none" as it is
    ],
)
def test_reasoning_effort_none_is_the_familys_off_switch(
    model: str, expected: dict[str, Any]
) -> None:
    out, changes = shaped(model, {"reasoning_effort": "none"})
    assert {k: v for k, v in out.items() if k != "model"} == expected
    assert changes == []


def test_reasoning_effort_none_on_gemini_is_a_zero_budget() -> None:
    out, _ = shaped("gemini-2.5-flash", {"reasoning_effort": "none"})
    assert out["extra_body"]["google"]["thinking_config"]["thinking_budget"] == 0


def test_a_saved_refusal_of_forced_tools_makes_them_asked_for() -> None:
    # What `akile doctor --save` records for a thinking model with no known switch.
    body = {
        "tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}],
        "tool_choice": "required",
    }
    assert shaped("house-thinker", body)[0]["tool_choice"] == "required"
    register_model_profile("house-thinker", forced_tool_while_thinking=False)
    try:
        out, changes = shaped("house-thinker", body)
        assert out["tool_choice"] == "auto"
        assert [param for param, _ in changes] == ["tool_choice"]
    finally:
        clear_registered_profiles()
    # A model with a switch gets the switch instead, unless a saved fact says it is not needed.
    assert shaped("kimi-k2.6", body)[0]["thinking"] == {"type": "disabled"}
    register_model_profile("kimi-k2.6", forced_tool_while_thinking=True)
    try:
        assert "thinking" not in shaped("kimi-k2.6", body)[0]
    finally:
        clear_registered_profiles()
