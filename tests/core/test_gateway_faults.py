"""Gateway behaviour on fault shapes no local server emits, via an in-process HTTP transport.

Shapes: new-api's 503 "no available channel" (QuantumNous/new-api distributor), an HTTP 200
whose body is an error object (one-api relays upstream failures this way), an SSE error event
(OpenAI streaming error format), and a stream cut before its finish_reason.
"""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest

from akile_core import AkileResponseError, Gateway, ModelNotFoundError, ServerError, StreamState

if int(openai.__version__.split(".")[0]) >= 3:
    import httpx2 as httpx_mod
else:  # openai 2.x is built on httpx
    import httpx as httpx_mod  # type: ignore[no-redef]

BODY = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}


def gateway(
    responses: list[tuple[int, Any, str]], max_retries: int = 2
) -> tuple[Gateway, list[int]]:
    attempts: list[int] = []

    def handler(request: Any) -> Any:
        attempts.append(1)
        status, payload, content_type = responses[min(len(attempts), len(responses)) - 1]
        content = payload if isinstance(payload, str) else json.dumps(payload)
        return httpx_mod.Response(
            status, content=content.encode(), headers={"content-type": content_type}
        )

    http_client = openai.DefaultHttpxClient(transport=httpx_mod.MockTransport(handler))
    client = openai.OpenAI(
        api_key="k",
        base_url="http://gateway.test/v1",
        http_client=http_client,
        max_retries=max_retries,
    )
    # The same response hook the shared clients use.
    from akile_core.client import mark_final_errors

    http_client.event_hooks["response"] = [mark_final_errors]
    client = client.with_options(max_retries=max_retries, timeout=5)
    return Gateway(None, client=client), attempts


NO_CHANNEL = {
    "error": {
        "message": "当前分组 default 下对于模型 m 无可用渠道",
        "type": "new_api_error",
        "code": "model_not_found",
    }
}


def test_no_channel_503_is_sent_once_and_mapped() -> None:
    gw, attempts = gateway([(503, NO_CHANNEL, "application/json")], max_retries=2)
    with pytest.raises(ModelNotFoundError):
        gw.complete(dict(BODY))
    assert len(attempts) == 1


def test_plain_503_is_retried_max_retries_times(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openai.OpenAI, "_calculate_retry_timeout", lambda *a, **k: 0.0)
    gw, attempts = gateway(
        [(503, {"error": {"message": "overloaded"}}, "application/json")], max_retries=2
    )
    with pytest.raises(ServerError):
        gw.complete(dict(BODY))
    assert len(attempts) == 3


def test_http_200_with_error_body_raises_the_mapped_error() -> None:
    gw, _ = gateway(
        [(200, {"error": {"message": "upstream error", "code": 502}}, "application/json")]
    )
    with pytest.raises(ServerError) as info:
        gw.complete(dict(BODY))
    assert info.value.status_code == 502 and "upstream error" in str(info.value)


def sse(*events: Any) -> str:
    return "".join(f"data: {e if isinstance(e, str) else json.dumps(e)}\n\n" for e in events)


def test_error_event_inside_a_stream_raises_after_what_it_had() -> None:
    stream = sse(
        {"choices": [{"index": 0, "delta": {"content": "Hel"}}]},
        {"error": {"message": "upstream timeout", "code": 504}},
    )
    gw, _ = gateway([(200, stream, "text/event-stream")])
    got = []
    with pytest.raises(ServerError) as info:
        for delta in gw.stream(dict(BODY, stream=True), StreamState()):
            got.append(delta.content)
    assert got == ["Hel"] and info.value.status_code == 504


def test_stream_cut_before_finish_is_not_passed_off_as_complete() -> None:
    gw, _ = gateway(
        [
            (
                200,
                sse({"choices": [{"index": 0, "delta": {"content": "The answer is"}}]}),
                "text/event-stream",
            )
        ]
    )
    got = []
    with pytest.raises(AkileResponseError, match="incomplete"):
        for delta in gw.stream(dict(BODY, stream=True), StreamState()):
            got.append(delta.content)
    assert got == ["The answer is"]


def test_json_sent_as_text_plain_is_still_parsed() -> None:
    # Some reverse proxies rewrite the content type of JSON answers to text/plain.
    completion = {
        "id": "c",
        "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"content": "hi"}}],
    }
    gw, _ = gateway([(200, completion, "text/plain")])
    assert gw.complete(dict(BODY)).choices[0].content == "hi"
