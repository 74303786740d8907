"""Errors raised by the AK AI Gateway integrations, and the one table that maps to them.

```text
AkileError
├── AkileConfigError (ValueError)                    bad settings or input; raised before any request
├── AkileAPIError (openai.APIStatusError)            the gateway answered with an error
│   ├── BadRequestError (openai.BadRequestError)     400, 413, 422 and other 4xx
│   │   ├── ContextOverflowError                     the prompt does not fit the model's context
│   │   └── UnsupportedParameterError                the model's channel rejects a parameter
│   ├── AuthenticationError (openai.AuthenticationError)       401
│   ├── PermissionDeniedError (openai.PermissionDeniedError)   403
│   │   └── QuotaExceededError                       key or account out of quota (any status)
│   ├── NotFoundError (openai.NotFoundError)         404
│   │   └── ModelNotFoundError                       no channel serves the model (404, or 503 "no available channel")
│   ├── RateLimitError (openai.RateLimitError)       429
│   └── ServerError (openai.InternalServerError)     >= 500, and error events without a status
├── AkileConnectionError (openai.APIConnectionError) the gateway could not be reached, or the connection dropped
│   └── AkileTimeoutError (openai.APITimeoutError)
└── AkileResponseError (openai.APIError)             an HTTP 200 we cannot use (not JSON, no choices)
```

Every class also inherits the matching ``openai`` exception, so ``except openai.RateLimitError``
keeps working. The LangChain adapter adds ``langchain_core`` parents on top of these.
Messages say what happened, where (HTTP status, model, request id) and what to do.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar, TypeVar, cast

import openai

from akile_core.connection_problems import diagnose, innermost_cause

__all__ = [
    "AkileAPIError",
    "AkileConfigError",
    "AkileConnectionError",
    "AkileError",
    "AkileResponseError",
    "AkileTimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ContextOverflowError",
    "ErrorFamily",
    "ModelNotFoundError",
    "NotFoundError",
    "PermissionDeniedError",
    "QuotaExceededError",
    "RateLimitError",
    "ServerError",
    "UnsupportedParameterError",
    "classify",
    "error_from_body",
    "from_openai_error",
    "is_final_gateway_error",
    "map_errors",
    "request_id_in_headers",
]


class AkileError(Exception):
    """Base of every error this package raises."""

    is_retryable: ClassVar[bool] = False
    """Whether sending the same request again may succeed."""


class AkileConfigError(AkileError, ValueError):
    """Invalid settings or input, found before any request was sent."""


class AkileAPIError(AkileError, openai.APIStatusError):
    """The gateway answered with an error.

    Attributes:
        status_code: the HTTP status (for an error inside an HTTP 200 body or stream, the status
            the error names, else 500).
        body: the decoded error body.
        request_id: the gateway's request id, when it sent one; quote it to support.
        model: the model the request named.
        hint: what to do about it.
    """

    title: ClassVar[str] = "The gateway returned an error"
    default_hint: ClassVar[str] = "Check the message above."

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        body: object = None,
        request_id: str | None = None,
        model: str | None = None,
        hint: str | None = None,
        response: Any = None,
        request: Any = None,
        param: str | None = None,
    ) -> None:
        # openai's own __init__ needs an httpx response object; errors found inside an HTTP 200
        # body or a stream have none, so the attributes are set here for every case alike.
        Exception.__init__(self, message)
        self.message = message
        self.status_code = status_code
        self.body = body
        self.request_id = request_id
        self.model = model
        self.hint = hint or self.default_hint
        self.response = response
        self.request = request
        error = _error_object(body)
        self.code = _str_or_none(error.get("code"))
        self.type = _str_or_none(error.get("type"))
        self.param = param or _str_or_none(error.get("param"))


class BadRequestError(AkileAPIError, openai.BadRequestError):
    """The gateway rejected the request as invalid (400, 413, 422)."""

    title = "Bad request"
    default_hint = (
        "Fix the request as the message says. Model families behind the gateway differ in which "
        "parameters they accept: check the model and its channel (渠道) in the gateway console."
    )


class ContextOverflowError(BadRequestError):
    """The messages and ``max_tokens`` do not fit the model's context window."""

    title = "Context window exceeded"
    default_hint = (
        "Shorten the messages, lower max_tokens, or use a model with a larger context window."
    )


