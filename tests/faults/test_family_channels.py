"""Both classes against fault-server channels that act like new-api's Claude and Gemini converters.

Each channel (``tests/faults/channels.py``, with its sources) answers what a family refuses the
way the gateway would: a 400, or prose where JSON was asked for. Each test first shows the raw
``openai`` SDK hitting the failure, then both classes avoiding it.
"""

from __future__ import annotations

import asyncio
import json
import warnings
from typing import Any

import openai
import pytest
from langchain_core.messages import AIMessageChunk
from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.prompts import PromptTemplate
from llama_index.core.tools import FunctionTool
from pydantic import BaseModel

import akile_core
from langchain_akile import ChatAkile
from llamaindex_akile import Akile
from tests.faults.server import FaultServer
from tests.faults.test_faults import DRIVERS, KEY, Driver, ids

pytestmark = pytest.mark.usefixtures("fresh_families", "chat_completions_wire")


def raw_client(server: FaultServer) -> openai.OpenAI:
    return openai.OpenAI(api_key=KEY, base_url=server.base_url, max_retries=0)


class Pet(BaseModel):
    name: str
    legs: int


class Owner(BaseModel):
    """An owner and their pets (the nested model puts definitions and references in the schema)."""

    name: str
    pets: list[Pet]
    best_friend: Pet


def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


class Adoption(BaseModel):
    owner: Owner


def adopt(owner: Owner) -> str:
    """Register an owner and their pets."""
    return owner.name


def sampled(driver: Driver, **params: float) -> dict[str, Any]:
    """Sampling parameters as each class takes them (Akile has no ``top_p`` field)."""
    if driver.framework == "langchain":
        return params
    top_p = params.pop("top_p", None)
    return {**params, "additional_kwargs": {"top_p": top_p}} if top_p is not None else params


# -- Claude: sampling parameters ---------------------------------------------------------------


def test_the_claude_channel_refuses_temperature_with_top_p(fault_server: FaultServer) -> None:
    with pytest.raises(openai.BadRequestError, match="cannot both be specified"):
        raw_client(fault_server).chat.completions.create(
            model="claude-sonnet-4-5",
            messages=[{"role": "user", "content": "hi"}],
            temperature=0.2,
            top_p=0.9,
        )


