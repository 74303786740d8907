"""What a call costs, computed the way a new-api gateway bills it: pure functions, no I/O.

A new-api gateway charges *quota* (额度), an integer, from the key's balance. Sources (all in
QuantumNous/new-api):

- ``QuotaPerUnit`` (``common/constants.go``): quota per US dollar, ``500 * 1000.0`` ("$0.002 /
  1K tokens"). An administrator may change it (option ``QuotaPerUnit``); the gateway publishes its
  value in ``GET /api/status`` (``controller/misc.go``), which :mod:`akile_core.account` reads,
  and ``AKILE_QUOTA_PER_UNIT`` overrides both.
- The price list, ``GET /api/pricing`` (``controller/pricing.go`` ``GetPricing``, ``model/pricing.go``
  ``Pricing``): per model ``quota_type`` (0: priced by tokens, 1: a price per call),
  ``model_ratio``, ``completion_ratio``, ``model_price``, and ``cache_ratio`` /
  ``create_cache_ratio`` when set; per group ``group_ratio`` (分组倍率).
- Defaults when a cache ratio is not set (``setting/ratio_setting/cache_ratio.go``
  ``GetCacheRatio`` / ``GetCreateCacheRatio``): cache reads 1, cache writes 1.25.
- The charge of a chat call (``relay/compatible_handler.go`` ``postConsumeQuota``), for a model
  priced by tokens::

      base   = prompt - cache_read - cache_write       (OpenAI usage counts cache in prompt;
                                                        Anthropic usage does not: no subtraction)
      quota  = (base + cache_read * cache_ratio + cache_write * create_cache_ratio
                + completion * completion_ratio) * model_ratio * group_ratio
      quota  = round(quota)  (half away from zero, shopspring ``Round(0)``)
      quota  = 1 if it rounds to 0 while model_ratio * group_ratio != 0 (and tokens were used)
      quota  = 0 if the usage counts no tokens at all ("可能是上游超时")

  and for a model priced per call: ``round(model_price * QuotaPerUnit * group_ratio)``.
  Reasoning tokens are part of ``completion_tokens`` and cost the completion ratio.

What is not published cannot be priced, and is reported as unknown with the reason, never
guessed: a model missing from the list, a group without a ratio, a model billed by an
expression (``billing_mode: "tiered_expr"``), a per-user special group ratio (``GroupGroupRatio``,
shown only to a logged-in console user).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeGuard

from akile_core.response import Usage

QUOTA_PER_UNIT = 500_000.0
"""new-api's default quota per US dollar (``common/constants.go`` ``QuotaPerUnit``)."""
DEFAULT_CACHE_RATIO = 1.0
DEFAULT_CREATE_CACHE_RATIO = 1.25
PER_MILLION = 1_000_000


@dataclass(frozen=True, slots=True)
class ModelPricing:
    """One model's entry in ``/api/pricing``."""

    model: str
    per_call: bool
    model_ratio: float = 0.0
    completion_ratio: float = 1.0
    model_price: float = 0.0
    cache_ratio: float = DEFAULT_CACHE_RATIO
    create_cache_ratio: float = DEFAULT_CREATE_CACHE_RATIO
    groups: tuple[str, ...] = ()
    billing_mode: str | None = None


@dataclass(frozen=True, slots=True)
class PriceList:
    """The gateway's prices: per model, per group, and how much quota makes a dollar."""

    models: Mapping[str, ModelPricing]
    group_ratios: Mapping[str, float]
    quota_per_unit: float = QUOTA_PER_UNIT


@dataclass(frozen=True, slots=True)
class CallCost:
    """What one call cost; ``quota`` and ``usd`` are ``None`` when it cannot be known."""

    model: str
    group: str
    quota: int | None
    usd: float | None
    reason: str | None = None
    """Why the cost is unknown (``None`` when it is known)."""

    @property
    def known(self) -> bool:
        """Whether the cost could be computed."""
        return self.quota is not None

    def as_dict(self) -> dict[str, Any]:
        """The cost as plain data, for message metadata."""
        data: dict[str, Any] = {
            "model": self.model,
            "group": self.group,
            "quota": self.quota,
            "usd": self.usd,
        }
        if self.reason is not None:
            data["reason"] = self.reason
        return data


