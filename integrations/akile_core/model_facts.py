"""What can be known about a model (:class:`ModelSpec`), and the one check of facts given for it.

``register_model_profile`` and the saved-profiles file (``akile doctor --save``) both take facts
by :class:`ModelSpec` field name; :func:`check_facts` is the check they share, so a fact that
one accepts the other accepts too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from akile_core.errors import AkileConfigError
from akile_core.families import FAMILY_NAMES, Family

StructuredMethod = Literal["json_schema", "json_mode", "function_calling"]


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
    forced_tool_while_thinking: bool | None = None
    """``False`` when the channel refuses a forced tool choice because the model thinks
    (``akile doctor`` saw it); ``True`` when it takes one; ``None``: as ``akile_core.thinking``
    says of the family."""
    messages_endpoint: bool | None = None
    """Whether the gateway serves this Claude model on ``/v1/messages`` (``akile doctor`` saw
    it, or you say so); ``None``: as ``/v1/models`` says (``supported_endpoint_types``)."""


FACT_NAMES = frozenset(ModelSpec.__dataclass_fields__) - {"id"}


def check_facts(facts: Mapping[str, Any], where: str) -> dict[str, Any]:
    """``facts`` checked and in :class:`ModelSpec`'s types; raise naming ``where`` if not."""
    unknown = sorted(set(facts) - FACT_NAMES)
    if unknown:
        raise AkileConfigError(
            f"{where}: unknown model facts {unknown}; known ones are {sorted(FACT_NAMES)}."
        )
    checked = dict(facts)
    if "inputs" in checked:
        checked["inputs"] = frozenset(checked["inputs"])
    for key in ("reasoning_efforts", "rejected_params"):
        if key in checked:
            checked[key] = tuple(checked[key])
    endpoint = checked.get("messages_endpoint")
    if endpoint is not None and not isinstance(endpoint, bool):
        raise AkileConfigError(f"{where}: messages_endpoint must be true, false or null.")
    if checked.get("family") is not None and checked["family"] not in FAMILY_NAMES:
        raise AkileConfigError(
            f"{where}: family must be one of {FAMILY_NAMES}, got {checked['family']!r}."
        )
    return checked
