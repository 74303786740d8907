"""Shared test configuration: VCR cassettes, their scrubbing, and the model under test.

Replay is the default (``--record-mode=none`` in pyproject): no test touches the network.
``make record`` re-records against the local recording server, or against the real gateway
when ``AKILE_API_KEY`` is set (see README, "Recording cassettes").
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from tests.secrets import REDACTED, scrub

# Saved model profiles (`akile doctor --save`) would change what the classes send: tests see none
# unless they point AKILE_PROFILES_FILE at a file of their own.
os.environ["AKILE_PROFILES_FILE"] = ""

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
CASSETTES = ROOT / "cassettes"

# The model the cassettes were recorded with. Against the local recording server any name is
# answered by its one model; against the gateway set AKILE_TEST_MODEL to a model of your key.
TEST_MODEL = os.environ.get("AKILE_TEST_MODEL", "qwen2.5-coder-0.5b-instruct")
# A second name for the per-call override tests; the recording server reports its own model id,
# which contains this one, and the request body (matched on replay) shows it was sent.
TEST_MODEL_OVERRIDE = os.environ.get("AKILE_TEST_MODEL_OVERRIDE", "qwen2.5-coder")
# The embedding model of the embeddings cassettes (tests marked `embeddings`), recorded against
# the recording server started with --embeddings (scripts/record.sh), which embeds with its one
# model whatever the name; against the gateway set it to an embedding model of your key.
TEST_EMBEDDING_MODEL = os.environ.get("AKILE_TEST_EMBEDDING_MODEL", "text-embedding-3-small")
API_KEY = os.environ.get("AKILE_API_KEY", "test-key")
BASE_URL = os.environ.get("AKILE_BASE_URL") or None


def model_params(**overrides: Any) -> dict[str, Any]:
    """Constructor arguments for the model under test, as recorded (repeatable: temperature 0)."""
    params: dict[str, Any] = {
        "model": TEST_MODEL,
        "api_key": API_KEY,
        "temperature": 0,
        "max_tokens": 64,
    }
    if BASE_URL:
        params["base_url"] = BASE_URL
    return {**params, **overrides}


def embedding_params(**overrides: Any) -> dict[str, Any]:
    """Constructor arguments for the embedding model under test, as recorded."""
    params: dict[str, Any] = {"model": TEST_EMBEDDING_MODEL, "api_key": API_KEY}
    if BASE_URL:
        params["base_url"] = BASE_URL
    return {**params, **overrides}


EMBEDDING_TEXTS = [
    "网关把模型放在一个端点后面。",
    "The gateway serves many models.",
    "Cats sleep a lot.",
    "猫",
]


def cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))


# x-new-api-version: which gateway build answered (`akile doctor` reports it); not a secret.
_KEEP_RESPONSE_HEADERS = {"content-type", "retry-after", "x-new-api-version"}
_KEEP_REQUEST_HEADERS = {"content-type", "accept"}
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_SECRET_QUERY_NAMES = {"key", "api_key", "api-key", "apikey", "token", "access_token"}


def _scrub_request(request: Any) -> Any:
    # Only headers that describe the body; SDK telemetry (OS, versions) is noise in review.
    for name in list(request.headers):
        if name.lower() not in _KEEP_REQUEST_HEADERS:
            del request.headers[name]
    parts = urlsplit(request.uri)
    if parts.query:
        query = [
            (k, REDACTED if k.lower() in _SECRET_QUERY_NAMES else scrub(v))
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ]
        request.uri = urlunsplit(parts._replace(query=urlencode(query)))
    if isinstance(request.body, bytes):
        request.body = scrub(request.body.decode("utf-8", "replace")).encode()
    elif isinstance(request.body, str):
        request.body = scrub(request.body)
    return request


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    # Only the headers a client reads; the rest (cookies, request ids, rate-limit counters,
    # server timings) are per-request noise at best and identifying at worst.
    response["headers"] = {
        k: v for k, v in response["headers"].items() if k.lower() in _KEEP_RESPONSE_HEADERS
    }
    body = response.get("body", {}).get("string")
    if isinstance(body, bytes):
        response["body"]["string"] = scrub(body.decode("utf-8", "replace")).encode()
    elif isinstance(body, str):
        response["body"]["string"] = scrub(body)
    return response


@pytest.fixture(scope="session")
def vcr_config() -> dict[str, Any]:
    return {
        "filter_headers": [
            ("authorization", REDACTED),
            ("api-key", REDACTED),
            ("x-api-key", REDACTED),
            ("cookie", REDACTED),
        ],
        "before_record_request": _scrub_request,
        "before_record_response": _scrub_response,
        "decode_compressed_response": True,
        "match_on": ["method", "path", "json_body"],
        "allow_playback_repeats": True,
    }


@pytest.fixture
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    """``cassettes/<test folder>/<module>/``: a cassette's path mirrors its test's."""
    test_file = Path(str(request.node.fspath))
    return str(CASSETTES / test_file.parent.relative_to(TESTS) / test_file.stem)


@pytest.fixture
def api_key() -> str:
    return API_KEY


@pytest.fixture
def base_url() -> str | None:
    return BASE_URL


def _normalised_body(request: Any) -> Any:
    body = request.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    try:
        return _mask_uuids(json.loads(body)) if body else None
    except ValueError:
        return body


def _mask_uuids(value: Any) -> Any:
    """Replace UUIDs, which tests generate afresh per run (langchain-tests' few-shot tool-call
    ids), so that a replayed request matches its recording. Server-made ids are not UUIDs."""
    if isinstance(value, dict):
        return {k: _mask_uuids(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_uuids(v) for v in value]
    if isinstance(value, str) and _UUID.match(value):
        return "<uuid>"
    return value


def json_body_matcher(r1: Any, r2: Any) -> None:
    """Match request bodies as JSON (key order and whitespace do not matter)."""
    assert _normalised_body(r1) == _normalised_body(r2)


def pytest_recording_configure(config: Any, vcr: Any) -> None:
    vcr.register_matcher("json_body", json_body_matcher)


# -- No key material in any error, warning or log line ----------------------------------------
# Every key a test resolves is remembered, and every AkileError built, warning issued and log
# record written during that test is checked for any 6 characters of any of those keys.
_LEAK_WINDOW = 6
_keys_seen: set[str] = set()
_texts_to_check: list[tuple[str, str]] = []


def _record_key(original: Any) -> Any:
    def resolve_api_key(api_key: Any) -> Any:
        secret = original(api_key)
        _keys_seen.add(secret.get_secret_value())
        return secret

    return resolve_api_key


def _record_error(original: Any) -> Any:
    def __init__(self: BaseException, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        _texts_to_check.append((f"error {type(self).__name__}", f"{self} {self!r}"))

    return __init__


class _LeakLogHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        _texts_to_check.append((f"log {record.name}", record.getMessage()))


def _leaks(text: str) -> list[str]:
    return [
        key[i : i + _LEAK_WINDOW]
        for key in _keys_seen
        for i in range(len(key) - _LEAK_WINDOW + 1)
        if key[i : i + _LEAK_WINDOW] in text
    ]


@pytest.fixture(scope="session", autouse=True)
def _watch_for_key_leaks() -> Iterator[None]:
    import warnings

    import akile_core.config
    from akile_core import errors

    patches: list[tuple[Any, str, Any]] = [
        (akile_core.config, "resolve_api_key", _record_key(akile_core.config.resolve_api_key))
    ]
    # Each class with an __init__ of its own; AkileConfigError and the others inherit one.
    for cls in (errors.AkileAPIError, errors.AkileConnectionError, errors.AkileResponseError):
        patches.append((cls, "__init__", _record_error(cls.__dict__["__init__"])))
    patches.append((errors.AkileError, "__init__", _record_error(Exception.__init__)))
    original_warn = warnings.warn

    def warn(message: Any, category: Any = None, stacklevel: int = 1, **kwargs: Any) -> None:
        _texts_to_check.append(("warning", str(message)))
        original_warn(message, category, stacklevel + 1, **kwargs)  # this frame is not the caller

    patches.append((warnings, "warn", warn))
    saved = [(owner, name, owner.__dict__.get(name)) for owner, name, _ in patches]
    for owner, name, value in patches:
        setattr(owner, name, value)
    handler = _LeakLogHandler(logging.DEBUG)
    logger = logging.getLogger("akile")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield
    logger.removeHandler(handler)
    logger.setLevel(level)
    for owner, name, value in saved:
        if value is None:
            delattr(owner, name)
        else:
            setattr(owner, name, value)


@pytest.fixture(autouse=True)
def _no_key_in_errors(_watch_for_key_leaks: None) -> Iterator[None]:
    del _texts_to_check[:]
    _keys_seen.clear()
    yield
    found = [(where, _leaks(text), text[:300]) for where, text in _texts_to_check]
    found = [item for item in found if item[1]]
    del _texts_to_check[:]
    assert not found, f"key characters in an error, warning or log line: {found}"
