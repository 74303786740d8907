"""ChatAkile contracts that code written for ChatOpenAI relies on.

Each test reproduces an audit finding (shared/reference/audit-turn2.md, findings 12, 13, 19).
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import HumanMessage

from langchain_akile import ChatAkile
from tests.faults.server import FaultServer


def make(server: FaultServer, model: str) -> ChatAkile:
    return ChatAkile(model=model, base_url=server.base_url, api_key="AK-test")


def test_token_usage_uses_openai_key_names(fault_server: FaultServer, scenario: Any) -> None:
    reply = make(fault_server, scenario("ok")).invoke("hi")
    assert reply.response_metadata["token_usage"] == {
        "prompt_tokens": 5,
        "completion_tokens": 3,
        "total_tokens": 8,
    }


def test_generate_combines_llm_outputs(fault_server: FaultServer, scenario: Any) -> None:
    llm = make(fault_server, scenario("ok"))
    result = llm.generate([[HumanMessage("a")], [HumanMessage("b")]])
    assert result.llm_output is not None
    assert result.llm_output["token_usage"] == {
        "prompt_tokens": 10,
        "completion_tokens": 6,
        "total_tokens": 16,
    }
    assert result.llm_output["model_provider"] == "akile"


def test_one_message_id_across_a_stream(fault_server: FaultServer, scenario: Any) -> None:
    chunks = list(make(fault_server, scenario("ok")).stream("hello"))
    assert len(chunks) > 2
    assert {chunk.id for chunk in chunks} == {"chatcmpl-fault"}


def test_model_name_attribute(fault_server: FaultServer) -> None:
    assert make(fault_server, "claude-opus-4-8").model_name == "claude-opus-4-8"
