"""One ``reasoning_effort`` for every family: sent as the family's channel understands it, or refused.

What new-api does with ``reasoning_effort`` (shared/reference/gateway-families.md, section 5a):

- Claude channels turn ``low``/``medium``/``high`` into ``thinking: {type: "enabled",
  budget_tokens: 1280/2048/4096}`` and silently ignore every other level. Opus 4.7+ and the
  5-series reject ``thinking.type.enabled`` with HTTP 400 (they take only adaptive thinking,
  which chat completions reach through effort-suffixed model names such as
  ``claude-opus-4-8-high``). Anthropic also refuses sampling parameters with thinking on, and a
  ``max_tokens`` not above the budget.
- Gemini channels ignore ``reasoning_effort``; thinking is set through a literal top-level
  ``extra_body: {"google": {"thinking_config": ...}}`` (snake_case only): a budget for 2.x
  models, a level for 3.x.
- Every other channel forwards it verbatim.

So: Claude gets the field only where it works (and loses sampling parameters, with a warning),
Gemini gets the field rewritten, and a level the table says the model lacks is refused before
anything is sent, never dropped without a word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from akile_core.errors import AkileConfigError

EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")

# new-api's Claude mapping of reasoning_effort to thinking.budget_tokens.
CLAUDE_THINKING_BUDGET = {"low": 1280, "medium": 2048, "high": 4096}
# Gemini 2.x thinking budgets per level (Google's documented range is 0 or 128..32768).
GEMINI_THINKING_BUDGET = {"none": 0, "minimal": 512, "low": 1024, "medium": 8192, "high": 24576}
_GEMINI_MAJOR = re.compile(r"gemini-(\d+)")


def check_effort(effort: object, model: str, levels: tuple[str, ...] | None) -> str:
    """``effort`` if it is a level ``model`` takes (``levels`` from the model table, if known)."""
    if effort not in EFFORTS:
        raise AkileConfigError(
            f"reasoning_effort must be one of {', '.join(EFFORTS)}; got {effort!r}."
        )
    if levels and effort not in levels:
        raise AkileConfigError(
            f"Model {model!r} takes reasoning_effort {', '.join(levels)} (model table); got "
            f"{effort!r}. Pick one of those, or correct the table with "
            f"register_model_profile({model!r}, reasoning_efforts=(...))."
        )
    return str(effort)


def claude_reasoning(
    body: Mapping[str, Any], model: str, effort: str, *, adaptive_only: bool, native: bool = False
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The body for a Claude channel, and the sampling parameters left out for thinking.

    ``native``: over ``/v1/messages``, where adaptive thinking is reachable and the effort is
    mapped by ``akile_core.messages_request`` (which checks the level and ``max_tokens``).
    """
    reason = "Claude takes no sampling parameters with thinking on (reasoning_effort is set)"
    dropped = [(p, reason) for p in ("temperature", "top_p", "top_k") if p in body]
    if native:
        return {k: v for k, v in body.items() if k not in {p for p, _ in dropped}}, dropped
    if adaptive_only:
        raise AkileConfigError(
            f"Model {model!r} does not take reasoning_effort through chat completions: the "
            "gateway turns it into thinking.type=enabled, which this model answers with HTTP 400. "
            f"Use the effort-suffixed model name instead (model={f'{model}-{effort}'!r}) if "
            "`akile models` lists it for your key, or leave reasoning_effort unset."
        )
    budget = CLAUDE_THINKING_BUDGET.get(effort)
    if budget is None:
        raise AkileConfigError(
            f"For Claude model {model!r} the gateway maps only reasoning_effort low, medium and "
            f"high to a thinking budget and would ignore {effort!r} silently. Use one of those."
        )
    max_tokens = body.get("max_completion_tokens") or body.get("max_tokens")
    if isinstance(max_tokens, int) and max_tokens <= budget:
        raise AkileConfigError(
            f"reasoning_effort={effort!r} gives Claude a thinking budget of {budget} tokens, and "
            f"max_tokens={max_tokens} must be larger (Anthropic answers 400 otherwise). Raise "
            "max_tokens or lower the effort."
        )
    out = {k: v for k, v in body.items() if k not in {p for p, _ in dropped}}
    return out, dropped


def gemini_reasoning(body: Mapping[str, Any], model: str, effort: str) -> dict[str, Any]:
    """The body for a Gemini channel: ``reasoning_effort`` rewritten as a thinking config."""
    major = _GEMINI_MAJOR.search(model.lower())
    if major is not None and int(major.group(1)) < 3:
        if effort not in GEMINI_THINKING_BUDGET:
            raise AkileConfigError(
                f"Gemini model {model!r} thinks by budget; reasoning_effort {effort!r} has none. "
                f"Use one of {', '.join(GEMINI_THINKING_BUDGET)}."
            )
        config: dict[str, Any] = {"thinking_budget": GEMINI_THINKING_BUDGET[effort]}
    else:
        config = {"thinking_level": effort}
    config["include_thoughts"] = effort != "none"
    out = {k: v for k, v in body.items() if k != "reasoning_effort"}
    extra = dict(out.get("extra_body") or {})
    google = dict(extra.get("google") or {})
    # What the caller set by hand wins over the mapping.
    google["thinking_config"] = {**config, **(google.get("thinking_config") or {})}
    extra["google"] = google
    out["extra_body"] = extra
    return out