class UnsupportedParameterError(BadRequestError):
    """The model (through its channel) does not accept a parameter that was sent."""

    title = "Unsupported parameter"


class AuthenticationError(AkileAPIError, openai.AuthenticationError):
    """The API key was missing, wrong or disabled (401)."""

    title = "Authentication failed"
    default_hint = (
        "Check the key: set AKILE_API_KEY or pass api_key='AK-...'; make sure the key is enabled "
        "in the gateway console and has not expired."
    )


class PermissionDeniedError(AkileAPIError, openai.PermissionDeniedError):
    """The key may not use this model or endpoint (403)."""

    title = "Permission denied"
    default_hint = (
        "The key is not allowed to do this: check its group and allowed models in the gateway "
        "console."
    )


class QuotaExceededError(PermissionDeniedError):
    """The key or account has run out of quota; retrying cannot help until it is topped up."""

    title = "Quota exhausted"
    default_hint = (
        "The key or account is out of quota (额度不足). Top it up or raise the key's quota in the "
        "gateway console; retrying will not help until then."
    )


class NotFoundError(AkileAPIError, openai.NotFoundError):
    """The endpoint or resource does not exist (404)."""

    title = "Not found"
    default_hint = "Check base_url (it should end in /v1, e.g. https://aigateway.akile.ai/v1) and the model name."


class ModelNotFoundError(NotFoundError):
    """No channel of the gateway serves this model for this key ("no available channel")."""

    title = "Model not available"

    @classmethod
    def hint_for(cls, model: str | None, endpoint: str = "chat") -> str:
        """Explain where valid model names come from."""
        name = f"{model!r}" if model else "this model"
        hint = (
            f"No channel serves {name} for this key. The model names that work for a key are the "
            "ones listed on the gateway console's channel (渠道) page; list them with `akile models` "
            "or, in code, akile_core.list_models() (GET /v1/models). Check the spelling and the "
            "key's group."
        )
        if endpoint == "embeddings":
            hint += (
                " Embeddings need an embedding model (for example text-embedding-3-small, "
                "gemini-embedding-001, BAAI/bge-m3) served by a channel of your key; chat models "
                "such as claude-* or deepseek-* cannot embed."
            )
        return hint


class RateLimitError(AkileAPIError, openai.RateLimitError):
    """Too many requests (429); already retried by the client with backoff."""

    is_retryable = True
    title = "Rate limited"
    default_hint = (
        "Too many requests: the client already retried with backoff (max_retries). Lower the "
        "concurrency, raise max_retries, or retry later."
    )


class ServerError(AkileAPIError, openai.InternalServerError):
    """The gateway or the upstream provider failed (5xx); already retried by the client."""

    is_retryable = True
    title = "Gateway or upstream failure"
    default_hint = (
        "The gateway or the model's upstream provider failed; the client already retried "
        "(max_retries). Retry later or use another model."
    )


class AkileConnectionError(AkileError, openai.APIConnectionError):
    """The gateway could not be reached, or the connection dropped mid-response."""

    is_retryable = True

    def __init__(self, message: str, *, request: Any = None) -> None:
        Exception.__init__(self, message)
        self.message = message
        self.request = request
        self.body = None
        self.code = self.param = self.type = None


class AkileTimeoutError(AkileConnectionError, openai.APITimeoutError):
    """No complete answer within the timeout: ours, or that of a CDN in front of the gateway.

    Attributes:
        status_code: ``None`` for our own timeout; the HTTP status (524) when a CDN gave up.
        request_id: the gateway's request id, when the answer carried one.
    """

    status_code: int | None = None
    request_id: str | None = None
    response: Any = None


class AkileResponseError(AkileError, openai.APIError):
    """The gateway answered HTTP 200 with something that is not a usable completion."""

    def __init__(self, message: str, *, body: object = None, request: Any = None) -> None:
        Exception.__init__(self, message)
        self.message = message
        self.request = request
        self.body = body
        self.code = self.param = self.type = None


