"""``akile balance``: what is left on the key, from the gateway's own account endpoints."""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from typing import TYPE_CHECKING

from akile_cli.common import EXIT_OK, settings
from akile_cli.terminal import Terminal, dollars, thousands

if TYPE_CHECKING:
    from akile_core.account import Balance


def run(args: argparse.Namespace, term: Terminal) -> int:
    """Print the key's balance; return the exit code."""
    from akile_core import Gateway
    from akile_core.account import read_balance

    balance = read_balance(Gateway(settings(args)))
    if args.json:
        term.print(json.dumps(asdict(balance), indent=2, ensure_ascii=False))
        return EXIT_OK
    for label, value in lines(balance):
        term.print(f"{term.paint(label.ljust(10), 'bold')} {value}")
    return EXIT_OK


def lines(balance: Balance) -> list[tuple[str, str]]:
    """The balance as labelled lines."""
    rows = []
    if balance.name:
        rows.append(("key", balance.name))
    if balance.unlimited:
        rows.append(("available", "unlimited (the key has no quota limit)"))
    for label, usd, quota in (
        ("granted", balance.granted_usd, balance.granted_quota),
        ("used", balance.used_usd, balance.used_quota),
        ("available", balance.available_usd, balance.available_quota),
    ):
        if balance.unlimited and label in ("granted", "available"):
            continue
        rows.append((label, money(usd, quota)))
    expiry = "never"
    if balance.expires_at is not None:
        expiry = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(balance.expires_at))
    rows.append(("expires", expiry))
    note = f"{balance.source}; {thousands(int(balance.quota_per_unit))} quota = $1"
    if balance.granted_quota is None:
        note = (
            f"{balance.source}, in the gateway's display currency (USD unless its operator "
            "chose another)"
        )
    rows.append(("from", note))
    return rows


def money(usd: float | None, quota: int | None) -> str:
    """``$1.234567 (617,283 quota)``, or ``unknown``."""
    if usd is None:
        return "unknown"
    text = dollars(usd)
    return text if quota is None else f"{text} ({thousands(quota)} quota)"
