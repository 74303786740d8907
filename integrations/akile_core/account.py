"""The gateway's account endpoints: its price list, the key's balance, and the cost of calls.

These live on the gateway's root, beside ``/v1`` (QuantumNous/new-api ``router/api-router.go``,
``router/dashboard.go``):

- ``GET /api/pricing``: the price list, public unless the deployment turns it off or asks for a
  console login; parsed by :mod:`akile_core.pricing`;
- ``GET /api/status``: public; its ``quota_per_unit`` is how much quota makes a dollar;
- ``GET /api/usage/token/`` with the key (``controller/token.go`` ``GetTokenUsage``): the key's
  granted, used and available quota, whether it is unlimited, and its expiry;
- ``GET /v1/dashboard/billing/subscription`` and ``/usage`` (``controller/billing.go``): the
  OpenAI-legacy shapes, in the gateway's display currency (USD unless its operator chose CNY or
  tokens), the fallback where the first is missing.

Nothing here is requested on a plain call: a :class:`CostMeter` reads the price list on the first
cost it is asked for, once per configuration and process.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from akile_core.config import default_group
from akile_core.error_mapping import RequestErrors
from akile_core.errors import (
    AccountInfoUnavailableError,
    AkileAPIError,
    AkileConfigError,
    AkileConnectionError,
)
from akile_core.pricing import (
    QUOTA_PER_UNIT,
    CallCost,
    PriceList,
    PricingError,
    call_cost,
    parse_price_list,
    status_quota_per_unit,
)

if TYPE_CHECKING:
    from akile_core.gateway import Gateway
    from akile_core.response import Usage

QUOTA_PER_UNIT_ENV = "AKILE_QUOTA_PER_UNIT"
PRICING_PATH = "/api/pricing"
STATUS_PATH = "/api/status"
TOKEN_USAGE_PATH = "/api/usage/token/"
SUBSCRIPTION_PATH = "/v1/dashboard/billing/subscription"
BILLING_USAGE_PATH = "/v1/dashboard/billing/usage"
# new-api's billing endpoints report an unlimited key as this many dollars (controller/billing.go).
UNLIMITED_AMOUNT = 100_000_000
# Statuses that mean "this gateway does not serve the endpoint to this key", as opposed to a
# failure worth reporting as such: missing (404/405), or behind a console login (401/403).
_NOT_SERVED = frozenset({401, 403, 404, 405})
_RAW: Any = {"headers": {"X-Stainless-Raw-Response": "true"}}
_log = logging.getLogger("akile")

# Price lists read in this process, per configuration; a string is why none could be read.
_price_lists: dict[object, PriceList | str] = {}
_price_lists_lock = threading.Lock()
# What reading a price list may fail with: each makes costs unknown, never the call fail.
_NO_PRICES = (AccountInfoUnavailableError, AkileAPIError, AkileConnectionError)
_async_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


@dataclass(frozen=True, slots=True)
class Balance:
    """What is left on a key. Quota figures are ``None`` where the source gives dollars only."""

    source: str
    """The endpoint the figures come from."""
    quota_per_unit: float
    granted_usd: float | None
    used_usd: float | None
    available_usd: float | None
    granted_quota: int | None = None
    used_quota: int | None = None
    available_quota: int | None = None
    unlimited: bool = False
    expires_at: int | None = None
    """Unix seconds; ``None`` when the key never expires."""
    name: str | None = None


def gateway_root(base_url: str) -> str:
    """The gateway's root: its API root without the trailing ``/v1``."""
    url = base_url.rstrip("/")
    return url[: -len("/v1")] if url.endswith("/v1") else url


def quota_per_unit_override() -> float | None:
    """``AKILE_QUOTA_PER_UNIT``, for a deployment whose ``/api/status`` does not say."""
    raw = os.environ.get(QUOTA_PER_UNIT_ENV)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise AkileConfigError(
            f"{QUOTA_PER_UNIT_ENV} must be a positive number (quota per US dollar; new-api's "
            f"default is {QUOTA_PER_UNIT:.0f}), got {raw!r}."
        )
    return value


# -- reading the endpoints -------------------------------------------------------------------


def get_json(gateway: Gateway, path: str) -> object:
    """``GET`` a path on the gateway's root with the key; the decoded JSON body.

    Raises :class:`AccountInfoUnavailableError` when the gateway does not serve it to this key.
    """
    url, errors = _target(gateway, path)
    try:
        with errors.mapped():
            response: Any = gateway.client().get(url, cast_to=object, options=_RAW)
    except AkileAPIError as err:
        raise _unavailable(path, err) from err
    return _decoded(path, response.text)


