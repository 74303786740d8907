"""The framework's chosen structured-output path works on Claude over chat completions.

new-api's Claude converter discards ``response_format`` (gateway-families.md section 1), and
LangChain's ``create_agent`` sends it whenever the model's name is on its list; Anthropic
refuses a forced tool while thinking (claude-messages-and-thinking-rules.md). The fault server's
Claude channel behaves so (tests/faults/channels.py). Each case first shows the raw request
failing there, then both adapters succeeding, sync and async, invoke and stream.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import openai
import pytest
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.tools import tool
from llama_index.core.base.llms.types import ChatMessage

import akile_core
from akile_core import AkileConfigError, ParameterDroppedWarning
from akile_core.answer_tool import ANSWER_TOOL
from langchain_akile import ChatAkile
from llamaindex_akile import Akile
from tests.faults.server import FaultServer
from tests.faults.test_family_channels import KEY, Pet, raw_client, sonnet

pytestmark = pytest.mark.usefixtures("fresh_families", "chat_completions_wire")

PET_FORMAT = {
    "type": "json_schema",
    "json_schema": {"name": "Pet", "schema": Pet.model_json_schema()},
}


def raw_tool_call(server: FaultServer, model: str, prompt: str, **params: Any) -> Any:
    """The raw SDK's request with one function tool, as a framework would send it unadapted."""
    return raw_client(server).chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": prompt}],
        tools=[{"type": "function", "function": {"name": "f", "parameters": {}}}],
        **params,
    )


def emulated() -> Any:
    """The one warning that says response_format went as the answer tool."""
    return pytest.warns(
        ParameterDroppedWarning, match=f"sending response_format as a tool \\({ANSWER_TOOL}\\)"
    )


@tool
def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return "sunny"


def test_raw_json_schema_on_the_claude_channel_comes_back_as_prose(
    fault_server: FaultServer, prompt: str
) -> None:
    reply = raw_client(fault_server).chat.completions.create(
        model="claude-sonnet-4-5",
        messages=[{"role": "user", "content": prompt}],
        response_format=PET_FORMAT,  # type: ignore[arg-type]
    )
    with pytest.raises(json.JSONDecodeError):
        json.loads(reply.choices[0].message.content or "")


def test_raw_forced_tool_while_thinking_is_refused(fault_server: FaultServer, prompt: str) -> None:
    with pytest.raises(openai.BadRequestError, match="Thinking may not be enabled"):
        raw_tool_call(
            fault_server,
            "claude-sonnet-4-5",
            prompt,
            tool_choice="required",
            reasoning_effort="low",
            max_tokens=4000,
        )


def test_raw_empty_tools_are_refused(fault_server: FaultServer, prompt: str) -> None:
    with pytest.raises(openai.BadRequestError, match="too short"):
        raw_client(fault_server).chat.completions.create(
            model="claude-sonnet-4-5", messages=[{"role": "user", "content": prompt}], tools=[]
        )


@pytest.mark.parametrize("mode", ["invoke", "ainvoke", "stream", "astream"])
def test_langchain_json_schema_on_claude_returns_the_structure(
    mode: str, fault_server: FaultServer, prompt: str
) -> None:
    structured = sonnet(ChatAkile, fault_server).with_structured_output(Pet, method="json_schema")

    async def last() -> Any:
        return [part async for part in structured.astream(prompt)][-1]

    with emulated():
        if mode == "invoke":
            pet = structured.invoke(prompt)
        elif mode == "ainvoke":
            pet = asyncio.run(structured.ainvoke(prompt))
        elif mode == "stream":
            pet = list(structured.stream(prompt))[-1]
        else:
            pet = asyncio.run(last())
    assert Pet.model_validate(pet) == Pet(name="echo", legs=1)
    (sent,) = fault_server.asked(prompt)
    assert "response_format" not in sent.body
    assert sent.body["tool_choice"] == "required"
    assert [t["function"]["name"] for t in sent.body["tools"]] == [ANSWER_TOOL]


@pytest.mark.parametrize("streamed", [False, True])
def test_a_bound_response_format_answers_as_text_with_no_tool_calls(
    streamed: bool, fault_server: FaultServer, prompt: str
) -> None:
    llm = sonnet(ChatAkile, fault_server).bind(response_format=PET_FORMAT)
    with emulated():
        if streamed:
            chunks = list(llm.stream(prompt))
            message: AIMessage = chunks[0]
            for chunk in chunks[1:]:
                message = message + chunk  # type: ignore[assignment]
            assert isinstance(message, AIMessageChunk) and message.tool_call_chunks == []
        else:
            message = llm.invoke(prompt)  # type: ignore[assignment]
    assert json.loads(str(message.content)) == {"name": "echo", "legs": 1}
    assert message.tool_calls == []
    assert message.response_metadata["finish_reason"] == "stop"


