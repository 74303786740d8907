"""From what the gateway answered to the error raised, by the tables in ``akile_core.error_table``.

Also where failures hidden in an HTTP 200 (an ``error`` object, a ``finish_reason: "error"``)
are found, and where openai and transport exceptions are translated, keeping their cause.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar, cast

import openai

from akile_core.connection_problems import diagnose, innermost_cause
from akile_core.error_bodies import (
    body_without_keys,
    error_object,
    error_text,
    gateway_message,
    request_id_in_headers,
    request_id_in_message,
)
from akile_core.error_table import (
    BODY_RULES,
    CDN_TIMEOUT_STATUSES,
    CONTEXT_MARKERS,
    ERROR_FINISH_BODY,
    STATUS_CLASSES,
    UNSUPPORTED_PARAM_PATTERNS,
)
from akile_core.errors import (
    AkileAPIError,
    AkileConnectionError,
    AkileError,
    AkileTimeoutError,
    BadRequestError,
    ContextOverflowError,
    ErrorClasses,
    QuotaExceededError,
    ServerError,
    ToolNotCalledError,
    UnsupportedParameterError,
)

_E = TypeVar("_E", bound=AkileError)

_TRANSPORT_MODULES = frozenset(
    {"httpx", "httpx2", "httpcore", "httpcore2", "aiohttp", "h11", "anyio"}
)


def classify(
    status: int | None, body: object, *, sent_params: Collection[str] = ()
) -> tuple[type[AkileAPIError], str | None]:
    """Pick the error class for an HTTP status and error body; also return the offending parameter."""
    text = error_text(body).lower()
    for markers, on_status, cls in BODY_RULES:
        if on_status(status) and any(marker in text for marker in markers):
            return cls, None
    if status is None or status < 400:
        status = 500
    if status in STATUS_CLASSES:
        return STATUS_CLASSES[status], None
    if status >= 500:
        return ServerError, None
    if any(marker in text for marker in CONTEXT_MARKERS):
        return ContextOverflowError, None
    param = unsupported_param(body, sent_params)
    if param is not None:
        return UnsupportedParameterError, param
    return BadRequestError, None


def unsupported_param(body: object, sent_params: Collection[str]) -> str | None:
    """Name the sent parameter that a 400 says is not supported, or ``None``.

    Only names that were actually sent count, so a message that merely mentions a word
    ("messages is not supported in this form") is not taken for a parameter to drop.
    """
    error = error_object(body)
    candidates: list[str] = []
    if isinstance(error.get("param"), str):
        candidates.append(error["param"])
    message = error_text(body)
    for pattern in _unsupported_param_patterns():
        candidates.extend(match.group(1) for match in pattern.finditer(message))
    for name in candidates:
        top = name.split(".")[0]
        if top in sent_params and top not in ("model", "messages"):
            return top
    return None


@functools.cache
def _unsupported_param_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in UNSUPPORTED_PARAM_PATTERNS)


def is_final_gateway_error(status: int, body: bytes) -> bool:
    """Whether a retryable-looking status carries an error that retrying cannot fix.

    Used by the HTTP hook that tells the openai client not to retry ("x-should-retry: false"):
    a 503 "no available channel" or a 429 "insufficient_quota" fails again every time.
    """
    if status < 408:
        return False
    text = body[:4096].decode("utf-8", "replace").lower()
    return (
        any(
            on_status(status) and any(marker in text for marker in markers)
            for markers, on_status, _ in BODY_RULES
        )
        or STATUS_CLASSES.get(status) is QuotaExceededError
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
    error_classes: ErrorClasses | None = None,
    endpoint: str = "chat",
) -> AkileAPIError:
    """Build the mapped error for an error body (HTTP error, 200-with-error, or stream event)."""
    body = body_without_keys(body)
    error = error_object(body)
    if status is None and isinstance(error.get("code"), int) and 400 <= error["code"] < 600:
        status = error["code"]
    cls, param = classify(status, body, sent_params=sent_params)
    status_code = status if status is not None and status >= 400 else 500
    message = gateway_message(body)
    request_id = request_id or request_id_in_message(message)
    hint = cls.hint_for(model=model, param=param, endpoint=endpoint)
    text = f"{cls.title} ({where(status_code, model, request_id)}): {message}"
    err = _adapt(cls, error_classes)(
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
    error_classes: ErrorClasses | None = None,
    endpoint: str = "chat",
) -> AkileError | None:
    """Translate an exception from the openai client or its transport; ``None`` if it is not one."""
    if isinstance(exc, AkileError):
        return exc
    if isinstance(exc, openai.APIConnectionError) or _is_transport_error(exc):
        problem = diagnose(exc)
        cls = AkileTimeoutError if problem.is_timeout else AkileConnectionError
        return _adapt(cls, error_classes)(
            f"{problem.headline}{_at(base_url)}: {problem.what}{_cause_of(exc)}. "
            f"What to do: {problem.hint}",
            request=getattr(exc, "request", None),
        )
    if isinstance(exc, openai.APIStatusError) and exc.status_code in CDN_TIMEOUT_STATUSES:
        return cdn_timeout(exc, model=model, base_url=base_url, error_classes=error_classes)
    if isinstance(exc, openai.APIStatusError):
        body = exc.body if exc.body is not None else _safe_text(exc.response)
        return error_from_body(
            body,
            status=exc.status_code,
            model=model,
            request_id=_request_id(exc),
            response=exc.response,
            request=exc.request,
            sent_params=sent_params,
            error_classes=error_classes,
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
            error_classes=error_classes,
            endpoint=endpoint,
        )
    return None


@contextmanager
def map_errors(
    *,
    model: str | None,
    base_url: str | None = None,
    sent_params: Collection[str] = (),
    error_classes: ErrorClasses | None = None,
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
            error_classes=error_classes,
            endpoint=endpoint,
        )
        if mapped is None or mapped is exc:
            raise
        raise mapped from exc


class RequestErrors:
    """What the errors of one request say about it, and the two ways they are made.

    A plain class with slots, not a dataclass: one is made per request, and this is the
    cheapest object to build (the per-call budget in the README's Performance table).
    """

    __slots__ = ("base_url", "endpoint", "error_classes", "model", "request_id", "sent_params")

    def __init__(
        self,
        model: str | None,
        base_url: str | None = None,
        sent_params: tuple[str, ...] = (),
        error_classes: ErrorClasses | None = None,
        endpoint: str = "chat",
        request_id: str | None = None,
    ) -> None:
        self.model = model
        self.base_url = base_url
        self.sent_params = sent_params
        self.error_classes = error_classes
        self.endpoint = endpoint
        self.request_id = request_id

    def mapped(self) -> Any:
        """A context manager that re-raises openai and transport exceptions as our errors."""
        return map_errors(
            model=self.model,
            base_url=self.base_url,
            sent_params=self.sent_params,
            error_classes=self.error_classes,
            endpoint=self.endpoint,
        )

    def from_body(self, body: object) -> AkileAPIError:
        """The error an HTTP 200 body or a stream event reports."""
        return error_from_body(
            body,
            status=None,
            model=self.model,
            request_id=self.request_id,
            sent_params=self.sent_params,
            error_classes=self.error_classes,
            endpoint=self.endpoint,
        )

    def tool_not_called(self, tool: str) -> AkileError:
        """The error for an answer without the tool call it had to hold."""
        wanted = "a tool" if tool == "*" else f"the tool {tool!r}"
        return _adapt(ToolNotCalledError, self.error_classes)(
            f"Model {self.model!r} had to call {wanted}, and answered without it. Its channel "
            "refuses a forced tool choice while the model thinks, so the call could only be "
            "asked for (tool_choice='auto'). What to do: retry, ask for the tool in the prompt, "
            "or use a model that can be told not to think for this call."
        )

    def with_request_id(self, request_id: str | None) -> RequestErrors:
        """The same, naming the request id the response carried."""
        return RequestErrors(
            self.model,
            self.base_url,
            self.sent_params,
            self.error_classes,
            self.endpoint,
            request_id,
        )


def cdn_timeout(
    exc: openai.APIStatusError,
    *,
    model: str | None,
    base_url: str | None,
    error_classes: ErrorClasses | None,
) -> AkileTimeoutError:
    """The timeout error for a CDN that gave up waiting for the gateway (HTTP 524)."""
    request_id = _request_id(exc)
    err = _adapt(AkileTimeoutError, error_classes)(
        f"The answer took longer than the CDN in front of the gateway waits "
        f"({where(exc.status_code, model, request_id)}){_at(base_url)}. What to do: stream the "
        "answer (streaming=True or .stream() in LangChain, stream_chat in LlamaIndex) so the "
        "first bytes arrive at once, or ask for less (max_tokens).",
        request=exc.request,
    )
    err.status_code = exc.status_code
    err.request_id = request_id
    err.response = exc.response
    return err


def where(status_code: int, model: str | None, request_id: str | None) -> str:
    """``HTTP 400, model 'm', request id r``: what a message says the failure was about."""
    parts = [f"HTTP {status_code}"]
    if model:
        parts.append(f"model {model!r}")
    if request_id:
        parts.append(f"request id {request_id}")
    return ", ".join(parts)


def _cause_of(exc: BaseException) -> str:
    """The innermost cause's own words, e.g. `` (ConnectionRefusedError: [Errno 111] ...)``."""
    cause = innermost_cause(exc)
    text = str(cause).strip()
    return f" ({type(cause).__name__}: {text[:200]})" if text else ""


def _adapt(cls: type[_E], error_classes: ErrorClasses | None) -> type[_E]:
    """The adapter's subclass of ``cls`` when it has one, else ``cls``."""
    return cast("type[_E]", error_classes.get(cls, cls)) if error_classes else cls


def _request_id(exc: openai.APIStatusError) -> str | None:
    return request_id_in_headers(getattr(exc.response, "headers", None)) or exc.request_id


def _safe_text(response: Any) -> str:
    try:
        return str(response.text)
    except Exception:  # a streamed error response may not be readable any more
        return ""


def _at(base_url: str | None) -> str:
    return f" at {base_url}" if base_url else ""


def _is_transport_error(exc: BaseException) -> bool:
    # A connection dropped while a stream is read surfaces as the HTTP library's own exception
    # (e.g. RemoteProtocolError); it is matched by module so that neither httpx nor httpx2 need
    # be imported here.
    module = type(exc).__module__.split(".")[0]
    return module in _TRANSPORT_MODULES


def raise_reported_error(data: object, errors: RequestErrors, finish_check: bool = True) -> object:
    """Raise the mapped error if an HTTP 200 body or stream event reports a failure.

    Some gateways answer HTTP 200 and put the upstream's failure in the body; returning that
    as an empty or partial answer would hide it. A failure is an ``error`` object, with or
    without ``choices`` (OpenRouter's mid-stream error carries both:
    openrouter.ai/docs/api-reference/streaming, "Handling Errors During Streaming"), or a
    choice that finished with ``finish_reason: "error"``. A JSON body sent with a non-JSON
    content type (some proxies say ``text/plain``) reaches us as text from the SDK, and is
    decoded here. Streams pass ``finish_check=False`` and check the finish reason that
    ``StreamState.feed`` reads anyway (one look at the choices per chunk, not two).
    """
    if isinstance(data, str) and data.lstrip().startswith("{"):
        try:
            data = json.loads(data)
        except ValueError:
            pass
    if isinstance(data, Mapping):
        if data.get("error"):
            raise errors.from_body(data)
        if finish_check and _finished_with_error(data):
            raise errors.from_body(ERROR_FINISH_BODY)
    return data


def _finished_with_error(data: Mapping[str, Any]) -> bool:
    choices = data.get("choices")
    if not choices or not isinstance(choices, list):
        return False
    return any(
        isinstance(choice, Mapping) and choice.get("finish_reason") == "error" for choice in choices
    )
