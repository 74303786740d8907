"""Which converter a model's channel goes through on the gateway: Claude, Gemini, or none.

new-api turns an OpenAI chat request into the upstream's own format for Anthropic/Bedrock and
Gemini/Vertex channels, and forwards it nearly verbatim for every other one (DeepSeek, Qwen,
OpenAI, ...). What a request may contain depends on that converter, not on the vendor's own API,
so this is the "family" the request rules key on (shared/reference/gateway-families.md).

The gateway says which converter serves a model in ``GET /v1/models``:
``supported_endpoint_types`` is ``["anthropic", "openai"]`` for Anthropic and Bedrock channels and
``["gemini", "openai"]`` for Gemini and Vertex (new-api common/endpoint_type.go
``GetEndpointTypesByChannelType``). That wins over the name, because an admin can map any name
(``my-model``) to any channel; the name is the fallback.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from akile_core.facts_changed import facts_changed

Family = Literal["claude", "gemini", "openai"]
FAMILY_NAMES: tuple[Family, ...] = ("claude", "gemini", "openai")

_ENDPOINT_FAMILY: dict[str, Family] = {"anthropic": "claude", "gemini": "gemini"}

# Model name (lower case) -> the family the gateway's listing gave it, for the process.
_learned: dict[str, Family] = {}
_learned_lock = threading.Lock()


def family_by_name(name: str) -> Family:
    """The family a model name suggests: ``claude-*``, ``gemini-*``, else OpenAI-compatible."""
    lowered = name.lower().rpartition("/")[2]
    if lowered.startswith("claude-"):
        return "claude"
    if lowered.startswith("gemini-"):
        return "gemini"
    return "openai"


def family_from_endpoint_types(types: Iterable[object]) -> Family:
    """The family ``supported_endpoint_types`` reveals (plain ``openai`` means pass-through)."""
    for endpoint in types:
        family = _ENDPOINT_FAMILY.get(str(endpoint))
        if family is not None:
            return family
    return "openai"


def learn_families(entries: Sequence[Mapping[str, Any]]) -> dict[str, Family]:
    """Remember each listed model's family (entries of ``akile_core.model_listing``).

    Returns what was learned. Entries without ``supported_endpoint_types`` (one-api, OpenAI
    itself) teach nothing, so the name keeps deciding for them.
    """
    learned: dict[str, Family] = {}
    for entry in entries:
        types = entry.get("supported_endpoint_types")
        if isinstance(types, list):
            learned[str(entry["id"]).lower()] = family_from_endpoint_types(types)
    if learned:
        with _learned_lock:
            _learned.update(learned)
        facts_changed()  # a learned family changes lookups
    return learned


def learned_family(name: str) -> Family | None:
    """The family the gateway's model list gave for ``name``, if it was listed."""
    with _learned_lock:
        return _learned.get(name.lower())


def forget_learned_families() -> None:
    """Forget every listing (for tests)."""
    with _learned_lock:
        _learned.clear()
    facts_changed()
