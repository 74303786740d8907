"""The SSE decoder, one wire shape per row (sources in ``akile_core/sse.py`` and the fault server)."""

from __future__ import annotations

import pytest

from akile_core import AkileResponseError
from akile_core.sse import SSEDecoder


def decode(*chunks: bytes) -> list[object]:
    decoder = SSEDecoder()
    events: list[object] = []
    for chunk in chunks:
        events += decoder.feed(chunk)
    return events + decoder.end()


@pytest.mark.parametrize(
    ("chunks", "expected"),
    [
        ((b'data: {"a": 1}\n\ndata: {"a": 2}\n\ndata: [DONE]\n\n',), [{"a": 1}, {"a": 2}]),
        # The shapes that make the openai SDK raise JSONDecodeError (openai-python#2722):
        ((b'id: 1\ndata: {"a": 1}\n\n', b"id: 2\n\n", b": PING\n\n", b"retry: 10\n\n"), [{"a": 1}]),
        ((b'data: {"a": 1}\r\n\r\n',), [{"a": 1}]),
        ((b'data: {"a": 1}\r', b'\n\r\ndata: {"a": 2}\r\n\r\n'), [{"a": 1}, {"a": 2}]),
        ((b'data: {"a": 1}\r\rdata: {"a": 2}\r\r',), [{"a": 1}, {"a": 2}]),
        ((b'data: {"a":\ndata: 1}\n\n',), [{"a": 1}]),
        ((b'data:{"a": 1}\n\n',), [{"a": 1}]),  # no space after the colon
        ((b"da", b'ta: {"a"', b": 1}\n", b"\n"), [{"a": 1}]),  # split anywhere
        ((b'data: {"a": 1}\n\n',), [{"a": 1}]),  # no [DONE]
        ((b'data: {"a": 1}',), [{"a": 1}]),  # no closing blank line
        ((b'data: {"a": 1}\n\ndata: [DONE]\n\ndata: {"late": 1}\n\n',), [{"a": 1}]),
        ((b'event: error\ndata: {"message": "boom"}\n\n',), [{"error": {"message": "boom"}}]),
        (
            (b'data: {"a": 1}\n\n{"error": {"message": "Overloaded"}}\n',),
            [{"a": 1}, {"error": {"message": "Overloaded"}}],
        ),
        ((b'data: {"a": 1}\n\ndata: {"cut off',), [{"a": 1}]),  # dropped mid-event: no fragment
    ],
)
def test_decoder(chunks: tuple[bytes, ...], expected: list[object]) -> None:
    assert decode(*chunks) == expected


def test_data_that_is_not_json_says_so() -> None:
    with pytest.raises(AkileResponseError, match="not JSON"):
        decode(b"data: <html>\n\n")


def test_a_stray_non_sse_line_says_so() -> None:
    with pytest.raises(AkileResponseError, match="not server-sent events"):
        decode(b'{"not": "an error"}\n')
