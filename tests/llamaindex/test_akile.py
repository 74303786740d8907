"""Akile features, replayed from cassettes recorded against a real server."""

from __future__ import annotations

import itertools
import json
from typing import Any

import openai
import pytest
from llama_index.core.base.llms.types import ChatMessage, ThinkingBlock, ToolCallBlock
from llama_index.core.prompts import PromptTemplate
from llama_index.core.tools import FunctionTool
from pydantic import BaseModel

from akile_core import AkileConfigError, AuthenticationError
from llama_index.llms.akile import Akile
from tests.conftest import TEST_MODEL, model_params

DOCS_MESSAGES = [
    ChatMessage(role="system", content="You are a helpful assistant."),
    ChatMessage(role="user", content="What is the capital of France? Answer in one word."),
]


def make(**kwargs: Any) -> Akile:
    return Akile(**model_params(**kwargs))


def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return f"Sunny, 18 C in {city}"


def get_time(city: str) -> str:
    """Get the current time in a city."""
    return "12:00"


class City(BaseModel):
    """A city and its country."""

    name: str
    country: str


# -- pure -----------------------------------------------------------------------------------


def test_metadata_suits_a_modern_chat_model() -> None:
    meta = make().metadata
    assert meta.is_chat_model and meta.is_function_calling_model and meta.model_name == TEST_MODEL
    # The recorded model's name is a Qwen one: the qwen family's default window applies.
    assert meta.context_window == 131_072 and meta.num_output == 64
    custom = make(context_window=32_000, max_tokens=None, num_output=1_000).metadata
    assert (custom.context_window, custom.num_output) == (32_000, 1_000)


def test_secret_never_shows() -> None:
    llm = Akile(model="m", api_key="AK-verysecret123")
    for text in (repr(llm), str(llm), json.dumps(llm.to_dict(), default=str), llm.to_json()):
        assert "verysecret" not in text


def test_api_base_alias_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    assert (
        Akile(model="m", api_key="k", api_base="http://127.0.0.1:9/v1").base_url
        == "http://127.0.0.1:9/v1"
    )
    monkeypatch.setenv("AKILE_BASE_URL", "http://127.0.0.1:10/v1")
    assert Akile(model="m", api_key="k").base_url == "http://127.0.0.1:10/v1"


def test_an_unknown_argument_says_where_body_parameters_go() -> None:
    # pydantic alone would ignore it, and the request would go out without top_p.
    with pytest.raises(ValueError, match=r"additional_kwargs=\{'top_p': 0.9\}"):
        Akile(model="m", api_key="k", top_p=0.9)
    llm = Akile(model="m", api_key="k", additional_kwargs={"top_p": 0.9})
    assert Akile.from_dict({**llm.to_dict(), "api_key": "k"}).additional_kwargs == {"top_p": 0.9}


def test_missing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AKILE_API_KEY", raising=False)
    with pytest.raises(ValueError, match="AKILE_API_KEY"):
        Akile(model="m")


def test_only_set_parameters_are_sent() -> None:
    body = Akile(model="m", api_key="k")._request(DOCS_MESSAGES, stream=False)[0]
    assert set(body) == {"model", "messages"}
    with pytest.raises(AkileConfigError, match="max_tokens"):
        Akile(model="m", api_key="k")._request(DOCS_MESSAGES, stream=False, max_tokens=0)


def test_custom_client() -> None:
    client = openai.OpenAI(api_key="k", base_url="http://127.0.0.1:9/v1")
    used = Akile(model="m", client=client)._gateway.client()
    # A copy that keeps the client's own pool and settings (and our no-retry rule for errors
    # that cannot heal: tests/faults/test_faults.py, prebuilt-client tests).
    assert used._client is client._client and used.base_url == client.base_url


# -- replayed --------------------------------------------------------------------------------


@pytest.mark.vcr
def test_gateway_docs_example_chat_and_stream() -> None:
    llm = make()
    reply = llm.chat(DOCS_MESSAGES)
    assert "Paris" in (reply.message.content or "")
    assert (
        reply.additional_kwargs["total_tokens"] > 0
        and reply.raw["choices"][0]["finish_reason"] == "stop"
    )
    responses = list(llm.stream_chat(DOCS_MESSAGES))
    assert "".join(r.delta or "" for r in responses) == responses[-1].message.content
    # every response carries the message so far
    assert all(
        r.message.content.startswith(p.message.content or "")
        for p, r in itertools.pairwise(responses)
    )
    assert responses[-1].additional_kwargs["total_tokens"] > 0