async def aget_json(gateway: Gateway, path: str) -> object:
    """Async :func:`get_json`."""
    url, errors = _target(gateway, path)
    try:
        with errors.mapped():
            client = await gateway.async_client()
            response: Any = await client.get(url, cast_to=object, options=_RAW)
    except AkileAPIError as err:
        raise _unavailable(path, err) from err
    return _decoded(path, response.text)


def read_price_list(gateway: Gateway) -> PriceList:
    """The gateway's price list (``/api/pricing``, with ``/api/status``'s quota per dollar)."""
    pricing = get_json(gateway, PRICING_PATH)
    return _price_list(pricing, _optional(lambda: get_json(gateway, STATUS_PATH)))


async def aread_price_list(gateway: Gateway) -> PriceList:
    """Async :func:`read_price_list`."""
    pricing = await aget_json(gateway, PRICING_PATH)
    try:
        status = await aget_json(gateway, STATUS_PATH)
    except (AccountInfoUnavailableError, AkileAPIError):
        status = None
    return _price_list(pricing, status)


def read_balance(gateway: Gateway) -> Balance:
    """What is left on the key: ``/api/usage/token/``, else the OpenAI-legacy billing pair."""
    status = _optional(lambda: get_json(gateway, STATUS_PATH))
    try:
        return token_balance(get_json(gateway, TOKEN_USAGE_PATH), status)
    except AccountInfoUnavailableError as first:
        try:
            subscription = get_json(gateway, SUBSCRIPTION_PATH)
            usage = get_json(gateway, BILLING_USAGE_PATH)
        except AccountInfoUnavailableError:
            raise AccountInfoUnavailableError(
                f"{first} Neither does it serve {SUBSCRIPTION_PATH}. The balance shows on the "
                "gateway console's wallet (钱包) page."
            ) from first
        return billing_balance(subscription, usage, status)


def _optional(read: Any) -> object:
    try:
        return read()
    except (AccountInfoUnavailableError, AkileAPIError):
        return None


def _price_list(pricing: object, status: object) -> PriceList:
    try:
        return parse_price_list(pricing, status, quota_per_unit_override())
    except PricingError as err:
        raise AccountInfoUnavailableError(str(err)) from err


def _target(gateway: Gateway, path: str) -> tuple[str, RequestErrors]:
    base = gateway.base_url or ""
    url = gateway_root(base) + path
    return url, RequestErrors(
        None, base_url=base, error_classes=gateway.error_classes, endpoint=path
    )


def _unavailable(path: str, err: AkileAPIError) -> Exception:
    if err.status_code in _NOT_SERVED:
        return AccountInfoUnavailableError(
            f"The gateway does not serve {path} to this key (HTTP {err.status_code}: {_said(err)})."
        )
    return err


def _said(err: AkileAPIError) -> str:
    """What the gateway itself said: its body's message, not our hint for chat calls."""
    body = err.body
    if isinstance(body, Mapping):
        inner = body.get("error")
        message = (inner if isinstance(inner, Mapping) else body).get("message")
        if isinstance(message, str) and message.strip():
            return _first_line(message)
    if isinstance(body, str) and body.strip():
        return _first_line(body)
    return "no message"


def _decoded(path: str, text: str) -> object:
    try:
        body = json.loads(text)
    except ValueError:
        raise AccountInfoUnavailableError(
            f"The gateway answered {path} with something that is not JSON: it does not serve "
            "this endpoint (not a new-api-family gateway, or a page in front of it)."
        ) from None
    if isinstance(body, Mapping) and body.get("success") is False:
        raise AccountInfoUnavailableError(
            f"The gateway refused {path}: {body.get('message') or 'no reason given'}."
        )
    return body


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "no message"


# -- balances ----------------------------------------------------------------------------------


