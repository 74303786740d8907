"""The error table: what each status and body becomes, and what the message tells the reader.

Bodies are the shapes real servers send; each cites its source.
"""

from __future__ import annotations

from typing import Any

import openai
import pytest

from akile_core import errors as e
from akile_core.error_mapping import (
    classify,
    error_from_body,
    from_openai_error,
    is_final_gateway_error,
    map_errors,
)
from tests.faults.server import QUOTA_EN, QUOTA_ZH  # new-api's quota wording, sources cited there

# new-api distributor: HTTP 503, code model_not_found (QuantumNous/new-api middleware/distributor.go)
NO_CHANNEL_ZH = {
    "error": {
        "message": "当前分组 default 下对于模型 claude-x 无可用渠道",
        "type": "new_api_error",
        "code": "model_not_found",
    }
}
NO_CHANNEL_EN = {
    "error": {
        "message": "No available channel for model claude-x under group default",
        "type": "new_api_error",
    }
}
# OpenAI: 429 insufficient_quota
OPENAI_QUOTA = {
    "error": {
        "message": "You exceeded your current quota",
        "type": "insufficient_quota",
        "code": "insufficient_quota",
    }
}
# llama.cpp (shared/recording-server/README.md, "Errors")
LLAMA_CONTEXT = {
    "error": {
        "code": 400,
        "message": "request (20030 tokens) exceeds the available context size (16384 tokens), try increasing it",
        "type": "exceed_context_size_error",
    }
}
LLAMA_AUTH = {"error": {"message": "Invalid API Key", "type": "authentication_error", "code": 401}}
# OpenAI: unsupported parameter (o-series models)
OPENAI_UNSUPPORTED = {
    "error": {
        "message": "Unsupported parameter: 'temperature' is not supported with this model.",
        "type": "invalid_request_error",
        "param": "temperature",
        "code": "unsupported_parameter",
    }
}
# Gemini OpenAI-compat: unknown field
GEMINI_UNKNOWN = {
    "error": {
        "message": 'Invalid JSON payload received. Unknown name "top_k": Cannot find field.',
        "code": 400,
    }
}
# Google's per-minute limits through a gateway (Vertex wording; Gemini API uses
# RESOURCE_EXHAUSTED): a rate limit that clears within the minute, not an exhausted balance.
VERTEX_PER_MINUTE = {
    "error": {
        "code": 429,
        "status": "RESOURCE_EXHAUSTED",
        "message": "Quota exceeded for aiplatform.googleapis.com/"
        "generate_content_requests_per_minute_per_project_per_base_model with base model: "
        "gemini-1.5-pro.",
    }
}
# new-api: its own conversion of the request failed (relay/compatible_handler.go, types.NewError
# with ErrorCodeConvertRequestFailed, HTTP 500), e.g. an image URL it could not download.
CONVERT_FAILED = {
    "error": {
        "message": "get file base64 from url failed: status code 404 (request id: 2026120216460002)",
        "type": "new_api_error",
        "code": "convert_request_failed",
    }
}


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (429, VERTEX_PER_MINUTE, e.RateLimitError),
        (500, CONVERT_FAILED, e.BadRequestError),
        (503, NO_CHANNEL_ZH, e.ModelNotFoundError),
        (503, NO_CHANNEL_EN, e.ModelNotFoundError),
        (
            404,
            {
                "error": {
                    "message": "The model `gpt-9` does not exist or you do not have access to it.",
                    "code": "model_not_found",
                }
            },
            e.ModelNotFoundError,
        ),
        (403, QUOTA_ZH, e.QuotaExceededError),
        (403, QUOTA_EN, e.QuotaExceededError),
        (429, OPENAI_QUOTA, e.QuotaExceededError),
        (402, {"error": {"message": "Payment required"}}, e.QuotaExceededError),
        (400, LLAMA_CONTEXT, e.ContextOverflowError),
        (401, LLAMA_AUTH, e.AuthenticationError),
        (403, {"error": {"message": "forbidden"}}, e.PermissionDeniedError),
        (404, {"error": {"message": "File Not Found"}}, e.NotFoundError),
        (429, {"error": {"message": "Too many requests"}}, e.RateLimitError),
        (500, {"error": {"message": "boom"}}, e.ServerError),
        (502, "<html><head><title>502 Bad Gateway</title></head></html>", e.ServerError),
        (422, {"detail": "bad"}, e.BadRequestError),
        (None, {"error": {"message": "upstream error"}}, e.ServerError),
    ],
)
def test_classify(status: int | None, body: Any, expected: type) -> None:
    assert classify(status, body)[0] is expected


