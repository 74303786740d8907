"""Family rules applied to a request body before it is sent: never send what will be rejected.

Each rule drops a parameter the model's family is known to refuse, and says why; the gateway
warns once per model and parameter (``ParameterDroppedWarning``). Inputs that cannot be fixed by
leaving something out are refused with an ``AkileConfigError`` before anything is sent. Sources
(shared/reference/gateway-families.md; each rule has a test in tests/core/test_rules.py and a
fault-server channel in tests/faults/test_family_channels.py):

- models.dev marks Claude Opus 4.7+, Sonnet 5 and Kimi K2.5 ``temperature = false``, and new-api
  forwards ``temperature``/``top_p``/``top_k`` unchanged on plain names, which those models answer
  with HTTP 400 (section 4);
- newer Claude models answer 400 "`temperature` and `top_p` cannot both be specified" when both
  arrive (AionUi#912 through a new-api-style gateway; chatbox#2670), so ``top_p`` is dropped and
  the temperature kept (for any model whose profile says ``temperature_with_top_p=False``, and
  not for a Claude model whose profile says ``True``);
- parameters ``akile doctor`` saw a model's channel refuse (``rejected_params``) are never sent;
- ``tool_choice`` or ``parallel_tool_calls`` without ``tools``: OpenAI answers 400, and new-api
  turns them into an Anthropic ``tool_choice`` that Anthropic rejects without tools (section 2a);
- Claude channels discard ``response_format`` (new-api ``OpenAIChatRequestToClaudeMessages`` never
  reads it; section 1), so a ``json_schema`` request would "succeed" with prose: it is refused,
  and ``json_object`` is dropped with a warning (prompting alone may still give JSON), unless the
  profile says this key's channel enforces it (``akile doctor --save`` finds out);
- ``reasoning_effort`` per family (``akile_core.reasoning``, section 5a);
- Gemini channels get inlined schemas (``akile_core.schemas``, sections 1 and 2a).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from akile_core.errors import AkileConfigError
from akile_core.facts_changed import on_facts_changed
from akile_core.families import Family
from akile_core.profiles import Resolved, resolve
from akile_core.reasoning import check_effort, claude_reasoning, gemini_reasoning
from akile_core.schemas import inline_request_schemas


@dataclass(frozen=True)
class FamilyRules:
    """What to change in a body for one model: drops, reasoning mapping, schema inlining."""

    never: tuple[tuple[str, str], ...] = ()
    """(parameter, reason) pairs never sent."""
    not_with: tuple[tuple[str, str, str], ...] = ()
    """(parameter, other, reason): the parameter is dropped when ``other`` is also sent."""
    family: Family = "openai"
    model: str = ""
    efforts: tuple[str, ...] | None = None
    """The reasoning levels the model takes; ``()`` any or unknown."""
    can_reason: bool | None = None
    """``False`` when the table knows the model and lists no reasoning."""
    adaptive_only: bool = False
    """A Claude model that takes only adaptive thinking (``reasoning_effort`` gives 400)."""
    drops_response_format: bool = False
    """The channel discards ``response_format`` (Claude, unless the profile says otherwise)."""

    @property
    def changes_every_body(self) -> bool:
        """Whether even a plain body may change (so the fast path cannot skip the rules)."""
        return bool(self.never or self.not_with or self.family == "gemini")


NO_RULES = FamilyRules()


@on_facts_changed
def _forget_rules() -> None:
    rules_of.cache_clear()


@functools.lru_cache(maxsize=1024)
def rules_of(model: str) -> FamilyRules:
    """The rules for a model name, cached until model facts change (``facts_changed``).

    Keyed by the name alone: hashing a whole profile on every request costs more than the rules.
    """
    return rules_for(model, resolve(model))


def rules_for(model: str, resolved: Resolved) -> FamilyRules:
    """The rules for a model, from its profile and family."""
    spec = resolved.spec
    family = resolved.family(model)
    never: list[tuple[str, str]] = []
    not_with: list[tuple[str, str, str]] = []
    if spec is not None and spec.temperature is False:
        reason = "this model takes no sampling parameters (its channel answers 400)"
        never += [(p, reason) for p in ("temperature", "top_p", "top_k")]
    else:
        together = spec.temperature_with_top_p if spec is not None else None
        if together is False or (together is None and family == "claude"):
            not_with.append(
                ("top_p", "temperature", "this model refuses temperature and top_p together")
            )
    if spec is not None and spec.rejected_params:
        reason = "`akile doctor` saw this model's channel refuse it (saved profile)"
        never += [(p, reason) for p in spec.rejected_params if p not in dict(never)]
    known = resolved.how in ("exact", "alias", "user")
    return FamilyRules(
        tuple(never),
        tuple(not_with),
        family=family,
        model=model,
        efforts=spec.reasoning_efforts if spec is not None else None,
        can_reason=False if known and spec is not None and spec.reasoning is None else None,
        adaptive_only=family == "claude" and spec is not None and spec.temperature is False,
        drops_response_format=family == "claude"
        and (spec is None or spec.structured_output not in ("json_schema", "json_mode")),
    )


def apply_rules(
    body: dict[str, Any], rules: FamilyRules
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The body as the rules shape it, and what was dropped, why (raises for what cannot go)."""
    dropped: list[tuple[str, str]] = []
    if not body.get("tools"):
        dropped += [
            (p, f"{p} needs tools and none were sent")
            for p in ("tool_choice", "parallel_tool_calls")
            if p in body
        ]
    dropped += [(p, reason) for p, reason in rules.never if p in body]
    dropped += [(p, reason) for p, other, reason in rules.not_with if p in body and other in body]
    if dropped:
        names = {p for p, _ in dropped}
        body = {k: v for k, v in body.items() if k not in names}
    if rules.drops_response_format and "response_format" in body:
        dropped.append(_response_format_rule(body["response_format"], rules.model))
        body = {k: v for k, v in body.items() if k != "response_format"}
    if body.get("reasoning_effort") is not None:
        body, more = _map_reasoning(body, rules)
        dropped += more
    if rules.family == "gemini" and (body.get("tools") or body.get("response_format")):
        body = inline_request_schemas(body)
    return body, dropped


def _map_reasoning(
    body: dict[str, Any], rules: FamilyRules
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    model = rules.model or str(body.get("model"))
    if rules.can_reason is False:
        raise AkileConfigError(
            f"Model {model!r} does not reason (model table), so reasoning_effort would be "
            "rejected or ignored. Remove it, or correct the table with "
            f"register_model_profile({model!r}, reasoning=True)."
        )
    effort = check_effort(body["reasoning_effort"], model, rules.efforts)
    if rules.family == "claude":
        return claude_reasoning(body, model, effort, adaptive_only=rules.adaptive_only)
    if rules.family == "gemini":
        return gemini_reasoning(body, model, effort), []
    return body, []


def _response_format_rule(response_format: Any, model: str) -> tuple[str, str]:
    """Why ``response_format`` is left out for a Claude channel; a schema is refused outright."""
    kind = response_format.get("type") if isinstance(response_format, dict) else None
    if kind == "json_schema":
        raise AkileConfigError(
            f"Model {model!r} is served by the gateway's Claude converter, which discards "
            "response_format, so the schema would be ignored and the answer come back as prose. "
            "Use function calling instead (with_structured_output's default for Claude, or "
            "method='function_calling'). If `akile doctor` shows your channel enforces it, "
            f"record that: register_model_profile({model!r}, structured_output='json_schema')."
        )
    return (
        "response_format",
        "the gateway's Claude converter discards response_format, so JSON comes only from "
        "the prompt (describe the keys in it), or use tools/function calling",
    )