def test_json_mode_on_claude_answers_with_a_json_object(
    fault_server: FaultServer, prompt: str
) -> None:
    llm = sonnet(ChatAkile, fault_server).bind(response_format={"type": "json_object"})
    with emulated():
        assert json.loads(str(llm.invoke(prompt).content)) == {}


def test_beside_real_tools_the_answer_tool_is_offered_not_forced(
    fault_server: FaultServer, prompt: str
) -> None:
    # An agent's turn: its tools plus the response format. The real tool call is left alone.
    llm = sonnet(ChatAkile, fault_server).bind_tools([get_weather], response_format=PET_FORMAT)
    with emulated():
        message = llm.invoke(prompt)
    assert [call["name"] for call in message.tool_calls] == ["get_weather"]
    (sent,) = fault_server.asked(prompt)
    assert [t["function"]["name"] for t in sent.body["tools"]] == ["get_weather", ANSWER_TOOL]
    assert "tool_choice" not in sent.body


@pytest.mark.parametrize("is_async", [False, True])
def test_llamaindex_response_format_on_claude_answers_as_text(
    is_async: bool, fault_server: FaultServer, prompt: str
) -> None:
    llm = sonnet(Akile, fault_server, additional_kwargs={"response_format": PET_FORMAT})
    messages = [ChatMessage(role="user", content=prompt)]
    with emulated():
        response = asyncio.run(llm.achat(messages)) if is_async else llm.chat(messages)
    assert json.loads(str(response.message.content)) == {"name": "echo", "legs": 1}
    assert llm.get_tool_calls_from_response(response, error_on_no_tool_call=False) == []


def test_llamaindex_streamed_response_format_on_claude_answers_as_text(
    fault_server: FaultServer, prompt: str
) -> None:
    llm = sonnet(Akile, fault_server, additional_kwargs={"response_format": PET_FORMAT})
    with emulated():
        *_, last = llm.stream_chat([ChatMessage(role="user", content=prompt)])
    assert json.loads(str(last.message.content)) == {"name": "echo", "legs": 1}
    assert llm.get_tool_calls_from_response(last, error_on_no_tool_call=False) == []


@pytest.mark.parametrize("is_async", [False, True])
def test_a_forced_tool_on_a_thinking_claude_call_turns_thinking_off(
    is_async: bool, fault_server: FaultServer, prompt: str
) -> None:
    llm = sonnet(ChatAkile, fault_server, reasoning_effort="low", max_tokens=4000)
    structured = llm.with_structured_output(Pet)  # function_calling: a forced tool
    with pytest.warns(UserWarning, match="thinking is off for this call"):
        pet = asyncio.run(structured.ainvoke(prompt)) if is_async else structured.invoke(prompt)
    assert pet == Pet(name="echo", legs=1)
    (sent,) = fault_server.asked(prompt)
    assert "reasoning_effort" not in sent.body


def test_thinking_stays_on_when_the_tool_is_not_forced(
    fault_server: FaultServer, prompt: str
) -> None:
    llm = sonnet(ChatAkile, fault_server, reasoning_effort="low", max_tokens=4000)
    message = llm.bind_tools([get_weather], tool_choice="auto").invoke(prompt)
    assert message.additional_kwargs.get("reasoning_content")
    (sent,) = fault_server.asked(prompt)
    assert sent.body["reasoning_effort"] == "low"


@pytest.mark.parametrize("cls", [ChatAkile, Akile])
def test_an_empty_tool_list_is_never_sent(
    cls: type[Any], fault_server: FaultServer, prompt: str
) -> None:
    llm = sonnet(cls, fault_server)
    if cls is ChatAkile:
        assert llm.bind_tools([]).invoke(prompt).content == f"echo: {prompt}"
    else:
        response = llm.chat_with_tools([], user_msg=prompt)
        assert response.message.content == f"echo: {prompt}"
    (sent,) = fault_server.asked(prompt)
    assert "tools" not in sent.body


# -- GPT-5.4 and later: function tools beside a reasoning effort -------------------------------


