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
  reads it; section 1), so a ``json_schema`` or ``json_object`` request would "succeed" with
  prose: it goes as an answer tool the model must call (``akile_core.answer_tool``), unless the
  profile says this key's channel enforces it (``akile doctor --save`` finds out); with a forced
  tool, a Claude call does not think (Anthropic refuses forced tools while thinking);
- an empty ``tools`` list is never sent (vLLM, DashScope and OpenAI answer it with 400);
- DeepSeek refuses ``json_schema``: it goes as the answer tool too;
- a forced tool on a model that refuses it while thinking carries the family's thinking switch
  (``akile_core.thinking``), or is asked for with ``auto`` where no switch exists (the gateway
  then checks the answer for the call);
- GPT-5.4+ refuses function tools beside a reasoning effort on chat completions;
- ``reasoning_effort`` per family (``akile_core.reasoning``, section 5a);
- Gemini channels get inlined schemas (``akile_core.schemas``, sections 1 and 2a).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from akile_core.answer_tool import ANSWER_TOOL, with_answer_tool
from akile_core.errors import AkileConfigError
from akile_core.facts_changed import on_facts_changed
from akile_core.families import Family
from akile_core.profiles import Resolved, resolve
from akile_core.reasoning import check_effort, claude_reasoning, gemini_reasoning
from akile_core.schemas import inline_request_schemas
from akile_core.thinking import forced_tool_refused, json_mode_needs_switch, thinking_switch


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
    json_mode_needs_switch: bool = False
    """``response_format`` needs the thinking switch (Qwen3 on DashScope; ``akile_core.thinking``)."""
    refuses_json_schema: bool = False
    """The upstream refuses ``response_format`` ``json_schema`` but takes ``json_object``
    (DeepSeek: "This response_format type is unavailable now", llm-exe/llm-exe#662,
    UKGovernmentBEIS/inspect_ai#4916)."""
    thinking_switch: tuple[Mapping[str, Any], str] | None = None
    """The body fields that turn the model's thinking off, and why a call may need them
    (``akile_core.thinking``); ``None``: no switch known."""
    thinks_unless_switched_off: bool = False
    """A forced tool call needs :attr:`thinking_switch`."""
    forced_tool_asked_for: bool = False
    """The channel refuses a forced tool while thinking and no switch is known: the tool is
    asked for with ``tool_choice="auto"`` and the answer checked (``ToolNotCalledError``)."""
    native_claude: bool = False
    """The body goes over Claude's ``/v1/messages``: ``json_schema`` and adaptive thinking are
    native there (``akile_core.messages_request`` maps them); JSON mode is still emulated."""
    tools_and_effort: Literal["allowed", "refused", "none-only"] = "allowed"
    """Function tools beside ``reasoning_effort``: ``refused`` (GPT-5.4, 5.5) unless it is
    ``"none"``; ``none-only`` (GPT-5.6 and later) needs an explicit ``"none"`` with tools."""

    def may_change(self, body: Mapping[str, Any]) -> bool:
        """Whether the rules may change ``body``: the cheap check before the full pass."""
        if self.changes_every_body or "reasoning_effort" in body or "cache_control" in body:
            return True
        if ("tools" in body or "tool_choice" in body or "parallel_tool_calls" in body) and not (
            body.get("tools")
        ):
            return True  # tool options without tools, or an empty tool list
        if "response_format" in body and (
            self.drops_response_format
            or self.refuses_json_schema
            or self.json_mode_needs_switch
            or self.native_claude
        ):
            return True
        return "tool_choice" in body and (
            self.thinks_unless_switched_off or self.forced_tool_asked_for
        )

    @property
    def changes_every_body(self) -> bool:
        """Whether even a plain body may change (so the fast path cannot skip the rules)."""
        return bool(
            self.never
            or self.not_with
            or self.family == "gemini"
            or self.tools_and_effort == "none-only"
        )


