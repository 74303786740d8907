"""Akile over Claude's native wire (``endpoint="messages"``), replayed from cassettes recorded
against the recording server's ``POST /v1/messages`` (llama.cpp answers in Anthropic's format)."""

from __future__ import annotations

from typing import Any

import pytest
from llama_index.core.agent.workflow import FunctionAgent
from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.tools import FunctionTool

from llama_index.llms.akile import Akile
from tests.conftest import model_params

pytestmark = [
    pytest.mark.vcr,
    # llama-index-core's agent workflow reads `__fields__` internally; not ours to fix (as in
    # test_end_to_end.py).
    pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince20"),
    pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince211"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

MESSAGES = [
    ChatMessage(role="system", content="You are a helpful assistant."),
    ChatMessage(role="user", content="What is the capital of France? Answer in one word."),
]


def make(**kwargs: Any) -> Akile:
    return Akile(**model_params(endpoint="messages", **kwargs))


def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return f"Sunny, 18 C in {city}"


def test_chat_and_stream_over_messages() -> None:
    llm = make()
    reply = llm.chat(MESSAGES)
    assert "Paris" in (reply.message.content or "")
    assert reply.raw["choices"][0]["finish_reason"] == "stop"  # end_turn
    assert reply.additional_kwargs["prompt_tokens"] > 0
    responses = list(llm.stream_chat(MESSAGES))
    assert "".join(r.delta or "" for r in responses) == responses[-1].message.content
    assert responses[-1].additional_kwargs["completion_tokens"] > 0


async def test_async_over_messages() -> None:
    llm = make()
    reply = await llm.achat(MESSAGES)
    streamed = [r async for r in await llm.astream_chat(MESSAGES)]
    assert streamed[-1].message.content == reply.message.content


def test_tools_over_messages_invoke_and_stream() -> None:
    llm = make()
    tool = FunctionTool.from_defaults(get_weather)
    question = "What is the weather in Paris right now?"
    response = llm.chat_with_tools([tool], question, tool_required=True)
    (selection,) = llm.get_tool_calls_from_response(response)
    assert selection.tool_name == "get_weather" and selection.tool_kwargs == {"city": "Paris"}
    *_, last = llm.stream_chat_with_tools([tool], question, tool_required=True)
    (streamed,) = llm.get_tool_calls_from_response(last)  # input_json_delta assembled
    assert streamed.tool_kwargs == {"city": "Paris"}


async def test_function_agent_over_messages() -> None:
    agent = FunctionAgent(tools=[FunctionTool.from_defaults(get_weather)], llm=make())
    handler = agent.run("What is the weather in Paris right now? Use the tool.")
    results = []
    async for event in handler.stream_events():
        if type(event).__name__ == "ToolCallResult":
            results.append((event.tool_name, event.tool_output.content))
    answer = await handler
    assert results == [("get_weather", "Sunny, 18 C in Paris")]
    assert str(answer)