def gpt(cls: type[Any], server: FaultServer, model: str, **params: Any) -> Any:
    return cls(model=model, api_key=KEY, base_url=server.base_url, max_retries=0, **params)


def test_raw_gpt_5_6_refuses_tools_even_without_an_effort(
    fault_server: FaultServer, prompt: str
) -> None:
    with pytest.raises(openai.BadRequestError, match="set reasoning_effort to 'none'"):
        raw_tool_call(fault_server, "gpt-5.6-terra", prompt)


@pytest.mark.parametrize("cls", [ChatAkile, Akile])
@pytest.mark.parametrize("is_async", [False, True])
def test_gpt_5_6_tool_calls_work_by_default(
    cls: type[Any], is_async: bool, fault_server: FaultServer, prompt: str
) -> None:
    llm = gpt(cls, fault_server, "gpt-5.6-terra")
    with pytest.warns(UserWarning, match="sending reasoning_effort='none'"):
        if cls is ChatAkile:
            bound = llm.bind_tools([get_weather])
            message = asyncio.run(bound.ainvoke(prompt)) if is_async else bound.invoke(prompt)
            names = [call["name"] for call in message.tool_calls]
        else:
            chat = llm.achat_with_tools if is_async else llm.chat_with_tools
            result = chat([get_weather_tool()], user_msg=prompt)
            response = asyncio.run(result) if is_async else result
            names = [c.tool_name for c in llm.get_tool_calls_from_response(response)]
    assert names == ["get_weather"]
    (sent,) = fault_server.asked(prompt)
    assert sent.body["reasoning_effort"] == "none"


@pytest.mark.parametrize("model", ["gpt-5.4", "gpt-5.6-terra"])
def test_tools_with_an_effort_on_gpt_5_4_and_later_are_refused_before_sending(
    model: str, fault_server: FaultServer, prompt: str
) -> None:
    llm = gpt(ChatAkile, fault_server, model, reasoning_effort="high")
    with pytest.raises(AkileConfigError, match=r"reasoning_effort='none'.*no\s+tools"):
        llm.bind_tools([get_weather]).invoke(prompt)
    assert fault_server.asked(prompt) == []
    # The same model keeps its effort when no tools are bound.
    assert llm.invoke(prompt).content == f"echo: {prompt}"


def test_gpt_5_4_tools_without_an_effort_go_as_they_are(
    fault_server: FaultServer, prompt: str
) -> None:
    message = gpt(ChatAkile, fault_server, "gpt-5.4").bind_tools([get_weather]).invoke(prompt)
    assert [call["name"] for call in message.tool_calls] == ["get_weather"]
    (sent,) = fault_server.asked(prompt)
    assert "reasoning_effort" not in sent.body


def get_weather_tool() -> Any:
    from llama_index.core.tools import FunctionTool

    def get_weather(city: str) -> str:
        """Get the current weather for a city."""
        return "sunny"

    return FunctionTool.from_defaults(fn=get_weather)


# -- LangChain's create_agent, as a new user writes it ----------------------------------------


def opus(server: FaultServer, **params: Any) -> ChatAkile:
    # claude-opus-4-8 is on create_agent's list of native structured-output models
    # (langchain/agents/factory.py FALLBACK_MODELS_WITH_STRUCTURED_OUTPUT): ProviderStrategy.
    return ChatAkile(model="claude-opus-4-8", api_key=KEY, base_url=server.base_url, **params)


@pytest.mark.parametrize("is_async", [False, True])
def test_create_agent_with_a_bare_schema_and_no_tools(
    is_async: bool, fault_server: FaultServer, prompt: str
) -> None:
    from langchain.agents import create_agent

    agent = create_agent(opus(fault_server), tools=[], response_format=Pet)
    question = {"messages": [{"role": "user", "content": prompt}]}
    with emulated():
        result = asyncio.run(agent.ainvoke(question)) if is_async else agent.invoke(question)
    assert result["structured_response"] == Pet(name="echo", legs=1)
    (sent,) = fault_server.asked(prompt)
    assert "tools" in sent.body and "response_format" not in sent.body


def test_create_agent_runs_a_tool_then_gives_the_structured_answer(
    fault_server: FaultServer, prompt: str
) -> None:
    from langchain.agents import create_agent

    agent = create_agent(opus(fault_server), tools=[get_weather], response_format=Pet)
    with emulated():
        result = agent.invoke({"messages": [{"role": "user", "content": prompt}]})
    assert result["structured_response"] == Pet(name="echo", legs=1)
    kinds = [type(message).__name__ for message in result["messages"]]
    assert kinds[:3] == ["HumanMessage", "AIMessage", "ToolMessage"]  # the tool ran first


