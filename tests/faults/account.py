"""The fault server's account endpoints, in new-api's shapes, per "deployment".

A deployment is the path before ``/v1`` in the base URL (``http://127.0.0.1:PORT/<deployment>/v1``),
so one server plays several gateways at once and each test picks one by its base URL. Chat
requests ignore the prefix (the model names the scenario).

Shapes (QuantumNous/new-api):
- ``GET /api/pricing``: ``controller/pricing.go`` ``GetPricing`` and ``model/pricing.go``
  ``Pricing`` (``quota_type`` 0 by tokens / 1 per call; ``cache_ratio`` and
  ``create_cache_ratio`` only when set; ``billing_mode`` ``tiered_expr`` with ``billing_expr``);
  with the pricing module behind a login, ``middleware/header_nav.go`` answers 401
  ``{"success": false, "message": ...}``.
- ``GET /api/status``: ``controller/misc.go`` ``GetStatus`` (``quota_per_unit``).
- ``GET /api/usage/token/``: ``controller/token.go`` ``GetTokenUsage``.
- ``GET /v1/dashboard/billing/subscription`` and ``/usage``: ``controller/billing.go``.
- A path a gateway does not serve: gin's plain-text ``404 page not found``.

The chat scenarios ``priced-*`` answer with the usage each pricing test computes by hand.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tests.faults.server import _chunk, _end_sse, _send, _sse, _start_sse

PRICED_MODELS: list[dict[str, Any]] = [
    # Two of the models the fault server lists, at new-api's default ratios
    # (setting/ratio_setting: Claude Opus 4.6+ 2.5 / completion 5 = $5 / $25 per million, cache
    # 0.1 and 1.25 in cache_ratio.go; Gemini 2.5 Flash 0.15 / completion 8.3333 = $0.30 / $2.50).
    {
        "model_name": "claude-opus-4-8",
        "quota_type": 0,
        "model_ratio": 2.5,
        "completion_ratio": 5,
        "model_price": 0,
        "cache_ratio": 0.1,
        "create_cache_ratio": 1.25,
        "enable_groups": ["default", "vip"],
        "supported_endpoint_types": ["anthropic", "openai"],
    },
    {
        "model_name": "gemini-2.5-flash",
        "quota_type": 0,
        "model_ratio": 0.15,
        "completion_ratio": 8.3333,
        "model_price": 0,
        "enable_groups": ["default"],
        "supported_endpoint_types": ["gemini", "openai"],
    },
    # $2.50 / $10 per million tokens for the default group: 1.25 * 2 and times 4.
    {
        "model_name": "priced-tokens",
        "quota_type": 0,
        "model_ratio": 1.25,
        "completion_ratio": 4,
        "model_price": 0,
        "enable_groups": ["default", "vip"],
        "supported_endpoint_types": ["openai"],
    },
    # Claude-like: cache reads at 0.1, cache writes at 1.25 of the input price.
    {
        "model_name": "priced-cached",
        "quota_type": 0,
        "model_ratio": 2.5,
        "completion_ratio": 5,
        "model_price": 0,
        "cache_ratio": 0.1,
        "create_cache_ratio": 1.25,
        "enable_groups": ["default"],
        "supported_endpoint_types": ["openai"],
    },
    # A reasoning model: reasoning tokens are inside completion_tokens.
    {
        "model_name": "priced-reasoning",
        "quota_type": 0,
        "model_ratio": 0.625,
        "completion_ratio": 8,
        "model_price": 0,
        "enable_groups": ["default"],
        "supported_endpoint_types": ["openai"],
    },
    # $0.04 per call.
    {
        "model_name": "priced-per-call",
        "quota_type": 1,
        "model_ratio": 0,
        "completion_ratio": 0,
        "model_price": 0.04,
        "enable_groups": ["default"],
        "supported_endpoint_types": ["openai"],
    },
    {
        "model_name": "priced-tiered",
        "quota_type": 0,
        "model_ratio": 1,
        "completion_ratio": 1,
        "model_price": 0,
        "enable_groups": ["default"],
        "billing_mode": "tiered_expr",
        "billing_expr": 'tier("base", p * 2.5 + c * 15)',
        "supported_endpoint_types": ["openai"],
    },
]
PRICING = {
    "success": True,
    "data": PRICED_MODELS,
    "vendors": [],
    "group_ratio": {"default": 1, "vip": 0.8},
    "usable_group": {"default": "默认分组", "vip": "VIP"},
    "supported_endpoint": {},
    "auto_groups": [],
    "pricing_version": "fault",
}
STATUS = {"success": True, "message": "", "data": {"quota_per_unit": 500000, "version": "v0.9"}}
TOKEN_USAGE = {
    "code": True,
    "message": "ok",
    "data": {
        "object": "token_usage",
        "name": "ci-key",
        "total_granted": 5_000_000,
        "total_used": 1_250_000,
        "total_available": 3_750_000,
        "unlimited_quota": False,
        "model_limits": {},
        "model_limits_enabled": False,
        "expires_at": 1_893_456_000,
    },
}
# controller/billing.go: (remain + used) / QuotaPerUnit dollars; usage in hundredths.
SUBSCRIPTION = {
    "object": "billing_subscription",
    "has_payment_method": True,
    "soft_limit_usd": 10.0,
    "hard_limit_usd": 10.0,
    "system_hard_limit_usd": 10.0,
    "access_until": 0,
}
BILLING_USAGE = {"object": "list", "total_usage": 250.0}
NOT_FOUND = "404 page not found"
LOGIN_REQUIRED = {"success": False, "message": "无权进行此操作，未登录且未提供 access token"}

# The usage each priced chat scenario reports (OpenAI's shape, as new-api relays it).
PRICED_USAGE: dict[str, dict[str, Any]] = {
    "priced-tokens": {"prompt_tokens": 1200, "completion_tokens": 300, "total_tokens": 1500},
    "priced-cached": {
        "prompt_tokens": 10_000,
        "completion_tokens": 400,
        "total_tokens": 10_400,
        "prompt_tokens_details": {"cached_tokens": 8000, "cached_creation_tokens": 1500},
    },
    "priced-reasoning": {
        "prompt_tokens": 100,
        "completion_tokens": 900,
        "total_tokens": 1000,
        "completion_tokens_details": {"reasoning_tokens": 850},
    },
    "priced-per-call": {"prompt_tokens": 50, "completion_tokens": 10, "total_tokens": 60},
    "priced-tiered": {"prompt_tokens": 50, "completion_tokens": 10, "total_tokens": 60},
}

# deployment -> endpoint -> (status, body); a missing endpoint is gin's 404.
DEPLOYMENTS: dict[str, dict[str, tuple[int, Any]]] = {
    "": {
        "/api/pricing": (200, PRICING),
        "/api/status": (200, STATUS),
        "/api/usage/token/": (200, TOKEN_USAGE),
        "/v1/dashboard/billing/subscription": (200, SUBSCRIPTION),
        "/v1/dashboard/billing/usage": (200, BILLING_USAGE),
    },
    # The operator put the pricing page behind a login; balances still answer.
    "/pricing-login": {
        "/api/pricing": (401, LOGIN_REQUIRED),
        "/api/status": (200, STATUS),
        "/api/usage/token/": (200, TOKEN_USAGE),
    },
    # An older new-api or one-api: no /api/usage/token/, the legacy billing pair only.
    "/legacy-billing": {
        "/api/status": (200, STATUS),
        "/v1/dashboard/billing/subscription": (200, SUBSCRIPTION),
        "/v1/dashboard/billing/usage": (200, BILLING_USAGE),
    },
    # A deployment whose operator doubled QuotaPerUnit (an admin option in new-api).
    "/custom-unit": {
        "/api/pricing": (200, PRICING),
        "/api/status": (200, {"success": True, "data": {"quota_per_unit": 1_000_000}}),
        "/api/usage/token/": (200, TOKEN_USAGE),
    },
    # A key with no limit (new-api reports unlimited keys as 100000000 dollars in billing).
    "/unlimited": {
        "/api/status": (200, STATUS),
        "/api/usage/token/": (
            200,
            {
                "code": True,
                "data": {**TOKEN_USAGE["data"], "unlimited_quota": True, "expires_at": 0},
            },
        ),
    },
    # An OpenAI-compatible gateway with none of these endpoints.
    "/no-account": {},
}


def deployment_of(path: str) -> tuple[str, str] | None:
    """``(deployment, endpoint)`` for an account path, else ``None``."""
    for marker in ("/api/", "/v1/dashboard/"):
        index = path.find(marker)
        if index >= 0:
            return path[:index], path[index:].split("?")[0]
    return None


async def answer(w: asyncio.StreamWriter, deployment: str, endpoint: str) -> None:
    """Answer an account request as the deployment does."""
    status, body = DEPLOYMENTS.get(deployment, {}).get(endpoint, (404, NOT_FOUND))
    if isinstance(body, str):
        await _send(w, status, body, None, "text/plain; charset=utf-8")
    else:
        await _send(w, status, body)


def priced_completion(body: dict[str, Any]) -> dict[str, Any]:
    """A chat completion carrying the scenario's usage."""
    model = str(body["model"])
    return {
        "id": "chatcmpl-priced",
        "object": "chat.completion",
        "model": model,
        "choices": [
            {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "ok"}}
        ],
        "usage": PRICED_USAGE[model],
    }


async def priced(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    """A ``priced-*`` chat scenario: "ok" with its usage, invoked or streamed."""
    if not body.get("stream"):
        await _send(w, 200, priced_completion(body))
        return True
    await _start_sse(w)
    await _sse(w, _chunk(body, {"role": "assistant", "content": "ok"}))
    await _sse(w, _chunk(body, {}, "stop"))
    if (body.get("stream_options") or {}).get("include_usage"):
        await _sse(w, {"id": "chatcmpl-fault", "choices": [], "usage": PRICED_USAGE[scenario]})
    await _end_sse(w)
    return True


PRICED = dict.fromkeys(PRICED_USAGE, priced)