_E = TypeVar("_E", bound="AkileError")

ErrorFamily = Mapping[type[AkileError], type[AkileError]]
"""Maps a core error class to an adapter's subclass of it (e.g. one that is also a LangChain error)."""

# Wording of the gateway family (new-api / one-api) and of upstream providers, lower-cased.
# Sources: new-api's distributor ("当前分组 default 下对于模型 x 无可用渠道", code model_not_found,
# HTTP 503), one-api's FAQ ("提示无可用渠道", "额度不足"), OpenAI's error codes
# (model_not_found, insufficient_quota, context_length_exceeded), llama.cpp's
# exceed_context_size_error (recorded in shared/recording-server/README.md).
_MODEL_NOT_FOUND_MARKERS = (
    "model_not_found",
    "no available channel",
    "无可用渠道",
    "模型不存在",
    "model not found",
    "does not exist or you do not have access",
    "unknown model",
    "invalid model",
)
_QUOTA_MARKERS = (
    "insufficient_quota",
    "insufficient_user_quota",
    "pre_consume_token_quota_failed",
    "quota exceeded",
    "quota is not enough",
    "exceeded your current quota",
    "额度不足",
    "额度已用尽",
    "余额不足",
    "insufficient balance",
)
# On a 429 only these mean an exhausted balance: Google's per-minute limits say "Quota exceeded
# for ... per_minute" (Vertex) or RESOURCE_EXHAUSTED with a retryDelay (Gemini API), and clear
# within a minute, so they are rate limits and are retried.
_BILLING_MARKERS = (
    "insufficient_quota",
    "insufficient_user_quota",
    "pre_consume_token_quota_failed",
    "quota is not enough",
    "billing",
    "额度不足",
    "额度已用尽",
    "余额不足",
    "insufficient balance",
)
# new-api's own failure to convert a request for the upstream (a bad image URL, schema or
# extra_body): HTTP 500, but the request is what has to change (relay/compatible_handler.go).
_BAD_REQUEST_MARKERS = ("convert_request_failed",)
_CONTEXT_MARKERS = (
    "context_length_exceeded",
    "exceed_context_size",
    "maximum context length",
    "context window",
    "exceeds the available context size",
    "prompt is too long",
    "上下文长度",
)
# Ways upstreams name a parameter they do not accept. Each pattern captures the name.
_UNSUPPORTED_PARAM_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"unsupported parameter:?\s*['\"`]?([a-z_][a-z0-9_.]*)",  # OpenAI
        r"unsupported value:?\s*['\"`]?([a-z_][a-z0-9_.]*)['\"`]? does not support",  # OpenAI
        r"unrecognized request arguments? supplied:?\s*['\"`]?([a-z_][a-z0-9_.]*)",  # OpenAI
        r"unknown name ['\"`]([a-z_][a-z0-9_.]*)['\"`]",  # Gemini
        r"['\"`]?([a-z_][a-z0-9_.]*)['\"`]?:? (?:is|are) not (?:supported|permitted|allowed)",
        r"(?:extra|unknown) (?:field|parameter|argument)s?:?\s*['\"`]?([a-z_][a-z0-9_.]*)",
        r"does not support (?:the )?(?:parameter )?['\"`]?([a-z_][a-z0-9_.]*)",
    )
)
# The gateway's own id first: it is the one its support can look up.
_REQUEST_ID_HEADERS = ("x-oneapi-request-id", "x-new-api-request-id", "x-request-id", "request-id")


