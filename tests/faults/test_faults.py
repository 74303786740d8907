"""Both frameworks, sync and async, invoke and stream, against the misbehaving loopback server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import openai
import pytest
from langchain_core.callbacks import BaseCallbackHandler
from llama_index.core.base.llms.types import ChatMessage

import akile_core
from akile_core import AkileError
from langchain_akile import ChatAkile
from llamaindex_akile import Akile
from tests.faults.server import FaultServer

KEY = "AK-7Qx9Lm2Zr4Kp8Wd"  # random-looking: no 6 characters of it occur in any message


@dataclass(frozen=True)
class Driver:
    framework: str
    stream: bool
    is_async: bool

    @property
    def id(self) -> str:
        return f"{self.framework}-{'a' if self.is_async else ''}{'stream' if self.stream else 'invoke'}"

    def model(self, server: FaultServer, name: str, **kwargs: Any) -> Any:
        params = {
            "model": name,
            "api_key": KEY,
            "base_url": server.base_url,
            "max_retries": 2,
            "timeout": 3.0,
            **kwargs,
        }
        return ChatAkile(**params) if self.framework == "langchain" else Akile(**params)

    def run(self, llm: Any, prompt: str, got: list[str], **call: Any) -> str:
        """Call the model the driver's way; ``got`` receives streamed text as it arrives."""
        if self.is_async:
            return asyncio.run(self._arun(llm, prompt, got, **call))
        if self.framework == "langchain":
            if not self.stream:
                return str(llm.invoke(prompt, **call).content)
            for chunk in llm.stream(prompt, **call):
                got.append(str(chunk.content))
            return "".join(got)
        messages = [ChatMessage(role="user", content=prompt)]
        if not self.stream:
            return str(llm.chat(messages).message.content)
        for response in llm.stream_chat(messages):
            got.append(response.delta or "")
        return "".join(got)

    async def _arun(self, llm: Any, prompt: str, got: list[str], **call: Any) -> str:
        if self.framework == "langchain":
            if not self.stream:
                return str((await llm.ainvoke(prompt, **call)).content)
            async for chunk in llm.astream(prompt, **call):
                got.append(str(chunk.content))
            return "".join(got)
        messages = [ChatMessage(role="user", content=prompt)]
        if not self.stream:
            return str((await llm.achat(messages)).message.content)
        async for response in await llm.astream_chat(messages):
            got.append(response.delta or "")
        return "".join(got)


DRIVERS = [
    Driver(f, s, a)
    for f in ("langchain", "llamaindex")
    for a in (False, True)
    for s in (False, True)
]
STREAMING = [d for d in DRIVERS if d.stream]
BLOCKING = [d for d in DRIVERS if not d.stream]


def ids(drivers: list[Driver]) -> list[str]:
    return [d.id for d in drivers]


@pytest.mark.parametrize("driver", DRIVERS, ids=ids(DRIVERS))
def test_success(driver: Driver, fault_server: FaultServer, scenario: Any) -> None:
    name = scenario("ok")
    assert driver.run(driver.model(fault_server, name), "hello", []) == "echo: hello"
    assert len(fault_server.attempts(name)) == 1


@pytest.mark.parametrize("driver", DRIVERS, ids=ids(DRIVERS))
@pytest.mark.parametrize(
    ("name", "error", "status"),
    [
        ("429", akile_core.RateLimitError, 429),
        ("5xx:500", akile_core.ServerError, 500),
        ("5xx:502", akile_core.ServerError, 502),
        ("5xx:503", akile_core.ServerError, 503),
        ("5xx:504", akile_core.ServerError, 504),
        ("html-502", akile_core.ServerError, 502),
    ],
)
def test_retryable_errors_take_max_retries_plus_one_attempts(
    driver: Driver,
    name: str,
    error: type[Exception],
    status: int,
    fault_server: FaultServer,
    scenario: Any,
) -> None:
    model = scenario(name)
    with pytest.raises(error) as info:
        driver.run(driver.model(fault_server, model, max_retries=2), "hi", [])
    assert len(fault_server.attempts(model)) == 3
    err = info.value
    assert err.status_code == status and f"HTTP {status}" in str(err)
    assert err.request_id == f"req-{status}-fault" and err.request_id in str(err)
    assert "What to do:" in str(err)
    if name == "html-502":
        assert "HTML page" in str(err) and "502 Bad Gateway" in str(err)


@pytest.mark.parametrize("driver", DRIVERS, ids=ids(DRIVERS))
@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_transient_failure_then_success(
    driver: Driver, status: int, fault_server: FaultServer, scenario: Any
) -> None:
    model = scenario(f"once:{status}")
    assert driver.run(driver.model(fault_server, model), "again", []) == "echo: again"
    assert len(fault_server.attempts(model)) == 2


