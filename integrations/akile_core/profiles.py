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
import threading
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from typing import Any

from akile_core._model_table import FAMILY_DEFAULTS, MODELS
from akile_core.facts_changed import facts_changed, on_facts_changed
from akile_core.families import Family, family_by_name, learned_family
from akile_core.model_facts import ModelSpec, StructuredMethod, check_facts
from akile_core.saved_profiles import saved_facts

__all__ = [
    "ModelSpec",
    "Resolved",
    "StructuredMethod",
    "candidates",
    "clear_registered_profiles",
    "family_of",
    "register_model_profile",
    "resolve",
]

_INPUTS = {"t": "text", "i": "image", "p": "pdf", "a": "audio", "v": "video"}
# register_model_profile's (pattern, facts) in call order: later ones win.
_registry: list[tuple[str, dict[str, Any]]] = []
_registry_lock = threading.Lock()


@dataclass(frozen=True)
class Resolved:
    """A lookup's result and how it was found.

    ``how`` is ``user`` (registered), ``saved`` (measured by ``akile doctor``), ``exact``,
    ``alias`` (a normalised name), ``family`` (the family's defaults) or ``listed`` (only the
    family is known, from the gateway's model list).
    """

    spec: ModelSpec | None
    how: str | None

    def family(self, name: str) -> Family:
        """The family of the model looked up as ``name``: its facts say, else its name."""
        spec = self.spec
        return spec.family if spec is not None and spec.family else family_by_name(name)


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


def register_model_profile(pattern: str, **facts: Any) -> None:
    """Add or correct facts for model names matching ``pattern`` (a name or a glob), process-wide.

    Facts are :class:`ModelSpec` field names (``context_window=32_000``,
    ``structured_output="json_mode"``, ...); they override what the table says, and apply to
    models constructed afterwards. Exact names win over globs; later registrations over earlier.
    """
    checked = check_facts(facts, f"register_model_profile({pattern!r})")
    with _registry_lock:
        _registry.append((pattern.lower(), checked))
    facts_changed()


def clear_registered_profiles() -> None:
    """Forget every ``register_model_profile`` call (for tests)."""
    with _registry_lock:
        _registry.clear()
    facts_changed()


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
        for pattern, row in FAMILY_DEFAULTS:
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


on_facts_changed(resolve.cache_clear)


def family_of(name: str) -> Family:
    """The family whose rules apply to ``name``: registered, listed by the gateway, else by name.

    The one answer to "is this Claude?" (or Gemini): rules, token estimates and the adapters'
    defaults all ask here.
    """
    return resolve(name).family(name)


def _saved_for(names: list[str]) -> dict[str, Any]:
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
