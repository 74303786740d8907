"""A loopback OpenAI-compatible server for benchmarks, fast enough never to be the bottleneck.

Runs in its own process (``python -m benchmarks.server``); prints its port on stdout. Responses
are canned and pre-serialised; the request's ``model`` selects them:

- ``short``: a small non-streamed completion (or a 3-chunk stream when ``stream`` is set);
- ``chunks:N``: a stream of N content chunks and a final usage chunk;
- a ``@Nms`` suffix (``short@50ms``) waits N milliseconds before answering, like a model would.
"""

from __future__ import annotations

import asyncio
import functools
import json
import sys
import time

USAGE = {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15}


@functools.lru_cache(maxsize=64)
def completion_bytes(model: str) -> bytes:
    body = {
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": 1,
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": "Hello there!"},
            }
        ],
        "usage": USAGE,
    }
    return json.dumps(body).encode()


@functools.lru_cache(maxsize=64)
def stream_bytes(model: str, chunks: int) -> bytes:
    def event(payload: object) -> str:
        return f"data: {json.dumps(payload)}\n\n"

    base = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1, "model": model}
    parts = [
        event(
            {
                **base,
                "choices": [
                    {
                        "index": 0,
                        "delta": {"role": "assistant", "content": ""},
                        "finish_reason": None,
                    }
                ],
            }
        )
    ]
    parts += [
        event(
            {**base, "choices": [{"index": 0, "delta": {"content": "tok "}, "finish_reason": None}]}
        )
        for _ in range(chunks)
    ]
    parts.append(event({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}))
    parts.append(event({**base, "choices": [], "usage": USAGE}))
    parts.append("data: [DONE]\n\n")
    return "".join(parts).encode()


@functools.lru_cache(maxsize=64)
def message_bytes(model: str) -> bytes:
    """An Anthropic Messages answer (``POST /v1/messages``)."""
    body = {
        "id": "msg_bench",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": "Hello there!"}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 12, "output_tokens": 4},
    }
    return json.dumps(body).encode()


@functools.lru_cache(maxsize=64)
def message_stream_bytes(model: str, chunks: int) -> bytes:
    """An Anthropic Messages stream of ``chunks`` text deltas, as Anthropic frames it."""

    def event(kind: str, payload: object) -> str:
        return f"event: {kind}\ndata: {json.dumps(payload)}\n\n"

    start = {
        "id": "msg_bench",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [],
        "stop_reason": None,
        "usage": {"input_tokens": 12, "output_tokens": 1},
    }
    parts = [
        event("message_start", {"type": "message_start", "message": start}),
        event(
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        ),
    ]
    delta = {
        "type": "content_block_delta",
        "index": 0,
        "delta": {"type": "text_delta", "text": "tok "},
    }
    parts += [event("content_block_delta", delta)] * chunks
    parts += [
        event("content_block_stop", {"type": "content_block_stop", "index": 0}),
        event(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": chunks},
            },
        ),
        event("message_stop", {"type": "message_stop"}),
    ]
    return "".join(parts).encode()


EMBEDDING_DIMENSIONS = 1536


@functools.lru_cache(maxsize=64)
def embeddings_bytes(count: int, encoding_format: str) -> bytes:
    """OpenAI's embeddings shape, ``count`` vectors of 1,536 float32s (text-embedding-3-small)."""
    import array
    import base64

    vector = [((i * 7919) % 1000) / 1000 - 0.5 for i in range(EMBEDDING_DIMENSIONS)]
    encoded: object = (
        base64.b64encode(array.array("f", vector).tobytes()).decode()
        if encoding_format == "base64"
        else vector
    )
    data = [{"object": "embedding", "index": i, "embedding": encoded} for i in range(count)]
    usage = {"prompt_tokens": count, "total_tokens": count}
    return json.dumps({"object": "list", "model": "embed", "data": data, "usage": usage}).encode()


def parse_model(body: bytes) -> tuple[str, bool]:
    # Cheaper than json.loads of the whole body: the model and stream flags are all we need.
    data = json.loads(body)
    return str(data.get("model", "short")), bool(data.get("stream"))


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            body = await reader.readexactly(length) if length else b""
            if head.startswith(b"GET"):
                payload, ctype = b'{"object":"list","data":[{"id":"short"}]}', b"application/json"
            elif b"/embeddings " in head[:64]:
                request = json.loads(body)
                count = len(request["input"]) if isinstance(request["input"], list) else 1
                payload = embeddings_bytes(count, request.get("encoding_format", "float"))
                ctype = b"application/json"
            elif b"/messages " in head[:64]:
                model, stream = parse_model(body)
                name = model.partition("@")[0]
                if name.startswith("chunks:"):
                    payload = message_stream_bytes(model, int(name.split(":")[1]))
                    ctype = b"text/event-stream"
                elif stream:
                    payload, ctype = message_stream_bytes(model, 3), b"text/event-stream"
                else:
                    payload, ctype = message_bytes(model), b"application/json"
            else:
                model, stream = parse_model(body)
                name, _, latency = model.partition("@")
                if latency:
                    await asyncio.sleep(int(latency.rstrip("ms")) / 1000)
                if name.startswith("chunks:"):
                    payload, ctype = (
                        stream_bytes(model, int(name.split(":")[1])),
                        b"text/event-stream",
                    )
                elif stream:
                    payload, ctype = stream_bytes(model, 3), b"text/event-stream"
                else:
                    payload, ctype = completion_bytes(model), b"application/json"
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: "
                + ctype
                + b"\r\ncontent-length: "
                + str(len(payload)).encode()
                + b"\r\n\r\n"
                + payload
            )
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def serve(port: int) -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=2048)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


async def self_test(port: int, seconds: float = 2.0, connections: int = 8) -> float:
    """Requests per second this server answers over keep-alive connections (its own ceiling)."""
    request = (
        b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 19\r\n\r\n"
        + b'{"model": "short"} '
    )
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.perf_counter() < deadline:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            await reader.readexactly(length)
            done += 1
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return done / (time.perf_counter() - started)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--self-test":
        print(f"{asyncio.run(self_test(int(sys.argv[2]))):.0f} req/s")
    else:
        asyncio.run(serve(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
