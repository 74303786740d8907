from __future__ import annotations

from typing import Any

import pytest

from akile_core import AkileConfigError
from akile_core.request import build_body

MESSAGES = [{"role": "user", "content": "hi"}]


def test_only_set_parameters_are_sent() -> None:
    body = build_body(
        model="m", messages=MESSAGES, params={"temperature": None, "max_tokens": 5, "top_p": None}
    )
    assert body == {"model": "m", "messages": MESSAGES, "max_tokens": 5}


def test_max_tokens_keeps_its_name() -> None:
    body = build_body(model="m", messages=MESSAGES, params={"max_tokens": 9})
    assert body["max_tokens"] == 9 and "max_completion_tokens" not in body


@pytest.mark.parametrize(("usage", "expected"), [(True, {"include_usage": True}), (False, None)])
def test_stream_options(usage: bool, expected: Any) -> None:
    body = build_body(model="m", messages=MESSAGES, params={}, stream=True, stream_usage=usage)
    assert body["stream"] is True
    assert body.get("stream_options") == expected


def test_extra_body_is_merged_last() -> None:
    body = build_body(
        model="m",
        messages=MESSAGES,
        params={"top_k": 1},
        extra_body={"top_k": 3, "thinking": {"type": "enabled"}},
    )
    assert body["top_k"] == 3 and body["thinking"] == {"type": "enabled"}


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"max_tokens": 0}, "max_tokens"),
        ({"max_tokens": -5}, "max_tokens"),
        ({"max_tokens": 1.5}, "max_tokens"),
        ({"max_tokens": True}, "max_tokens"),
        ({"n": 0}, "n"),
        ({"temperature": -0.1}, "temperature"),
        ({"temperature": "hot"}, "temperature"),
        ({"top_p": 1.5}, "top_p"),
        ({"stop": 5}, "stop"),
        ({"stop": ["ok", 3]}, "stop"),
        ({"stop": [""]}, "stop"),
    ],
)
def test_bad_values_fail_before_sending(params: dict[str, Any], name: str) -> None:
    with pytest.raises(AkileConfigError, match=name):
        build_body(model="m", messages=MESSAGES, params=params)


def test_empty_messages_and_model() -> None:
    with pytest.raises(AkileConfigError, match="messages is empty"):
        build_body(model="m", messages=[], params={})
    with pytest.raises(AkileConfigError, match="channel"):
        build_body(model="", messages=MESSAGES, params={})
