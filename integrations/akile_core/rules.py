"""Family rules applied to a request body before it is sent: never send what will be rejected.

Each rule drops a parameter the model's family is known to refuse, and says why; the gateway
warns once per model and parameter (``ParameterDroppedWarning``). Sources:

- models.dev marks Claude Opus 4.7+, Sonnet 5 and Kimi K2.5 ``temperature = false``, and new-api
  forwards ``temperature``/``top_p``/``top_k`` unchanged on plain names, which those models answer
  with HTTP 400 (shared/reference/gateway-families.md, section 4);
- newer Claude models answer 400 "`temperature` and `top_p` cannot both be specified" when both
  arrive (AionUi#912 through a new-api-style gateway; chatbox#2670), so ``top_p`` is dropped and
  the temperature kept;
- ``tool_choice`` or ``parallel_tool_calls`` without ``tools``: OpenAI answers 400, and new-api
  turns them into an Anthropic ``tool_choice`` that Anthropic rejects without tools.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from akile_core.profiles import ModelSpec


@dataclass(frozen=True)
class FamilyRules:
    """What to leave out of a body for one model: always, or when another parameter is set."""

    never: tuple[tuple[str, str], ...] = ()
    """(parameter, reason) pairs never sent."""
    not_with: tuple[tuple[str, str, str], ...] = ()
    """(parameter, other, reason): the parameter is dropped when ``other`` is also sent."""


NO_RULES = FamilyRules()


def rules_for(spec: ModelSpec | None) -> FamilyRules:
    """The rules for a model, from its profile."""
    if spec is None:
        return NO_RULES
    never: list[tuple[str, str]] = []
    not_with: list[tuple[str, str, str]] = []
    if spec.temperature is False:
        reason = "this model takes no sampling parameters (its channel answers 400)"
        never += [(p, reason) for p in ("temperature", "top_p", "top_k")]
    elif spec.id.startswith("claude-"):
        not_with.append(
            ("top_p", "temperature", "Claude models refuse temperature and top_p together")
        )
    return FamilyRules(tuple(never), tuple(not_with))


def apply_rules(
    body: dict[str, Any], rules: FamilyRules
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The body without what the rules (and the tool rule) drop, and what was dropped, why."""
    dropped: list[tuple[str, str]] = []
    if not body.get("tools"):
        dropped += [
            (p, f"{p} needs tools and none were sent")
            for p in ("tool_choice", "parallel_tool_calls")
            if p in body
        ]
    dropped += [(p, reason) for p, reason in rules.never if p in body]
    dropped += [(p, reason) for p, other, reason in rules.not_with if p in body and other in body]
    if not dropped:
        return body, dropped
    names = {p for p, _ in dropped}
    return {k: v for k, v in body.items() if k not in names}, dropped