@pytest.mark.parametrize("driver", DRIVERS, ids=ids(DRIVERS))
def test_a_per_minute_quota_429_is_retried(
    driver: Driver, fault_server: FaultServer, scenario: Any
) -> None:
    model = scenario("quota-per-minute")
    assert driver.run(driver.model(fault_server, model), "again", []) == "echo: again"
    assert len(fault_server.attempts(model)) == 2


@pytest.mark.parametrize("driver", DRIVERS, ids=ids(DRIVERS))
@pytest.mark.parametrize(
    ("name", "error", "fragments"),
    [
        ("no-channel", akile_core.ModelNotFoundError, ["无可用渠道", "渠道", "list_models"]),
        ("bad-key-zh", akile_core.AuthenticationError, ["无效的令牌", "AKILE_API_KEY"]),
        ("bad-key-en", akile_core.AuthenticationError, ["Incorrect API key", "AKILE_API_KEY"]),
        ("quota-zh", akile_core.QuotaExceededError, ["用户额度不足", "retrying will not help"]),
        ("quota-en", akile_core.QuotaExceededError, ["quota", "retrying will not help"]),
        ("bad-request", akile_core.BadRequestError, ["at least one message"]),
        ("convert-failed", akile_core.BadRequestError, ["get file base64", "req-500-fault"]),
    ],
)
def test_final_errors_are_sent_once(
    driver: Driver,
    name: str,
    error: type[Exception],
    fragments: list[str],
    fault_server: FaultServer,
    scenario: Any,
) -> None:
    model = scenario(name)
    with pytest.raises(error) as info:
        driver.run(driver.model(fault_server, model, max_retries=3), "hi", [])
    assert len(fault_server.attempts(model)) == 1
    assert not info.value.is_retryable or name == "bad-request"
    for fragment in fragments:
        assert fragment in str(info.value)


@pytest.mark.parametrize("driver", BLOCKING, ids=ids(BLOCKING))
def test_error_inside_http_200(driver: Driver, fault_server: FaultServer, scenario: Any) -> None:
    model = scenario("error-200")
    with pytest.raises(akile_core.ServerError) as info:
        driver.run(driver.model(fault_server, model), "hi", [])
    assert info.value.status_code == 502 and "upstream returned an error" in str(info.value)


@pytest.mark.parametrize("driver", STREAMING, ids=ids(STREAMING))
@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("stream-error", akile_core.ServerError),
        ("stream-drop", (akile_core.AkileConnectionError, akile_core.AkileResponseError)),
    ],
)
def test_broken_stream_raises_after_what_it_had(
    driver: Driver, name: str, error: Any, fault_server: FaultServer, scenario: Any
) -> None:
    got: list[str] = []
    with pytest.raises(error):
        driver.run(driver.model(fault_server, scenario(name)), "hi", got)
    assert "".join(got) == "partial "


@pytest.mark.parametrize("driver", STREAMING, ids=ids(STREAMING))
def test_stalled_stream_times_out_within_bounds(
    driver: Driver, fault_server: FaultServer, scenario: Any
) -> None:
    got: list[str] = []
    started = time.monotonic()
    with pytest.raises(akile_core.AkileTimeoutError):
        driver.run(driver.model(fault_server, scenario("stream-stall"), timeout=0.5), "hi", got)
    assert "".join(got) == "partial "
    assert time.monotonic() - started < 2.5  # one read timeout; a started stream is not retried


@pytest.mark.parametrize("driver", BLOCKING, ids=ids(BLOCKING))
def test_no_answer_times_out_and_is_retried_within_bounds(
    driver: Driver, fault_server: FaultServer, scenario: Any
) -> None:
    model = scenario("stall")
    started = time.monotonic()
    with pytest.raises(akile_core.AkileTimeoutError) as info:
        driver.run(driver.model(fault_server, model, timeout=0.3, max_retries=1), "hi", [])
    elapsed = time.monotonic() - started
    assert len(fault_server.attempts(model)) == 2
    assert 0.6 <= elapsed < 3.5  # two timeouts plus at most one backoff
    assert "timeout" in str(info.value)


@pytest.mark.parametrize("driver", DRIVERS, ids=ids(DRIVERS))
def test_slow_first_token_within_timeout(
    driver: Driver, fault_server: FaultServer, scenario: Any
) -> None:
    assert (
        driver.run(driver.model(fault_server, scenario("slow:0.4"), timeout=3.0), "late", [])
        == "echo: late"
    )


@pytest.mark.parametrize("driver", DRIVERS, ids=ids(DRIVERS))
def test_large_response(driver: Driver, fault_server: FaultServer, scenario: Any) -> None:
    assert driver.run(driver.model(fault_server, scenario("large")), "big", []) == "x" * 1_000_000


