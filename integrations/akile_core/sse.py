"""Server-sent events, decoded by the WHATWG rules, for the gateway's chat-completion streams.

The openai SDK's decoder dispatches an event for every blank line, even one that follows only an
``id:`` line or a ``:`` keep-alive comment, and then fails to parse its empty data as JSON
(openai/openai-python#2722; new-api sends ``: PING`` comments when ping is on). Real gateways
also end streams in ways the SDK does not expect. So the stream is read here:

- lines end in LF, CRLF or CR, also when a chunk boundary falls between CR and LF;
- ``:`` comments, ``id:``, ``retry:`` and unknown fields are ignored; an event with no ``data``
  is not dispatched;
- multi-line ``data`` is joined with a newline; ``data: [DONE]`` ends the stream, and so does the
  end of the body (some servers send no ``[DONE]``);
- ``event: error`` carries an error object, and so does a bare JSON line: new-api writes the
  upstream's error that way onto an open stream before closing it;
- a JSON body (``application/json``) where a stream was asked for is read as one event, so a
  server that ignores ``stream: true`` still gives a complete answer.

The SDK still sends the request, retries it and raises HTTP errors; these classes only replace
its decoding of a successful response (they are what ``client.post(..., stream_cls=...)`` builds).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import openai

from akile_core.errors import AkileResponseError


class SSEDecoder:
    """Incremental decoder: ``feed`` bytes as they arrive, get the decoded JSON events."""

    __slots__ = ("_buffer", "_data", "_event", "done")

    def __init__(self) -> None:
        self._buffer = b""
        self._data: list[bytes] = []
        self._event: bytes | None = None
        self.done = False
        """True once ``data: [DONE]`` arrived; nothing after it is read."""

    def feed(self, chunk: bytes) -> list[object]:
        """Decode what ``chunk`` completes; keep an unfinished last line for the next call."""
        if self.done:
            return []
        buffer = self._buffer + chunk if self._buffer else chunk
        if b"\r" in buffer:
            # A CR at the very end may be the first half of a CRLF: wait for the next byte.
            held = b"\r" if buffer.endswith(b"\r") else b""
            buffer = (buffer[:-1] if held else buffer).replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            lines = buffer.split(b"\n")
            self._buffer = lines.pop() + held
        else:
            lines = buffer.split(b"\n")
            self._buffer = lines.pop()
        return self._lines(lines)

    def end(self) -> list[object]:
        """The body ended: what its last, unterminated lines still complete.

        An event without its closing blank line is still read (some servers omit it), unless
        it is cut off mid-JSON: then the connection dropped, and the caller reports the answer
        as incomplete rather than this fragment as malformed.
        """
        rest = self._buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        self._buffer = b""
        try:
            return self._lines([*rest.split(b"\n"), b""])
        except AkileResponseError:
            return []

    def _lines(self, lines: Iterable[bytes]) -> list[object]:
        events: list[object] = []
        for line in lines:
            if self.done:
                break
            if not line:
                if self._data:
                    event = self._dispatch()
                    if event is not None:
                        events.append(event)
            elif line.startswith(b"data:"):
                value = line[5:]
                self._data.append(value[1:] if value.startswith(b" ") else value)
            elif line.startswith(b":"):
                continue  # a comment: keep-alive (": PING") or padding
            elif line.startswith(b"event:"):
                self._event = line[6:].strip()
            elif line.startswith(b"{"):
                events.append(_bare_json_line(line))
            # id:, retry: and unknown fields change nothing we read.
        return events

    def _dispatch(self) -> object:
        data = self._data[0] if len(self._data) == 1 else b"\n".join(self._data)
        event, self._data, self._event = self._event, [], None
        if data.startswith(b"[DONE]"):
            self.done = True
            return None
        try:
            decoded = json.loads(data)
        except ValueError as exc:
            raise AkileResponseError(
                f"The gateway sent a stream event that is not JSON: {data[:200]!r}. What to do: "
                "retry; if it keeps happening, check proxies between you and the gateway.",
                body=data.decode("utf-8", "replace"),
            ) from exc
        if event == b"error" and not (isinstance(decoded, dict) and "error" in decoded):
            return {"error": decoded}
        return decoded


def _bare_json_line(line: bytes) -> object:
    """A JSON object written as a line of its own, outside any ``data:`` field."""
    try:
        decoded = json.loads(line)
    except ValueError:
        decoded = None
    if isinstance(decoded, dict) and decoded.get("error"):
        return decoded
    raise AkileResponseError(
        f"The gateway wrote a line that is not server-sent events: {line[:200]!r}.",
        body=line.decode("utf-8", "replace"),
    )


def _is_json_body(response: Any) -> bool:
    content_type = str(response.headers.get("content-type", ""))
    return content_type.startswith("application/json")


def iter_events(response: Any) -> Iterator[object]:
    """The decoded events of a streamed HTTP response."""
    if _is_json_body(response):
        yield json.loads(response.read())
        return
    decoder = SSEDecoder()
    # Read to the end of the body even after [DONE] (there is rarely more than the chunked
    # terminator): a fully read response returns its connection to the pool.
    for chunk in response.iter_bytes():
        yield from decoder.feed(chunk)
    yield from decoder.end()


async def aiter_events(response: Any) -> AsyncIterator[object]:
    """Async :func:`iter_events`."""
    if _is_json_body(response):
        yield json.loads(await response.aread())
        return
    decoder = SSEDecoder()
    async for chunk in response.aiter_bytes():
        for event in decoder.feed(chunk):
            yield event
    for event in decoder.end():
        yield event


class EventStream(openai.Stream[object]):
    """The SDK's stream class, with our decoder: iterating yields decoded JSON events."""

    def __init__(self, *, response: Any, **_: Any) -> None:
        # The SDK passes cast_to, client and (3.x) options too; decoding needs only the body.
        self.response = response
        self._events = iter_events(response)

    def __iter__(self) -> Iterator[object]:
        return self._events

    def __next__(self) -> object:
        return next(self._events)

    def close(self) -> None:
        """Release the connection (also when the caller stops early)."""
        self.response.close()


class AsyncEventStream(openai.AsyncStream[object]):
    """Async :class:`EventStream`."""

    def __init__(self, *, response: Any, **_: Any) -> None:
        self.response = response
        self._events = aiter_events(response)

    def __aiter__(self) -> AsyncIterator[object]:
        return self._events

    async def __anext__(self) -> object:
        return await self._events.__anext__()

    async def close(self) -> None:
        """Release the connection (also when the caller stops early)."""
        await self.response.aclose()
