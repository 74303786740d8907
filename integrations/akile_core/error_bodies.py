"""Reading error bodies: the error object, its words, the request id, and no key in any of it.

Gateways and upstreams answer errors in several shapes (OpenAI's ``{"error": {...}}``, new-api's
``{"message", "code"}``, a proxy's HTML page, plain text); these small pure functions read what
the mapping in ``akile_core.error_mapping`` and the error classes in ``akile_core.errors`` need.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Upstreams quote the key they were given, partly masked ("Incorrect API key provided:
# sk-abc1***********wxyz", OpenAI's 401); no character of it goes into our messages.
_KEY_SHAPED = re.compile(r"\b(AK|sk|sk-proj|sk-ant)-[A-Za-z0-9*._\-]{2,}")
# new-api and one-api end their own messages with " (request id: <id>)" (relaykit/types/error.go).
_REQUEST_ID_SUFFIX = re.compile(r"\(request id: ?([A-Za-z0-9_.:-]+)\)")
# The gateway's own id first: it is the one its support can look up.
_REQUEST_ID_HEADERS = ("x-oneapi-request-id", "x-new-api-request-id", "x-request-id", "request-id")


def error_object(body: object) -> dict[str, Any]:
    """The ``error`` object of an OpenAI-style body, or the body itself when it has none."""
    if isinstance(body, Mapping):
        inner = body.get("error")
        if isinstance(inner, Mapping):
            return dict(inner)
        return dict(body)
    return {}


def gateway_message(body: object) -> str:
    """The body's own words for what went wrong, one line, with key-shaped values masked."""
    return without_keys(_gateway_words(body))


def _gateway_words(body: object) -> str:
    error = error_object(body)
    for key in ("message", "msg", "detail", "error"):
        value = error.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    if isinstance(body, str):
        return _summarise_text(body)
    return "(no error message in the response body)"


def error_text(body: object) -> str:
    """Every field a marker may appear in, joined: what classification searches."""
    error = error_object(body)
    parts = [str(error.get(k, "")) for k in ("message", "msg", "code", "type", "detail", "param")]
    if isinstance(body, str):
        parts.append(body[:2000])
    return " ".join(parts)


def _summarise_text(text: str) -> str:
    """Reduce a non-JSON body (often a reverse proxy's HTML page) to one readable line."""
    stripped = text.strip()
    if stripped.startswith("<") or "<html" in stripped[:200].lower():
        title = re.search(r"<title>(.*?)</title>", stripped, re.IGNORECASE | re.DOTALL)
        heading = title.group(1) if title else re.sub(r"<[^>]+>", " ", stripped)
        summary = " ".join(heading.split())[:200]
        return f"the gateway or a proxy in front of it returned an HTML page ({summary!r})"
    return " ".join(stripped.split())[:500] or "(empty response body)"


def without_keys(message: str) -> str:
    """``message`` with every key-shaped word reduced to its prefix (``AK-***``)."""
    return _KEY_SHAPED.sub(lambda match: f"{match.group(1)}-***", message)


def body_without_keys(body: object) -> object:
    """The body as kept on the error: every string in it with key-shaped values masked."""
    if isinstance(body, str):
        return without_keys(body)
    if isinstance(body, Mapping):
        return {key: body_without_keys(value) for key, value in body.items()}
    if isinstance(body, list):
        return [body_without_keys(value) for value in body]
    return body


def request_id_in_message(message: str) -> str | None:
    """The request id new-api appends to its own messages, or ``None``."""
    match = _REQUEST_ID_SUFFIX.search(message)
    return match.group(1) if match else None


def request_id_in_headers(headers: Mapping[str, str] | None) -> str | None:
    """The gateway's request id from response headers (its own header first), or ``None``."""
    if not headers:
        return None
    for name in _REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return str(value)
    return None


def str_or_none(value: object) -> str | None:
    """``str(value)``, keeping ``None`` as ``None``."""
    return None if value is None else str(value)