@pytest.mark.vcr
async def test_async_chat_and_stream_agree() -> None:
    llm = make()
    reply = await llm.achat(DOCS_MESSAGES)
    streamed = [r async for r in await llm.astream_chat(DOCS_MESSAGES)]
    assert streamed[-1].message.content == reply.message.content


@pytest.mark.vcr
def test_complete_and_stream_complete() -> None:
    llm = make()
    text = llm.complete("Count from 1 to 5.").text
    parts = list(llm.stream_complete("Count from 1 to 5."))
    assert parts[-1].text == text and "".join(p.delta or "" for p in parts) == text


@pytest.mark.vcr
async def test_acomplete_and_astream_complete() -> None:
    llm = make()
    text = (await llm.acomplete("Count from 1 to 5.")).text
    parts = [p async for p in await llm.astream_complete("Count from 1 to 5.")]
    assert parts[-1].text == text


@pytest.mark.vcr
def test_chat_with_tools_and_predict_and_call() -> None:
    llm = make()
    tool = FunctionTool.from_defaults(get_weather)
    response = llm.chat_with_tools(
        [tool], "What is the weather in Paris right now?", tool_required=True
    )
    (selection,) = llm.get_tool_calls_from_response(response)
    assert selection.tool_name == "get_weather" and selection.tool_kwargs == {"city": "Paris"}
    output = llm.predict_and_call([tool], "What is the weather in Paris right now?")
    assert "Sunny" in str(output)


def test_parallel_calls_kept_only_when_allowed() -> None:
    from llama_index.core.base.llms.types import ChatResponse

    llm = make()
    tools = [FunctionTool.from_defaults(get_weather), FunctionTool.from_defaults(get_time)]
    prepared = llm._prepare_chat_with_tools(tools, "q", allow_parallel_tool_calls=True)
    assert prepared["parallel_tool_calls"] is True
    assert "parallel_tool_calls" not in llm._prepare_chat_with_tools(tools, "q")

    def two_calls() -> ChatResponse:
        blocks = [
            ToolCallBlock(tool_call_id=i, tool_name=n, tool_kwargs={})
            for i, n in (("a", "get_weather"), ("b", "get_time"))
        ]
        return ChatResponse(message=ChatMessage(role="assistant", blocks=blocks))

    kept = llm._validate_chat_with_tools_response(
        two_calls(), tools, allow_parallel_tool_calls=True
    )
    assert [s.tool_id for s in llm.get_tool_calls_from_response(kept)] == ["a", "b"]
    trimmed = llm._validate_chat_with_tools_response(two_calls(), tools)
    assert [s.tool_id for s in llm.get_tool_calls_from_response(trimmed)] == ["a"]


@pytest.mark.vcr
def test_stream_chat_with_tools_partial_then_complete() -> None:
    llm = make()
    tool = FunctionTool.from_defaults(get_weather)
    responses = list(
        llm.stream_chat_with_tools(
            [tool], "What is the weather in Paris right now?", tool_required=True
        )
    )
    partial = [llm.get_tool_calls_from_response(r, error_on_no_tool_call=False) for r in responses]
    assert any(
        calls and calls[0].tool_kwargs != {"city": "Paris"} for calls in partial
    )  # mid-stream
    assert partial[-1][0].tool_kwargs == {"city": "Paris"}
    blocks = [b for b in responses[-1].message.blocks if isinstance(b, ToolCallBlock)]
    assert len(blocks) == 1 and blocks[0].tool_call_id


@pytest.mark.vcr
def test_no_tool_call_raises_when_asked() -> None:
    llm = make()
    reply = llm.chat(DOCS_MESSAGES)
    with pytest.raises(ValueError, match="Expected at least one tool call"):
        llm.get_tool_calls_from_response(reply)
    assert llm.get_tool_calls_from_response(reply, error_on_no_tool_call=False) == []


