"""Claude on its native wire, ``/v1/messages``, against the fault server's Anthropic-behind-new-api
channel (``tests/faults/messages_channel.py``). Where chat completions lose something, the test
first shows the loss on that path (``endpoint="chat_completions"``), then both adapters keeping it.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import tool
from llama_index.core.base.llms.types import (
    CacheControl,
    CachePoint,
    ChatMessage,
    MessageRole,
    TextBlock,
    ThinkingBlock,
)
from llama_index.core.tools import FunctionTool
from pydantic import BaseModel

import akile_core
from akile_core.wires import EndpointFallbackWarning, forget_fallbacks
from langchain_akile import ChatAkile
from llamaindex_akile import Akile
from tests.faults.server import FaultServer

KEY = "AK-wiretest-9Q7Z3X5V"
pytestmark = pytest.mark.usefixtures("fresh_families")


@pytest.fixture(autouse=True)
def fresh_wires() -> Iterator[None]:
    forget_fallbacks()
    yield
    forget_fallbacks()


@tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


class Pet(BaseModel):
    name: str
    legs: int


def lc(server: FaultServer, model: str = "claude-sonnet-4-5", **kw: Any) -> ChatAkile:
    kw.setdefault("base_url", server.url())
    kw.setdefault("max_retries", 0)
    return ChatAkile(model=model, api_key=KEY, **kw)


def li(server: FaultServer, model: str = "claude-sonnet-4-5", **kw: Any) -> Akile:
    kw.setdefault("base_url", server.url())
    kw.setdefault("max_retries", 0)
    return Akile(model=model, api_key=KEY, **kw)


def sent(server: FaultServer, text: str) -> list[dict[str, Any]]:
    """The /v1/messages bodies whose messages mention ``text``."""
    return [e.body for e in server.log if e.scenario == "messages" and text in str(e.body)]


def chat_sent(server: FaultServer, text: str) -> list[dict[str, Any]]:
    return [e.body for e in server.log if e.scenario != "messages" and text in str(e.body)]


# -- which wire -------------------------------------------------------------------------------


def test_a_listed_claude_model_goes_over_messages(fault_server: FaultServer) -> None:
    reply = lc(fault_server).invoke("which wire 1")
    assert reply.content == "echo: which wire 1"
    (body,) = sent(fault_server, "which wire 1")
    assert body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "which wire 1"}]}
    ]
    assert body["max_tokens"] == 8192  # the model's output limit, capped as new-api defaults
    assert reply.response_metadata["finish_reason"] == "stop"
    assert reply.usage_metadata is not None and reply.usage_metadata["output_tokens"] > 0


def test_other_models_never_read_the_listing(fault_server: FaultServer) -> None:
    server = fault_server
    before = [e for e in server.log]
    lc(server, "ok", base_url=server.url("/listing-count")).invoke("plain")
    assert [e for e in server.log if e not in before and e.scenario == "messages"] == []
    assert len([e for e in server.log if e not in before]) == 1  # the chat call alone


def test_endpoint_forces_a_wire(fault_server: FaultServer) -> None:
    lc(fault_server, endpoint="chat_completions").invoke("forced chat")
    assert chat_sent(fault_server, "forced chat") and not sent(fault_server, "forced chat")
    li(fault_server, endpoint="messages").complete("forced messages")
    assert sent(fault_server, "forced messages")


def test_a_bad_endpoint_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(akile_core.AkileConfigError, match="endpoint"):
        ChatAkile(model="claude-sonnet-4-5", api_key=KEY, endpoint="anthropic")  # type: ignore[arg-type]
    monkeypatch.setenv("AKILE_ENDPOINT", "native")
    with pytest.raises(akile_core.AkileConfigError, match="AKILE_ENDPOINT"):
        Akile(model="claude-sonnet-4-5", api_key=KEY)


def test_a_gateway_without_messages_falls_back_once(fault_server: FaultServer) -> None:
    base = fault_server.url("/no-messages")
    with pytest.warns(EndpointFallbackWarning, match="does not offer /v1/messages"):
        assert lc(fault_server, base_url=base).invoke("fallback 1").content == "echo: fallback 1"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no second warning, and no second try of /messages
        chunks = list(lc(fault_server, base_url=base).stream("fallback 2"))
        assert "".join(str(c.content) for c in chunks) == "echo: fallback 2"
    assert len(sent(fault_server, "fallback 1")) == 1 and not sent(fault_server, "fallback 2")


def test_an_explicit_messages_endpoint_does_not_fall_back(fault_server: FaultServer) -> None:
    llm = lc(fault_server, base_url=fault_server.url("/no-messages"), endpoint="messages")
    with pytest.raises(akile_core.NotFoundError, match="Invalid URL"):
        llm.invoke("no fallback")


# -- text, usage, errors -------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["stream", "ainvoke", "astream"])
def test_langchain_streams_and_async(fault_server: FaultServer, how: str) -> None:
    llm, prompt = lc(fault_server), f"ways {how}"

    async def run() -> Any:
        if how == "ainvoke":
            return await llm.ainvoke(prompt)
        chunks = [c async for c in llm.astream(prompt)]
        total = chunks[0]
        for chunk in chunks[1:]:
            total += chunk
        return total

    if how == "stream":
        chunks = list(llm.stream(prompt))
        assert len({c.id for c in chunks}) == 1  # one message id over the stream
        reply = chunks[0]
        for chunk in chunks[1:]:
            reply += chunk
    else:
        reply = asyncio.run(run())
    assert reply.content == f"echo: {prompt}"
    assert reply.usage_metadata is not None and reply.usage_metadata["input_tokens"] > 0


def test_system_stop_and_history(fault_server: FaultServer) -> None:
    history = [
        SystemMessage("be brief"),
        HumanMessage("hi"),
        AIMessage("hello"),
        HumanMessage("history check"),
    ]
    lc(fault_server).invoke(history, stop=["END"])
    (body,) = sent(fault_server, "history check")
    assert body["system"] == "be brief"
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    assert body["stop_sequences"] == ["END"]


def test_images_and_pdfs_become_anthropic_blocks(fault_server: FaultServer) -> None:
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}
    pdf = {
        "type": "file",
        "base64": "JVBERi0xLjQ=",
        "mime_type": "application/pdf",
        "filename": "a.pdf",
    }
    lc(fault_server).invoke([HumanMessage([{"type": "text", "text": "blocks"}, image, pdf])])
    (body,) = sent(fault_server, "blocks")
    kinds = [
        (b["type"], b.get("source", {}).get("media_type")) for b in body["messages"][0]["content"]
    ]
    assert kinds == [("text", None), ("image", "image/png"), ("document", "application/pdf")]


def test_overloaded_is_a_retried_server_error(fault_server: FaultServer) -> None:
    before = len([e for e in fault_server.log if e.scenario == "messages"])
    with pytest.raises(akile_core.ServerError, match="Overloaded") as caught:
        lc(fault_server, max_retries=1, timeout=5).invoke("overloaded")
    assert caught.value.status_code == 529
    assert len([e for e in fault_server.log if e.scenario == "messages"]) - before == 2


@pytest.mark.parametrize(
    ("prompt", "error"),
    [
        ("error mid-stream", akile_core.ServerError),
        ("no message_stop", akile_core.AkileResponseError),
    ],
)
def test_a_stream_that_fails_or_stops_short_raises(
    fault_server: FaultServer, prompt: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        list(lc(fault_server).stream(prompt))
    with pytest.raises(error):
        list(li(fault_server).stream_complete(prompt))


# -- tools -------------------------------------------------------------------------------------


def test_tools_go_as_anthropic_tools_and_come_back_as_calls(fault_server: FaultServer) -> None:
    llm = lc(fault_server).bind_tools(
        [get_weather], tool_choice="get_weather", parallel_tool_calls=False
    )
    reply = llm.invoke("tools 1")
    assert reply.tool_calls[0]["name"] == "get_weather"
    assert reply.tool_calls[0]["args"] == {"city": "echo"}
    assert reply.response_metadata["finish_reason"] == "tool_calls"
    (body,) = sent(fault_server, "tools 1")
    assert body["tools"][0]["name"] == "get_weather" and "input_schema" in body["tools"][0]
    assert body["tool_choice"] == {
        "type": "tool",
        "name": "get_weather",
        "disable_parallel_tool_use": True,
    }
    chunks = list(llm.stream("tools 2"))
    total = chunks[0]
    for chunk in chunks[1:]:
        total += chunk
    assert total.tool_calls[0]["args"] == {"city": "echo"}  # input_json_delta assembled
    result = ToolMessage("sunny", tool_call_id=reply.tool_calls[0]["id"])
    answer = (
        lc(fault_server).bind_tools([get_weather]).invoke([HumanMessage("tools 3"), reply, result])
    )
    assert answer.content == 'echo: tool said "sunny"'


def test_llamaindex_tools(fault_server: FaultServer) -> None:
    weather = FunctionTool.from_defaults(fn=lambda city: f"sunny in {city}", name="get_weather")
    llm = li(fault_server)
    response = llm.chat_with_tools([weather], user_msg="li tools", tool_required=True)
    (call,) = llm.get_tool_calls_from_response(response)
    assert call.tool_name == "get_weather"
    (body,) = sent(fault_server, "li tools")
    assert body["tool_choice"] == {"type": "any"}


# -- thinking ----------------------------------------------------------------------------------


def thinking_loop_langchain(llm: ChatAkile, prompt: str, stream: bool) -> AIMessage:
    bound = llm.bind_tools([get_weather])
    if stream:
        chunks = list(bound.stream(prompt))
        first: Any = chunks[0]
        for chunk in chunks[1:]:
            first += chunk
    else:
        first = bound.invoke(prompt)
    assert first.tool_calls
    result = ToolMessage("sunny", tool_call_id=first.tool_calls[0]["id"])
    return bound.invoke([HumanMessage(prompt), first, result])


def test_a_thinking_tool_loop_fails_over_chat_completions(fault_server: FaultServer) -> None:
    llm = lc(fault_server, reasoning_effort="low", endpoint="chat_completions")
    with pytest.raises(akile_core.BadRequestError, match="Expected `thinking`"):
        thinking_loop_langchain(llm, "loop on chat", stream=False)


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("model", ["claude-sonnet-4-5", "claude-opus-4-8"])
def test_a_thinking_tool_loop_completes_over_messages(
    fault_server: FaultServer, stream: bool, model: str
) -> None:
    prompt = f"loop {model} {stream}"
    answer = thinking_loop_langchain(
        lc(fault_server, model, reasoning_effort="high"), prompt, stream
    )
    assert answer.content == 'echo: tool said "sunny"'
    first, second = sent(fault_server, prompt)
    if model == "claude-opus-4-8":  # adaptive only: effort in output_config
        assert first["thinking"] == {"type": "adaptive"}
        assert first["output_config"] == {"effort": "high"}
    else:
        assert first["thinking"] == {"type": "enabled", "budget_tokens": 4096}
    block = second["messages"][1]["content"][0]
    assert block["type"] == "thinking" and block["signature"].startswith("sig-")


def test_llamaindex_keeps_the_signature_on_its_thinking_block(fault_server: FaultServer) -> None:
    llm = li(fault_server, reasoning_effort="low")
    weather = FunctionTool.from_defaults(fn=lambda city: f"sunny in {city}", name="get_weather")
    for stream in (False, True):
        prompt = f"li loop {stream}"
        if stream:
            *_, response = llm.stream_chat_with_tools([weather], user_msg=prompt)
        else:
            response = llm.chat_with_tools([weather], user_msg=prompt)
        thinking = [b for b in response.message.blocks if isinstance(b, ThinkingBlock)]
        assert thinking[0].content == "Let me think."
        assert thinking[0].additional_information["signature"].startswith("sig-")
        (call,) = llm.get_tool_calls_from_response(response)
        result = ChatMessage(
            role=MessageRole.TOOL, content="sunny", additional_kwargs={"tool_call_id": call.tool_id}
        )
        history = [ChatMessage(role="user", content=prompt), response.message, result]
        assert llm.chat_with_tools([weather], chat_history=history).message.content == (
            'echo: tool said "sunny"'
        )


def test_a_hand_written_thinking_with_a_forced_tool_is_refused_before_sending(
    fault_server: FaultServer,
) -> None:
    llm = lc(fault_server, extra_body={"thinking": {"type": "enabled", "budget_tokens": 2048}})
    with pytest.raises(akile_core.AkileConfigError, match="forced tool choice"):
        llm.bind_tools([get_weather], tool_choice="any").invoke("forced thinking")
    assert not sent(fault_server, "forced thinking")


def test_max_tokens_within_the_budget_is_refused(fault_server: FaultServer) -> None:
    with pytest.raises(akile_core.AkileConfigError, match="thinking budget"):
        lc(fault_server, reasoning_effort="high", max_tokens=1000).invoke("budget")


# -- caching -----------------------------------------------------------------------------------

LONG = "You are a careful assistant. " * 200


def cached_messages(prompt: str) -> list[Any]:
    system = SystemMessage([{"type": "text", "text": LONG, "cache_control": {"type": "ephemeral"}}])
    return [system, HumanMessage(prompt)]


def test_cache_control_is_lost_over_chat_completions(fault_server: FaultServer) -> None:
    llm = lc(fault_server, endpoint="chat_completions")
    reply = llm.invoke(cached_messages("cache over chat"))
    assert "input_token_details" not in (reply.usage_metadata or {})


def test_langchain_prompt_caching_writes_then_reads(fault_server: FaultServer) -> None:
    llm = lc(fault_server, "claude-opus-4-8")
    first = llm.invoke(cached_messages("cache 1"))
    second = llm.invoke(cached_messages("cache 2"))
    (body, _) = sent(fault_server, "cache 1") + sent(fault_server, "cache 2")
    assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
    written = (first.usage_metadata or {})["input_token_details"]
    read = (second.usage_metadata or {})["input_token_details"]
    assert written["cache_creation"] > 0 and written["cache_read"] == 0
    assert read["cache_read"] == written["cache_creation"] and read["cache_creation"] == 0
    # LangChain's convention: input_tokens counts the cache too
    usage = second.usage_metadata or {}
    assert usage["input_tokens"] >= read["cache_read"]


def test_llamaindex_cache_point(fault_server: FaultServer) -> None:
    llm = li(fault_server, "claude-opus-4-8")
    system = ChatMessage(
        role="system",
        blocks=[
            TextBlock(text=LONG + "li"),
            CachePoint(cache_control=CacheControl(type="ephemeral")),
        ],
    )
    first = llm.chat([system, ChatMessage(role="user", content="li cache 1")])
    second = llm.chat([system, ChatMessage(role="user", content="li cache 2")])
    (body,) = sent(fault_server, "li cache 1")
    assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert first.additional_kwargs["cache_write_tokens"] > 0
    assert (
        second.additional_kwargs["cached_tokens"] == first.additional_kwargs["cache_write_tokens"]
    )


# -- structured output -----------------------------------------------------------------------


def test_json_schema_goes_natively(fault_server: FaultServer) -> None:
    structured = lc(fault_server).with_structured_output(Pet, method="json_schema")
    assert structured.invoke("native pet") == Pet(name="echo", legs=1)
    (body,) = sent(fault_server, "native pet")
    schema = body["output_config"]["format"]["schema"]
    assert schema["additionalProperties"] is False and "tools" not in body


def test_create_agent_with_a_provider_strategy(fault_server: FaultServer) -> None:
    from langchain.agents import create_agent
    from langchain.agents.structured_output import ProviderStrategy

    agent = create_agent(lc(fault_server), tools=[], response_format=ProviderStrategy(Pet))
    result = agent.invoke({"messages": [HumanMessage("agent pet")]})
    assert result["structured_response"] == Pet(name="echo", legs=1)
    assert sent(fault_server, "agent pet")[0]["output_config"]["format"]["type"] == "json_schema"


def test_llamaindex_structured_predict_is_native_and_keeps_thinking(
    fault_server: FaultServer,
) -> None:
    from llama_index.core.prompts import PromptTemplate

    llm = li(fault_server, reasoning_effort="low")
    assert llm.structured_predict(Pet, PromptTemplate("li pet")) == Pet(name="echo", legs=1)
    pet = asyncio.run(llm.astructured_predict(Pet, PromptTemplate("li async pet")))
    assert pet == Pet(name="echo", legs=1)
    (body,) = sent(fault_server, "li pet")
    assert body["output_config"]["format"]["schema"]["additionalProperties"] is False
    assert body["thinking"]["type"] == "enabled" and "tools" not in body
    # over chat completions it is LlamaIndex's forced tool, thinking off for the call
    with pytest.warns(akile_core.ParameterDroppedWarning):
        chat = li(fault_server, reasoning_effort="low", endpoint="chat_completions")
        assert chat.structured_predict(Pet, PromptTemplate("li chat pet")) == Pet(
            name="echo", legs=1
        )
    (chat_body,) = chat_sent(fault_server, "li chat pet")
    assert chat_body["tools"] and "reasoning_effort" not in chat_body


# -- profiles, defaults, cache options ---------------------------------------------------------


def test_a_profile_can_say_messages_is_offered(fault_server: FaultServer) -> None:
    from akile_core import register_model_profile
    from akile_core.profiles import clear_registered_profiles

    register_model_profile("team-sonnet", family="claude", messages_endpoint=True)
    try:
        lc(fault_server, "team-sonnet").invoke("alias native")
    finally:
        clear_registered_profiles()
    assert sent(fault_server, "alias native")


def test_the_default_structured_output_is_native_and_works_while_thinking(
    fault_server: FaultServer,
) -> None:
    structured = lc(fault_server, reasoning_effort="low").with_structured_output(Pet)
    assert structured.invoke("thinking pet") == Pet(name="echo", legs=1)
    (body,) = sent(fault_server, "thinking pet")
    assert body["thinking"]["type"] == "enabled" and "format" in body["output_config"]


def test_a_per_call_cache_mark_and_cached_tools(fault_server: FaultServer) -> None:
    weather = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "The weather in a city.",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
        "cache_control": {"type": "ephemeral"},
    }
    llm = lc(fault_server).bind_tools([weather], tool_choice="none")
    llm.invoke([HumanMessage(LONG), HumanMessage("mark me")], cache_control={"type": "ephemeral"})
    (body,) = sent(fault_server, "mark me")
    assert body["tools"][0]["cache_control"] == {"type": "ephemeral"}
    assert body["messages"][-1]["content"][-1] == {
        "type": "text",
        "text": "mark me",
        "cache_control": {"type": "ephemeral"},
    }
    assert "cache_control" not in body  # not a top-level field of Anthropic's


def test_a_cache_mark_over_chat_completions_is_left_out_with_a_warning(
    fault_server: FaultServer,
) -> None:
    llm = lc(fault_server, endpoint="chat_completions")
    with pytest.warns(akile_core.ParameterDroppedWarning, match="only over Claude's /v1/messages"):
        llm.invoke("chat mark", cache_control={"type": "ephemeral"})
    (body,) = chat_sent(fault_server, "chat mark")
    assert "cache_control" not in body


def test_a_signature_less_thinking_history_is_refused_before_sending(
    fault_server: FaultServer,
) -> None:
    # A tool loop started over chat completions (or by another provider) has no signed block.
    first = (
        lc(fault_server, endpoint="chat_completions").bind_tools([get_weather]).invoke("unsigned")
    )
    assert first.tool_calls and "thinking_blocks" not in first.additional_kwargs
    result = ToolMessage("sunny", tool_call_id=first.tool_calls[0]["id"])
    llm = lc(fault_server, reasoning_effort="low").bind_tools([get_weather])
    with pytest.raises(akile_core.AkileConfigError, match="no signed thinking block"):
        llm.invoke([HumanMessage("unsigned"), first, result])
    assert not sent(fault_server, "unsigned")
    # without thinking the same history goes through
    answer = (
        lc(fault_server).bind_tools([get_weather]).invoke([HumanMessage("unsigned"), first, result])
    )
    assert answer.content == 'echo: tool said "sunny"'


def test_cache_marks_on_ai_and_tool_messages(fault_server: FaultServer) -> None:
    mark = {"type": "ephemeral"}
    ai = AIMessage(
        [{"type": "text", "text": "checking", "cache_control": mark}],
        tool_calls=[{"name": "get_weather", "args": {"city": "x"}, "id": "toolu_9"}],
    )
    tool_result = ToolMessage(
        [{"type": "text", "text": "sunny", "cache_control": mark}], tool_call_id="toolu_9"
    )
    lc(fault_server).bind_tools([get_weather]).invoke([HumanMessage("marks ai"), ai, tool_result])
    (body,) = sent(fault_server, "marks ai")
    assistant, results = body["messages"][1]["content"], body["messages"][2]["content"]
    assert assistant[0] == {"type": "text", "text": "checking", "cache_control": mark}
    assert results[0]["content"] == [{"type": "text", "text": "sunny", "cache_control": mark}]


def test_llamaindex_cache_point_on_an_assistant_turn(fault_server: FaultServer) -> None:
    point = CachePoint(cache_control=CacheControl(type="ephemeral", ttl="1h"))
    history = [
        ChatMessage(role="user", content="li marks"),
        ChatMessage(role="assistant", blocks=[TextBlock(text="noted"), point]),
        ChatMessage(role="user", content="go on"),
    ]
    li(fault_server).chat(history)
    (body,) = sent(fault_server, "li marks")
    assert body["messages"][1]["content"] == [
        {"type": "text", "text": "noted", "cache_control": {"type": "ephemeral", "ttl": "1h"}}
    ]


def test_a_structured_answer_that_does_not_fit_raises() -> None:
    from llama_index.core.base.llms.types import ChatResponse

    from llamaindex_akile._structured import parsed_output

    reply = ChatResponse(message=ChatMessage(role="assistant", content='{"name": "x"}'))
    with pytest.raises(akile_core.AkileResponseError, match="does not fit Pet"):
        parsed_output(Pet, reply)


def test_a_chatanthropic_history_continues_and_a_tampered_one_is_refused(
    fault_server: FaultServer,
) -> None:
    from tests.faults.messages_channel import THOUGHT, signature_of

    def history(signature: str) -> list[Any]:
        # How langchain-anthropic keeps a thinking tool turn: content blocks plus tool_calls.
        turn = AIMessage(
            [
                {"type": "thinking", "thinking": THOUGHT, "signature": signature},
                {
                    "type": "tool_use",
                    "id": "toolu_7",
                    "name": "get_weather",
                    "input": {"city": "x"},
                },
            ],
            tool_calls=[{"name": "get_weather", "args": {"city": "x"}, "id": "toolu_7"}],
        )
        return [HumanMessage("from anthropic"), turn, ToolMessage("sunny", tool_call_id="toolu_7")]

    llm = lc(fault_server, reasoning_effort="low").bind_tools([get_weather])
    assert llm.invoke(history(signature_of(THOUGHT))).content == 'echo: tool said "sunny"'
    with pytest.raises(akile_core.BadRequestError, match="Invalid `signature`"):
        llm.invoke(history("sig-forged"))


def test_llamaindex_stream_structured_predict_is_native(fault_server: FaultServer) -> None:
    from llama_index.core.instrumentation import get_dispatcher
    from llama_index.core.instrumentation.event_handlers import BaseEventHandler
    from llama_index.core.prompts import PromptTemplate

    seen: list[str] = []

    class Events(BaseEventHandler):
        def handle(self, event: Any, **kwargs: Any) -> None:
            if "StructuredPredict" in type(event).__name__:
                seen.append(type(event).__name__)

    root = get_dispatcher()
    handler = Events()
    root.add_event_handler(handler)
    try:
        llm = li(fault_server)
        *_, last = llm.stream_structured_predict(Pet, PromptTemplate("li streamed pet"))
        assert last == Pet(name="echo", legs=1)

        async def run() -> Any:
            stream = await llm.astream_structured_predict(Pet, PromptTemplate("li astreamed pet"))
            return [p async for p in stream][-1]

        assert asyncio.run(run()) == Pet(name="echo", legs=1)
        llm.structured_predict(Pet, PromptTemplate("li evented pet"))
    finally:
        root.event_handlers.remove(handler)
    (body,) = sent(fault_server, "li streamed pet")
    assert body["stream"] is True and "format" in body["output_config"] and "tools" not in body
    assert seen.count("LLMStructuredPredictStartEvent") == 3
    assert seen.count("LLMStructuredPredictEndEvent") == 3
