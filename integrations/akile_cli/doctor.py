"""``akile doctor -m MODEL``: probe what a model's channel accepts, print it, optionally save it.

Probes go out exactly as written (``Gateway(family_rules=False)``): the point is to see what the
channel does with parameters the library would otherwise leave out.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from akile_cli.common import EXIT_FAILED, EXIT_OK, exit_code, settings
from akile_cli.findings import facts_from
from akile_cli.probes import (
    FAILED,
    IGNORED,
    NO,
    OK,
    REJECTED,
    Finding,
    Outcome,
    Probe,
    probes,
    read,
)
from akile_cli.terminal import Terminal, dollars, table

VERSION_HEADER = "x-new-api-version"
STATUS_STYLE = {
    OK: ("green",),
    IGNORED: ("yellow",),
    NO: ("yellow",),
    REJECTED: ("red",),
    FAILED: ("red", "bold"),
}
# A Claude thinking budget for "low" is 1,280 tokens and max_tokens must exceed it.
CLAUDE_REASONING_MAX_TOKENS = 1400
REASONING_MAX_TOKENS = 256


def run(args: argparse.Namespace, term: Terminal) -> int:
    """Probe, report, and save if asked; return the exit code."""
    from akile_core import Gateway
    from akile_core.policy import RequestPolicy
    from akile_core.profiles import family_of, resolve
    from akile_core.thinking import thinking_switch

    config = settings(args, max_retries=0)  # a probe's failure is a finding, not worth a retry
    # The probes are of chat completions; /v1/messages is probed on its own (messages_probe).
    gateway = Gateway(config, policy=RequestPolicy(family_rules=False), endpoint="chat_completions")
    term.progress(f"akile doctor: reading {config.base_url}/models ...")
    version, listing = read_listing(gateway)
    listed = next((e for e in listing if str(e.get("id")) == args.model), None)
    family = family_of(args.model)
    budget = CLAUDE_REASONING_MAX_TOKENS if family == "claude" else REASONING_MAX_TOKENS
    switch = thinking_switch(args.model)
    plan = probes(budget, switch[0] if switch is not None else None)
    findings: list[Finding] = []
    outcomes: list[Outcome] = []
    started = time.monotonic()
    for number, probe in enumerate(plan, 1):
        term.progress(f"[{number:2}/{len(plan)}] {probe.title} ...")
        outcome = send(gateway, probe, args.model)
        if number == 1 and outcome.error is not None:
            term.clear_progress()
            raise outcome.error  # a plain chat fails: nothing else can be learned, say why
        outcomes.append(outcome)
        status, detail = read(outcome, probe.judge)
        findings.append(Finding(probe.key, probe.title, status, detail))
    if family == "claude":
        from akile_cli.messages_probe import messages_findings

        term.progress("/v1/messages: offered? thinking tool loop, prompt caching ...")
        findings += messages_findings(Gateway(config, endpoint="messages"), args.model, outcomes)
    term.clear_progress()
    spec = resolve(args.model).spec
    types = listed.get("supported_endpoint_types") if listed else None
    facts = facts_from(
        findings,
        plan,
        spec.inputs if spec is not None else frozenset(),
        family if isinstance(types, list) else None,
    )
    spent = spending(outcomes, time.monotonic() - started)
    spent.update(probe_cost(gateway, args.model, outcomes))
    saved_to = None
    if args.save:
        from akile_core.saved_profiles import save_facts

        observed = {f.key: f"{f.status}: {f.detail}" if f.detail else f.status for f in findings}
        saved_to = str(save_facts(args.model, facts, observed, config.base_url))
    report = {
        "model": args.model,
        "base_url": config.base_url,
        "gateway_version": version,
        "listed": listed is not None,
        "family": family,
        "findings": [asdict(f) for f in findings],
        "facts": facts,
        "spent": spent,
        "saved_to": saved_to,
    }
    if args.json:
        term.print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        show(report, findings, term)
    return EXIT_OK if findings[0].status == OK else EXIT_FAILED


def read_listing(gateway: Any) -> tuple[str | None, list[dict[str, Any]]]:
    """The gateway's version header and model list (learning families); empty if unreadable."""
    from akile_core import AkileError

    try:
        listing, headers = gateway.models_and_headers()
    except AkileError as err:
        if exit_code(err) != EXIT_FAILED:
            raise
        return None, []
    return headers.get(VERSION_HEADER), listing


