"""Call costs as new-api bills them: each expectation is computed by hand from the formulas cited
in ``akile_core.pricing`` (``relay/compatible_handler.go`` ``postConsumeQuota``)."""

from __future__ import annotations

import pytest

from akile_core.pricing import (
    PricingError,
    call_cost,
    parse_price_list,
    token_quota,
    unit_prices,
)
from akile_core.response import Usage, parse_usage
from tests.faults.account import PRICED_USAGE, PRICING


@pytest.fixture(scope="module")
def prices():  # type: ignore[no-untyped-def]
    return parse_price_list(PRICING, {"success": True, "data": {"quota_per_unit": 500000}})


def usage_of(model: str) -> Usage:
    return parse_usage(PRICED_USAGE[model])


def test_token_priced_call(prices) -> None:  # type: ignore[no-untyped-def]
    # (1200 prompt + 300 completion * 4) * model ratio 1.25 * group 1 = 3000 quota = $0.006
    cost = call_cost(prices, "priced-tokens", "default", usage_of("priced-tokens"))
    assert (cost.quota, cost.usd, cost.known) == (3000, 0.006, True)


def test_group_ratio_applies(prices) -> None:  # type: ignore[no-untyped-def]
    # the same call in the vip group (ratio 0.8): 3000 * 0.8 = 2400 quota
    cost = call_cost(prices, "priced-tokens", "vip", usage_of("priced-tokens"))
    assert (cost.quota, cost.usd) == (2400, 0.0048)


def test_cached_call_reads_and_writes(prices) -> None:  # type: ignore[no-untyped-def]
    # base 10000 - 8000 read - 1500 written = 500; 500 + 8000 * 0.1 + 1500 * 1.25 = 3175;
    # completion 400 * 5 = 2000; (3175 + 2000) * 2.5 = 12937.5 -> 12938 quota
    usage = usage_of("priced-cached")
    assert (usage.cached_tokens, usage.cache_write_tokens) == (8000, 1500)
    cost = call_cost(prices, "priced-cached", "default", usage)
    assert cost.quota == 12938
    assert cost.usd == pytest.approx(12938 / 500000)


def test_anthropic_usage_does_not_subtract_the_cache(prices) -> None:  # type: ignore[no-untyped-def]
    # /v1/messages counts input_tokens without the cache: the same call is 500 + cache
    usage = Usage(500, 400, 10400, cached_tokens=8000, cache_write_tokens=1500)
    cost = call_cost(prices, "priced-cached", "default", usage, usage_includes_cache=False)
    assert cost.quota == 12938


def test_reasoning_tokens_cost_the_completion_ratio_once(prices) -> None:  # type: ignore[no-untyped-def]
    # (100 + 900 * 8) * 0.625 = 4562.5 -> 4563; the 850 reasoning tokens are inside the 900
    cost = call_cost(prices, "priced-reasoning", "default", usage_of("priced-reasoning"))
    assert cost.quota == 4563


def test_per_call_price(prices) -> None:  # type: ignore[no-untyped-def]
    # $0.04 * 500000 * group: 20000 quota (default), 16000 (vip); tokens do not matter
    assert call_cost(prices, "priced-per-call", "default", None).quota == 20000
    vip = call_cost(prices, "priced-per-call", "vip", usage_of("priced-per-call"))
    assert (vip.quota, vip.usd) == (16000, 0.032)


def test_rounding_is_half_away_from_zero() -> None:
    # shopspring Round(0): 2.5 -> 3 (Python's round() would say 2)
    prices = parse_price_list(
        {
            "data": [{"model_name": "m", "quota_type": 0, "model_ratio": 2.5}],
            "group_ratio": {"g": 1},
        }
    )
    assert token_quota(prices.models["m"], 1, Usage(1, 0, 1)) == 3


def test_a_used_call_never_costs_zero_and_an_empty_one_does() -> None:
    prices = parse_price_list(
        {
            "data": [{"model_name": "m", "quota_type": 0, "model_ratio": 0.1}],
            "group_ratio": {"g": 1},
        }
    )
    assert token_quota(prices.models["m"], 1, Usage(1, 0, 1)) == 1  # 0.1 rounds to 0 -> 1
    assert token_quota(prices.models["m"], 1, Usage(0, 0, 0)) == 0  # "可能是上游超时"


def test_unset_cache_ratios_take_new_apis_defaults() -> None:
    prices = parse_price_list({"data": [{"model_name": "m", "model_ratio": 1}], "group_ratio": {}})
    entry = prices.models["m"]
    assert (entry.cache_ratio, entry.create_cache_ratio, entry.per_call) == (1.0, 1.25, False)


def test_the_gateways_quota_per_unit_is_used(prices) -> None:  # type: ignore[no-untyped-def]
    doubled = parse_price_list(PRICING, {"data": {"quota_per_unit": 1_000_000}})
    cost = call_cost(doubled, "priced-tokens", "default", usage_of("priced-tokens"))
    assert (cost.quota, cost.usd) == (3000, 0.003)
    override = parse_price_list(PRICING, {"data": {"quota_per_unit": 1_000_000}}, 250_000)
    assert override.quota_per_unit == 250_000


@pytest.mark.parametrize(
    ("model", "group", "said"),
    [
        ("not-listed", "default", "not in the gateway's price list"),
        ("priced-tiered", "default", "tiered_expr"),
        ("priced-tokens", "svip", "groups: default, vip"),
    ],
)
def test_unknown_costs_say_why(prices, model: str, group: str, said: str) -> None:  # type: ignore[no-untyped-def]
    cost = call_cost(prices, model, group, Usage(10, 10, 20))
    assert (cost.quota, cost.usd, cost.known) == (None, None, False)
    assert said in (cost.reason or "")
    assert cost.as_dict()["reason"] == cost.reason


def test_a_token_priced_call_without_usage_is_unknown(prices) -> None:  # type: ignore[no-untyped-def]
    cost = call_cost(prices, "priced-tokens", "default", None)
    assert cost.quota is None and "no token usage" in (cost.reason or "")


def test_unit_prices_per_million(prices) -> None:  # type: ignore[no-untyped-def]
    tokens = unit_prices(prices, "priced-tokens", "default")
    assert (tokens.input, tokens.output) == (2.5, 10.0)
    cached = unit_prices(prices, "priced-cached", "default")
    assert (cached.input, cached.output, cached.cache_read, cached.cache_write) == (
        5.0,
        25.0,
        0.5,
        6.25,
    )
    per_call = unit_prices(prices, "priced-per-call", "vip")
    assert per_call.per_call == pytest.approx(0.032) and per_call.input is None


@pytest.mark.parametrize(
    "body",
    [
        {"success": False, "message": "未登录"},
        {"success": True, "data": "nope"},
        ["not", "a", "mapping"],
    ],
)
def test_a_body_that_is_not_a_price_list_is_refused(body: object) -> None:
    with pytest.raises(PricingError):
        parse_price_list(body)


def test_new_apis_cache_creation_field_is_read() -> None:
    # dto/openai_response.go: prompt_tokens_details.cached_creation_tokens
    usage = parse_usage(
        {
            "prompt_tokens": 10,
            "completion_tokens": 1,
            "prompt_tokens_details": {"cached_tokens": 2, "cached_creation_tokens": 3},
        }
    )
    assert (usage.cached_tokens, usage.cache_write_tokens) == (2, 3)
