"""ChatAkile features, each replayed from a cassette recorded against a real server."""

from __future__ import annotations

import os
from typing import Any
from unittest import mock

import openai
import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.exceptions import ContextOverflowError as LCContextOverflow
from langchain_core.exceptions import ModelAuthenticationError
from langchain_core.load import dumpd, load
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from pydantic import BaseModel, Field

from akile_core import AkileConfigError
from langchain_akile import ChatAkile
from langchain_akile.errors import AuthenticationError, ContextOverflowError
from tests.conftest import TEST_MODEL, TEST_MODEL_OVERRIDE, model_params


def make(**kwargs: Any) -> ChatAkile:
    return ChatAkile(**model_params(**kwargs))


class GetWeather(BaseModel):
    """Get the current weather for a city."""

    city: str = Field(description="the city")


class GetTime(BaseModel):
    """Get the current time in a city."""

    city: str = Field(description="the city")


class City(BaseModel):
    """A city and its country."""

    name: str
    country: str


GATEWAY_DOCS_MESSAGES = [
    SystemMessage("You are a helpful assistant."),
    HumanMessage("What is the capital of France? Answer in one word."),
]


class TokenCollector(BaseCallbackHandler):
    def __init__(self) -> None:
        self.tokens: list[str] = []

    def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
        self.tokens.append(token)


# -- pure (no network) ----------------------------------------------------------------------


def test_missing_key_is_a_clear_error_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AKILE_API_KEY", raising=False)
    with pytest.raises(ValueError, match="AKILE_API_KEY") as info:
        ChatAkile(model="m")
    assert "api_key=" in str(info.value)


def test_secret_never_shows() -> None:
    llm = ChatAkile(model="m", api_key="AK-verysecret123")
    assert "verysecret" not in str(llm) and "verysecret" not in repr(llm)
    assert "verysecret" not in str(dumpd(llm))


def test_serdes_round_trip() -> None:
    llm = ChatAkile(model="m", api_key="AK-verysecret123", temperature=0.5, max_tokens=9)
    serialized = dumpd(llm)
    assert serialized["kwargs"]["api_key"] == {"lc": 1, "type": "secret", "id": ["AKILE_API_KEY"]}
    with mock.patch.dict(os.environ, {"AKILE_API_KEY": "AK-verysecret123"}):
        restored = load(
            serialized,
            allowed_objects=[ChatAkile],
            valid_namespaces=["langchain_akile"],
            secrets_from_env=True,
        )
    assert restored.asdict() == llm.asdict()
    assert restored.api_key.get_secret_value() == "AK-verysecret123"


def test_ls_params() -> None:
    params = make(stop=["x"])._get_ls_params(model="other")
    assert (
        params["ls_provider"] == "akile"
        and params["ls_model_name"] == "other"
        and params["ls_stop"] == ["x"]
    )


def test_bad_parameters_fail_before_sending() -> None:
    with pytest.raises(AkileConfigError, match="max_tokens"):
        make(max_tokens=0).invoke("hi")
    with pytest.raises(AkileConfigError, match="stop"):
        make().invoke("hi", stop=[3])  # type: ignore[list-item]


def test_custom_clients_are_used() -> None:
    client = openai.OpenAI(api_key="k", base_url="http://127.0.0.1:9/v1")
    llm = ChatAkile(
        model="m",
        client=client,
        async_client=openai.AsyncOpenAI(api_key="k", base_url="http://127.0.0.1:9/v1"),
    )
    used = llm._gateway.client()
    # A copy that keeps the client's own pool and settings (and our no-retry rule for errors
    # that cannot heal: tests/faults/test_faults.py, prebuilt-client tests).
    assert used._client is client._client and used.base_url == client.base_url


# -- replayed --------------------------------------------------------------------------------


@pytest.mark.vcr
def test_gateway_docs_example_invoke() -> None:
    reply = make().invoke(GATEWAY_DOCS_MESSAGES)
    assert "Paris" in reply.content
    assert reply.usage_metadata is not None and reply.usage_metadata["total_tokens"] > 0
    metadata = reply.response_metadata
    assert metadata["model_provider"] == "akile" and metadata["finish_reason"] == "stop"
    assert (
        metadata["model_name"]
        and metadata["id"].startswith("chatcmpl-")
        and metadata["system_fingerprint"]
    )