NO_RULES = FamilyRules()


@on_facts_changed
def _forget_rules() -> None:
    rules_of.cache_clear()
    native_rules_of.cache_clear()


@functools.lru_cache(maxsize=1024)
def rules_of(model: str) -> FamilyRules:
    """The rules for a model name, cached until model facts change (``facts_changed``).

    Keyed by the name alone: hashing a whole profile on every request costs more than the rules.
    """
    return rules_for(model, resolve(model))


@functools.lru_cache(maxsize=1024)
def native_rules_of(model: str) -> FamilyRules:
    """The rules for a Claude model over ``/v1/messages``."""
    return dataclasses.replace(rules_of(model), native_claude=True, drops_response_format=False)


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
    switch = thinking_switch(model) if family == "openai" else None
    forced_ok = spec.forced_tool_while_thinking if spec is not None else None
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
        tools_and_effort=_tools_and_effort(model) if family == "openai" else "allowed",
        json_mode_needs_switch=family == "openai" and json_mode_needs_switch(model),
        refuses_json_schema=family == "openai"
        and _DEEPSEEK.search(model.lower()) is not None
        and (spec is None or spec.structured_output != "json_schema"),
        thinking_switch=switch,
        thinks_unless_switched_off=switch is not None and forced_ok is not True,
        forced_tool_asked_for=switch is None
        and (forced_ok is False or (forced_ok is None and forced_tool_refused(model))),
    )


# gpt-5.4, gpt-5.5-mini, openai/gpt-5.6-terra, ...: the minor version decides (see
# _effort_beside_tools for the sources).
_DEEPSEEK = re.compile(r"(^|/)deepseek-")
_GPT5_MINOR = re.compile(r"(?:^|/)gpt-5\.(\d+)")


def _tools_and_effort(model: str) -> Literal["allowed", "refused", "none-only"]:
    match = _GPT5_MINOR.search(model.lower())
    minor = int(match.group(1)) if match else 0
    if minor >= 6:
        return "none-only"
    return "refused" if minor >= 4 else "allowed"