@pytest.mark.vcr
def test_structured_predict_sync_async_and_stream() -> None:
    llm = make()
    prompt = PromptTemplate("Tell me about {city}.")
    assert llm.structured_predict(City, prompt, city="Tokyo") == City(name="Tokyo", country="Japan")
    partials = list(llm.stream_structured_predict(City, prompt, city="Tokyo"))
    assert partials[-1].name == "Tokyo" and partials[-1].country == "Japan"
    structured = llm.as_structured_llm(City).complete("Tell me about Tokyo.")
    assert isinstance(structured.raw, City) and structured.raw.name == "Tokyo"


@pytest.mark.vcr
async def test_astructured_predict() -> None:
    city = await make().astructured_predict(
        City, PromptTemplate("Tell me about {city}."), city="Tokyo"
    )
    assert city.country == "Japan"


@pytest.mark.vcr
def test_bad_key_maps_to_authentication_error() -> None:
    with pytest.raises(AuthenticationError) as info:
        make(api_key="wrong-key").chat(DOCS_MESSAGES)
    assert isinstance(info.value, openai.AuthenticationError) and info.value.status_code == 401
    assert "AKILE_API_KEY" in str(info.value)


def test_thinking_block_from_reasoning_stream() -> None:
    from akile_core import Delta
    from llamaindex_akile._response import StreamView

    view = StreamView()
    first = view.update(Delta(reasoning="Let me think. "))
    second = view.update(Delta(content="4"))
    assert first.additional_kwargs["thinking_delta"] == "Let me think. "
    thinking = [b for b in second.message.blocks if isinstance(b, ThinkingBlock)]
    assert (
        thinking[0].content == "Let me think. "
        and second.message.content == "4"
        and second.delta == "4"
    )


@pytest.mark.parametrize(
    "fixture",
    ["REPEATED_ID_NAME", "NO_INDEX", "ALL_INDEX_ZERO", "TWO_IN_ONE_DELTA", "EMPTY_ARGUMENTS"],
)
def test_streamed_tool_calls_in_every_dialect(fixture: str) -> None:
    """The core's stream dialects (tests/core/test_stream.py, sources cited there) reach
    LlamaIndex as whole ToolCallBlocks, ids and names never doubled."""
    from akile_core.stream import StreamState
    from llamaindex_akile._response import StreamView
    from tests.core import test_stream

    chunks = getattr(test_stream, fixture)
    view = StreamView()
    last = None
    for chunk in chunks:
        delta = view.state.feed(chunk)
        if delta is not None:
            last = view.update(delta)
    final = view.final()
    assert last is not None
    expected = StreamState()
    for chunk in chunks:
        expected.feed(chunk)
    selections = make().get_tool_calls_from_response(final)
    assert [(s.tool_id, s.tool_name) for s in selections] == [
        (c.id, c.name) for c in expected.tool_calls.calls()
    ]
    assert all(
        s.tool_kwargs == json.loads(c.arguments or "{}")
        for s, c in zip(selections, expected.tool_calls.calls(), strict=True)
    )


@pytest.mark.vcr
def test_logprobs_come_back_per_token() -> None:
    reply = make(max_tokens=5).chat(
        [ChatMessage(role="user", content="Say yes.")], logprobs=True, top_logprobs=2
    )
    assert reply.logprobs, "logprobs were asked for and the server sent them"
    first = reply.logprobs[0]
    assert 1 <= len(first) <= 2 and all(isinstance(p.logprob, float) for p in first)
    assert (reply.message.content or "").startswith(first[0].token)


@pytest.mark.parametrize(
    ("model", "window", "reserve"),
    [
        ("qwen-max", 32_768, 4_096),  # not 128,000: prompts sized for that would overflow
        ("gpt-5", 272_000 + 16_384, 16_384),  # the input limit plus the answer's reserve
        ("claude-opus-4-8", 1_000_000, 16_384),
        ("kimi-k2.6", 262_144, 16_384),  # never the whole output limit (= the window)
        ("my-finetune", 128_000, 4_096),
    ],
)
def test_metadata_from_the_model_table(model: str, window: int, reserve: int) -> None:
    meta = Akile(model=model, api_key="k").metadata
    assert (meta.context_window, meta.num_output) == (window, reserve)
    explicit = Akile(model=model, api_key="k", context_window=8_000, num_output=500).metadata
    assert (explicit.context_window, explicit.num_output) == (8_000, 500)
    assert not Akile(
        model=model, api_key="k", is_function_calling_model=False
    ).metadata.is_function_calling_model
