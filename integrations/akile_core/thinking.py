"""Forced tool choices that models refuse: thinking off for the call, or the tool asked for.

LangChain's ``with_structured_output`` (function calling), ``create_agent``'s ``ToolStrategy``
and LlamaIndex's ``structured_predict`` force a tool call. Several thinking models refuse that
while they think, and some think unless told not to, so those paths fail by default. For each
family that has a switch, a forced call carries it (any ``reasoning_effort`` is left out for
that call); the rules warn once per model. Claude's switch (no thinking parameter) lives in
``akile_core.rules``; the gateway passes these fields on unchanged for OpenAI-compatible
channels (gateway-families.md section 5).
"""

from __future__ import annotations

import re
from typing import Any

# (model-name pattern, the body fields that turn thinking off, what the upstream answers)
THINKING_SWITCHES: tuple[tuple[re.Pattern[str], dict[str, Any], str], ...] = (
    (
        # DeepSeek V4 thinks by default; "Thinking mode does not support this tool_choice"
        # (deepseek-ai/DeepSeek-V3#1376, langchain-ai/langchain#40769, cloudwego/eino#994).
        re.compile(r"(^|/)deepseek-v4"),
        {"thinking": {"type": "disabled"}},
        "DeepSeek V4 thinks by default and refuses a forced tool choice while thinking",
    ),
    (
        # Kimi K2.5 and later think by default; "tool_choice specified is incompatible with
        # thinking enabled" (can1357/oh-my-pi#1077); the switch is Moonshot's documented
        # thinking field (yilewang/llm-for-zotero#65 quotes the docs).
        re.compile(r"(^|/)kimi-k2[.-][5-9]"),
        {"thinking": {"type": "disabled"}},
        "Kimi K2.5 and later think by default and refuse a forced tool choice while thinking",
    ),
    (
        # Qwen3 in thinking mode on DashScope: "The tool_choice parameter does not support
        # being set to required or object in thinking mode" (cloudwego/eino#994); the switch is
        # enable_thinking (LiteLLM PR #40720 maps reasoning_effort="none" to it).
        re.compile(r"(^|/)qwen3"),
        {"enable_thinking": False},
        "Qwen3 refuses a forced tool choice in thinking mode",
    ),
)


# Models that always think and refuse a forced tool choice: no switch, so the tool can only be
# asked for. Kimi K2 Thinking ("Kimi rejects forced tool_choice on always-thinking models",
# simstudioai/sim#5716; the message is K2.6's, can1357/oh-my-pi#1077).
ALWAYS_THINKING: tuple[re.Pattern[str], ...] = (re.compile(r"(^|/)kimi-k2-thinking"),)


# Qwen3 on DashScope also refuses JSON mode while thinking: "Json mode response is not supported
# when enable_thinking is true" (presenton/presenton#184, qwen3-235b-a22b-thinking on Bailian).
JSON_MODE_WITHOUT_THINKING: tuple[re.Pattern[str], ...] = (re.compile(r"(^|/)qwen3"),)


def json_mode_needs_switch(model: str) -> bool:
    """Whether ``response_format`` on ``model`` needs its thinking switched off."""
    name = model.lower()
    return any(pattern.search(name) for pattern in JSON_MODE_WITHOUT_THINKING)


# Models whose upstream takes only tool_choice "auto": Z.AI answers any other value with 400
# "Tool choice must be auto" (GLM; vectorize-io/hindsight#4246), so a forced tool can only be
# asked for, as for a model that always thinks.
AUTO_TOOL_CHOICE_ONLY: tuple[re.Pattern[str], ...] = (re.compile(r"(^|/)glm-"),)


def always_thinks(model: str) -> bool:
    """Whether ``model`` thinks on every call, with no switch to turn it off."""
    name = model.lower()
    return any(pattern.search(name) for pattern in ALWAYS_THINKING)


def forced_tool_refused(model: str) -> bool:
    """Whether a forced tool choice cannot reach ``model`` at all (see the tables above)."""
    name = model.lower()
    return always_thinks(name) or any(pattern.search(name) for pattern in AUTO_TOOL_CHOICE_ONLY)


def thinking_switch(model: str) -> tuple[dict[str, Any], str] | None:
    """The fields that turn ``model``'s thinking off, and why they are needed; ``None`` if none."""
    name = model.lower()
    for pattern, fields, why in THINKING_SWITCHES:
        if pattern.search(name):
            return fields, why
    return None