def token_balance(body: object, status: object = None) -> Balance:
    """The balance in a ``/api/usage/token/`` body (new-api ``GetTokenUsage``)."""
    data = body.get("data") if isinstance(body, Mapping) else None
    if not isinstance(data, Mapping) or "total_available" not in data:
        raise AccountInfoUnavailableError(
            f"The gateway's {TOKEN_USAGE_PATH} answer holds no balance ('data.total_available')."
        )
    per_unit = quota_per_unit_override() or status_quota_per_unit(status)
    granted, used, available = (
        _int_or_none(data.get(key)) for key in ("total_granted", "total_used", "total_available")
    )
    expires = _int_or_none(data.get("expires_at"))
    return Balance(
        source=TOKEN_USAGE_PATH,
        quota_per_unit=per_unit,
        granted_usd=None if granted is None else granted / per_unit,
        used_usd=None if used is None else used / per_unit,
        available_usd=None if available is None else available / per_unit,
        granted_quota=granted,
        used_quota=used,
        available_quota=available,
        unlimited=bool(data.get("unlimited_quota")),
        expires_at=expires if expires and expires > 0 else None,
        name=str(data["name"]) if data.get("name") else None,
    )


def billing_balance(subscription: object, usage: object, status: object = None) -> Balance:
    """The balance in the OpenAI-legacy pair (new-api ``GetSubscription`` / ``GetUsage``).

    Both report amounts in the gateway's display currency; ``total_usage`` is in hundredths.
    """
    if not isinstance(subscription, Mapping) or "hard_limit_usd" not in subscription:
        raise AccountInfoUnavailableError(
            f"The gateway's {SUBSCRIPTION_PATH} answer holds no 'hard_limit_usd'."
        )
    granted = float(subscription["hard_limit_usd"])
    total_usage = usage.get("total_usage") if isinstance(usage, Mapping) else None
    used = float(total_usage) / 100 if isinstance(total_usage, (int, float)) else None
    unlimited = granted >= UNLIMITED_AMOUNT
    access_until = _int_or_none(subscription.get("access_until"))
    return Balance(
        source=SUBSCRIPTION_PATH,
        quota_per_unit=quota_per_unit_override() or status_quota_per_unit(status),
        granted_usd=None if unlimited else granted,
        used_usd=used,
        available_usd=None if unlimited or used is None else granted - used,
        unlimited=unlimited,
        expires_at=access_until if access_until and access_until > 0 else None,
    )


def _int_or_none(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value)


# -- the cost of calls ---------------------------------------------------------------------------


class CostMeter:
    """Prices calls for one gateway configuration and group, reading the price list once.

    A price list that cannot be read is remembered too (with why), so a gateway without one
    costs one request per process, and every cost then says why it is unknown. A connection
    failure is not remembered: the next call tries again.
    """

    def __init__(self, gateway: Gateway, group: str | None = None) -> None:
        self.gateway = gateway
        self.group = group or default_group()
        quota_per_unit_override()  # a bad AKILE_QUOTA_PER_UNIT fails here, not on a call

    def cost(self, model: str, usage: Usage | None) -> CallCost:
        """What a chat-completions call with this usage cost."""
        key = self.gateway.configuration
        prices = _price_lists.get(key)
        if prices is None:
            with _price_lists_lock:
                prices = _price_lists.get(key)
                if prices is None:
                    try:
                        prices = _price_lists[key] = read_price_list(self.gateway)
                    except _NO_PRICES as err:
                        prices = _unpriced(key, err)
        return self._cost(prices, model, usage)

    async def acost(self, model: str, usage: Usage | None) -> CallCost:
        """Async :meth:`cost`."""
        key = self.gateway.configuration
        prices = _price_lists.get(key)
        if prices is None:
            async with _async_lock():
                prices = _price_lists.get(key)
                if prices is None:
                    try:
                        prices = _price_lists[key] = await aread_price_list(self.gateway)
                    except _NO_PRICES as err:
                        prices = _unpriced(key, err)
        return self._cost(prices, model, usage)

    def _cost(self, prices: PriceList | str, model: str, usage: Usage | None) -> CallCost:
        if isinstance(prices, str):
            return CallCost(model, self.group, None, None, prices)
        return call_cost(prices, model, self.group, usage)


def _unpriced(key: object, err: Exception) -> str:
    """Why costs are unknown after ``err``; remembered, unless the gateway was unreachable."""
    if isinstance(err, AkileConnectionError):
        return (
            f"the gateway's price list could not be reached ({type(err).__name__}); "
            "retried on the next call."
        )
    reason = _price_lists[key] = f"the gateway's price list could not be read: {err}"
    _log.warning("Call costs are unknown: %s", reason)
    return reason


def _async_lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    with _price_lists_lock:
        lock = _async_locks.get(loop)
        if lock is None:
            lock = _async_locks[loop] = asyncio.Lock()
    return lock


def forget_price_lists() -> None:
    """Read the price lists again on the next cost (for tests, or after prices change)."""
    with _price_lists_lock:
        _price_lists.clear()
