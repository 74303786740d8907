"""``akile models``: the key's models (``GET /v1/models``) beside what the model table knows."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import Any

from akile_cli.common import EXIT_OK, settings
from akile_cli.terminal import Terminal, dollars, table, thousands

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


PRICE_HEADERS = (
    "MODEL",
    "INPUT $/M",
    "OUTPUT $/M",
    "CACHE READ $/M",
    "CACHE WRITE $/M",
    "PER CALL",
)


def run(args: argparse.Namespace, term: Terminal) -> int:
    """List the models; return the exit code."""
    from akile_core import Gateway

    gateway = Gateway(settings(args))
    entries = gateway.models()  # also learns each model's family
    described = [describe(entry) for entry in entries]
    if args.prices:
        return _prices(gateway, described, args, term)
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


def _prices(
    gateway: Any, described: list[dict[str, Any]], args: argparse.Namespace, term: Terminal
) -> int:
    """The listed models' prices for the key's group, from the gateway's price list."""
    from dataclasses import asdict

    from akile_core.account import read_price_list
    from akile_core.config import default_group
    from akile_core.pricing import PricingError, unit_prices

    prices = read_price_list(gateway)
    group = args.group or default_group()
    rows, missing = [], []
    for entry in described:
        try:
            entry["prices"] = asdict(unit_prices(prices, entry["id"], group))
        except PricingError:
            entry["prices"] = None
            missing.append(entry["id"])
        rows.append(_price_row(entry["id"], entry["prices"]))
    if args.json:
        term.print(json.dumps(described, indent=2, ensure_ascii=False))
        return EXIT_OK
    lines = table(PRICE_HEADERS, rows)
    term.print(term.paint(lines[0], "bold"))
    for line in lines[1:]:
        term.print(line)
    note = (
        f"\nUS dollars for the group {group!r} (ratio {prices.group_ratios.get(group, '?')}; "
        f"--group or AKILE_GROUP to change), from the gateway's /api/pricing; "
        f"{prices.quota_per_unit:,.0f} quota = $1."
    )
    if missing:
        note += (
            f" Without a price on this gateway (their cost shows as unknown): {', '.join(missing)}."
        )
    term.print(term.paint(note, "dim"))
    return EXIT_OK


def _price_row(model: str, prices: Mapping[str, Any] | None) -> list[str]:
    if prices is None:
        return [model, *["-"] * 5]
    if prices["per_call"] is not None:
        return [model, *["-"] * 4, dollars(prices["per_call"])]
    return [
        model,
        *(dollars(prices[key]) for key in ("input", "output", "cache_read", "cache_write")),
        "-",
    ]
