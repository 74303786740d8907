"""The JSON body of ``POST /chat/completions``: only what the caller set, checked before sending."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from akile_core.errors import AkileConfigError

# Per-call keyword arguments that shape the HTTP call rather than the JSON body, and the name
# the openai SDK's request options give each. Anything else a caller passes is a body field.
REQUEST_OPTIONS = {"extra_headers": "headers", "timeout": "timeout", "max_retries": "max_retries"}


def split_request_options(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Remove the HTTP request options from ``kwargs`` (in place) and return them, SDK-named.

    Strict upstreams reject unknown body fields ("Unrecognized request argument supplied:
    timeout"), and a timeout sent in the body is not applied, so these must never reach it.
    """
    return {REQUEST_OPTIONS[key]: kwargs.pop(key) for key in list(kwargs) if key in REQUEST_OPTIONS}


def build_body(
    *,
    model: str,
    messages: Sequence[Mapping[str, Any]],
    params: Mapping[str, Any],
    stream: bool = False,
    stream_usage: bool = True,
    extra_body: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the request body; parameters whose value is ``None`` are left out.

    Sending only what the user set matters on a gateway: model families differ in what they
    accept, and a default the user never chose (``temperature=0.1``, ``parallel_tool_calls``)
    can make a request fail on one family and not another.
    """
    if not model or not isinstance(model, str):
        raise AkileConfigError(
            "model is required: pass a model name listed on the gateway console's channel "
            "(渠道) page, e.g. model='claude-opus-4-8'."
        )
    if not messages:
        raise AkileConfigError("messages is empty: send at least one message.")
    check_params(params)
    body: dict[str, Any] = {"model": model, "messages": list(messages)}
    body.update((key, value) for key, value in params.items() if value is not None)
    if stream:
        body["stream"] = True
        if stream_usage:
            body["stream_options"] = {"include_usage": True}
    if extra_body:
        body.update(extra_body)
    return body


def check_params(params: Mapping[str, Any]) -> None:
    """Reject values no model accepts, with a message that names the parameter and the fix."""
    max_tokens = params.get("max_tokens")
    if max_tokens is not None and (not _is_int(max_tokens) or max_tokens <= 0):
        raise AkileConfigError(f"max_tokens must be a positive integer, got {max_tokens!r}.")
    n = params.get("n")
    if n is not None and (not _is_int(n) or n < 1):
        raise AkileConfigError(f"n must be an integer >= 1, got {n!r}.")
    temperature = params.get("temperature")
    if temperature is not None and (not _is_number(temperature) or temperature < 0):
        raise AkileConfigError(f"temperature must be a number >= 0, got {temperature!r}.")
    top_p = params.get("top_p")
    if top_p is not None and (not _is_number(top_p) or not 0 <= top_p <= 1):
        raise AkileConfigError(f"top_p must be a number between 0 and 1, got {top_p!r}.")
    stop = params.get("stop")
    if stop is not None and not (
        isinstance(stop, str)
        or (isinstance(stop, (list, tuple)) and all(isinstance(s, str) and s for s in stop))
    ):
        raise AkileConfigError(
            f"stop must be a string or a list of non-empty strings, got {stop!r}."
        )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def request_options_of(request_options: Mapping[str, Any] | None) -> Any:
    """Per-call HTTP options (``timeout``, ``extra_headers``, ...) as the SDK takes them."""
    return dict(request_options) if request_options else {}