@pytest.mark.vcr
def test_gateway_docs_example_stream_with_callbacks() -> None:
    collector = TokenCollector()
    chunks = list(make().stream(GATEWAY_DOCS_MESSAGES, config={"callbacks": [collector]}))
    full = chunks[0]
    for chunk in chunks[1:]:
        full += chunk
    assert isinstance(full, AIMessageChunk) and "Paris" in full.content
    assert "".join(collector.tokens) == full.content and len(collector.tokens) == len(chunks)
    # usage and metadata arrive once, on the last chunk, so the aggregate is not doubled
    assert [c.usage_metadata is not None for c in chunks].count(True) == 1
    assert full.usage_metadata is not None and full.usage_metadata["output_tokens"] > 0
    assert (
        full.response_metadata["finish_reason"] == "stop"
        and full.response_metadata["model_provider"] == "akile"
    )


@pytest.mark.vcr
async def test_astream_and_ainvoke_agree() -> None:
    llm = make()
    streamed = "".join([str(c.content) async for c in llm.astream(GATEWAY_DOCS_MESSAGES)])
    invoked = await llm.ainvoke(GATEWAY_DOCS_MESSAGES)
    assert streamed == invoked.content


@pytest.mark.vcr
def test_stream_usage_can_be_switched_off() -> None:
    chunks = list(make(stream_usage=False).stream("Say hi."))
    assert all(c.usage_metadata is None for c in chunks)


@pytest.mark.vcr
def test_per_call_model_override_is_sent() -> None:
    reply = make().invoke("Say hi.", model=TEST_MODEL_OVERRIDE)
    assert TEST_MODEL_OVERRIDE in reply.response_metadata["model_name"]


@pytest.mark.vcr
def test_stop_and_finish_reason_length() -> None:
    stopped = make().invoke("Count from 1 to 10, separated by commas.", stop=["5"])
    assert "5" not in stopped.content and stopped.response_metadata["finish_reason"] == "stop"
    cut = make(max_tokens=5).invoke("Write a long story about a dragon.")
    assert cut.response_metadata["finish_reason"] == "length"
    assert cut.usage_metadata is not None and cut.usage_metadata["output_tokens"] == 5


@pytest.mark.vcr
def test_logprobs() -> None:
    reply = make(logprobs=True, top_logprobs=2).invoke("Say yes.")
    content = reply.response_metadata["logprobs"]["content"]
    assert content[0]["token"] and len(content[0]["top_logprobs"]) == 2


@pytest.mark.vcr
def test_n_choices_in_generate() -> None:
    result = make(n=2, temperature=1.0, max_tokens=10).generate(
        [[HumanMessage("Name a random fruit.")]]
    )
    assert len(result.generations[0]) == 2


@pytest.mark.vcr
def test_bind_tools_auto_and_tool_message_follow_up() -> None:
    llm = make().bind_tools([GetWeather])
    first = llm.invoke("What is the weather in Paris right now?")
    assert isinstance(first, AIMessage) and first.tool_calls[0]["name"] == "GetWeather"
    assert first.tool_calls[0]["args"] == {"city": "Paris"}
    assert first.response_metadata["finish_reason"] == "tool_calls"
    call = first.tool_calls[0]
    answer = llm.invoke(
        [
            HumanMessage("What is the weather in Paris right now?"),
            first,
            ToolMessage('{"temperature_c": 18}', tool_call_id=call["id"]),
        ]
    )
    assert "18" in answer.content


@pytest.mark.vcr
@pytest.mark.parametrize("tool_choice", ["any", "required", "GetTime"])
def test_bind_tools_forced_choice(tool_choice: str) -> None:
    reply = make().bind_tools([GetWeather, GetTime], tool_choice=tool_choice).invoke("Hello there!")
    assert reply.tool_calls, "a forced tool choice must produce a call"


def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return "sunny"


def get_time(city: str) -> str:
    """Get the current time in a city."""
    return "12:00"


@pytest.mark.vcr
def test_parallel_tool_calls_streamed() -> None:
    llm = make().bind_tools([get_weather, get_time], parallel_tool_calls=True)
    chunks = list(llm.stream("What is the weather in Paris and what time is it in Tokyo?"))
    full = chunks[0]
    for chunk in chunks[1:]:
        full += chunk
    assert [c["name"] for c in full.tool_calls] == ["get_weather", "get_time"]
    assert [c["args"] for c in full.tool_calls] == [{"city": "Paris"}, {"city": "Tokyo"}]
    assert all(c["id"] for c in full.tool_calls)
    assert {c["index"] for chunk in chunks for c in chunk.tool_call_chunks} == {0, 1}


@pytest.mark.vcr
@pytest.mark.parametrize("method", ["function_calling", "json_schema", "json_mode"])
def test_structured_output_methods(method: str) -> None:
    prompt = "Tell me about Paris."
    if method == "json_mode":
        prompt += " Reply as JSON with keys name and country."
    city = make().with_structured_output(City, method=method).invoke(prompt)  # type: ignore[arg-type]
    assert isinstance(city, City) and city.name == "Paris"


