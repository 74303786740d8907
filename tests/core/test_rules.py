"""Family rules: what is left out of a body, and why (sources in akile_core/rules.py)."""

from __future__ import annotations

from typing import Any

import pytest

from akile_core.profiles import resolve
from akile_core.rules import apply_rules, rules_for


def sent(model: str, body: dict[str, Any]) -> tuple[set[str], set[str]]:
    out, dropped = apply_rules({"model": model, **body}, rules_for(resolve(model).spec))
    return set(out) - {"model"}, {param for param, _ in dropped}


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