def classify(
    status: int | None, body: object, *, sent_params: Collection[str] = ()
) -> tuple[type[AkileAPIError], str | None]:
    """Pick the error class for an HTTP status and error body; also return the offending parameter.

    Gateway semantics win over the status: a 503 "no available channel" is a missing model, not a
    server failure, and an exhausted quota is final whatever status carries it.
    """
    text = _error_text(body).lower()
    if any(marker in text for marker in _MODEL_NOT_FOUND_MARKERS):
        return ModelNotFoundError, None
    if _is_quota(status, text):
        return QuotaExceededError, None
    if any(marker in text for marker in _BAD_REQUEST_MARKERS):
        return BadRequestError, None
    if status is None or status < 400:
        status = 500
    if status in (400, 413, 422) or (
        400 <= status < 500 and status not in (401, 403, 404, 408, 429)
    ):
        if any(marker in text for marker in _CONTEXT_MARKERS):
            return ContextOverflowError, None
        param = unsupported_param(body, sent_params)
        if param is not None:
            return UnsupportedParameterError, param
        return BadRequestError, None
    by_status: dict[int, type[AkileAPIError]] = {
        401: AuthenticationError,
        403: PermissionDeniedError,
        404: NotFoundError,
        408: ServerError,
        429: RateLimitError,
    }
    return by_status.get(status, ServerError), None


def _is_quota(status: int | None, text: str) -> bool:
    if status == 402:
        return True
    markers = _BILLING_MARKERS if status == 429 else _QUOTA_MARKERS
    return any(marker in text for marker in markers)


def unsupported_param(body: object, sent_params: Collection[str]) -> str | None:
    """Name the sent parameter that a 400 says is not supported, or ``None``.

    Only names that were actually sent count, so a message that merely mentions a word
    ("messages is not supported in this form") is not taken for a parameter to drop.
    """
    error = _error_object(body)
    candidates: list[str] = []
    if isinstance(error.get("param"), str):
        candidates.append(error["param"])
    message = _error_text(body)
    for pattern in _UNSUPPORTED_PARAM_PATTERNS:
        candidates.extend(match.group(1) for match in pattern.finditer(message))
    for name in candidates:
        top = name.split(".")[0]
        if top in sent_params and top not in ("model", "messages"):
            return top
    return None


def is_final_gateway_error(status: int, body: bytes) -> bool:
    """Whether a retryable-looking status carries an error that retrying cannot fix.

    Used by the HTTP hook that tells the openai client not to retry ("x-should-retry: false"):
    a 503 "no available channel" or a 429 "insufficient_quota" fails again every time.
    """
    if status < 408:
        return False
    text = body[:4096].decode("utf-8", "replace").lower()
    return any(m in text for m in _MODEL_NOT_FOUND_MARKERS + _BAD_REQUEST_MARKERS) or _is_quota(
        status, text
    )


def error_from_body(
    body: object,
    *,
    status: int | None,
    model: str | None,
    request_id: str | None = None,
    response: Any = None,
    request: Any = None,
    sent_params: Collection[str] = (),
    family: ErrorFamily | None = None,
    endpoint: str = "chat",
) -> AkileAPIError:
    """Build the mapped error for an error body (HTTP error, 200-with-error, or stream event)."""
    body = _body_without_keys(body)
    error = _error_object(body)
    if status is None and isinstance(error.get("code"), int) and 400 <= error["code"] < 600:
        status = error["code"]
    cls, param = classify(status, body, sent_params=sent_params)
    status_code = status if status is not None and status >= 400 else 500
    gateway_message = _gateway_message(body)
    request_id = request_id or _request_id_in(gateway_message)
    if cls is ModelNotFoundError:
        hint: str | None = ModelNotFoundError.hint_for(model, endpoint)
    elif cls is UnsupportedParameterError:
        hint = (
            f"Model {model!r} (through its gateway channel) does not accept the parameter "
            f"{param!r}. Remove it, check the model and its channel (渠道) in the gateway console, "
            "or set drop_unsupported_params=True to drop it and retry once automatically."
        )
    else:
        hint = None
    target = _adapt(cls, family)
    text = f"{cls.title} ({_where(status_code, model, request_id)}): {gateway_message}"
    err = target(
        text,
        status_code=status_code,
        body=body,
        request_id=request_id,
        model=model,
        hint=hint,
        response=response,
        request=request,
        param=param,
    )
    err.message = f"{text} What to do: {err.hint}"
    err.args = (err.message,)
    return err


