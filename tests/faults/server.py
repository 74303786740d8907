"""A chat-completions server on 127.0.0.1 that misbehaves on request, like real gateways do.

The request's ``model`` names the scenario (``"<scenario>"`` or ``"<scenario>#<tag>"``; the tag
keeps per-test state apart). Every request is logged (scenario, time, body) so tests can count
attempts and check timing. The server runs an asyncio loop in a daemon thread, on a free port,
and stops with its fixture; a stall never outlasts ``MAX_STALL`` seconds.

Each scenario's shape cites where it comes from.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_STALL = 5.0

# new-api distributor (QuantumNous/new-api middleware/distributor.go): 503 + model_not_found.
NO_CHANNEL = {
    "error": {
        "message": "当前分组 default 下对于模型 {model} 无可用渠道",
        "type": "new_api_error",
        "code": "model_not_found",
    }
}
# new-api/one-api token auth (middleware/auth.go): 401, Chinese and English wording.
BAD_KEY_ZH = {"error": {"message": "无效的令牌 (request id: 20261125)", "type": "new_api_error"}}
BAD_KEY_EN = {
    "error": {
        "message": "Incorrect API key provided",
        "type": "invalid_request_error",
        "code": "invalid_api_key",
    }
}
# new-api quota (service/quota.go): 403 "用户额度不足" / pre_consume_token_quota_failed.
QUOTA_ZH = {
    "error": {
        "message": "用户额度不足, 剩余额度: ＄0.000000",
        "type": "new_api_error",
        "code": "insufficient_user_quota",
    }
}
QUOTA_EN = {
    "error": {
        "message": "pre_consume_token_quota_failed: token quota is not enough",
        "type": "new_api_error",
        "code": "pre_consume_token_quota_failed",
    }
}
# nginx in front of a gateway whose upstream is down.
NGINX_502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
# Cloudflare's origin timeout page (HTTP 524, "A timeout occurred"), which new-api deployments
# behind Cloudflare return for non-streamed calls over ~100 s (QuantumNous/new-api#4972). The
# real page is larger; its title and the Ray ID line are what a reader sees.
CLOUDFLARE_524 = (
    "<!DOCTYPE html><html><head><title>aigateway.akile.ai | 524: A timeout occurred</title>"
    "</head><body><h1>A timeout occurred</h1><span>Cloudflare Ray ID: 8f1a2b3c4d5e6f70</span>"
    "</body></html>"
)
# OpenAI: a parameter the model does not accept.
UNSUPPORTED = {
    "error": {
        "message": "Unsupported parameter: '{param}' is not supported with this model.",
        "type": "invalid_request_error",
        "param": "{param}",
        "code": "unsupported_parameter",
    }
}


@dataclass
class Logged:
    scenario: str
    tag: str
    at: float
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FaultServer:
    host: str = "127.0.0.1"
    port: int = 0
    log: list[Logged] = field(default_factory=list)
    connections: int = 0
    open_connections: int = 0
    peak_open_connections: int = 0
    proxied: list[str] = field(default_factory=list)
    account_log: list[str] = field(default_factory=list)
    """Paths of the account endpoints requested (``tests.faults.account``)."""
    """Absolute URLs requested of this server as an HTTP proxy (RFC 9112 section 3.2.2)."""
    _loop: asyncio.AbstractEventLoop | None = None
    _server: asyncio.AbstractServer | None = None
    _thread: threading.Thread | None = None
    _writers: set[asyncio.StreamWriter] = field(default_factory=set)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def url(self, deployment: str = "") -> str:
        """The base URL of a deployment: the server playing another gateway (its path says
        which, as in ``tests.faults.account`` and ``tests.faults.messages_channel``)."""
        return f"http://{self.host}:{self.port}{deployment}/v1"

    def attempts(self, model: str) -> list[Logged]:
        scenario, _, tag = model.partition("#")
        return [e for e in self.log if e.scenario == scenario and e.tag == tag]

    def asked(self, prompt: str) -> list[Logged]:
        """The requests whose last message was ``prompt`` (family channels take real model names,
        so tests tell their requests apart by a unique prompt instead of a ``#tag``)."""
        return [e for e in self.log if "messages" in e.body and answer_for(e.body)[6:] == prompt]

    def start(self) -> FaultServer:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            self._server = self._loop.run_until_complete(
                asyncio.start_server(self._handle, self.host, 0, backlog=1024)
            )
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            self._loop.run_forever()
            self._loop.close()

        self._thread = threading.Thread(target=run, daemon=True, name="fault-server")
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fault server did not start")
        return self

    def stop(self) -> None:
        if self._loop is None or self._server is None:
            return
        loop, server = self._loop, self._server

        async def close() -> None:
            server.close()
            for writer in list(self._writers):
                writer.transport.abort()
            await asyncio.sleep(0)
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread:
            self._thread.join(10)

    # -- HTTP -----------------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.add(writer)
        self.open_connections += 1
        self.peak_open_connections = max(self.peak_open_connections, self.open_connections)
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                path, headers, body = request
                if path.startswith("http://"):
                    # The absolute form a client sends to its HTTP proxy for a plain-http URL
                    # (RFC 9112 section 3.2.2): noted, then answered as the gateway would.
                    self.proxied.append(path)
                    path = "/" + path.split("/", 3)[3]
                if not path.startswith("/"):
                    # "CONNECT host:443": the server is being used as an HTTPS proxy that cannot
                    # reach the host, and answers as squid and nginx proxies do.
                    await _send(writer, 502, "proxy: cannot reach " + path, None, "text/plain")
                    break
                keep_open = await self._respond(path, headers, body, writer)
                if not keep_open:
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self.open_connections -= 1
            self._writers.discard(writer)
            writer.close()

    async def _respond(
        self, path: str, headers: dict[str, str], raw: bytes, w: asyncio.StreamWriter
    ) -> bool:
        # Family channels live in their own module, which builds on this one's helpers.
        from tests.faults.account import PRICED, answer, deployment_of
        from tests.faults.channels import CHANNELS, MODEL_LIST, VERSION_HEADER

        account = deployment_of(path)
        if account is not None:
            self.account_log.append(path)
            await answer(w, *account)
            return True
        if path.endswith("/models"):
            await _send(w, 200, MODEL_LIST, VERSION_HEADER)
            return True
        body = json.loads(raw or b"{}")
        if path.split("?")[0].endswith("/v1/messages"):
            from tests.faults.messages_channel import messages

            self.log.append(Logged("messages", "", time.monotonic(), body, headers))
            return await messages(w, path, body)
        scenario, _, tag = str(body.get("model", "ok")).partition("#")
        self.log.append(Logged(scenario, tag, time.monotonic(), body, headers))
        attempt = len([e for e in self.log if e.scenario == scenario and e.tag == tag])
        handler = (
            SCENARIOS.get(scenario.split(":")[0]) or CHANNELS.get(scenario) or PRICED.get(scenario)
        )
        if handler is None:
            await _send(w, 404, {"error": {"message": f"unknown scenario {scenario}"}})
            return True
        return await handler(w, body, scenario, attempt, headers)


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, dict[str, str], bytes] | None:
    line = await reader.readline()
    if not line:
        return None
    parts = line.decode("latin-1").split(" ", 2)
    if len(parts) != 3:  # not HTTP: a TLS handshake sent to this plain-HTTP server
        return None
    path = parts[1]
    headers: dict[str, str] = {}
    while True:
        header = await reader.readline()
        if header in (b"\r\n", b"\n", b""):
            break
        name, _, value = header.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    body = await reader.readexactly(length) if length else b""
    return path, headers, body