def apply_rules(
    body: dict[str, Any], rules: FamilyRules
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The body as the rules shape it, and what changed: (parameter, sentence) pairs.

    Raises ``AkileConfigError`` for what cannot be sent in any form. The stages run in order:
    what is left out, structured output, forced tools, reasoning effort, Gemini's schemas.
    """
    notes: list[tuple[str, str]] = []
    for stage in (_left_out_params, _structured_output, _forced_tools, _effort):
        body, more = stage(body, rules)
        notes += more
    if rules.family == "gemini" and (body.get("tools") or body.get("response_format")):
        body = inline_request_schemas(body)
    return body, notes


_Stage = tuple[dict[str, Any], list[tuple[str, str]]]


def _left_out_params(body: dict[str, Any], rules: FamilyRules) -> _Stage:
    """Parameters that cannot go: tool options without tools, and what the family refuses."""
    dropped: list[tuple[str, str]] = []
    if not body.get("tools"):
        # An empty tool list is refused by vLLM, DashScope and OpenAI (langchain#37184,
        # #34907): LangChain's create_agent binds [] when it has no tools. Left out silently,
        # since it asks for nothing.
        dropped += [
            (p, f"{p} needs tools and none were sent")
            for p in ("tool_choice", "parallel_tool_calls")
            if p in body
        ]
        if "tools" in body:
            body = {k: v for k, v in body.items() if k != "tools"}
    dropped += [(p, reason) for p, reason in rules.never if p in body]
    dropped += [(p, reason) for p, other, reason in rules.not_with if p in body and other in body]
    if "cache_control" in body and not rules.native_claude:
        dropped.append(("cache_control", _NO_CACHE_MARK))
    if dropped:
        names = {p for p, _ in dropped}
        body = {k: v for k, v in body.items() if k not in names}
    return body, [(p, _left_out(p, reason)) for p, reason in dropped]


def _structured_output(body: dict[str, Any], rules: FamilyRules) -> _Stage:
    """``response_format`` the channel drops or refuses, sent as the answer tool instead."""
    response_format = body.get("response_format")
    if rules.native_claude and isinstance(response_format, dict):
        if response_format.get("type") == "json_object":  # Anthropic has no JSON mode
            return with_answer_tool(body), [("response_format", _NO_JSON_MODE)]
        return body, []
    if (rules.drops_response_format and _is_structured(response_format)) or (
        rules.refuses_json_schema
        and isinstance(response_format, dict)
        and response_format.get("type") == "json_schema"
    ):
        note = _EMULATED if rules.family == "claude" else _REFUSED
        return with_answer_tool(body), [("response_format", note)]
    if _is_structured(response_format) and rules.json_mode_needs_switch and rules.thinking_switch:
        fields = rules.thinking_switch[0]
        sentence = (
            f"sending {dict(fields)} with response_format, so that it does not think: this model "
            "refuses JSON mode while thinking"
        )
        return _without_effort(body, fields), [("thinking", sentence)]
    return body, []


def _forced_tools(body: dict[str, Any], rules: FamilyRules) -> _Stage:
    """A forced tool on a model that refuses it while thinking: thinking off, or asked for."""
    if not _forces_a_tool(body):
        return body, []
    if rules.family == "claude" and "reasoning_effort" in body:
        # Anthropic refuses a forced tool choice while thinking ("Thinking may not be enabled
        # when tool_choice forces tool use"); with_structured_output and structured_predict
        # force one, so thinking is off for this call (the family's switch: no thinking).
        body = {k: v for k, v in body.items() if k != "reasoning_effort"}
        return body, [("reasoning_effort", _left_out("reasoning_effort", _NO_THINKING_WHEN_FORCED))]
    if rules.thinks_unless_switched_off and rules.thinking_switch is not None:
        fields, why = rules.thinking_switch
        sentence = (
            f"sending {dict(fields)} with this forced tool call, so that it does not think: {why} "
            "(pass tool_choice='auto' to keep thinking)"
        )
        return _without_effort(body, fields), [("thinking", sentence)]
    if rules.forced_tool_asked_for:
        return {**body, "tool_choice": "auto"}, [("tool_choice", _ASKED_FOR)]
    return body, []


def _effort(body: dict[str, Any], rules: FamilyRules) -> _Stage:
    """``reasoning_effort`` as the family takes it, and beside tools where that is refused."""
    notes: list[tuple[str, str]] = []
    if rules.tools_and_effort != "allowed" and body.get("tools"):
        body, notes = _effort_beside_tools(body, rules)
    if body.get("reasoning_effort") is not None:
        body, more = _map_reasoning(body, rules)
        notes += [(p, _left_out(p, reason)) for p, reason in more]
    return body, notes


def _without_effort(body: dict[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    """``body`` with thinking switched off: the switch's fields in, ``reasoning_effort`` out."""
    return {**{k: v for k, v in body.items() if k != "reasoning_effort"}, **fields}


def _thinking_off_switch(body: dict[str, Any], rules: FamilyRules) -> dict[str, Any] | None:
    """``reasoning_effort="none"`` as the family's real off switch, where it has one.

    Claude thinks only when asked (no thinking parameter is off); DeepSeek V4, Kimi K2.5+ and
    Qwen3 have a switch (``akile_core.thinking``) and would ignore or refuse the string. Gemini
    maps "none" to a zero budget in ``gemini_reasoning``; OpenAI models take "none" as it is.
    """
    if rules.family == "claude":
        return {k: v for k, v in body.items() if k != "reasoning_effort"}
    if rules.thinking_switch is None:
        return None
    return _without_effort(body, rules.thinking_switch[0])


def _left_out(param: str, reason: str) -> str:
    return f"not sending {param!r}: {reason}; it was left out"


def _effort_beside_tools(
    body: dict[str, Any], rules: FamilyRules
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """GPT-5.4 and later refuse function tools beside a reasoning effort on chat completions.

    "Function tools with reasoning_effort are not supported for gpt-5.4 in
    /v1/chat/completions" (openai/openai-openapi#541; gpt-5.5: charmbracelet/crush#2913).
    From gpt-5.6 a default effort applies, so tools fail even without one, and only an explicit
    ``"none"`` is taken ("... or set reasoning_effort to 'none'", BerriAI/litellm#34569).
    new-api passes ``reasoning_effort`` on unchanged to OpenAI channels.
    """
    effort = body.get("reasoning_effort")
    if effort not in (None, "none"):
        raise AkileConfigError(
            f"Model {rules.model!r} refuses function tools together with "
            f"reasoning_effort={effort!r} on chat completions (OpenAI answers 400 "
            "'Function tools with reasoning_effort are not supported'). For this call choose "
            "one: keep the tools with reasoning_effort='none', or keep the effort and send no "
            "tools."
        )
    if effort is None and rules.tools_and_effort == "none-only":
        sentence = (
            "sending reasoning_effort='none': this model applies a default effort that chat "
            "completions refuses beside function tools; pass reasoning_effort='none' yourself "
            "to silence this"
        )
        return {**body, "reasoning_effort": "none"}, [("reasoning_effort", sentence)]
    return body, []


_EMULATED = (
    f"sending response_format as a tool ({ANSWER_TOOL}) the model is made to call, since the "
    "gateway's Claude converter discards response_format; the call's arguments come back as "
    "the answer text"
)
_NO_CACHE_MARK = (
    "a per-call cache mark works only over Claude's /v1/messages (chat completions have no "
    "place for it, and new-api's converter drops it: new-api#5335)"
)
_NO_JSON_MODE = (
    f"sending response_format json_object as a tool ({ANSWER_TOOL}) the model is made to call, "
    "since Anthropic's Messages API has no JSON mode; the call's arguments come back as the "
    "answer text"
)
_REFUSED = (
    f"sending response_format json_schema as a tool ({ANSWER_TOOL}) the model is made to call, "
    "since this model refuses json_schema; the call's arguments come back as the answer text"
)
_ASKED_FOR = (
    "sending tool_choice='auto': this model refuses a forced tool choice (it always thinks, or "
    "takes only 'auto'); the answer is checked for the call, and ToolNotCalledError raised "
    "without it"
)
_NO_THINKING_WHEN_FORCED = (
    "Anthropic refuses a forced tool choice while thinking, so thinking is off for this call "
    "(pass tool_choice='auto' to keep it)"
)


def _is_structured(response_format: object) -> bool:
    return isinstance(response_format, dict) and response_format.get("type") in (
        "json_schema",
        "json_object",
    )


def _forces_a_tool(body: dict[str, Any]) -> bool:
    choice = body.get("tool_choice")
    return bool(body.get("tools")) and (isinstance(choice, dict) or choice in ("required", "any"))


def _map_reasoning(
    body: dict[str, Any], rules: FamilyRules
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    model = rules.model or str(body.get("model"))
    if body["reasoning_effort"] == "none":
        off = _thinking_off_switch(body, rules)
        if off is not None:
            return off, []
    if rules.can_reason is False:
        raise AkileConfigError(
            f"Model {model!r} does not reason (model table), so reasoning_effort would be "
            "rejected or ignored. Remove it, or correct the table with "
            f"register_model_profile({model!r}, reasoning=True)."
        )
    effort = check_effort(body["reasoning_effort"], model, rules.efforts)
    if rules.family == "claude":
        return claude_reasoning(
            body, model, effort, adaptive_only=rules.adaptive_only, native=rules.native_claude
        )
    if rules.family == "gemini":
        return gemini_reasoning(body, model, effort), []
    return body, []