def from_openai_error(
    exc: BaseException,
    *,
    model: str | None,
    base_url: str | None = None,
    sent_params: Collection[str] = (),
    family: ErrorFamily | None = None,
    endpoint: str = "chat",
) -> AkileError | None:
    """Translate an exception from the openai client or its transport; ``None`` if it is not one."""
    if isinstance(exc, AkileError):
        return exc
    if isinstance(exc, openai.APIConnectionError) or _is_transport_error(exc):
        problem = diagnose(exc)
        cls = AkileTimeoutError if problem.is_timeout else AkileConnectionError
        return _adapt(cls, family)(
            f"{problem.headline}{_at(base_url)}: {problem.what}{_cause_of(exc)}. "
            f"What to do: {problem.hint}",
            request=getattr(exc, "request", None),
        )
    if isinstance(exc, openai.APIStatusError) and exc.status_code in CDN_TIMEOUT_STATUSES:
        return cdn_timeout(exc, model=model, base_url=base_url, family=family)
    if isinstance(exc, openai.APIStatusError):
        return error_from_body(
            exc.body if exc.body is not None else _safe_text(exc.response),
            status=exc.status_code,
            model=model,
            request_id=_request_id(exc),
            response=exc.response,
            request=exc.request,
            sent_params=sent_params,
            family=family,
            endpoint=endpoint,
        )
    if isinstance(exc, openai.APIError):
        # An error event inside an SSE stream: openai raises a bare APIError with its body.
        return error_from_body(
            {"error": exc.body} if exc.body is not None else {"error": {"message": exc.message}},
            status=None,
            model=model,
            request=exc.request,
            sent_params=sent_params,
            family=family,
        )
    return None


@contextmanager
def map_errors(
    *,
    model: str | None,
    base_url: str | None = None,
    sent_params: Collection[str] = (),
    family: ErrorFamily | None = None,
    endpoint: str = "chat",
) -> Iterator[None]:
    """Re-raise openai and transport exceptions as mapped errors, keeping the cause.

    Wraps the whole iteration of a stream too: failures arrive mid-stream.
    """
    try:
        yield
    except Exception as exc:
        mapped = from_openai_error(
            exc,
            model=model,
            base_url=base_url,
            sent_params=sent_params,
            family=family,
            endpoint=endpoint,
        )
        if mapped is None or mapped is exc:
            raise
        raise mapped from exc


# Cloudflare's "A timeout occurred" (524): the origin took longer than the CDN waits for the
# first byte of an answer (about 100 s on most plans). new-api deployments behind Cloudflare
# hit it on long non-streamed calls (QuantumNous/new-api#4972). Streams start answering at
# once, so they are the cure.
CDN_TIMEOUT_STATUSES = frozenset({524})


def cdn_timeout(
    exc: openai.APIStatusError,
    *,
    model: str | None,
    base_url: str | None,
    family: ErrorFamily | None,
) -> AkileTimeoutError:
    """The timeout error for a CDN that gave up waiting for the gateway (HTTP 524)."""
    request_id = _request_id(exc)
    where = _where(exc.status_code, model, request_id)
    err = _adapt(AkileTimeoutError, family)(
        f"The answer took longer than the CDN in front of the gateway waits ({where})"
        f"{_at(base_url)}. What to do: stream the answer (streaming=True or .stream() in "
        "LangChain, stream_chat in LlamaIndex) so the first bytes arrive at once, or ask for "
        "less (max_tokens).",
        request=exc.request,
    )
    err.status_code = exc.status_code
    err.request_id = request_id
    err.response = exc.response
    return err


def _where(status_code: int, model: str | None, request_id: str | None) -> str:
    """``HTTP 400, model 'm', request id r``: what a message says the failure was about."""
    where = [f"HTTP {status_code}"]
    if model:
        where.append(f"model {model!r}")
    if request_id:
        where.append(f"request id {request_id}")
    return ", ".join(where)


def _cause_of(exc: BaseException) -> str:
    """The innermost cause's own words, e.g. `` (ConnectionRefusedError: [Errno 111] ...)``."""
    cause = innermost_cause(exc)
    text = str(cause).strip()
    return f" ({type(cause).__name__}: {text[:200]})" if text else ""


