"""What is known about a model name: limits, inputs, tools, reasoning; framework-free.

Lookup order: the user's registry (``register_model_profile``), then facts measured on the key
(``akile doctor --save``, ``akile_core.saved_profiles``), then the table: the exact name, the name
normalised (vendor prefix, ``4.8`` for ``4-8``, thinking suffixes, date snapshots), the family's
defaults, else unknown. Unknown means unknown: adapters then fall back to their own defaults
rather than guess. The data is in ``akile_core._model_table``. A model's family (which gateway
converter serves it) comes from the registry, else from the gateway's ``/v1/models`` listing when
one was read (``akile_core.families.learn_families``), else from its name.
"""

from __future__ import annotations

import functools
import re
import sys
import threading
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from typing import Any, Literal

from akile_core._model_table import FAMILIES, MODELS
from akile_core.families import FAMILIES as FAMILY_NAMES
from akile_core.families import Family, family_by_name, learned_family

StructuredMethod = Literal["json_schema", "json_mode", "function_calling"]
_INPUTS = {"t": "text", "i": "image", "p": "pdf", "a": "audio", "v": "video"}


@dataclass(frozen=True)
class ModelSpec:
    """Facts about one model; ``None`` where the sources do not say."""

    id: str
    context_window: int | None = None
    max_input_tokens: int | None = None
    max_output_tokens: int | None = None
    inputs: frozenset[str] = field(default_factory=frozenset)
    tool_calling: bool | None = None
    structured_output: StructuredMethod | None = None
    reasoning: bool | None = None
    reasoning_efforts: tuple[str, ...] = ()
    temperature: bool | None = None
    family: Family | None = None
    """The gateway converter the channel uses (``akile_core.families``); ``None``: by name."""
    temperature_with_top_p: bool | None = None
    """``False`` when the channel refuses ``temperature`` and ``top_p`` together (newer Claude
    models); ``None``: as the family does."""
    rejected_params: tuple[str, ...] = ()
    """Body parameters the channel was seen to refuse (``akile doctor``): never sent."""


@dataclass(frozen=True)
class Resolved:
    """A lookup's result and how it was found.

    ``how`` is ``user`` (registered), ``saved`` (measured by ``akile doctor``), ``exact``,
    ``alias`` (a normalised name), ``family`` (the family's defaults) or ``listed`` (only the
    family is known, from the gateway's model list).
    """

    spec: ModelSpec | None
    how: str | None


def _spec(model_id: str, row: dict[str, Any]) -> ModelSpec:
    efforts = row.get("r")
    inputs = row.get("in")
    return ModelSpec(
        id=model_id,
        context_window=row.get("ctx"),
        max_input_tokens=row.get("inp") or row.get("ctx"),
        max_output_tokens=row.get("out"),
        inputs=frozenset(_INPUTS[c] for c in inputs) if inputs else frozenset(),
        tool_calling=True,  # every family the gateway serves calls tools
        structured_output=row.get("so"),
        reasoning=None if efforts is None else True,
        reasoning_efforts=tuple(efforts or ()),
        temperature=row.get("temp"),
        family=family_by_name(model_id),
    )


_registry: list[tuple[str, dict[str, Any]]] = []
_registry_lock = threading.Lock()


def register_model_profile(pattern: str, **facts: Any) -> None:
    """Add or correct facts for model names matching ``pattern`` (a name or a glob), process-wide.

    Facts are :class:`ModelSpec` field names (``context_window=32_000``,
    ``structured_output="json_mode"``, ...); they override what the table says, and apply to
    models constructed afterwards. Exact names win over globs; later registrations over earlier.
    """
    unknown = set(facts) - set(ModelSpec.__dataclass_fields__) - {"id"}
    if unknown:
        raise ValueError(
            f"Unknown model facts {sorted(unknown)}: use {sorted(ModelSpec.__dataclass_fields__)}."
        )
    if "inputs" in facts:
        facts["inputs"] = frozenset(facts["inputs"])
    for key in ("reasoning_efforts", "rejected_params"):
        if key in facts:
            facts[key] = tuple(facts[key])
    if "family" in facts and facts["family"] not in FAMILY_NAMES:
        raise ValueError(f"family must be one of {FAMILY_NAMES}, got {facts['family']!r}.")
    with _registry_lock:
        _registry.append((pattern.lower(), facts))
    forget_lookups()