@pytest.mark.parametrize("thinking", [False, True])
def test_create_agent_with_tool_strategy(
    thinking: bool, fault_server: FaultServer, prompt: str
) -> None:
    from langchain.agents import create_agent
    from langchain.agents.structured_output import ToolStrategy

    params = {"reasoning_effort": "low", "max_tokens": 4000} if thinking else {}
    llm = sonnet(ChatAkile, fault_server, **params)
    agent = create_agent(llm, tools=[], response_format=ToolStrategy(Pet))
    question = {"messages": [{"role": "user", "content": prompt}]}
    if thinking:  # a forced tool while thinking: thinking goes off for the call
        with pytest.warns(ParameterDroppedWarning, match="thinking is off"):
            result = agent.invoke(question)
    else:
        result = agent.invoke(question)
    assert result["structured_response"] == Pet(name="echo", legs=1)


# -- Thinking models refuse a forced tool while thinking: thinking off for that call -----------

THINKING_MODELS = {
    "deepseek-v4-flash": {"thinking": {"type": "disabled"}},
    "kimi-k2.6": {"thinking": {"type": "disabled"}},
    "qwen3-235b-a22b": {"enable_thinking": False},
}


@pytest.mark.parametrize("model", sorted(THINKING_MODELS))
def test_raw_forced_tool_on_a_thinking_model_is_refused(
    model: str, fault_server: FaultServer, prompt: str
) -> None:
    with pytest.raises(openai.BadRequestError, match="tool_choice"):
        raw_tool_call(fault_server, model, prompt, tool_choice="required")


@pytest.mark.parametrize("model", sorted(THINKING_MODELS))
@pytest.mark.parametrize("is_async", [False, True])
def test_structured_output_on_thinking_models_works_by_default(
    model: str, is_async: bool, fault_server: FaultServer, prompt: str
) -> None:
    llm = gpt(ChatAkile, fault_server, model)
    structured = llm.with_structured_output(Pet)  # the family's default: a forced tool call
    with pytest.warns(ParameterDroppedWarning, match="so that it does not think"):
        pet = asyncio.run(structured.ainvoke(prompt)) if is_async else structured.invoke(prompt)
    assert pet == Pet(name="echo", legs=1)
    (sent,) = fault_server.asked(prompt)
    switch = THINKING_MODELS[model]
    assert {key: sent.body[key] for key in switch} == switch


@pytest.mark.parametrize("model", sorted(THINKING_MODELS))
def test_llamaindex_structured_predict_on_thinking_models_works_by_default(
    model: str, fault_server: FaultServer, prompt: str
) -> None:
    from llama_index.core.prompts import PromptTemplate

    llm = gpt(Akile, fault_server, model)
    with pytest.warns(ParameterDroppedWarning, match="so that it does not think"):
        pet = llm.structured_predict(Pet, PromptTemplate("{question}"), question=prompt)
    assert pet == Pet(name="echo", legs=1)


def test_a_thinking_model_keeps_thinking_when_the_tool_is_not_forced(
    fault_server: FaultServer, prompt: str
) -> None:
    message = gpt(ChatAkile, fault_server, "deepseek-v4-flash").bind_tools([get_weather])
    reply = message.invoke(prompt)
    assert reply.additional_kwargs.get("reasoning_content") == "Let me think."
    (sent,) = fault_server.asked(prompt)
    assert "thinking" not in sent.body


@pytest.mark.parametrize("model", ["claude-sonnet-4-5", "deepseek-v4-flash"])
# llama-index-core's agent workflow reads `__fields__` internally (as in test_end_to_end.py).
@pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince20")
@pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince211")
def test_llamaindex_function_agent_with_output_cls(
    model: str, fault_server: FaultServer, prompt: str
) -> None:
    from llama_index.core.agent.workflow import FunctionAgent

    llm = gpt(Akile, fault_server, model)
    agent = FunctionAgent(tools=[get_weather_tool()], llm=llm, output_cls=Pet)

    async def run() -> Any:
        return await agent.run(user_msg=prompt)

    if model.startswith("deepseek"):
        with pytest.warns(ParameterDroppedWarning, match="so that it does not think"):
            result = asyncio.run(run())
    else:
        result = asyncio.run(run())
    assert Pet.model_validate(result.structured_response) == Pet(name="echo", legs=1)


