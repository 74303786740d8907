"""The answer tool on a real server: recorded, not simulated.

The recording server (llama.cpp) honours ``response_format`` itself, so it stands here for a
channel that does not: the model is registered as a Claude-family model, whose gateway converter
discards ``response_format`` (gateway-families.md section 1). What the test then sends is what
ChatAkile sends such a channel (the schema as a forced ``json_tool_call``), and what it parses is
the real model's tool call, read back as the structured answer. Recorded with ``make record``
(``AKILE_TEST_MODEL`` against the gateway works the same way).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from akile_core import ParameterDroppedWarning
from akile_core.answer_tool import ANSWER_TOOL
from akile_core.policy import forget_warnings
from akile_core.profiles import clear_registered_profiles, register_model_profile
from langchain_akile import ChatAkile
from tests.conftest import TEST_MODEL, model_params

pytestmark = pytest.mark.vcr


@pytest.fixture(autouse=True)
def chat_completions_wire(monkeypatch: pytest.MonkeyPatch) -> None:
    """These recordings are of the chat-completions path (the answer tool): a model registered
    as Claude would otherwise ask /v1/models whether /v1/messages is offered."""
    monkeypatch.setenv("AKILE_ENDPOINT", "chat_completions")


QUESTION = "Paris is the capital of France. Give the city and its country."


class City(BaseModel):
    name: str
    country: str


@pytest.fixture(autouse=True)
def channel_without_response_format() -> Iterator[None]:
    register_model_profile(TEST_MODEL, family="claude")
    forget_warnings()
    yield
    clear_registered_profiles()
    forget_warnings()


def test_json_schema_comes_back_through_the_answer_tool() -> None:
    structured = ChatAkile(**model_params(max_tokens=64)).with_structured_output(
        City, method="json_schema", include_raw=True
    )
    with pytest.warns(ParameterDroppedWarning, match=ANSWER_TOOL):
        result = structured.invoke(QUESTION)
    assert result["parsing_error"] is None
    assert isinstance(result["parsed"], City)
    raw = result["raw"]
    assert raw.tool_calls == []  # the answer tool is never a tool call
    assert City.model_validate_json(str(raw.content)) == result["parsed"]
    assert raw.response_metadata["finish_reason"] == "stop"


def test_streamed_json_schema_comes_back_through_the_answer_tool() -> None:
    llm = ChatAkile(**model_params(max_tokens=64))
    structured = llm.with_structured_output(City, method="json_schema")
    with pytest.warns(ParameterDroppedWarning, match=ANSWER_TOOL):
        parts = list(structured.stream(QUESTION))
    assert isinstance(parts[-1], City)


@pytest.mark.parametrize("strategy", ["provider", "tool"])
def test_create_agent_structured_response_from_a_real_model(strategy: str) -> None:
    from langchain.agents import create_agent
    from langchain.agents.structured_output import ProviderStrategy, ToolStrategy

    # ProviderStrategy sends response_format (the answer tool here); ToolStrategy forces its own
    # tool with tool_choice "any". Both end in the structured response.
    response_format = ProviderStrategy(City) if strategy == "provider" else ToolStrategy(City)
    agent = create_agent(
        ChatAkile(**model_params(max_tokens=64)), tools=[], response_format=response_format
    )
    question = {"messages": [{"role": "user", "content": QUESTION}]}
    if strategy == "provider":
        with pytest.warns(ParameterDroppedWarning, match=ANSWER_TOOL):
            result = agent.invoke(question)
    else:
        result = agent.invoke(question)
    assert isinstance(result["structured_response"], City)