def test_retry_after_seconds_is_honoured(fault_server: FaultServer, scenario: Any) -> None:
    model = scenario("429:retry-after=1")
    with pytest.raises(akile_core.RateLimitError):
        ChatAkile(model=model, api_key=KEY, base_url=fault_server.base_url, max_retries=1).invoke(
            "hi"
        )
    first, second = fault_server.attempts(model)
    assert second.at - first.at >= 0.95


def test_bare_429_without_retry_after_is_retried_with_backoff(
    fault_server: FaultServer, scenario: Any
) -> None:
    model = scenario("429:bare")
    with pytest.raises(akile_core.RateLimitError) as info:
        Akile(model=model, api_key=KEY, base_url=fault_server.base_url, max_retries=1).chat(
            [ChatMessage(role="user", content="hi")]
        )
    assert len(fault_server.attempts(model)) == 2 and "(empty response body)" in str(info.value)


class ErrorRecorder(BaseCallbackHandler):
    def __init__(self) -> None:
        self.errors: list[BaseException] = []

    def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
        self.errors.append(error)


@pytest.mark.parametrize("stream", [False, True])
def test_langchain_callbacks_see_on_llm_error(
    stream: bool, fault_server: FaultServer, scenario: Any
) -> None:
    recorder = ErrorRecorder()
    llm = ChatAkile(model=scenario("no-channel"), api_key=KEY, base_url=fault_server.base_url)
    with pytest.raises(akile_core.ModelNotFoundError):
        if stream:
            list(llm.stream("hi", config={"callbacks": [recorder]}))
        else:
            llm.invoke("hi", config={"callbacks": [recorder]})
    assert len(recorder.errors) == 1 and isinstance(
        recorder.errors[0], akile_core.ModelNotFoundError
    )


@pytest.mark.parametrize("framework", ["langchain", "llamaindex"])
def test_unsupported_parameter_named_with_hint(
    framework: str, fault_server: FaultServer, scenario: Any
) -> None:
    driver = Driver(framework, False, False)
    model = scenario("unsupported:temperature")
    with pytest.raises(akile_core.UnsupportedParameterError) as info:
        driver.run(driver.model(fault_server, model, temperature=0.5), "hi", [])
    message = str(info.value)
    assert (
        "'temperature'" in message
        and repr(model) in message
        and "drop_unsupported_params" in message
    )
    assert "channel" in message and len(fault_server.attempts(model)) == 1


@pytest.mark.parametrize("driver", DRIVERS, ids=ids(DRIVERS))
def test_drop_unsupported_params(driver: Driver, fault_server: FaultServer, scenario: Any) -> None:
    model = scenario("unsupported:temperature")
    llm = driver.model(fault_server, model, temperature=0.5, drop_unsupported_params=True)
    with pytest.warns(akile_core.ParameterDroppedWarning, match="'temperature'"):
        assert driver.run(llm, "hi", []) == "echo: hi"
    bodies = [a.body for a in fault_server.attempts(model)]
    assert len(bodies) == 2 and "temperature" in bodies[0] and "temperature" not in bodies[1]
    # Remembered for this model: the next call leaves it out up front, with no new warning.
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert driver.run(llm, "again", []) == "echo: again"
    assert len(fault_server.attempts(model)) == 3


@pytest.mark.parametrize("framework", ["langchain", "llamaindex"])
def test_ten_megabyte_message_is_sent_whole(
    framework: str, fault_server: FaultServer, scenario: Any
) -> None:
    driver = Driver(framework, False, False)
    text = "好" * 10_000_000
    assert driver.run(driver.model(fault_server, scenario("length")), text, []) == str(len(text))


@pytest.mark.parametrize("framework", ["langchain", "llamaindex"])
@pytest.mark.parametrize("stream", [False, True])
def test_200_concurrent_calls_one_instance(
    framework: str, stream: bool, fault_server: FaultServer, scenario: Any
) -> None:
    driver = Driver(framework, stream, True)
    llm = driver.model(fault_server, scenario("ok"))
    before = fault_server.connections

    async def one(i: int) -> str:
        got: list[str] = []
        return await driver._arun(llm, f"caller {i}", got)

    async def all_of_them() -> list[str]:
        first = await asyncio.gather(*(one(i) for i in range(200)))
        second = await asyncio.gather(*(one(i) for i in range(200, 400)))
        return first + second

    answers = asyncio.run(all_of_them())
    assert answers == [
        f"echo: caller {i}" for i in range(400)
    ]  # each its own answer, no cross-talk
    opened = fault_server.connections - before
    # one pool: the second wave reuses the first wave's kept-alive connections
    assert opened <= 200 + 100, opened


