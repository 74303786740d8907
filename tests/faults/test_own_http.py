"""A proxy or your own HTTP client, as ChatOpenAI and OpenAILike take them, on all four classes.

``proxy=`` keeps the shared pooled transport (one pool per proxy) with its retry rule; the
fault server plays the HTTP proxy for a gateway whose host cannot resolve (``.invalid``), so an
answer proves the proxy carried the request. ``http_client=`` / ``http_async_client=`` are the
user's httpx clients, used for sync and async calls respectively; the key, URL and our
no-retry-on-final-errors rule stay in force.
"""

from __future__ import annotations

import asyncio
from typing import Any

import openai
import pytest
from langchain_core.messages import HumanMessage
from llama_index.core.base.llms.types import ChatMessage

from akile_core import AkileConfigError, ModelNotFoundError
from langchain_akile import AkileEmbeddings, ChatAkile
from llamaindex_akile import Akile, AkileEmbedding
from tests.faults.server import FaultServer
from tests.faults.test_faults import KEY

UNRESOLVABLE = "http://gateway.invalid/v1"  # RFC 6761: never resolves, so only a proxy reaches it
CLASSES = [ChatAkile, Akile, AkileEmbeddings, AkileEmbedding]


def proxy_of(server: FaultServer) -> str:
    return server.base_url.removesuffix("/v1")


def chat(model: Any, sync: bool) -> str:
    """One chat call through either framework's sync or async path; the answer's text."""
    if isinstance(model, ChatAkile):
        message = [HumanMessage("hi")]
        return str((model.invoke(message) if sync else asyncio.run(model.ainvoke(message))).content)
    messages = [ChatMessage(role="user", content="hi")]
    answer = model.chat(messages) if sync else asyncio.run(model.achat(messages))
    return str(answer.message.content)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("cls", [ChatAkile, Akile])
@pytest.mark.parametrize("name", ["proxy", "openai_proxy"])
def test_a_proxy_carries_every_request(
    cls: type[Any], name: str, sync: bool, fault_server: FaultServer, scenario: Any
) -> None:
    model = cls(
        model=scenario("ok"),
        api_key=KEY,
        base_url=UNRESOLVABLE,
        max_retries=0,
        **{name: proxy_of(fault_server)},
    )
    before = len(fault_server.proxied)
    assert chat(model, sync)
    assert fault_server.proxied[before:] == [f"{UNRESOLVABLE}/chat/completions"]


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
def test_a_proxy_keeps_the_no_retry_rule_for_final_errors(
    sync: bool, fault_server: FaultServer, scenario: Any
) -> None:
    # new-api's 503 "no available channel" fails the same way every time: sent once, not 3 times.
    model_name = scenario("no-channel")
    model = ChatAkile(
        model=model_name,
        api_key=KEY,
        base_url=UNRESOLVABLE,
        max_retries=2,
        proxy=proxy_of(fault_server),
    )
    with pytest.raises(ModelNotFoundError):
        chat(model, sync)
    assert len(fault_server.attempts(model_name)) == 1


@pytest.mark.parametrize("cls", [ChatAkile, Akile])
def test_own_http_clients_are_used_for_their_kind_of_call(
    cls: type[Any], fault_server: FaultServer, scenario: Any
) -> None:
    sync_http = openai.DefaultHttpxClient(headers={"x-own-client": "sync"})
    async_http = openai.DefaultAsyncHttpxClient(headers={"x-own-client": "async"})
    names = ("http_client", "http_async_client" if cls is ChatAkile else "async_http_client")
    model_name = scenario("ok")
    model = cls(
        model=model_name,
        api_key=KEY,
        base_url=fault_server.base_url,
        **dict(zip(names, (sync_http, async_http), strict=True)),
    )

    async def ask_then_close() -> None:
        try:
            if isinstance(model, ChatAkile):
                await model.ainvoke("hi")
            else:
                await model.achat([ChatMessage(role="user", content="hi")])
        finally:  # the user's client is the user's to close, on the loop that used it
            await async_http.aclose()

    with sync_http:
        assert chat(model, sync=True)
    asyncio.run(ask_then_close())
    sent = [entry.headers for entry in fault_server.attempts(model_name)]
    assert [h.get("x-own-client") for h in sent] == ["sync", "async"]
    assert all(h["authorization"] == f"Bearer {KEY}" for h in sent)  # our key, over their client


def test_own_http_client_keeps_the_no_retry_rule_for_final_errors(
    fault_server: FaultServer, scenario: Any
) -> None:
    model_name = scenario("no-channel")
    model = ChatAkile(
        model=model_name,
        api_key=KEY,
        base_url=fault_server.base_url,
        max_retries=2,
        http_client=(http := openai.DefaultHttpxClient()),
    )
    with http, pytest.raises(ModelNotFoundError):  # the user's client is the user's to close
        model.invoke("hi")
    assert len(fault_server.attempts(model_name)) == 1


@pytest.mark.parametrize("cls", CLASSES)
@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"proxy": "proxy.example:3128"}, "proxy must be a URL"),
        ({"proxy": "ftp://proxy.example"}, "proxy must be a URL"),
        ({"http_client": object()}, "http_client must be an httpx.Client"),
        ({"http_async_client": object()}, "http_async_client must be an httpx.AsyncClient"),
        (
            {"http_client": openai.DefaultHttpxClient(), "proxy": "http://p.example:3128"},
            "set the proxy on that client",
        ),
        (
            {"http_client": openai.DefaultHttpxClient(), "client": openai.OpenAI(api_key="k")},
            "not both",
        ),
    ],
)
def test_connection_options_that_cannot_work_are_refused_at_construction(
    cls: type[Any], arguments: dict[str, Any], words: str
) -> None:
    with pytest.raises(AkileConfigError, match=f"^{cls.__name__}: .*{words}"):
        cls(model="m", api_key=KEY, **arguments)


@pytest.mark.parametrize("cls", CLASSES)
def test_a_proxy_password_stays_out_of_repr(cls: type[Any]) -> None:
    model = cls(model="m", api_key=KEY, proxy="http://user:s3cretpass@proxy.example:3128")
    assert "s3cretpass" not in repr(model)
