"""Akile inside real LlamaIndex components: query engine, chat engine, FunctionAgent, ReActAgent.

Replayed from cassettes. The embedding is a small local bag-of-words model defined here, so
retrieval is deterministic and needs no network or model download.
"""

from __future__ import annotations

import gc
import hashlib
import math
import re
from collections.abc import Iterator

import pytest
from llama_index.core import Document, Settings, VectorStoreIndex
from llama_index.core.agent.workflow import FunctionAgent, ReActAgent
from llama_index.core.base.embeddings.base import BaseEmbedding

from llama_index.embeddings.akile import AkileEmbedding
from llama_index.llms.akile import Akile
from tests.conftest import embedding_params, model_params

pytestmark = [
    pytest.mark.vcr,
    # llama-index-core's agent workflow reads `__fields__` internally; not ours to fix.
    pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince20"),
    pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince211"),
    # llama-index-workflows leaves an aiosqlite Connection for the garbage collector.
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
    # ReActAgent calls a workflow API that llama-index-workflows has deprecated.
    pytest.mark.filterwarnings("ignore:is_running called from within a step:DeprecationWarning"),
]

DIMENSIONS = 256


class HashingEmbedding(BaseEmbedding):
    """Bag of words hashed into a fixed vector: local, deterministic, good enough to rank."""

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * DIMENSIONS
        for word in re.findall(r"\w+", text.lower()):
            vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % DIMENSIONS] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._vector(query)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._vector(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._vector(text)


DOCUMENTS = [
    Document(
        text="The AK AI Gateway serves many model families behind one OpenAI-compatible endpoint."
    ),
    Document(text="Mount Fuji is the highest mountain in Japan, at 3,776 metres."),
    Document(text="The Eiffel Tower in Paris was completed in 1889."),
]


@pytest.fixture
def llm() -> Iterator[Akile]:
    model = Akile(**model_params(max_tokens=96))
    previous_llm, previous_embed = Settings._llm, Settings._embed_model
    Settings.llm = model
    Settings.embed_model = HashingEmbedding()
    yield model
    Settings._llm, Settings._embed_model = previous_llm, previous_embed
    # Collect now, inside this module's warning filters, the aiosqlite Connection that
    # llama-index-workflows leaves behind; at interpreter exit it would escape them.
    gc.collect()


def multiply(a: int, b: int) -> int:
    """Multiply two integers and return the product."""
    # The 0.5B recording model sometimes sends numbers as strings; a forgiving tool keeps the
    # test about the agent loop rather than the model's JSON typing.
    return int(a) * int(b)


def test_query_engine(llm: Akile) -> None:
    index = VectorStoreIndex.from_documents(DOCUMENTS)
    response = index.as_query_engine(similarity_top_k=1).query("How high is Mount Fuji?")
    assert "3,776" in str(response) or "3776" in str(response)
    assert "Fuji" in response.source_nodes[0].node.get_content()


@pytest.mark.embeddings
def test_query_engine_on_the_gateway_alone(llm: Akile) -> None:
    # The README's example: the gateway's own embeddings, no OpenAI key or package.
    Settings.embed_model = AkileEmbedding(**embedding_params())
    index = VectorStoreIndex.from_documents(DOCUMENTS)
    response = index.as_query_engine(similarity_top_k=1).query("How high is Mount Fuji?")
    assert "Fuji" in response.source_nodes[0].node.get_content()
    assert "3,776" in str(response) or "3776" in str(response)


def test_streaming_query_engine(llm: Akile) -> None:
    index = VectorStoreIndex.from_documents(DOCUMENTS)
    response = index.as_query_engine(similarity_top_k=1, streaming=True).query(
        "When was the Eiffel Tower completed?"
    )
    assert "1889" in "".join(response.response_gen)


def test_chat_engine(llm: Akile) -> None:
    index = VectorStoreIndex.from_documents(DOCUMENTS)
    engine = index.as_chat_engine(chat_mode="context", similarity_top_k=1)
    first = engine.chat("When was the Eiffel Tower completed?")
    assert "1889" in str(first)
    second = engine.chat("In which city is it?")
    assert "Paris" in str(second)


async def test_function_agent_calls_a_tool_and_answers(llm: Akile) -> None:
    agent = FunctionAgent(
        tools=[multiply], llm=llm, system_prompt="Use the multiply tool for arithmetic."
    )
    handler = agent.run("What is 12 times 34?")
    tool_calls = []
    async for event in handler.stream_events():
        if type(event).__name__ == "ToolCallResult":
            tool_calls.append((event.tool_name, event.tool_kwargs, event.tool_output.content))
    result = await handler
    assert tool_calls and tool_calls[0][0] == "multiply" and tool_calls[0][2] == "408"
    assert "408" in str(result)


def capital_of(input: str, num_beams: int = 1) -> str:
    """Look up the capital city of the country named in input."""
    # The parameter names are those of the example in LlamaIndex's ReAct prompt
    # ({"input": "hello world", "num_beams": 5}), which the 0.5B recording model copies
    # whatever the tool's own names are; this keeps the test about the ReAct loop.
    return {"france": "Paris", "japan": "Tokyo"}.get(input.strip().lower(), "unknown")


async def test_react_agent(llm: Akile) -> None:
    # ReAct is plain text: the model writes "Action: capital_of / Action Input: {...}", the agent
    # parses it, calls the tool, feeds back the Observation and parses the final Answer.
    agent = ReActAgent(tools=[capital_of], llm=llm)
    handler = agent.run("What is the capital of Japan? Use the capital_of tool.", max_iterations=6)
    outputs = [
        (event.tool_name, event.tool_output.content)
        async for event in handler.stream_events()
        if type(event).__name__ == "ToolCallResult"
    ]
    result = await handler
    assert outputs == [("capital_of", "Tokyo")]
    assert "Tokyo" in str(result)