def test_key_never_in_logs_or_errors(
    fault_server: FaultServer, scenario: Any, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    for name in ("openai", "httpx", "httpx2", "httpcore", "httpcore2", "akile_core"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    errors: list[BaseException] = []
    for driver in DRIVERS:
        try:
            driver.run(driver.model(fault_server, scenario("bad-key-en")), "hi", [])
        except AkileError as exc:
            errors.append(exc)
    assert len(errors) == len(DRIVERS)
    for exc in errors:
        assert KEY not in str(exc) and KEY not in repr(exc) and KEY not in repr(exc.__cause__)
    assert caplog.records, "debug logging was on"
    assert all(KEY not in record.getMessage() for record in caplog.records)


def test_openai_exception_types_still_catch(fault_server: FaultServer, scenario: Any) -> None:
    with pytest.raises(openai.RateLimitError):
        ChatAkile(
            model=scenario("429"), api_key=KEY, base_url=fault_server.base_url, max_retries=0
        ).invoke("hi")
    with pytest.raises(openai.APIConnectionError):
        ChatAkile(model="ok", api_key=KEY, base_url="http://127.0.0.1:1/v1", max_retries=0).invoke(
            "hi"
        )


@pytest.mark.parametrize("driver", BLOCKING, ids=ids(BLOCKING))
def test_a_cdn_origin_timeout_is_a_timeout_that_says_to_stream(
    driver: Driver, fault_server: FaultServer, scenario: Any
) -> None:
    # Cloudflare's 524: retried like other timeouts (max_retries), then a timeout error whose
    # hint is streaming, not a longer timeout= (the CDN's limit is not ours to raise).
    model = scenario("cdn-524")
    with pytest.raises(akile_core.AkileTimeoutError) as info:
        driver.run(driver.model(fault_server, model, max_retries=1), "hi", [])
    assert len(fault_server.attempts(model)) == 2
    err = info.value
    assert err.status_code == 524 and err.request_id == "req-524-fault"
    assert "HTTP 524" in str(err) and "stream" in str(err) and "CDN" in str(err)


@pytest.fixture
def prebuilt() -> Iterator[Callable[[Driver, FaultServer, int], dict[str, Any]]]:
    """Clients the user built, over the SDK's own HTTP client (without our hooks); closed after."""
    made: list[Any] = []

    def make(driver: Driver, server: FaultServer, max_retries: int) -> dict[str, Any]:
        own = {"api_key": KEY, "base_url": server.base_url, "max_retries": max_retries}
        if driver.is_async:
            # One connection per request, so that no socket outlives the test's event loop.
            # (Limits of the httpx package this openai uses: httpx, or httpx2 from openai 3.)
            limits = type(openai.DEFAULT_CONNECTION_LIMITS)(
                max_connections=10, max_keepalive_connections=0
            )
            http = openai.DefaultAsyncHttpxClient(limits=limits)
            made.append(openai.AsyncOpenAI(**own, timeout=3, http_client=http))
            return {"async_client": made[-1]}
        made.append(openai.OpenAI(**own, timeout=3))
        return {"client": made[-1]}

    yield make
    for client in made:
        if isinstance(client, openai.OpenAI):
            client.close()


@pytest.mark.parametrize("driver", DRIVERS, ids=ids(DRIVERS))
@pytest.mark.parametrize("name", ["no-channel", "quota-en"])
def test_a_prebuilt_client_does_not_retry_final_errors_either(
    driver: Driver, name: str, fault_server: FaultServer, scenario: Any, prebuilt: Any
) -> None:
    model = scenario(name)
    clients = prebuilt(driver, fault_server, max_retries=2)
    llm = driver.model(fault_server, model, **clients)
    with pytest.raises((akile_core.ModelNotFoundError, akile_core.QuotaExceededError)):
        driver.run(llm, "hi", [])
    # The SDK alone would send it 3 times; an async stream's body is unread when the SDK
    # decides, so that one case keeps the SDK's retries (README, "Prebuilt clients").
    expected = 3 if driver.is_async and driver.stream else 1
    assert len(fault_server.attempts(model)) == expected
    user_client = clients.get("client") or clients["async_client"]
    assert user_client._should_retry.__self__ is user_client  # the user's object is untouched


@pytest.mark.parametrize("driver", DRIVERS, ids=ids(DRIVERS))
def test_a_prebuilt_client_still_retries_what_can_heal(
    driver: Driver, fault_server: FaultServer, scenario: Any, prebuilt: Any
) -> None:
    model = scenario("once:503")
    llm = driver.model(fault_server, model, **prebuilt(driver, fault_server, max_retries=2))
    assert driver.run(llm, "again", []) == "echo: again"
    assert len(fault_server.attempts(model)) == 2