def send(gateway: Any, probe: Probe, model: str) -> Outcome:
    """Send one probe; every error is part of the outcome."""
    from akile_core import AkileError, StreamState

    body = probe.request(model)
    try:
        if not probe.stream:
            completion = gateway.complete(body)
            first = completion.choices[0]
            return Outcome(
                text=first.content,
                reasoning=first.reasoning or "",
                tool_calls=first.tool_calls,
                choices=len(completion.choices),
                logprobs=first.logprobs is not None,
                usage=completion.usage,
            )
        state = StreamState()
        text, reasoning = [], []
        for delta in gateway.stream(body, state):
            text.append(delta.content or "")
            reasoning.append(delta.reasoning or "")
        return Outcome(
            text="".join(text),
            reasoning="".join(reasoning),
            tool_calls=tuple(state.tool_calls.calls()),
            usage=state.usage,
        )
    except AkileError as err:
        return Outcome(error=err)


def spending(outcomes: Sequence[Outcome], seconds: float) -> dict[str, Any]:
    """What the probes cost, in the gateway's own unit (tokens; prices are on the console)."""
    used = [o.usage for o in outcomes if o.usage is not None]
    return {
        "requests": len(outcomes),
        "prompt_tokens": sum(u.input_tokens for u in used),
        "completion_tokens": sum(u.output_tokens for u in used),
        "without_usage": len(outcomes) - len(used),
        "seconds": round(seconds, 1),
    }


def probe_cost(gateway: Any, model: str, outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """What the probes cost in US dollars, priced from the gateway's own price list.

    A probe that failed is not charged (new-api refunds what it reserved for a failed call).
    """
    from akile_core.account import CostMeter

    meter = CostMeter(gateway)
    costs = [meter.cost(model, o.usage) for o in outcomes if o.error is None]
    known = [c for c in costs if c.known]
    unknown = [c for c in costs if not c.known]
    if not known and unknown:
        return {"usd": None, "quota": None, "cost_unknown": unknown[0].reason}
    return {
        "usd": sum(c.usd or 0.0 for c in known),
        "quota": sum(c.quota or 0 for c in known),
        "group": meter.group,
        "unpriced": len(unknown),
        "cost_unknown": unknown[0].reason if unknown else None,
    }


def show(report: dict[str, Any], findings: Sequence[Finding], term: Terminal) -> None:
    """The human-readable report."""
    version = report["gateway_version"] or f"no {VERSION_HEADER} header (not new-api, or older)"
    listed = "listed by /v1/models" if report["listed"] else "not in /v1/models"
    term.print(term.paint(f"akile doctor: {report['model']} at {report['base_url']}", "bold"))
    term.print(f"gateway: {version}; model {listed}; family rules: {report['family']}")
    term.print()
    lines = table(("PROBE", "RESULT", "DETAIL"), [(f.title, f.status, f.detail) for f in findings])
    term.print(term.paint(lines[0], "bold"))
    column = max(len("PROBE"), *(len(f.title) for f in findings)) + 2  # where RESULT starts
    for finding, line in zip(findings, lines[1:], strict=True):
        end = column + len(finding.status)
        status = term.paint(line[column:end], *STATUS_STYLE[finding.status])
        term.print(line[:column] + status + line[end:])
    spent = report["spent"]
    term.print()
    term.print(
        f"spent: {spent['requests']} requests, {spent['prompt_tokens']:,} prompt + "
        f"{spent['completion_tokens']:,} completion tokens"
        + (f" ({spent['without_usage']} without usage)" if spent["without_usage"] else "")
        + f", {spent['seconds']} s"
    )
    if spent["usd"] is not None:
        uncounted = (
            f"; {spent['unpriced']} answers not counted: {spent['cost_unknown']}"
            if spent["unpriced"]
            else ""
        )
        term.print(
            f"cost: {'at least ' if uncounted else ''}{dollars(spent['usd'])} "
            f"({spent['quota']:,} quota, group {spent['group']!r}), priced from the "
            f"gateway's /api/pricing{uncounted}"
        )
    else:
        term.print(f"cost: unknown: {spent['cost_unknown']}")
    facts = report["facts"]
    shown = ", ".join(f"{k}={v!r}" for k, v in facts.items()) or "nothing new"
    if report["saved_to"]:
        term.print(f"saved to {report['saved_to']}: {shown}")
    else:
        term.print(f"--save would record: {shown}")