def clear_registered_profiles() -> None:
    """Forget every ``register_model_profile`` call (for tests)."""
    with _registry_lock:
        _registry.clear()
    forget_lookups()


_VENDOR = re.compile(
    r"^(?:anthropic|openai|google|deepseek|qwen|alibaba|moonshotai|z-ai|zhipuai|x-ai|xai)/"
)
_SUFFIXES = re.compile(
    r"(?:-thinking(?:-\d+)?|-nothinking|-think|:free|-fast|-latest"
    r"|-(?:max|xhigh|high|medium|low|minimal|none))$"
)
_DATE = re.compile(r"-(?:\d{8}|\d{4}-\d{2}-\d{2}|\d{4})$")
_DOTTED_VERSION = re.compile(r"(claude-[a-z]+-\d+)\.(\d+)")


def candidates(name: str) -> list[str]:
    """The names to try for ``name``, most specific first."""
    found = [name.lower()]
    current = _VENDOR.sub("", found[0])
    current = _DOTTED_VERSION.sub(r"\1-\2", current)
    found.append(current)
    for pattern in (_SUFFIXES, _DATE, _SUFFIXES):
        current = pattern.sub("", current)
        found.append(current)
    return list(dict.fromkeys(found))


@functools.lru_cache(maxsize=1024)
def resolve(name: str | None) -> Resolved:
    """Everything known about a model name (see the module docstring for the order)."""
    if not name:
        return Resolved(None, None)
    names = candidates(name)
    base: ModelSpec | None = None
    how: str | None = None
    for index, candidate in enumerate(names):
        if candidate in MODELS:
            base, how = _spec(candidate, MODELS[candidate]), "exact" if index == 0 else "alias"
            break
    if base is None:
        for pattern, row in FAMILIES:
            if re.search(pattern, names[-1]):
                base, how = _spec(names[-1], row), "family"
                break
    learned = learned_family(names[0])
    if learned is not None and (base is None or base.family != learned):
        base = replace(base or ModelSpec(id=names[0]), family=learned)
        how = how or "listed"
    saved = _saved_for(names)
    if saved:
        base = replace(base or ModelSpec(id=names[0]), **saved)
        how = "saved"
    overrides = _registered_for(names[0], names[-1])
    if overrides:
        base = replace(base or ModelSpec(id=names[0]), **overrides)
        how = "user"
    return Resolved(base, how)


def forget_lookups() -> None:
    """Drop every cached lookup, and the rules built on them: a source of facts changed."""
    resolve.cache_clear()
    rules = sys.modules.get("akile_core.rules")  # not loaded yet: nothing of it is cached
    if rules is not None:
        rules.rules_of.cache_clear()


def family_of(name: str) -> Family:
    """The family whose rules apply to ``name``: registered, listed by the gateway, else by name."""
    spec = resolve(name).spec
    return spec.family if spec is not None and spec.family else family_by_name(name)


def _saved_for(names: list[str]) -> dict[str, Any]:
    from akile_core.saved_profiles import saved_facts

    saved = saved_facts()
    if not saved:
        return {}
    return next((saved[n] for n in names if n in saved), {})


def _registered_for(full: str, normalised: str) -> dict[str, Any]:
    with _registry_lock:
        entries = list(_registry)
    globs = [f for p, f in entries if p not in (full, normalised) and fnmatchcase(full, p)]
    exact = [f for p, f in entries if p in (full, normalised)]
    merged: dict[str, Any] = {}
    for facts in globs + exact:
        merged.update(facts)
    return merged
