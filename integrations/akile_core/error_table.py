"""Which error a gateway answer becomes: the tables, read top to bottom.

The first row of :data:`BODY_RULES` whose words appear in the error body (on a status it
applies to) decides the class; else :data:`STATUS_CLASSES`; else other 4xx are bad requests
(a context overflow or an unsupported parameter when the body says so) and the rest server
errors. Body wording comes first because a new-api/one-api gateway says what happened in words,
not statuses: a 503 "no available channel" is a missing model, an exhausted balance is final
whatever status carries it, and a 500 ``convert_request_failed`` is the request's fault.
``akile_core.error_mapping`` applies these tables; tests/core/test_errors.py walks them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from akile_core.errors import (
    AkileAPIError,
    AuthenticationError,
    BadRequestError,
    ModelNotFoundError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
)

# Wording of the gateway family (new-api / one-api) and of upstream providers, lower-cased.
# Sources: new-api's distributor ("当前分组 default 下对于模型 x 无可用渠道", code model_not_found,
# HTTP 503), one-api's FAQ ("提示无可用渠道", "额度不足"), OpenAI's error codes
# (model_not_found, insufficient_quota, context_length_exceeded), llama.cpp's
# exceed_context_size_error (recorded in shared/recording-server/README.md).
MODEL_NOT_FOUND_MARKERS = (
    "model_not_found",
    "no available channel",
    "无可用渠道",
    "模型不存在",
    "model not found",
    "does not exist or you do not have access",
    "unknown model",
    "invalid model",
)
# An exhausted balance, in any status.
BALANCE_MARKERS = (
    "insufficient_quota",
    "insufficient_user_quota",
    "pre_consume_token_quota_failed",
    "quota is not enough",
    "额度不足",
    "额度已用尽",
    "余额不足",
    "insufficient balance",
)
# Quota words that mean an exhausted balance except on a 429: there Google's per-minute limits
# say "Quota exceeded for ... per_minute" (Vertex) and clear within a minute, so they are rate
# limits and are retried.
QUOTA_MARKERS_UNLESS_RATE_LIMITED = ("quota exceeded", "exceeded your current quota")
# On a 429, a billing problem is the balance, not the rate.
BILLING_MARKERS_WHEN_RATE_LIMITED = ("billing",)
# new-api's own failure to convert a request for the upstream (a bad image URL, schema or
# extra_body): HTTP 500, but the request is what has to change (relay/compatible_handler.go).
CONVERT_FAILED_MARKERS = ("convert_request_failed",)
CONTEXT_MARKERS = (
    "context_length_exceeded",
    "exceed_context_size",
    "maximum context length",
    "context window",
    "exceeds the available context size",
    "prompt is too long",
    "上下文长度",
)
# Ways upstreams name a parameter they do not accept. Each pattern captures the name; they are
# compiled on the first 400 that needs them (see _unsupported_param_patterns), not at import.
UNSUPPORTED_PARAM_PATTERNS = (
    r"unsupported parameter:?\s*['\"`]?([a-z_][a-z0-9_.]*)",  # OpenAI
    r"unsupported value:?\s*['\"`]?([a-z_][a-z0-9_.]*)['\"`]? does not support",  # OpenAI
    r"unrecognized request arguments? supplied:?\s*['\"`]?([a-z_][a-z0-9_.]*)",  # OpenAI
    r"unknown name ['\"`]([a-z_][a-z0-9_.]*)['\"`]",  # Gemini
    r"['\"`]?([a-z_][a-z0-9_.]*)['\"`]?:? (?:is|are) not (?:supported|permitted|allowed)",
    r"(?:extra|unknown) (?:field|parameter|argument)s?:?\s*['\"`]?([a-z_][a-z0-9_.]*)",
    r"does not support (?:the )?(?:parameter )?['\"`]?([a-z_][a-z0-9_.]*)",
)


def _any_status(status: int | None) -> bool:
    return True


def _rate_limited(status: int | None) -> bool:
    return status == 429


def _not_rate_limited(status: int | None) -> bool:
    return status != 429


BODY_RULES: tuple[
    tuple[tuple[str, ...], Callable[[int | None], bool], type[AkileAPIError]], ...
] = (
    # (words in the body, on which statuses, the class), checked in this order.
    (MODEL_NOT_FOUND_MARKERS, _any_status, ModelNotFoundError),
    (BALANCE_MARKERS, _any_status, QuotaExceededError),
    (QUOTA_MARKERS_UNLESS_RATE_LIMITED, _not_rate_limited, QuotaExceededError),
    (BILLING_MARKERS_WHEN_RATE_LIMITED, _rate_limited, QuotaExceededError),
    (CONVERT_FAILED_MARKERS, _any_status, BadRequestError),
)
"""Body wording that decides the class whatever the status (apart from the named exceptions)."""

STATUS_CLASSES: Mapping[int, type[AkileAPIError]] = {
    401: AuthenticationError,
    402: QuotaExceededError,  # Payment Required
    403: PermissionDeniedError,
    404: NotFoundError,
    408: ServerError,
    429: RateLimitError,
}
"""Statuses with a class of their own; other 4xx are bad requests, the rest server errors."""

# Cloudflare's "A timeout occurred" (524): the origin took longer than the CDN waits for the
# first byte of an answer (about 100 s on most plans). new-api deployments behind Cloudflare
# hit it on long non-streamed calls (QuantumNous/new-api#4972). Streams start answering at
# once, so they are the cure.
CDN_TIMEOUT_STATUSES = frozenset({524})

# What a choice that ended with finish_reason "error" and no error object is reported as.
ERROR_FINISH_BODY = {
    "error": {
        "message": "the upstream ended the answer with finish_reason 'error' and gave no "
        "reason; the answer is incomplete",
        "type": "upstream_error",
    }
}