@pytest.mark.parametrize("is_async", [False, True])
def test_llamaindex_tool_required_on_a_thinking_model(
    is_async: bool, fault_server: FaultServer, prompt: str
) -> None:
    llm = gpt(Akile, fault_server, "qwen3-235b-a22b")
    with pytest.warns(ParameterDroppedWarning, match="so that it does not think"):
        if is_async:
            call = llm.achat_with_tools([get_weather_tool()], user_msg=prompt, tool_required=True)
            response = asyncio.run(call)
        else:
            response = llm.chat_with_tools(
                [get_weather_tool()], user_msg=prompt, tool_required=True
            )
    calls = llm.get_tool_calls_from_response(response)
    assert [call.tool_name for call in calls] == ["get_weather"]


# -- A model that always thinks: the tool is asked for, and the answer checked -----------------


def test_raw_forced_tool_on_an_always_thinking_model_is_refused(
    fault_server: FaultServer, prompt: str
) -> None:
    with pytest.raises(openai.BadRequestError, match="incompatible with thinking"):
        raw_tool_call(fault_server, "kimi-k2-thinking", prompt, tool_choice="required")


@pytest.mark.parametrize("streamed", [False, True])
def test_a_forced_tool_is_asked_for_and_the_call_comes(
    streamed: bool, fault_server: FaultServer, prompt: str
) -> None:
    structured = gpt(ChatAkile, fault_server, "kimi-k2-thinking").with_structured_output(Pet)
    with pytest.warns(ParameterDroppedWarning, match="sending tool_choice='auto'"):
        pet = list(structured.stream(prompt))[-1] if streamed else structured.invoke(prompt)
    assert Pet.model_validate(pet) == Pet(name="echo", legs=1)
    (sent,) = fault_server.asked(prompt)
    assert sent.body["tool_choice"] == "auto"


@pytest.mark.parametrize("cls", [ChatAkile, Akile])
def test_an_asked_for_tool_that_does_not_come_is_a_parse_error(
    cls: type[Any], fault_server: FaultServer
) -> None:
    from langchain_core.exceptions import OutputParserException

    # The channel answers in text when the prompt says so (tests/faults/channels.py).
    prompt = "answer in text"
    llm = gpt(cls, fault_server, "kimi-k2-thinking")
    with pytest.warns(ParameterDroppedWarning), pytest.raises(ValueError) as info:
        if cls is ChatAkile:
            llm.bind_tools([get_weather], tool_choice="get_weather").invoke(prompt)
        else:
            llm.chat_with_tools([get_weather_tool()], user_msg=prompt, tool_required=True)
    assert isinstance(info.value, akile_core.ToolNotCalledError)
    assert isinstance(info.value, OutputParserException) == (cls is ChatAkile)
    assert "'get_weather'" in str(info.value) or "a tool" in str(info.value)


def test_raw_json_mode_on_thinking_qwen3_is_refused(fault_server: FaultServer, prompt: str) -> None:
    with pytest.raises(openai.BadRequestError, match="Json mode response is not supported"):
        raw_client(fault_server).chat.completions.create(
            model="qwen3-235b-a22b",
            messages=[{"role": "user", "content": prompt}],
            response_format={"type": "json_object"},
        )


def test_raw_json_schema_on_deepseek_is_refused(fault_server: FaultServer, prompt: str) -> None:
    with pytest.raises(openai.BadRequestError, match="response_format type is unavailable"):
        raw_client(fault_server).chat.completions.create(
            model="deepseek-v4-flash",
            messages=[{"role": "user", "content": prompt}],
            response_format=PET_FORMAT,  # type: ignore[arg-type]
        )


@pytest.mark.parametrize("is_async", [False, True])
def test_json_schema_on_deepseek_goes_as_the_answer_tool_with_thinking_off(
    is_async: bool, fault_server: FaultServer, prompt: str
) -> None:
    structured = gpt(ChatAkile, fault_server, "deepseek-v4-flash").with_structured_output(
        Pet, method="json_schema"
    )
    with pytest.warns(ParameterDroppedWarning) as warned:
        pet = asyncio.run(structured.ainvoke(prompt)) if is_async else structured.invoke(prompt)
    assert Pet.model_validate(pet) == Pet(name="echo", legs=1)
    texts = " ".join(str(w.message) for w in warned)
    assert "refuses json_schema" in texts and "does not think" in texts
    (sent,) = fault_server.asked(prompt)
    assert sent.body["thinking"] == {"type": "disabled"} and "response_format" not in sent.body


