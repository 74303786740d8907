"""``akile balance``, ``akile models --prices`` and the doctor's cost, as a user runs them, against
the fault server's new-api account endpoints (``tests.faults.account``)."""

from __future__ import annotations

import pytest

from tests.cli.helpers import KEY, Run, akile
from tests.faults.server import FaultServer


def no_key_in(run: Run) -> None:
    assert KEY not in run.out + run.err
    assert KEY[3:] not in run.out + run.err


def test_balance_in_quota_and_dollars(fault_server: FaultServer) -> None:
    run = akile("balance", base_url=fault_server.url())
    assert run.code == 0, run.err
    assert "ci-key" in run.out
    assert "$10.00 (5,000,000 quota)" in run.out  # granted: 5,000,000 / 500,000
    assert "$2.50 (1,250,000 quota)" in run.out  # used
    assert "$7.50 (3,750,000 quota)" in run.out  # available
    assert "2030-01-01 00:00 UTC" in run.out  # expires_at 1893456000
    no_key_in(run)


def test_balance_as_json(fault_server: FaultServer) -> None:
    run = akile("balance", "--json", base_url=fault_server.url())
    data = run.json()
    assert (data["available_quota"], data["available_usd"]) == (3_750_000, 7.5)
    assert (data["unlimited"], data["source"]) == (False, "/api/usage/token/")


def test_balance_falls_back_to_the_billing_endpoints(fault_server: FaultServer) -> None:
    run = akile("balance", base_url=fault_server.url("/legacy-billing"))
    assert run.code == 0, run.err
    assert "available  $7.50" in run.out  # hard_limit_usd 10 - total_usage 250 / 100
    assert "display currency" in run.out and "quota)" not in run.out


def test_an_unlimited_key(fault_server: FaultServer) -> None:
    run = akile("balance", base_url=fault_server.url("/unlimited"))
    assert run.code == 0, run.err
    assert "unlimited" in run.out and "never" in run.out


def test_a_gateway_without_balances_says_so(fault_server: FaultServer) -> None:
    run = akile("balance", base_url=fault_server.url("/no-account"))
    assert run.code == 1
    assert "does not serve /api/usage/token/" in run.err
    assert "/v1/dashboard/billing/subscription" in run.err and "钱包" in run.err
    assert "Traceback" not in run.err
    no_key_in(run)


def test_models_with_prices(fault_server: FaultServer) -> None:
    run = akile("models", "--prices", base_url=fault_server.url())
    assert run.code == 0, run.err
    row = next(line for line in run.out.splitlines() if line.startswith("claude-opus-4-8"))
    # ratio 2.5 -> $5 in, completion 5 -> $25 out, cache 0.1 -> $0.50, 1.25 -> $6.25
    assert row.split() == ["claude-opus-4-8", "$5.00", "$25.00", "$0.50", "$6.25", "-"]
    assert "Without a price on this gateway" in run.out and "team-sonnet" in run.out


def test_models_with_prices_for_a_group(fault_server: FaultServer) -> None:
    run = akile("models", "--prices", "--group", "vip", "--json", base_url=fault_server.url())
    prices = {entry["id"]: entry["prices"] for entry in run.json()}
    assert prices["claude-opus-4-8"]["input"] == pytest.approx(4.0)  # 5 * 0.8
    assert prices["ok"] is None


def test_models_prices_where_the_price_list_is_closed(fault_server: FaultServer) -> None:
    run = akile("models", "--prices", base_url=fault_server.url("/pricing-login"))
    assert run.code == 1
    assert "does not serve /api/pricing" in run.err and "HTTP 401" in run.err
    no_key_in(run)


def test_doctor_reports_what_its_probes_cost(fault_server: FaultServer) -> None:
    run = akile("doctor", "-m", "priced-tokens", "--json", base_url=fault_server.url())
    assert run.code == 0, run.err
    spent = run.json()["spent"]
    # every answer with usage says 1200 + 300 tokens: 3000 quota, $0.006 each; the streams
    # without usage cannot be priced and are said to be left out
    priced = spent["requests"] - spent["without_usage"]
    assert (spent["unpriced"], priced) == (2, 20)
    assert spent["quota"] == 3000 * priced
    assert spent["usd"] == pytest.approx(0.006 * priced)
    human = akile("doctor", "-m", "priced-tokens", base_url=fault_server.url())
    assert "cost: at least $0.12 (60,000 quota, group 'default')" in human.out
    assert "2 answers not counted: the gateway's answer carried no token usage" in human.out


def test_doctor_says_when_the_cost_is_unknown(fault_server: FaultServer) -> None:
    run = akile("doctor", "-m", "ok", base_url=fault_server.url())
    assert run.code == 0, run.err
    assert "cost: unknown: 'ok' is not in the gateway's price list" in run.out