@dataclass(frozen=True, slots=True)
class UnitPrices:
    """A model's prices for one group, in US dollars: per million tokens, or per call."""

    model: str
    group: str
    per_call: float | None = None
    input: float | None = None
    output: float | None = None
    cache_read: float | None = None
    cache_write: float | None = None


class PricingError(LookupError):
    """The price list does not say what something costs; the message says why."""


def parse_price_list(
    pricing: object, status: object = None, quota_per_unit: float | None = None
) -> PriceList:
    """The price list in a ``/api/pricing`` body; ``status`` is ``/api/status``'s, if read.

    ``quota_per_unit``, when given (``AKILE_QUOTA_PER_UNIT``), wins over the gateway's own.
    Raises :class:`PricingError` for a body that is not a price list.
    """
    if not isinstance(pricing, Mapping) or pricing.get("success") is False:
        message = pricing.get("message") if isinstance(pricing, Mapping) else None
        raise PricingError(f"the gateway sent no price list ({message or 'unexpected body'}).")
    entries = pricing.get("data")
    if not isinstance(entries, list):
        raise PricingError("the gateway's /api/pricing body has no list of models in 'data'.")
    models = {}
    for entry in entries:
        if isinstance(entry, Mapping) and isinstance(entry.get("model_name"), str):
            models[entry["model_name"]] = _model_pricing(entry)
    ratios = pricing.get("group_ratio")
    groups = {
        str(name): float(value)
        for name, value in (ratios.items() if isinstance(ratios, Mapping) else ())
        if _is_number(value)
    }
    return PriceList(models, groups, quota_per_unit or status_quota_per_unit(status))


def _model_pricing(entry: Mapping[str, Any]) -> ModelPricing:
    groups = entry.get("enable_groups")
    return ModelPricing(
        model=str(entry["model_name"]),
        per_call=entry.get("quota_type") == 1,
        model_ratio=_number(entry.get("model_ratio"), 0.0),
        completion_ratio=_number(entry.get("completion_ratio"), 1.0),
        model_price=_number(entry.get("model_price"), 0.0),
        cache_ratio=_number(entry.get("cache_ratio"), DEFAULT_CACHE_RATIO),
        create_cache_ratio=_number(entry.get("create_cache_ratio"), DEFAULT_CREATE_CACHE_RATIO),
        groups=tuple(str(group) for group in groups) if isinstance(groups, list) else (),
        billing_mode=entry.get("billing_mode") or None,
    )


def status_quota_per_unit(status: object) -> float:
    """The quota per dollar in a ``/api/status`` body, else new-api's default."""
    data = status.get("data") if isinstance(status, Mapping) else None
    value = data.get("quota_per_unit") if isinstance(data, Mapping) else None
    return float(value) if _is_number(value) and value > 0 else QUOTA_PER_UNIT


def pricing_for(prices: PriceList, model: str, group: str) -> tuple[ModelPricing, float]:
    """A model's entry and the group's ratio; :class:`PricingError` says what is missing."""
    entry = prices.models.get(model)
    if entry is None:
        raise PricingError(
            f"{model!r} is not in the gateway's price list (/api/pricing), so its cost is "
            "unknown; `akile models --prices` shows the models that are."
        )
    if entry.billing_mode == "tiered_expr":
        raise PricingError(
            f"{model!r} is billed by an expression (billing_mode 'tiered_expr') that this "
            "package does not evaluate; its cost is unknown."
        )
    ratio = prices.group_ratios.get(group)
    if ratio is None:
        known = ", ".join(sorted(prices.group_ratios)) or "none"
        raise PricingError(
            f"the group {group!r} has no ratio in the gateway's price list (groups: {known}); "
            "set the key's group (分组) with pricing_group= or AKILE_GROUP."
        )
    return entry, ratio


def call_cost(
    prices: PriceList,
    model: str,
    group: str,
    usage: Usage | None,
    *,
    usage_includes_cache: bool = True,
) -> CallCost:
    """What a call with this usage cost, as ``postConsumeQuota`` computes it (module docstring).

    ``usage_includes_cache``: OpenAI-shaped usage counts cache reads and writes inside the
    prompt tokens (chat completions); Anthropic-shaped usage does not (``/v1/messages``).
    """
    try:
        entry, group_ratio = pricing_for(prices, model, group)
    except PricingError as err:
        return CallCost(model, group, None, None, str(err))
    if entry.per_call:
        quota = _round(_dec(entry.model_price) * _dec(prices.quota_per_unit) * _dec(group_ratio))
        return CallCost(model, group, quota, quota / prices.quota_per_unit)
    if usage is None:
        return CallCost(model, group, None, None, "the gateway's answer carried no token usage.")
    quota = token_quota(entry, group_ratio, usage, usage_includes_cache=usage_includes_cache)
    return CallCost(model, group, quota, quota / prices.quota_per_unit)