# -- The paths, each on each channel that changes them -----------------------------------------
# Their adaptation warnings are pinned by the tests above; here only the answers are checked.

CHANNEL_MODELS = ["claude-sonnet-4-5", "deepseek-v4-flash", "kimi-k2.6", "qwen3-235b-a22b"]
QUIET = pytest.mark.filterwarnings("ignore::akile_core.policy.ParameterDroppedWarning")


@QUIET
@pytest.mark.parametrize("model", CHANNEL_MODELS)
@pytest.mark.parametrize("path", ["stream", "include_raw", "function_calling"])
def test_langchain_structured_paths_on_each_channel(
    model: str, path: str, fault_server: FaultServer, prompt: str
) -> None:
    method = "function_calling" if path == "function_calling" else None
    structured = gpt(ChatAkile, fault_server, model).with_structured_output(
        Pet, include_raw=path == "include_raw", method=method
    )
    result = list(structured.stream(prompt))[-1] if path == "stream" else structured.invoke(prompt)
    pet = result["parsed"] if path == "include_raw" else result
    assert Pet.model_validate(pet) == Pet(name="echo", legs=1)


@QUIET
@pytest.mark.parametrize("model", CHANNEL_MODELS)
def test_json_mode_on_each_channel(model: str, fault_server: FaultServer, prompt: str) -> None:
    llm = gpt(ChatAkile, fault_server, model).bind(response_format={"type": "json_object"})
    text = str(llm.invoke(prompt).content)
    (sent,) = fault_server.asked(prompt)
    if model.startswith("claude"):  # dropped by the converter: the answer tool, an open object
        assert json.loads(text) == {} and "response_format" not in sent.body
    else:  # taken by these upstreams as it is
        assert sent.body["response_format"] == {"type": "json_object"}
    if model.startswith("qwen3"):  # DashScope refuses JSON mode while thinking
        assert sent.body["enable_thinking"] is False


@QUIET
@pytest.mark.parametrize("model", CHANNEL_MODELS)
@pytest.mark.parametrize("path", ["stream_structured_predict", "as_structured_llm"])
def test_llamaindex_structured_paths_on_each_channel(
    model: str, path: str, fault_server: FaultServer, prompt: str
) -> None:
    from llama_index.core.prompts import PromptTemplate

    llm = gpt(Akile, fault_server, model)
    if path == "stream_structured_predict":
        *_, pet = llm.stream_structured_predict(Pet, PromptTemplate("{question}"), question=prompt)
    else:
        pet = llm.as_structured_llm(Pet).chat([ChatMessage(role="user", content=prompt)]).raw
    assert Pet.model_validate(pet) == Pet(name="echo", legs=1)


# -- GLM: its upstream takes only tool_choice "auto" ---------------------------------------------


def test_raw_forced_tool_on_glm_is_refused(fault_server: FaultServer, prompt: str) -> None:
    with pytest.raises(openai.BadRequestError, match="Tool choice must be auto"):
        raw_tool_call(fault_server, "glm-4.6", prompt, tool_choice="required")


@pytest.mark.parametrize("cls", [ChatAkile, Akile])
def test_structured_output_on_glm_asks_for_the_tool(
    cls: type[Any], fault_server: FaultServer, prompt: str
) -> None:
    from llama_index.core.prompts import PromptTemplate

    llm = gpt(cls, fault_server, "glm-4.6")
    with pytest.warns(ParameterDroppedWarning, match="takes only 'auto'"):
        if cls is ChatAkile:
            pet = llm.with_structured_output(Pet).invoke(prompt)
        else:
            pet = llm.structured_predict(Pet, PromptTemplate("{question}"), question=prompt)
    assert pet == Pet(name="echo", legs=1)
    (sent,) = fault_server.asked(prompt)
    assert sent.body["tool_choice"] == "auto"


def test_a_glm_answer_without_the_asked_for_tool_is_a_parse_error(
    fault_server: FaultServer,
) -> None:
    from langchain_core.exceptions import OutputParserException

    llm = gpt(ChatAkile, fault_server, "glm-4.6")
    with pytest.warns(ParameterDroppedWarning), pytest.raises(OutputParserException):
        llm.with_structured_output(Pet).invoke("answer in text")
