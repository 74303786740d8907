"""JSON Schemas rewritten into the subset Gemini accepts through the gateway.

new-api hands a ``response_format`` schema to Gemini as ``responseSchema`` (an OpenAPI subset)
after deleting only ``title``, ``$schema`` and ``additionalProperties``, to depth 5, and never
resolves ``$ref``; tool ``parameters`` pass an allow-list that deletes ``$ref``, ``$defs``,
``const`` and ``oneOf`` outright (internal/shared/gemini/schema.go, gateway-families.md sections
1 and 2). A nested Pydantic model is a ``$ref`` into ``$defs``, so without inlining it arrives as
an empty object and the model invents its shape. :func:`inline_schema` resolves the references
and rewrites what would be deleted into what survives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from akile_core.errors import AkileConfigError

# Keys the Gemini converter deletes or rejects, and that carry no meaning once refs are inlined.
_DROPPED = frozenset({"$schema", "$defs", "definitions", "$id", "additionalProperties"})


def inline_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` with every local ``$ref`` replaced by its target, ready for a Gemini channel.

    Also: ``const`` becomes a one-value ``enum`` and ``oneOf`` becomes ``anyOf`` (the two keys the
    allow-list lacks but can express). A recursive schema cannot be inlined and is refused.
    """
    definitions = {
        **(schema.get("definitions") or {}),
        **(schema.get("$defs") or {}),
    }
    inlined: dict[str, Any] = _inline(schema, definitions, ())
    return inlined


def _inline(node: Any, definitions: Mapping[str, Any], seen: tuple[str, ...]) -> Any:
    if isinstance(node, list):
        return [_inline(item, definitions, seen) for item in node]
    if not isinstance(node, Mapping):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        name = _ref_name(ref)
        if name in seen:
            raise AkileConfigError(
                f"The schema refers to itself through {ref!r}; Gemini channels take no $ref and a "
                "recursive schema cannot be inlined. Give the recursive field a fixed depth, or "
                "use method='json_mode' with the shape described in the prompt."
            )
        if name not in definitions:
            raise AkileConfigError(
                f"The schema's {ref!r} points at no definition under $defs; fix the schema."
            )
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        target = _inline(definitions[name], definitions, (*seen, name))
        return {**target, **_inline(siblings, definitions, seen)}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROPPED:
            continue
        if key == "const":
            out["enum"] = [value]
        elif key == "oneOf":
            out["anyOf"] = _inline(value, definitions, seen)
        elif key in ("properties", "patternProperties"):
            out[key] = {
                name: _inline(sub, definitions, seen) for name, sub in (value or {}).items()
            }
        else:
            out[key] = _inline(value, definitions, seen)
    return out


def _ref_name(ref: str) -> str:
    for prefix in ("#/$defs/", "#/definitions/"):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    raise AkileConfigError(
        f"The schema uses {ref!r}; only local references (#/$defs/...) can be inlined for a "
        "Gemini channel. Inline that part of the schema yourself."
    )


def inline_request_schemas(body: Mapping[str, Any]) -> dict[str, Any]:
    """``body`` with its response-format schema and tool parameters inlined (new objects)."""
    out = dict(body)
    response_format = body.get("response_format")
    if isinstance(response_format, Mapping) and response_format.get("type") == "json_schema":
        json_schema = dict(response_format.get("json_schema") or {})
        if isinstance(json_schema.get("schema"), Mapping):
            json_schema["schema"] = inline_schema(json_schema["schema"])
            out["response_format"] = {**response_format, "json_schema": json_schema}
    tools = body.get("tools")
    if isinstance(tools, list):
        out["tools"] = [_inline_tool(tool) for tool in tools]
    return out


def _inline_tool(tool: Any) -> Any:
    function = tool.get("function") if isinstance(tool, Mapping) else None
    if not isinstance(function, Mapping) or not isinstance(function.get("parameters"), Mapping):
        return tool
    return {**tool, "function": {**function, "parameters": inline_schema(function["parameters"])}}