def token_quota(
    entry: ModelPricing, group_ratio: float, usage: Usage, *, usage_includes_cache: bool = True
) -> int:
    """The quota a token-priced call is charged (the formula in the module docstring)."""
    cache_read = usage.cached_tokens or 0
    cache_write = usage.cache_write_tokens or 0
    if usage.input_tokens + usage.output_tokens + cache_read + cache_write == 0:
        return 0
    base = Decimal(usage.input_tokens)
    if usage_includes_cache:
        base -= cache_read + cache_write
    prompt = (
        base
        + Decimal(cache_read) * _dec(entry.cache_ratio)
        + Decimal(cache_write) * _dec(entry.create_cache_ratio)
    )
    completion = Decimal(usage.output_tokens) * _dec(entry.completion_ratio)
    ratio = _dec(entry.model_ratio) * _dec(group_ratio)
    quota = _round((prompt + completion) * ratio)
    return 1 if quota == 0 and ratio != 0 else quota


def unit_prices(prices: PriceList, model: str, group: str) -> UnitPrices:
    """A model's prices for a group in US dollars (raises :class:`PricingError`)."""
    entry, group_ratio = pricing_for(prices, model, group)
    if entry.per_call:
        return UnitPrices(model, group, per_call=entry.model_price * group_ratio)
    per_million = entry.model_ratio * group_ratio * PER_MILLION / prices.quota_per_unit
    return UnitPrices(
        model,
        group,
        input=per_million,
        output=per_million * entry.completion_ratio,
        cache_read=per_million * entry.cache_ratio,
        cache_write=per_million * entry.create_cache_ratio,
    )


def _dec(value: float) -> Decimal:
    # Decimal(str(x)) keeps the shortest decimal form of the float, as Go's
    # decimal.NewFromFloat does, so 0.1 is 0.1 and not 0.1000000000000000055...
    return Decimal(str(value))


def _round(value: Decimal) -> int:
    # shopspring/decimal Round(0) rounds half away from zero; Python's round() would not.
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(value: object, default: float) -> float:
    return float(value) if _is_number(value) else default


class CostTally:
    """Totals of call costs (``CallCost.as_dict()``), for the frameworks' cost handlers.

    A call whose cost is unknown is counted in ``unknown_calls`` with its reason in
    ``reasons``, never as free; a call that carried no cost at all (cost tracking off) in
    ``unpriced_calls``.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Start counting from zero."""
        self.total_quota = 0
        self.total_usd = 0.0
        self.calls = 0
        self.unknown_calls = 0
        self.unpriced_calls = 0
        self.reasons: list[str] = []
        self.by_model: dict[str, dict[str, float]] = {}

    def add(self, cost: object) -> None:
        """Count one call's cost (``None`` or anything but a cost: a call with none)."""
        with self._lock:
            if not isinstance(cost, Mapping):
                self.unpriced_calls += 1
                return
            if cost.get("quota") is None:
                self.unknown_calls += 1
                self.reasons.append(str(cost.get("reason")))
                return
            self.calls += 1
            self.total_quota += int(cost["quota"])
            self.total_usd += float(cost["usd"])
            model = self.by_model.setdefault(str(cost.get("model")), {"quota": 0, "usd": 0.0})
            model["quota"] += int(cost["quota"])
            model["usd"] += float(cost["usd"])

    def __repr__(self) -> str:
        text = f"{self.calls} priced calls: ${self.total_usd:.6f} ({self.total_quota} quota)"
        if self.unknown_calls:
            text += f"; {self.unknown_calls} of unknown cost ({self.reasons[-1]})"
        if self.unpriced_calls:
            text += (
                f"; {self.unpriced_calls} calls carried no cost: make the model with "
                "track_cost=True (or set AKILE_TRACK_COST=1)"
            )
        return text
