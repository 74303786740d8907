"""What each call cost, through both adapters, against the fault server's new-api account
endpoints (``tests.faults.account``). Expected quotas are computed by hand in
``tests/core/test_pricing.py`` from new-api's formulas."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.messages import AIMessageChunk, HumanMessage
from langchain_core.prompts import ChatPromptTemplate
from llama_index.core.callbacks import CallbackManager
from llama_index.core.llms import ChatMessage

from akile_core import AkileConfigError
from akile_core.account import forget_price_lists
from langchain_akile import ChatAkile, get_akile_cost_callback
from llamaindex_akile import Akile, AkileCostHandler
from tests.faults.server import FaultServer

KEY = "AK-costtest-0123456789"
CACHED = {"model": "priced-cached", "group": "default", "quota": 12938, "usd": 12938 / 500000}


@pytest.fixture(autouse=True)
def fresh_prices() -> Iterator[None]:
    forget_price_lists()
    yield
    forget_price_lists()


def pricing_reads(server: FaultServer, deployment: str = "") -> int:
    return server.account_log.count(f"{deployment}/api/pricing")


def lc(server: FaultServer, model: str, deployment: str = "", **kw: Any) -> ChatAkile:
    return ChatAkile(model=model, api_key=KEY, base_url=server.url(deployment), max_retries=0, **kw)


def li(server: FaultServer, model: str, deployment: str = "", **kw: Any) -> Akile:
    return Akile(model=model, api_key=KEY, base_url=server.url(deployment), max_retries=0, **kw)


# -- LangChain -----------------------------------------------------------------------------


def test_invoke_carries_the_cost(fault_server: FaultServer) -> None:
    reply = lc(fault_server, "priced-cached", track_cost=True).invoke("hi")
    assert reply.response_metadata["cost"] == CACHED


def test_generate_puts_the_cost_in_llm_output(fault_server: FaultServer) -> None:
    result = lc(fault_server, "priced-tokens", track_cost=True).generate([[HumanMessage("hi")]])
    assert result.llm_output is not None
    assert result.llm_output["cost"]["quota"] == 3000


def test_a_stream_carries_the_cost_once_on_its_last_chunk(fault_server: FaultServer) -> None:
    chunks = list(lc(fault_server, "priced-reasoning", track_cost=True).stream("hi"))
    assert [("cost" in c.response_metadata) for c in chunks][-1] is True
    assert sum("cost" in c.response_metadata for c in chunks) == 1
    total = chunks[0]
    for chunk in chunks[1:]:
        total += chunk
    assert isinstance(total, AIMessageChunk)
    assert total.response_metadata["cost"]["quota"] == 4563


def test_async_invoke_and_stream(fault_server: FaultServer) -> None:
    model = lc(fault_server, "priced-reasoning", track_cost=True)

    async def run() -> tuple[Any, list[Any]]:
        reply = await model.ainvoke("hi")
        chunks = [chunk async for chunk in model.astream("hi")]
        return reply, chunks

    reply, chunks = asyncio.run(run())
    assert reply.response_metadata["cost"]["quota"] == 4563
    assert chunks[-1].response_metadata["cost"]["quota"] == 4563


def test_the_price_list_is_read_once_and_never_for_a_plain_call(fault_server: FaultServer) -> None:
    before = pricing_reads(fault_server)
    lc(fault_server, "priced-tokens").invoke("hi")
    assert pricing_reads(fault_server) == before  # not asked for: no request
    lc(fault_server, "priced-tokens", track_cost=True).invoke("hi")
    lc(fault_server, "priced-cached", track_cost=True).invoke("hi")
    li(fault_server, "priced-tokens", track_cost=True).chat([ChatMessage(role="user", content="x")])
    assert pricing_reads(fault_server) == before + 1


def test_the_group_ratio_applies(fault_server: FaultServer) -> None:
    reply = lc(fault_server, "priced-tokens", track_cost=True, pricing_group="vip").invoke("hi")
    assert reply.response_metadata["cost"]["quota"] == 2400
    assert reply.response_metadata["cost"]["group"] == "vip"


def test_settings_from_the_environment(
    fault_server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AKILE_TRACK_COST", "1")
    monkeypatch.setenv("AKILE_GROUP", "vip")
    reply = lc(fault_server, "priced-per-call").invoke("hi")
    assert reply.response_metadata["cost"]["quota"] == 16000  # $0.04 * 500000 * 0.8


def test_the_deployments_quota_per_unit(fault_server: FaultServer) -> None:
    reply = lc(fault_server, "priced-tokens", "/custom-unit", track_cost=True).invoke("hi")
    assert reply.response_metadata["cost"]["usd"] == 3000 / 1_000_000


def test_a_bad_quota_per_unit_fails_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKILE_QUOTA_PER_UNIT", "half a million")
    with pytest.raises(AkileConfigError, match="AKILE_QUOTA_PER_UNIT"):
        ChatAkile(model="m", api_key=KEY, track_cost=True)


@pytest.mark.parametrize(
    ("deployment", "said"),
    [
        ("/pricing-login", "HTTP 401: 无权进行此操作"),
        ("/no-account", "HTTP 404: 404 page not found"),
    ],
)
def test_no_price_list_means_an_unknown_cost_and_a_working_call(
    fault_server: FaultServer, deployment: str, said: str, caplog: pytest.LogCaptureFixture
) -> None:
    model = lc(fault_server, "priced-tokens", deployment, track_cost=True)
    first, second = model.invoke("hi"), model.invoke("hi")
    assert first.content == "ok"
    cost = second.response_metadata["cost"]
    assert cost["quota"] is None and cost["usd"] is None
    assert said in cost["reason"]
    assert pricing_reads(fault_server, deployment) == 1  # remembered, not asked per call
    assert "Call costs are unknown" in caplog.text


def test_the_callback_totals_a_chain(fault_server: FaultServer) -> None:
    prompt = ChatPromptTemplate.from_messages([("human", "{q}")])
    tokens = prompt | lc(fault_server, "priced-tokens", track_cost=True)
    per_call = lc(fault_server, "priced-per-call", track_cost=True)
    unlisted = lc(fault_server, "ok", track_cost=True)
    with get_akile_cost_callback() as cb:
        tokens.invoke({"q": "a"})
        per_call.invoke("b")
        list(per_call.stream("c"))
        unlisted.invoke("d")
    assert (cb.calls, cb.total_quota) == (3, 3000 + 20000 + 20000)
    assert cb.total_usd == pytest.approx(0.086)
    assert cb.by_model["priced-per-call"]["quota"] == 40000
    assert cb.unknown_calls == 1 and "'ok' is not in the gateway's price list" in cb.reasons[0]
    lc(fault_server, "priced-tokens", track_cost=True).invoke("outside")
    assert cb.calls == 3


def test_the_callback_says_when_calls_carry_no_cost(fault_server: FaultServer) -> None:
    with get_akile_cost_callback() as cb:
        lc(fault_server, "priced-tokens").invoke("a")
    assert (cb.calls, cb.unpriced_calls) == (0, 1)
    assert "track_cost=True" in repr(cb)


# -- LlamaIndex ----------------------------------------------------------------------------


def test_llamaindex_chat_and_stream_carry_the_cost(fault_server: FaultServer) -> None:
    llm = li(fault_server, "priced-cached", track_cost=True)
    message = [ChatMessage(role="user", content="hi")]
    assert llm.chat(message).additional_kwargs["cost"] == CACHED
    responses = list(llm.stream_chat(message))
    assert responses[-1].additional_kwargs["cost"] == CACHED
    assert all("cost" not in r.additional_kwargs for r in responses[:-1])
    assert llm.complete("hi").additional_kwargs["cost"] == CACHED


def test_llamaindex_async(fault_server: FaultServer) -> None:
    llm = li(fault_server, "priced-reasoning", track_cost=True)
    message = [ChatMessage(role="user", content="hi")]

    async def run() -> tuple[Any, list[Any]]:
        reply = await llm.achat(message)
        stream = await llm.astream_chat(message)
        return reply, [r async for r in stream]

    reply, responses = asyncio.run(run())
    assert reply.additional_kwargs["cost"]["quota"] == 4563
    assert responses[-1].additional_kwargs["cost"]["quota"] == 4563


def test_llamaindex_handler_totals_calls(fault_server: FaultServer) -> None:
    handler = AkileCostHandler()
    manager = CallbackManager([handler])
    llm = li(fault_server, "priced-tokens", track_cost=True, callback_manager=manager)
    message = [ChatMessage(role="user", content="hi")]
    llm.chat(message)
    llm.complete("hi")
    list(llm.stream_chat(message))
    asyncio.run(llm.achat(message))
    assert (handler.calls, handler.total_quota) == (4, 12000)
    assert handler.total_usd == pytest.approx(0.024)
    li(fault_server, "priced-tokens", callback_manager=manager).chat(message)
    assert handler.unpriced_calls == 1 and "track_cost=True" in repr(handler)
    handler.reset()
    assert (handler.calls, handler.total_usd) == (0, 0.0)


def test_generate_over_several_prompts_sums_the_costs(fault_server: FaultServer) -> None:
    model = lc(fault_server, "priced-tokens", track_cost=True)
    result = model.generate([[HumanMessage("a")], [HumanMessage("b")]])
    assert result.llm_output is not None
    assert result.llm_output["cost"]["quota"] == 6000
    unlisted = lc(fault_server, "ok", track_cost=True).generate([[HumanMessage("a")]] * 2)
    assert unlisted.llm_output is not None and unlisted.llm_output["cost"]["quota"] is None


def test_llamaindex_handler_totals_a_query_engine_run(fault_server: FaultServer) -> None:
    from llama_index.core import Document, Settings, VectorStoreIndex

    from llamaindex_akile import AkileEmbedding

    handler = AkileCostHandler()
    manager = CallbackManager([handler])
    embed = AkileEmbedding(model="ok", api_key=KEY, base_url=fault_server.url(), max_retries=0)
    llm = li(fault_server, "priced-tokens", track_cost=True, callback_manager=manager)
    before = Settings.callback_manager
    Settings.callback_manager = manager
    try:
        index = VectorStoreIndex.from_documents(
            [Document(text="The sky is blue.")], embed_model=embed
        )
        answer = index.as_query_engine(llm=llm).query("What colour is the sky?")
    finally:
        Settings.callback_manager = before
    assert str(answer)
    assert handler.calls >= 1 and handler.total_quota == 3000 * handler.calls
    assert handler.unknown_calls == handler.unpriced_calls == 0