def _adapt(cls: type[_E], family: ErrorFamily | None) -> type[_E]:
    """The adapter's subclass of ``cls`` when the family has one, else ``cls``."""
    return cast("type[_E]", family.get(cls, cls)) if family else cls


def _error_object(body: object) -> dict[str, Any]:
    """The ``error`` object of an OpenAI-style body, or the body itself when it has none."""
    if isinstance(body, Mapping):
        inner = body.get("error")
        if isinstance(inner, Mapping):
            return dict(inner)
        return dict(body)
    return {}


def _gateway_message(body: object) -> str:
    return _without_keys(_gateway_words(body))


def _gateway_words(body: object) -> str:
    error = _error_object(body)
    for key in ("message", "msg", "detail", "error"):
        value = error.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    if isinstance(body, str):
        return _summarise_text(body)
    return "(no error message in the response body)"


# Upstreams quote the key they were given, partly masked ("Incorrect API key provided:
# sk-abc1***********wxyz", OpenAI's 401); no character of it goes into our messages.
_KEY_SHAPED = re.compile(r"\b(AK|sk|sk-proj|sk-ant)-[A-Za-z0-9*._\-]{2,}")


def _without_keys(message: str) -> str:
    return _KEY_SHAPED.sub(lambda match: f"{match.group(1)}-***", message)


def _body_without_keys(body: object) -> object:
    """The body as kept on the error: every string in it with key-shaped values masked."""
    if isinstance(body, str):
        return _without_keys(body)
    if isinstance(body, Mapping):
        return {key: _body_without_keys(value) for key, value in body.items()}
    if isinstance(body, list):
        return [_body_without_keys(value) for value in body]
    return body


def _summarise_text(text: str) -> str:
    """Reduce a non-JSON body (often a reverse proxy's HTML page) to one readable line."""
    stripped = text.strip()
    if stripped.startswith("<") or "<html" in stripped[:200].lower():
        title = re.search(r"<title>(.*?)</title>", stripped, re.IGNORECASE | re.DOTALL)
        heading = title.group(1) if title else re.sub(r"<[^>]+>", " ", stripped)
        summary = " ".join(heading.split())[:200]
        return f"the gateway or a proxy in front of it returned an HTML page ({summary!r})"
    return " ".join(stripped.split())[:500] or "(empty response body)"


def _error_text(body: object) -> str:
    error = _error_object(body)
    parts = [str(error.get(k, "")) for k in ("message", "msg", "code", "type", "detail", "param")]
    if isinstance(body, str):
        parts.append(body[:2000])
    return " ".join(parts)


# new-api and one-api end their own messages with " (request id: <id>)" (relaykit/types/error.go).
_REQUEST_ID_SUFFIX = re.compile(r"\(request id: ?([A-Za-z0-9_.:-]+)\)")


def _request_id_in(message: str) -> str | None:
    match = _REQUEST_ID_SUFFIX.search(message)
    return match.group(1) if match else None


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def _request_id(exc: openai.APIStatusError) -> str | None:
    return request_id_in_headers(getattr(exc.response, "headers", None)) or exc.request_id


def request_id_in_headers(headers: Mapping[str, str] | None) -> str | None:
    """The gateway's request id from response headers (its own header first), or ``None``."""
    if not headers:
        return None
    for name in _REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return str(value)
    return None


def _safe_text(response: Any) -> str:
    try:
        return str(response.text)
    except Exception:  # a streamed error response may not be readable any more
        return ""


def _at(base_url: str | None) -> str:
    return f" at {base_url}" if base_url else ""


_TRANSPORT_MODULES = frozenset(
    {"httpx", "httpx2", "httpcore", "httpcore2", "aiohttp", "h11", "anyio"}
)


def _is_transport_error(exc: BaseException) -> bool:
    # A connection dropped while a stream is read surfaces as the HTTP library's own exception
    # (e.g. RemoteProtocolError); it is matched by module so that neither httpx nor httpx2 need
    # be imported here.
    module = type(exc).__module__.split(".")[0]
    return module in _TRANSPORT_MODULES
