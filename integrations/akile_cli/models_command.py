"""``akile models``: the key's models (``GET /v1/models``) beside what the model table knows."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import Any

from akile_cli.common import EXIT_OK, settings
from akile_cli.terminal import Terminal, table, thousands

HEADERS = (
    "MODEL",
    "FAMILY",
    "CONTEXT",
    "MAX OUTPUT",
    "INPUTS",
    "TOOLS",
    "REASONING",
    "STRUCTURED",
    "FROM",
)


def run(args: argparse.Namespace, term: Terminal) -> int:
    """List the models; return the exit code."""
    from akile_core import Gateway

    entries = Gateway(settings(args)).models()  # also learns each model's family
    described = [describe(entry) for entry in entries]
    if args.json:
        term.print(json.dumps(described, indent=2, ensure_ascii=False))
        return EXIT_OK
    rows = [_row(d) for d in described]
    lines = table(HEADERS, rows)
    term.print(term.paint(lines[0], "bold"))
    for line in lines[1:]:
        term.print(line)
    known = sum(1 for d in described if d["profile"] is not None)
    term.print(
        term.paint(
            f"\n{len(described)} model{'s' if len(described) != 1 else ''}; {known} with facts "
            "from the model table "
            "(FROM: exact, alias, family defaults, saved by `akile doctor --save`). "
            "`akile doctor -m MODEL` measures what a channel accepts.",
            "dim",
        )
    )
    return EXIT_OK


def describe(entry: Mapping[str, Any]) -> dict[str, Any]:
    """One listed model: the gateway's entry and the profile the library would use for it."""
    from akile_core.profiles import family_of, resolve

    name = str(entry["id"])
    resolved = resolve(name)
    spec = resolved.spec
    profile = None
    if spec is not None and resolved.how != "listed":  # "listed": only the family is known
        profile = {
            "context_window": spec.context_window,
            "max_input_tokens": spec.max_input_tokens,
            "max_output_tokens": spec.max_output_tokens,
            "inputs": sorted(spec.inputs),
            "tool_calling": spec.tool_calling,
            "reasoning": spec.reasoning,
            "reasoning_efforts": list(spec.reasoning_efforts),
            "structured_output": spec.structured_output,
            "temperature": spec.temperature,
        }
    return {
        "id": name,
        "owned_by": entry.get("owned_by"),
        "supported_endpoint_types": entry.get("supported_endpoint_types"),
        "family": family_of(name),
        "profile": profile,
        "profile_source": resolved.how,
    }


def _row(described: Mapping[str, Any]) -> list[str]:
    profile = described["profile"]
    if profile is None:
        return [
            described["id"],
            described["family"],
            *["-"] * 6,
            described["profile_source"] or "unknown",
        ]
    reasoning = "-"
    if profile["reasoning"]:
        reasoning = "/".join(profile["reasoning_efforts"]) or "yes"
    return [
        described["id"],
        described["family"],
        thousands(profile["context_window"]),
        thousands(profile["max_output_tokens"]),
        ",".join(profile["inputs"]) or "-",
        {True: "yes", False: "no"}.get(profile["tool_calling"], "-"),
        reasoning,
        profile["structured_output"] or "-",
        str(described["profile_source"]),
    ]