async def _send(
    w: asyncio.StreamWriter,
    status: int,
    payload: Any,
    extra: dict[str, str] | None = None,
    content_type: str = "application/json",
) -> None:
    data = (
        payload.encode()
        if isinstance(payload, str)
        else json.dumps(payload, ensure_ascii=False).encode()
    )
    head = [f"HTTP/1.1 {status} X", f"content-type: {content_type}", f"content-length: {len(data)}"]
    if status >= 400:
        # new-api answers every request with its id (X-Oneapi-Request-Id); quote it to support.
        head.append(f"x-oneapi-request-id: req-{status}-fault")
    head += [f"{k}: {v}" for k, v in (extra or {}).items()]
    w.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
    await w.drain()


async def _start_sse(w: asyncio.StreamWriter) -> None:
    w.write(
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
    )
    await w.drain()


async def _sse(w: asyncio.StreamWriter, event: Any) -> None:
    data = (
        "data: "
        + (event if isinstance(event, str) else json.dumps(event, ensure_ascii=False))
        + "\n\n"
    ).encode()
    w.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
    await w.drain()


async def _raw_chunk(w: asyncio.StreamWriter, data: bytes) -> None:
    w.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
    await w.drain()


async def _end_sse(w: asyncio.StreamWriter) -> None:
    await _sse(w, "[DONE]")
    w.write(b"0\r\n\r\n")
    await w.drain()