@pytest.mark.vcr
def test_structured_output_include_raw() -> None:
    result = make().with_structured_output(City, include_raw=True).invoke("Tell me about Paris.")
    assert isinstance(result, dict)
    assert isinstance(result["raw"], AIMessage) and isinstance(result["parsed"], City)
    assert result["parsing_error"] is None


@pytest.mark.vcr
def test_list_models() -> None:
    assert TEST_MODEL in make().list_models()


@pytest.mark.vcr
def test_bad_key_is_authentication_error_for_every_except_clause() -> None:
    with pytest.raises(AuthenticationError) as info:
        make(api_key="wrong-key").invoke("hi")
    err = info.value
    assert isinstance(err, openai.AuthenticationError) and isinstance(err, ModelAuthenticationError)
    assert err.status_code == 401 and "AKILE_API_KEY" in str(err)
    assert isinstance(err.__cause__, openai.AuthenticationError)


@pytest.mark.vcr
def test_context_overflow_is_mapped() -> None:
    with pytest.raises(ContextOverflowError) as info:
        make().invoke("hello " * 20000)
    assert isinstance(info.value, LCContextOverflow) and info.value.status_code == 400
    assert "Shorten the messages" in str(info.value)


def test_token_counting_is_offline_and_trims_histories() -> None:
    from langchain_core.messages import AIMessage, HumanMessage, trim_messages

    llm = ChatAkile(model="claude-opus-4-8", api_key="AK-test")
    history = [
        HumanMessage("你好，请介绍一下网关。"),
        AIMessage("网关提供许多模型。"),
        HumanMessage("谢谢"),
    ]
    total = llm.get_num_tokens_from_messages(history)
    assert total >= 3 * 3 + 10  # the Chinese text counts about one token per character
    # Without the override this raised ImportError (transformers) for every model.
    trimmed = trim_messages(history, max_tokens=total - 5, token_counter=llm, strategy="last")
    assert trimmed and trimmed[-1].content == "谢谢" and len(trimmed) < len(history)
    assert llm.get_num_tokens("hello") == 2
    counted = ChatAkile(model="m", api_key="AK-test", custom_get_token_ids=lambda t: [1] * 7)
    assert counted.get_num_tokens("anything") == 7


def test_profile_comes_from_the_model_table() -> None:
    profile = ChatAkile(model="anthropic/claude-opus-4.8", api_key="AK-test").profile
    assert profile is not None
    assert profile["max_input_tokens"] == 1_000_000 and profile["max_output_tokens"] == 128_000
    assert profile["tool_calling"] and profile["pdf_inputs"]
    # new-api drops response_format for claude-* channels: no native structured output here.
    assert profile["structured_output"] is False
    assert ChatAkile(model="qwen-max", api_key="AK-test").profile["max_input_tokens"] == 32_768  # type: ignore[index]
    assert ChatAkile(model="my-finetune", api_key="AK-test").profile is None
    mine = ChatAkile(model="claude-opus-4-8", api_key="AK-test", profile={"max_input_tokens": 5})
    assert mine.profile == {"max_input_tokens": 5}


def test_profile_keys_are_ones_the_installed_core_declares() -> None:
    import typing

    from langchain_core.language_models.model_profile import ModelProfile

    profile = ChatAkile(model="gpt-5", api_key="AK-test").profile
    assert profile and set(profile) <= set(typing.get_type_hints(ModelProfile))


@pytest.mark.parametrize(
    ("model", "method", "endpoint"),
    [
        # native on /v1/messages (endpoint="auto"), the answer tool if it falls back
        ("claude-opus-4-8", "json_schema", None),
        # response_format never reaches Claude through new-api's chat-completions converter
        ("claude-opus-4-8", "function_calling", "chat_completions"),
        ("deepseek-v4-flash", "function_calling", None),
        ("qwen-max", "function_calling", None),  # json_mode only: a forced tool needs no prompt
        ("gpt-5", "json_schema", None),
        ("gemini-2.5-pro", "json_schema", None),
        ("my-finetune", "json_schema", None),  # unknown: ChatOpenAI's default
    ],
)
def test_structured_output_defaults_to_the_familys_working_method(
    model: str, method: str, endpoint: str | None
) -> None:
    from pydantic import BaseModel as Schema

    class City(Schema):
        name: str

    llm = ChatAkile(model=model, api_key="AK-test", endpoint=endpoint)  # type: ignore[arg-type]
    chain = llm.with_structured_output(City)
    bound = chain.first.kwargs  # type: ignore[attr-defined]
    assert bound["ls_structured_output_format"]["kwargs"]["method"] == method
    if method == "function_calling":
        assert bound["tool_choice"] == {"type": "function", "function": {"name": "City"}}
        assert "response_format" not in bound
    else:
        assert bound["response_format"]["type"] == "json_schema"