@pytest.mark.parametrize("driver", DRIVERS, ids=ids(DRIVERS))
def test_claude_gets_temperature_without_top_p(
    driver: Driver, fault_server: FaultServer, prompt: str
) -> None:
    llm = driver.model(
        fault_server, "claude-sonnet-4-5", **sampled(driver, temperature=0.2, top_p=0.9)
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert driver.run(llm, prompt, []) == f"echo: {prompt}"
    assert any("'top_p'" in str(w.message) for w in caught)
    (sent,) = fault_server.asked(prompt)
    assert sent.body["temperature"] == 0.2
    assert "top_p" not in sent.body


@pytest.mark.parametrize("driver", DRIVERS, ids=ids(DRIVERS))
def test_opus_4_8_is_sent_no_sampling_parameters(
    driver: Driver, fault_server: FaultServer, prompt: str
) -> None:
    with pytest.raises(openai.BadRequestError, match="deprecated for this model"):
        raw_client(fault_server).chat.completions.create(
            model="claude-opus-4-8", messages=[{"role": "user", "content": "hi"}], temperature=0.5
        )
    llm = driver.model(fault_server, "claude-opus-4-8", temperature=0.5)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert driver.run(llm, prompt, []) == f"echo: {prompt}"
    (sent,) = fault_server.asked(prompt)
    assert not {"temperature", "top_p", "top_k"} & set(sent.body)


@pytest.mark.parametrize("driver", DRIVERS, ids=ids(DRIVERS))
def test_reasoning_effort_on_opus_4_8_is_refused_before_sending(
    driver: Driver, fault_server: FaultServer, prompt: str
) -> None:
    llm = driver.model(fault_server, "claude-opus-4-8", reasoning_effort="high")
    with pytest.raises(akile_core.AkileConfigError, match="claude-opus-4-8-high"):
        driver.run(llm, prompt, [])
    assert fault_server.asked(prompt) == []


# -- Claude: reasoning and streamed tool calls -------------------------------------------------


@pytest.mark.parametrize("driver", DRIVERS, ids=ids(DRIVERS))
def test_claude_reasoning_keeps_the_thought_and_loses_the_signature_newline(
    driver: Driver, fault_server: FaultServer, prompt: str
) -> None:
    # temperature=0.7 with thinking is a 400 from Anthropic; the class leaves it out.
    llm = driver.model(fault_server, "claude-sonnet-4-5", reasoning_effort="low", temperature=0.7)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert reasoning_of(driver, llm, prompt) == "Let me think."
    (sent,) = fault_server.asked(prompt)
    assert sent.body["reasoning_effort"] == "low"
    assert "temperature" not in sent.body


def reasoning_of(driver: Driver, llm: Any, prompt: str) -> str:
    if driver.framework == "langchain":
        if driver.stream:
            chunks = list(llm.stream(prompt))
            merged = sum(chunks[1:], chunks[0])
            return str(merged.additional_kwargs["reasoning_content"])
        return str(llm.invoke(prompt).additional_kwargs["reasoning_content"])
    messages = [ChatMessage(role="user", content=prompt)]
    response = list(llm.stream_chat(messages))[-1] if driver.stream else llm.chat(messages)
    return "".join(b.content or "" for b in response.message.blocks if b.block_type == "thinking")


def sonnet(cls: Any, server: FaultServer, **params: Any) -> Any:
    """``cls`` (ChatAkile or Akile) for the Claude channel's claude-sonnet-4-5."""
    return cls(model="claude-sonnet-4-5", api_key=KEY, base_url=server.base_url, **params)


def test_claude_max_tokens_within_the_budget_is_refused(
    fault_server: FaultServer, prompt: str
) -> None:
    llm = sonnet(ChatAkile, fault_server, reasoning_effort="medium", max_tokens=1024)
    with pytest.raises(akile_core.AkileConfigError, match="max_tokens"):
        llm.invoke(prompt)
    assert fault_server.asked(prompt) == []


@pytest.mark.parametrize("reasoning", [None, "low"])
def test_langchain_streams_a_claude_tool_call_at_block_index(
    reasoning: str | None, fault_server: FaultServer, prompt: str
) -> None:
    llm = sonnet(ChatAkile, fault_server, reasoning_effort=reasoning).bind_tools([get_weather])
    chunks = [c for c in llm.stream(prompt) if isinstance(c, AIMessageChunk)]
    indices = {t["index"] for c in chunks for t in c.tool_call_chunks}
    assert indices == ({2} if reasoning else {1})  # Claude's content-block index, passed on
    merged = sum(chunks[1:], chunks[0])
    assert merged.tool_calls == [
        {
            "name": "get_weather",
            "args": {"city": "echo"},
            "id": "toolu_01fault",
            "type": "tool_call",
        }
    ]
    assert merged.content == f"echo: {prompt}"
    assert merged.additional_kwargs.get("reasoning_content") == (
        "Let me think." if reasoning else None
    )


@pytest.mark.parametrize("is_async", [False, True])
def test_llamaindex_streams_a_claude_tool_call_at_block_index(
    is_async: bool, fault_server: FaultServer, prompt: str
) -> None:
    llm = sonnet(Akile, fault_server, reasoning_effort="low")
    tool = FunctionTool.from_defaults(get_weather)

    async def last_async() -> Any:
        last = None
        async for response in await llm.astream_chat_with_tools([tool], user_msg=prompt):
            last = response
        return last

    if is_async:
        last = asyncio.run(last_async())
    else:
        last = list(llm.stream_chat_with_tools([tool], user_msg=prompt))[-1]
    (call,) = llm.get_tool_calls_from_response(last, error_on_no_tool_call=True)
    assert (call.tool_id, call.tool_name, call.tool_kwargs) == (
        "toolu_01fault",
        "get_weather",
        {"city": "echo"},
    )
    thinking = [b.content for b in last.message.blocks if b.block_type == "thinking"]
    assert thinking == ["Let me think."]


# -- Claude: structured output -----------------------------------------------------------------


def test_the_claude_channel_answers_a_json_schema_with_prose(fault_server: FaultServer) -> None:
    schema = {"name": "Pet", "schema": Pet.model_json_schema()}
    reply = raw_client(fault_server).chat.completions.create(
        model="claude-sonnet-4-5",
        messages=[{"role": "user", "content": "a pet"}],
        response_format={"type": "json_schema", "json_schema": schema},  # type: ignore[typeddict-item]
    )
    assert reply.choices[0].message.content == "echo: a pet"  # HTTP 200, and not JSON


@pytest.mark.parametrize("is_async", [False, True])
def test_langchain_structured_output_on_claude_calls_a_tool(
    is_async: bool, fault_server: FaultServer, prompt: str
) -> None:
    llm = sonnet(ChatAkile, fault_server)
    structured = llm.with_structured_output(Pet)
    pet = asyncio.run(structured.ainvoke(prompt)) if is_async else structured.invoke(prompt)
    assert pet == Pet(name="echo", legs=1)
    (sent,) = fault_server.asked(prompt)
    assert "response_format" not in sent.body
    assert sent.body["tool_choice"]["function"]["name"] == "Pet"


@pytest.mark.parametrize("is_async", [False, True])
def test_llamaindex_structured_predict_on_claude_calls_a_tool(
    is_async: bool, fault_server: FaultServer, prompt: str
) -> None:
    llm = sonnet(Akile, fault_server)
    template = PromptTemplate("{question}")
    if is_async:
        pet = asyncio.run(llm.astructured_predict(Pet, template, question=prompt))
    else:
        pet = llm.structured_predict(Pet, template, question=prompt)
    assert pet == Pet(name="echo", legs=1)
    (sent,) = fault_server.asked(prompt)
    assert "response_format" not in sent.body
    assert [t["function"]["name"] for t in sent.body["tools"]] == ["Pet"]


# -- Gemini ------------------------------------------------------------------------------------


def test_the_gemini_channel_refuses_a_schema_with_refs(fault_server: FaultServer) -> None:
    schema = {"name": "Owner", "schema": Owner.model_json_schema()}
    with pytest.raises(openai.BadRequestError, match=r'Unknown name "\$ref"'):
        raw_client(fault_server).chat.completions.create(
            model="gemini-2.5-flash",
            messages=[{"role": "user", "content": "an owner"}],
            response_format={"type": "json_schema", "json_schema": schema},  # type: ignore[typeddict-item]
        )


@pytest.mark.parametrize("is_async", [False, True])
def test_langchain_structured_output_on_gemini_sends_an_inlined_schema(
    is_async: bool, fault_server: FaultServer, prompt: str
) -> None:
    llm = ChatAkile(model="gemini-2.5-flash", api_key=KEY, base_url=fault_server.base_url)
    structured = llm.with_structured_output(Owner)  # json_schema, Gemini's working method
    owner = asyncio.run(structured.ainvoke(prompt)) if is_async else structured.invoke(prompt)
    assert owner == Owner(name="echo", pets=[], best_friend=Pet(name="echo", legs=1))
    (sent,) = fault_server.asked(prompt)
    schema = sent.body["response_format"]["json_schema"]["schema"]
    assert "$ref" not in json.dumps(schema)
    assert schema["properties"]["best_friend"]["properties"]["legs"]["type"] == "integer"


def test_llamaindex_tool_with_a_nested_model_reaches_gemini_whole(
    fault_server: FaultServer, prompt: str
) -> None:
    llm = Akile(model="gemini-2.5-flash", api_key=KEY, base_url=fault_server.base_url)
    # fn_schema spelled out: LlamaIndex cannot resolve string annotations in this module.
    tool = FunctionTool.from_defaults(adopt, fn_schema=Adoption)
    response = llm.chat_with_tools([tool], user_msg=prompt)
    (call,) = llm.get_tool_calls_from_response(response)
    # Gemini's allow-list would have removed the $ref and left best_friend empty.
    assert call.tool_kwargs["owner"]["best_friend"] == {"name": "echo", "legs": 1}


@pytest.mark.parametrize("driver", DRIVERS, ids=ids(DRIVERS))
@pytest.mark.parametrize(
    ("model", "config"),
    [
        ("gemini-2.5-flash", {"thinking_budget": 1024, "include_thoughts": True}),
        ("gemini-3-pro-preview", {"thinking_level": "low", "include_thoughts": True}),
    ],
)
def test_gemini_reasoning_goes_in_thinking_config(
    model: str, config: dict[str, Any], driver: Driver, fault_server: FaultServer, prompt: str
) -> None:
    llm = driver.model(fault_server, model, reasoning_effort="low")
    assert reasoning_of(driver, llm, prompt) == "Let me think."
    (sent,) = fault_server.asked(prompt)
    assert "reasoning_effort" not in sent.body  # the Gemini converter ignores it
    assert sent.body["extra_body"] == {"google": {"thinking_config": config}}


# -- Families learned from /v1/models ------------------------------------------------------------


@pytest.mark.parametrize("driver", DRIVERS, ids=ids(DRIVERS))
def test_an_alias_on_a_claude_channel_is_treated_as_claude_once_discovered(
    driver: Driver, fault_server: FaultServer, prompt: str
) -> None:
    both = sampled(driver, temperature=0.2, top_p=0.9)
    by_name = driver.model(fault_server, "team-sonnet", **both)
    with pytest.raises(akile_core.BadRequestError, match="cannot both be specified"):
        driver.run(by_name, prompt + " by name", [])
    llm = driver.model(fault_server, "team-sonnet", discover_families=True, **both)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert driver.run(llm, prompt, []) == f"echo: {prompt}"
    (sent,) = fault_server.asked(prompt)
    assert "top_p" not in sent.body