def test_unsupported_parameter_needs_to_name_a_sent_parameter() -> None:
    assert classify(400, OPENAI_UNSUPPORTED, sent_params=("model", "messages", "temperature")) == (
        e.UnsupportedParameterError,
        "temperature",
    )
    assert classify(400, GEMINI_UNKNOWN, sent_params=("model", "top_k")) == (
        e.UnsupportedParameterError,
        "top_k",
    )
    # Not sent: a plain bad request, nothing to drop.
    assert (
        classify(400, OPENAI_UNSUPPORTED, sent_params=("model", "messages"))[0] is e.BadRequestError
    )


def test_no_channel_message_says_where_model_names_come_from() -> None:
    err = error_from_body(NO_CHANNEL_ZH, status=503, model="claude-x", request_id="req-1")
    assert isinstance(err, openai.NotFoundError) and isinstance(err, e.ModelNotFoundError)
    assert err.status_code == 503 and err.request_id == "req-1" and not err.is_retryable
    text = str(err)
    for fragment in ("HTTP 503", "'claude-x'", "req-1", "无可用渠道", "渠道", "list_models"):
        assert fragment in text


def test_unsupported_parameter_message_names_parameter_model_and_hint() -> None:
    err = error_from_body(OPENAI_UNSUPPORTED, status=400, model="o9", sent_params=("temperature",))
    assert isinstance(err, e.UnsupportedParameterError) and err.param == "temperature"
    assert (
        "'temperature'" in str(err) and "'o9'" in str(err) and "drop_unsupported_params" in str(err)
    )


def test_html_page_is_summarised() -> None:
    err = error_from_body(
        "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        status=502,
        model="m",
    )
    assert "HTML page" in str(err) and "502 Bad Gateway" in str(err) and "<body>" not in str(err)


def test_error_inside_200_takes_status_from_body() -> None:
    err = error_from_body({"error": {"code": 429, "message": "slow down"}}, status=None, model="m")
    assert isinstance(err, e.RateLimitError) and err.status_code == 429


def test_error_classes_substitute_adapter_classes() -> None:
    class Mine(e.ServerError):
        pass

    err = error_from_body(
        {"error": {"message": "x"}}, status=500, model="m", error_classes={e.ServerError: Mine}
    )
    assert type(err) is Mine


@pytest.mark.parametrize(
    ("status", "body", "final"),
    [
        (503, b'{"error":{"message":"No available channel","code":"model_not_found"}}', True),
        (429, b'{"error":{"code":"insufficient_quota"}}', True),
        (503, b'{"error":{"message":"overloaded"}}', False),
        (429, b"", False),
        (400, b'{"error":{"code":"model_not_found"}}', False),  # not retried anyway
        (429, b'{"error":{"message":"Quota exceeded for ...per_minute..."}}', False),
        (500, b'{"error":{"code":"convert_request_failed"}}', True),
    ],
)
def test_final_gateway_errors_are_not_retried(status: int, body: bytes, final: bool) -> None:
    assert is_final_gateway_error(status, body) is final


def test_map_errors_keeps_the_cause_and_maps_connection_errors() -> None:
    class RemoteProtocolError(Exception):
        pass

    RemoteProtocolError.__module__ = "httpx2"
    with (
        pytest.raises(e.AkileConnectionError) as info,
        map_errors(model="m", base_url="http://x/v1"),
    ):
        raise RemoteProtocolError("peer closed connection")
    assert isinstance(info.value.__cause__, RemoteProtocolError)
    assert "http://x/v1" in str(info.value) and isinstance(info.value, openai.APIConnectionError)


def test_an_error_event_on_the_embeddings_endpoint_keeps_the_embeddings_hint() -> None:
    # openai raises a bare APIError for an error inside a stream or body; the endpoint it came
    # from decides the hint as it does for an HTTP error status.
    request = openai.DefaultHttpxClient().build_request("POST", "http://gateway.test/v1/embeddings")
    event = openai.APIError("no channel", request=request, body=NO_CHANNEL_ZH["error"])
    err = from_openai_error(event, model="claude-x", endpoint="embeddings")
    assert isinstance(err, e.ModelNotFoundError)
    assert "Embeddings need an embedding model" in str(err)


def test_map_errors_leaves_other_exceptions_alone() -> None:
    with pytest.raises(KeyError), map_errors(model="m"):
        raise KeyError("x")


def test_request_id_comes_from_the_gateways_message_suffix() -> None:
    err = error_from_body(CONVERT_FAILED, status=500, model="m")
    assert err.request_id == "2026120216460002"
    assert "request id 2026120216460002" in str(err)


def test_a_per_minute_quota_429_is_a_retryable_rate_limit() -> None:
    err = error_from_body(VERTEX_PER_MINUTE, status=429, model="gemini-1.5-pro")
    assert isinstance(err, e.RateLimitError) and isinstance(err, openai.RateLimitError)
    assert err.is_retryable and "top it up" not in str(err).lower()