def answer_for(body: dict[str, Any]) -> str:
    """The 'model' answers by echoing the last user message, so each caller can check its own."""
    content = body["messages"][-1].get("content", "")
    if isinstance(content, list):
        content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return f"echo: {content}"


def _completion(body: dict[str, Any], text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fault",
        "object": "chat.completion",
        "model": body.get("model"),
        "choices": [
            {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}
        ],
        "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},
    }


def _embeddings(body: dict[str, Any]) -> dict[str, Any]:
    """OpenAI's embeddings shape; each vector encodes its text's length, so order is checkable."""
    texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
    data = [
        {"object": "embedding", "index": i, "embedding": [float(len(text)), 1.0]}
        for i, text in enumerate(texts)
    ]
    return {"object": "list", "model": body.get("model"), "data": data[::-1], "usage": USAGE}


def _chunk(
    body: dict[str, Any], delta: dict[str, Any], finish: str | None = None
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fault",
        "object": "chat.completion.chunk",
        "model": body.get("model"),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


async def _ok(
    w: asyncio.StreamWriter, body: dict[str, Any], text: str | None = None, pieces: int = 4
) -> bool:
    if "input" in body:  # POST /embeddings
        await _send(w, 200, _embeddings(body))
        return True
    text = answer_for(body) if text is None else text
    if not body.get("stream"):
        await _send(w, 200, _completion(body, text))
        return True
    await _start_sse(w)
    size = max(1, len(text) // pieces)
    for start in range(0, len(text), size):
        await _sse(w, _chunk(body, {"content": text[start : start + size]}))
    await _sse(w, _chunk(body, {}, "stop"))
    if (body.get("stream_options") or {}).get("include_usage"):
        await _sse(
            w,
            {
                "id": "chatcmpl-fault",
                "choices": [],
                "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},
            },
        )
    await _end_sse(w)
    return True


Handler = Callable[[asyncio.StreamWriter, dict[str, Any], str, int, dict[str, str]], Any]
FAST_RETRY = {"retry-after-ms": "5"}  # OpenAI's own header; keeps retry tests fast


async def ok(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    return await _ok(w, body)


async def rate_limited(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    # "429", "429:retry-after=1" (seconds, RFC 9110), "429:bare" (no header, empty body: some
    # proxies), always failing.
    option = scenario.partition(":")[2]
    if option.startswith("retry-after="):
        await _send(
            w,
            429,
            {"error": {"message": "Rate limit reached"}},
            {"retry-after": option.split("=")[1]},
        )
    elif option == "bare":
        await _send(w, 429, "", content_type="text/plain")
    else:
        await _send(
            w,
            429,
            {"error": {"message": "Rate limit reached for requests", "type": "requests"}},
            FAST_RETRY,
        )
    return True


async def fail_once(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    # "once:503": the first attempt fails with the status, the retry succeeds (upstream blips).
    status = int(scenario.partition(":")[2] or 500)
    if attempt == 1:
        await _send(
            w, status, {"error": {"message": "upstream temporarily unavailable"}}, FAST_RETRY
        )
        return True
    return await _ok(w, body)


async def server_error(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    status = int(scenario.partition(":")[2] or 500)
    await _send(w, status, {"error": {"message": f"upstream error {status}"}}, FAST_RETRY)
    return True


async def no_channel(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    message = json.loads(json.dumps(NO_CHANNEL).replace("{model}", scenario))
    await _send(w, 503, message, FAST_RETRY)
    return True


async def quota_per_minute(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    # Vertex's per-minute limit relayed by a gateway: 429 "Quota exceeded for ...per_minute...";
    # it clears, so the retry succeeds.
    if attempt == 1:
        error = {
            "error": {
                "code": 429,
                "status": "RESOURCE_EXHAUSTED",
                "message": "Quota exceeded for aiplatform.googleapis.com/"
                "generate_content_requests_per_minute_per_project_per_base_model",
            }
        }
        await _send(w, 429, error, FAST_RETRY)
        return True
    return await _ok(w, body)


def _fixed(status: int, payload: Any, content_type: str = "application/json") -> Handler:
    async def handler(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
        await _send(w, status, payload, FAST_RETRY, content_type)
        return True

    return handler


async def bad_key_echo(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    # OpenAI's 401 quotes the key it was given, partly masked ("Incorrect API key provided:
    # sk-proj-abcd****wxyz. You can find your API key at ..."); gateways relay it verbatim.
    key = headers.get("authorization", "").removeprefix("Bearer ")
    shown = f"{key[:9]}{'*' * 8}{key[-4:]}"
    message = f"Incorrect API key provided: {shown}. You can find your API key at https://x."
    await _send(w, 401, {"error": {"message": message, "code": "invalid_api_key"}})
    return True


# How upstreams refuse an embeddings batch as too large (HTTP 400), each quoted from a report.
BATCH_TOO_LARGE = {
    # DashScope text-embedding-v3/v4 (mem0ai/mem0#6861, memodb-io/memobase#142).
    "dashscope": {
        "error": {
            "message": "<400> InternalError.Algo.InvalidParameter: Value error, batch size is "
            "invalid, it should not be larger than {cap}.: input.contents",
            "type": "InvalidParameter",
            "code": "InvalidParameter",
        }
    },
    # SiliconFlow (n4ze3m/page-assist#371).
    "siliconflow": {
        "code": 20042,
        "message": "input batch size {sent} > maximum allowed batch size {cap}",
        "data": None,
    },
    # Gemini batchEmbedContents (langchain-ai/langchainjs#4491).
    "gemini": {
        "error": {
            "code": 400,
            "message": "* BatchEmbedContentsRequest.requests: at most {cap} requests can be in "
            "one batch",
            "status": "INVALID_ARGUMENT",
        }
    },
    # A refusal that names no number: the batch is halved.
    "unnamed": {"error": {"message": "batch size too large", "type": "invalid_request_error"}},
}


async def embed_cap(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    """``embed-cap:<style>:<cap>``: batches over ``cap`` texts are refused in that style."""
    _, style, cap = scenario.split(":")
    sent = len(body["input"])
    if sent > int(cap):
        text = json.dumps(BATCH_TOO_LARGE[style]).replace("{cap}", cap).replace("{sent}", str(sent))
        await _send(w, 400, json.loads(text))
        return True
    return await _ok(w, body)


async def embed_fail_one(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    """A batch holding "boom" is refused at once (401); every other batch takes 0.3 s."""
    if "boom" in body["input"]:
        await _send(w, 401, BAD_KEY_EN)
        return True
    if attempt > 1:
        await asyncio.sleep(0.3)
    return await _ok(w, body)


async def error_in_200(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    # one-api relays some upstream failures as HTTP 200 with an error object.
    await _send(
        w,
        200,
        {"error": {"message": "upstream returned an error", "type": "upstream_error", "code": 502}},
    )
    return True


async def stream_error_event(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    # OpenAI and new-api send a mid-stream failure as a data event with an "error" object.
    await _start_sse(w)
    await _sse(w, _chunk(body, {"content": "partial "}))
    await _sse(
        w,
        {
            "error": {
                "message": "upstream stream interrupted",
                "type": "upstream_error",
                "code": 502,
            }
        },
    )
    await _end_sse(w)
    return True


async def stream_drop(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    # A proxy or upstream resetting the connection mid-stream: no [DONE], no final chunk.
    await _start_sse(w)
    await _sse(w, _chunk(body, {"content": "partial "}))
    w.transport.abort()
    return False


async def stream_stall(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    # An upstream that stops sending mid-answer and never closes.
    await _start_sse(w)
    await _sse(w, _chunk(body, {"content": "partial "}))
    await asyncio.sleep(MAX_STALL)
    return False


async def stall(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    # No answer at all (an overloaded gateway), bounded by MAX_STALL.
    await asyncio.sleep(MAX_STALL)
    return False


async def slow_first_token(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    delay = float(scenario.partition(":")[2] or 0.3)
    await asyncio.sleep(delay)
    return await _ok(w, body)


async def large(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    # A long answer (1 MB of text), streamed in 1,000 chunks when streaming.
    return await _ok(w, body, "x" * 1_000_000, pieces=1000)


async def content_length(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    # Reports how many characters of the last message arrived, to prove nothing was cut.
    return await _ok(w, body, str(len(body["messages"][-1]["content"])))


async def unsupported(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    param = scenario.partition(":")[2]
    if param in body:
        message = json.loads(json.dumps(UNSUPPORTED).replace("{param}", param))
        await _send(w, 400, message)
        return True
    return await _ok(w, body)


def _event(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


async def sse_dialect(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    """Streams that real servers send and the openai SDK's decoder mishandles.

    - ``ids``: an ``id:`` line per event and ``: PING`` keep-alive comments, each followed by a
      blank line (new-api's ping, relay/helper/common.go PingData; openai/openai-python#2722);
    - ``crlf`` / ``cr``: CRLF or bare-CR line ends (allowed by the WHATWG SSE spec), with a CRLF
      split across two chunks;
    - ``multiline``: one JSON event spread over two ``data:`` lines;
    - ``no-done``: the body ends after the usage chunk without ``data: [DONE]``;
    - ``bare-error``: new-api's in-stream upstream failure: some text, then the error JSON
      written as a bare line, then the connection closes (relay/channel/claude HandleStreamResponseData);
    - ``event-error``: an ``event: error`` with the error object as its data;
    - ``json-body``: a server that ignores ``stream: true`` and answers with one JSON completion.
    """
    variant = scenario.partition(":")[2]
    text = answer_for(body)
    if variant == "json-body":
        await _send(w, 200, _completion(body, text))
        return True
    await _start_sse(w)
    pieces = [_chunk(body, {"role": "assistant", "content": ""})]
    pieces += [_chunk(body, {"content": text[:6]}), _chunk(body, {"content": text[6:]})]
    if variant == "bare-error":
        for piece in pieces[:2]:
            await _raw_chunk(w, b"data: " + _event(piece) + b"\n\n")
        error = {
            "error": {
                "message": "Overloaded (request id: 2026120216460001)",
                "type": "overloaded_error",
                "code": "overloaded_error",
            }
        }
        await _raw_chunk(w, _event(error) + b"\n")
        w.write(b"0\r\n\r\n")
        await w.drain()
        return False
    if variant == "event-error":
        await _raw_chunk(w, b"data: " + _event(pieces[1]) + b"\n\n")
        error = {"message": "upstream failed mid-answer", "type": "upstream_error", "code": 502}
        await _raw_chunk(w, b"event: error\ndata: " + _event(error) + b"\n\n")
        await _end_sse(w)
        return True
    pieces.append(_chunk(body, {}, "stop"))
    pieces.append({"id": "chatcmpl-fault", "choices": [], "usage": USAGE})
    for number, piece in enumerate(pieces):
        event = _event(piece)
        if variant == "ids":
            await _raw_chunk(w, f"id: {number}\n".encode() + b"data: " + event + b"\n\n")
            await _raw_chunk(w, b": PING\n\n")
            await _raw_chunk(w, f"id: {number}-ping\nretry: 3000\n\n".encode())
        elif variant == "crlf":
            wire = b"data: " + event + b"\r\n\r\n"
            await _raw_chunk(w, wire[:-3])  # the chunk ends between CR and LF
            await _raw_chunk(w, wire[-3:])
        elif variant == "cr":
            await _raw_chunk(w, b"data: " + event + b"\r\r")
        elif variant == "multiline":
            half = event.index(b",") + 1
            await _raw_chunk(w, b"data: " + event[:half] + b"\ndata: " + event[half:] + b"\n\n")
        else:
            await _raw_chunk(w, b"data: " + event + b"\n\n")
    if variant == "no-done":
        w.write(b"0\r\n\r\n")
        await w.drain()
        return True
    await _end_sse(w)
    return True


# How streams end, each as a named shape with its source; tests/faults/test_stream_endings.py
# holds the table of what each must give. "echo: " arrives first in every shape.
_OPENROUTER_ERROR = {
    # openrouter.ai/docs/api-reference/streaming, "Handling Errors During Streaming": a last
    # chunk with a top-level error and finish_reason "error", after the text so far.
    "id": "gen-fault",
    "object": "chat.completion.chunk",
    "provider": "openai",
    "error": {"code": "server_error", "message": "Provider disconnected unexpectedly"},
    "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}],
}
_ANTHROPIC_ERROR = {
    # Anthropic's streaming error event (docs.anthropic.com, "Streaming Messages", error
    # events), relayed as a data event by gateways that pass the upstream's JSON through.
    "type": "error",
    "error": {"type": "overloaded_error", "message": "Overloaded"},
}


async def stream_ending(w, body, scenario, attempt, headers):  # type: ignore[no-untyped-def]
    """The text "echo: ", then one of the endings named in ``STREAM_ENDINGS``."""
    shape = scenario.partition(":")[2]
    if not body.get("stream"):  # the same failures in a non-streamed answer
        answer = _completion(body, "echo: ")
        answer["choices"][0]["finish_reason"] = "error"
        if shape == "openrouter-error":
            answer["error"] = _OPENROUTER_ERROR["error"]
        await _send(w, 200, answer)
        return True
    w.write(
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n"
        b"x-oneapi-request-id: req-stream-fault\r\n\r\n"
    )
    await _sse(w, _chunk(body, {"role": "assistant", "content": "echo: "}))
    rest = answer_for(body)[6:]
    if shape == "openrouter-error":
        await _sse(w, _OPENROUTER_ERROR)
    elif shape == "finish-error":  # finish_reason "error" with no error object
        await _sse(w, _chunk(body, {"content": ""}, "error"))
    elif shape == "anthropic-error":
        await _sse(w, _ANTHROPIC_ERROR)
    elif shape == "done-without-finish":  # [DONE] but the model never said it finished
        await _sse(w, _chunk(body, {"content": rest}))
    elif shape == "cut-mid-event":  # the body ends inside an event's JSON, closed cleanly
        await _raw_chunk(w, b'data: {"id": "chatcmpl-fault", "choices": [{"index": 0, "del')
        w.write(b"0\r\n\r\n")
        await w.drain()
        return True
    elif shape == "reset":  # the connection is reset mid-answer
        w.transport.abort()
        return False
    elif shape == "closed":  # the body ends cleanly after some text, without finishing
        w.write(b"0\r\n\r\n")
        await w.drain()
        return True
    elif shape in ("stop", "length", "finish-no-done"):  # complete answers
        await _sse(w, _chunk(body, {"content": rest}))
        await _sse(w, _chunk(body, {}, "length" if shape == "length" else "stop"))
        if shape == "finish-no-done":
            w.write(b"0\r\n\r\n")
            await w.drain()
            return True
    await _end_sse(w)
    return True


USAGE = {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}

SCENARIOS: dict[str, Handler] = {
    "sse": sse_dialect,
    "end": stream_ending,
    "embed-cap": embed_cap,
    "embed-fail-one": embed_fail_one,
    "ok": ok,
    "429": rate_limited,
    "once": fail_once,
    "5xx": server_error,
    "no-channel": no_channel,
    "bad-key-zh": _fixed(401, BAD_KEY_ZH),
    "bad-key-en": _fixed(401, BAD_KEY_EN),
    "bad-key-echo": bad_key_echo,
    "quota-zh": _fixed(403, QUOTA_ZH),
    "quota-en": _fixed(429, QUOTA_EN),
    "html-502": _fixed(502, NGINX_502, "text/html"),
    "cdn-524": _fixed(524, CLOUDFLARE_524, "text/html"),
    "quota-per-minute": quota_per_minute,
    "convert-failed": _fixed(
        500,
        {
            "error": {
                "message": "get file base64 from url failed (request id: 2026120216460003)",
                "type": "new_api_error",
                "code": "convert_request_failed",
            }
        },
    ),
    "bad-request": _fixed(
        400,
        {
            "error": {
                "message": "messages: at least one message is required",
                "type": "invalid_request_error",
            }
        },
    ),
    "error-200": error_in_200,
    "stream-error": stream_error_event,
    "stream-drop": stream_drop,
    "stream-stall": stream_stall,
    "stall": stall,
    "slow": slow_first_token,
    "large": large,
    "length": content_length,
    "unsupported": unsupported,
}
# Scenarios whose errors are final: the client must send them once.
FINAL = (
    "no-channel",
    "bad-key-zh",
    "bad-key-en",
    "quota-zh",
    "quota-en",
    "convert-failed",
    "bad-request",
    "unsupported",
)
