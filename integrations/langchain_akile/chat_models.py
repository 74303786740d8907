"""``ChatAkile``: the AK AI Gateway as a LangChain chat model."""

from __future__ import annotations

import typing
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from operator import itemgetter
from typing import Any, Literal, cast

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import LanguageModelInput
from langchain_core.language_models.base import LangSmithParams
from langchain_core.language_models.chat_models import (
    BaseChatModel,
    agenerate_from_stream,
    generate_from_stream,
)
from langchain_core.language_models.model_profile import ModelProfile
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.output_parsers import JsonOutputParser, PydanticOutputParser
from langchain_core.output_parsers.openai_tools import (
    JsonOutputKeyToolsParser,
    PydanticToolsParser,
)
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable, RunnableMap, RunnablePassthrough
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from langchain_core.utils.pydantic import is_basemodel_subclass
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator
from typing_extensions import Self

from akile_core import API_KEY_ENV, Gateway, StreamState
from akile_core.config import construct_checked, track_cost_default
from akile_core.connection import connect, fields_of
from akile_core.request import build_body, split_request_options
from akile_core.tokens import chars_per_token_for, estimate_message_tokens, estimate_text_tokens
from langchain_akile._convert import (
    PROVIDER,
    from_delta,
    to_langchain_profile,
    to_response_format,
    to_wire_messages,
    to_wire_tool_choice,
    to_wire_tools,
)
from langchain_akile._fields import ApiKey, BaseUrl, HttpAsyncClient, HttpClient, Proxy
from langchain_akile._results import (
    combine_llm_outputs,
    final_chunk,
    to_chat_result,
    to_generation_chunk,
    with_cost,
)
from langchain_akile.errors import LANGCHAIN_ERRORS

if typing.TYPE_CHECKING:
    from akile_core.account import CostMeter

# Fields that are request parameters, sent under the same name when set.
_PARAM_FIELDS = (
    "temperature",
    "max_tokens",
    "top_p",
    "seed",
    "frequency_penalty",
    "presence_penalty",
    "n",
    "logprobs",
    "top_logprobs",
    "reasoning_effort",
)


class ChatAkile(BaseChatModel):
    """Chat model for the AK AI Gateway (``https://aigateway.akile.ai/v1``), OpenAI-compatible.

    Reads ``AKILE_API_KEY`` and ``AKILE_BASE_URL``; works with every model family the gateway
    serves, keeps reasoning text, streams token usage, and raises errors that say what to do.

    Example:
        ```python
        from langchain_akile import ChatAkile

        llm = ChatAkile(model="claude-opus-4-8", temperature=0)
        reply = llm.invoke([("system", "You are concise."), ("user", "Hello!")])
        print(reply.content, reply.usage_metadata)
        for chunk in llm.stream("Count to five."):
            print(chunk.content, end="", flush=True)
        ```
    """

    model_config = ConfigDict(populate_by_name=True, protected_namespaces=())

    model: str = Field(alias="model_name")
    """Model name as listed on the gateway console's channel (渠道) page."""
    api_key: ApiKey
    """Gateway key (``AK-...``); defaults to ``AKILE_API_KEY``."""
    base_url: BaseUrl
    """API root; defaults to ``AKILE_BASE_URL``, else ``https://aigateway.akile.ai/v1``."""
    temperature: float | None = None
    """Sampling temperature; not sent unless set."""
    max_tokens: int | None = None
    """Upper bound on generated tokens, sent as ``max_tokens``."""
    top_p: float | None = None
    """Nucleus sampling mass."""
    stop: list[str] | str | None = Field(default=None, alias="stop_sequences")
    """Stop sequences."""
    seed: int | None = None
    """Sampling seed, for repeatable answers where the model supports it."""
    frequency_penalty: float | None = None
    """Frequency penalty."""
    presence_penalty: float | None = None
    """Presence penalty."""
    n: int | None = None
    """Number of choices per request."""
    logprobs: bool | None = None
    """Return token log probabilities in ``response_metadata['logprobs']``."""
    top_logprobs: int | None = None
    """How many alternatives per token with ``logprobs``."""
    reasoning_effort: str | None = None
    """How hard a reasoning model thinks (``none`` ... ``max``), sent the way the model's family
    understands it, or refused with the reason (README, "Model families")."""
    timeout: float | None = Field(default=None, alias="request_timeout")
    """Seconds before a request times out; the openai SDK default (600 s) if unset."""
    max_retries: int | None = None
    """Retries of 408/409/429/5xx in the openai client (default 2); gateway errors that
    cannot heal (no channel, no quota) are never retried."""
    streaming: bool = False
    """Stream internally even for ``invoke``."""
    stream_usage: bool = True
    """Ask for token usage in streams (``stream_options.include_usage``)."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Other body parameters to send with every request (e.g. ``reasoning_effort``)."""
    extra_body: dict[str, Any] | None = None
    """Raw fields merged into every request body, for gateway- or model-specific options."""
    default_headers: dict[str, str] | None = None
    """Headers sent with every request."""
    default_query: dict[str, Any] | None = None
    """Query parameters sent with every request."""
    drop_unsupported_params: bool = False
    """If the model's channel rejects a parameter, drop it, retry once and warn once."""
    discover_families: bool = False
    """Read ``/v1/models`` once before the first request to learn which converter serves each
    model (``supported_endpoint_types``), for model names that do not say their family."""
    endpoint: Literal["auto", "messages", "chat_completions"] | None = None
    """``auto`` (unset: ``AKILE_ENDPOINT``, else ``auto``): Claude models go over the gateway's
    ``/v1/messages`` where it offers it (caching, thinking with tools, native structured
    output); the others force one."""
    client: Any = Field(default=None, exclude=True)
    """A prebuilt ``openai.OpenAI`` to use instead of the shared one."""
    async_client: Any = Field(default=None, exclude=True)
    """A prebuilt ``openai.AsyncOpenAI`` to use instead of the shared one."""
    proxy: Proxy
    """A proxy for every request; default ``HTTPS_PROXY`` (``openai_proxy=`` too)."""
    http_client: HttpClient
    """Your own ``httpx.Client`` for sync calls."""
    http_async_client: HttpAsyncClient
    """Your own ``httpx.AsyncClient`` for async calls."""
    track_cost: bool | None = None
    """Price each call from the gateway's own price list into ``response_metadata["cost"]``
    (unset: ``AKILE_TRACK_COST``); the list is read once, on the first call."""
    pricing_group: str | None = None
    """The key's group (分组) for prices; default ``AKILE_GROUP``, else ``default``."""

    _gateway: Gateway = PrivateAttr()
    _meter: CostMeter | None = PrivateAttr(default=None)

    def __init__(self, **kwargs: Any) -> None:
        construct_checked(super().__init__, type(self), kwargs, body_field="model_kwargs")

    @model_validator(mode="after")
    def _connect(self) -> Self:
        self._gateway = connect(
            fields_of(self, default_query=self.default_query),
            error_classes=LANGCHAIN_ERRORS,
            drop_unsupported_params=self.drop_unsupported_params,
            discover_families=self.discover_families,
            endpoint=self.endpoint,
        )
        if self.track_cost or (self.track_cost is None and track_cost_default()):
            from akile_core.account import CostMeter  # only for those who price their calls

            self._meter = CostMeter(self._gateway, self.pricing_group)
        return self

    def _resolve_model_profile(self) -> ModelProfile | None:
        """The model's profile from the model table (``akile_core.profiles``), if it is known.

        ``ChatAkile(..., profile={...})`` replaces it, as in every LangChain chat model;
        ``akile_core.register_model_profile`` corrects it for every instance.
        """
        from akile_core.profiles import resolve  # loaded on first construction, not at import

        spec = resolve(self.model).spec
        if spec is None:
            return None
        declared = typing.get_type_hints(ModelProfile)
        return cast("ModelProfile", to_langchain_profile(spec, declared)) or None

    @property
    def model_name(self) -> str:
        """The model name, under the attribute ChatOpenAI uses (evaluators and callbacks read it)."""
        return self.model

    @property
    def _llm_type(self) -> str:
        return "akile-chat"

    @property
    def lc_secrets(self) -> dict[str, str]:
        """Serialize the key as a reference to ``AKILE_API_KEY``, never its value."""
        return {"api_key": API_KEY_ENV}

    @classmethod
    def is_lc_serializable(cls) -> bool:
        """ChatAkile can be serialized with ``dumpd`` (without its key)."""
        return True

    @classmethod
    def get_lc_namespace(cls) -> list[str]:
        """Where ``load`` finds the class."""
        return ["langchain_akile", "chat_models"]

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model": self.model, **self._default_params()}

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = LangSmithParams(
            ls_provider=PROVIDER,
            ls_model_name=kwargs.get("model") or self.model,
            ls_model_type="chat",
        )
        temperature = kwargs.get("temperature", self.temperature)
        if temperature is not None:
            params["ls_temperature"] = temperature
        max_tokens = kwargs.get("max_tokens", self.max_tokens)
        if max_tokens is not None:
            params["ls_max_tokens"] = max_tokens
        stops = stop or kwargs.get("stop") or self.stop
        if stops:
            params["ls_stop"] = [stops] if isinstance(stops, str) else list(stops)
        return params

    def get_num_tokens(self, text: str) -> int:
        """Tokens in ``text``, estimated offline (see ``akile_core.tokens``).

        A ``custom_get_token_ids`` tokenizer, if given, is used instead.
        """
        if self.custom_get_token_ids is not None:
            return len(self.custom_get_token_ids(text))
        return estimate_text_tokens(text, chars_per_token_for(self.model))

    def get_num_tokens_from_messages(
        self,
        messages: list[BaseMessage],
        tools: Sequence[Any] | None = None,
    ) -> int:
        """Tokens the messages (and tools) take, estimated offline, CJK-aware.

        This is what ``trim_messages(token_counter=llm)`` and LangChain's context-editing
        middleware call; no tokenizer is downloaded and ``transformers`` is not needed.
        """
        return estimate_message_tokens(
            to_wire_messages(messages),
            to_wire_tools(tools) if tools else None,
            chars_per_token_for(self.model),
        )

    def _combine_llm_outputs(self, llm_outputs: list[dict[str, Any] | None]) -> dict[str, Any]:
        """One ``llm_output`` for a ``generate`` over several prompts: usage and costs summed."""
        return combine_llm_outputs(self.model, llm_outputs)

    def list_models(self) -> list[str]:
        """Model names this key may use (``GET /v1/models``); the console's channel page lists the same."""
        return self._gateway.list_models()

    # -- requests -------------------------------------------------------------------------

    def _default_params(self) -> dict[str, Any]:
        params = {name: getattr(self, name) for name in _PARAM_FIELDS}
        params["stop"] = self.stop or None
        params.update(self.model_kwargs)
        return params

    def _request(
        self, messages: list[BaseMessage], stop: list[str] | None, *, stream: bool, **kwargs: Any
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Build the body and the per-call HTTP options."""
        options = split_request_options(kwargs)
        stream_usage = kwargs.pop("stream_usage", self.stream_usage)
        model = kwargs.pop("model", None) or self.model
        extra_body = {**(self.extra_body or {}), **(kwargs.pop("extra_body", None) or {})}
        params = self._default_params()
        params.update(kwargs)
        if stop:
            params["stop"] = stop
        body = build_body(
            model=model,
            messages=to_wire_messages(messages),
            params=params,
            stream=stream,
            stream_usage=stream_usage,
            extra_body=extra_body,
        )
        return body, options

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        if self.streaming:
            return generate_from_stream(self._stream(messages, stop, run_manager, **kwargs))
        body, options = self._request(messages, stop, stream=False, **kwargs)
        completion = self._gateway.complete(body, options)
        if self._meter is None:
            return to_chat_result(completion)
        return with_cost(
            to_chat_result(completion), self._meter.cost(body["model"], completion.usage)
        )

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        if self.streaming:
            return await agenerate_from_stream(self._astream(messages, stop, run_manager, **kwargs))
        body, options = self._request(messages, stop, stream=False, **kwargs)
        completion = await self._gateway.acomplete(body, options)
        if self._meter is None:
            return to_chat_result(completion)
        cost = await self._meter.acost(body["model"], completion.usage)
        return with_cost(to_chat_result(completion), cost)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        body, options = self._request(messages, stop, stream=True, **kwargs)
        state = StreamState()
        for delta in self._gateway.stream(body, state, options):
            chunk = to_generation_chunk(from_delta(delta, state.id), delta.logprobs)
            if run_manager:
                run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield chunk
        last = final_chunk(state)
        if self._meter is not None:
            with_cost(last, self._meter.cost(body["model"], state.usage))
        if run_manager:
            run_manager.on_llm_new_token("", chunk=last)
        yield last

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        body, options = self._request(messages, stop, stream=True, **kwargs)
        state = StreamState()
        async for delta in self._gateway.astream(body, state, options):
            chunk = to_generation_chunk(from_delta(delta, state.id), delta.logprobs)
            if run_manager:
                await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield chunk
        last = final_chunk(state)
        if self._meter is not None:
            with_cost(last, await self._meter.acost(body["model"], state.usage))
        if run_manager:
            await run_manager.on_llm_new_token("", chunk=last)
        yield last

    # -- tools and structured output -----------------------------------------------------

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: dict[str, Any] | str | bool | None = None,
        parallel_tool_calls: bool | None = None,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools for the model to call.

        Args:
            tools: ``@tool`` functions, ``BaseTool``s, pydantic models, TypedDicts, or
                OpenAI-format dicts.
            tool_choice: ``"auto"``, ``"none"``, ``"any"``/``"required"``/``True``, a tool
                name, or an OpenAI ``tool_choice`` dict.
            parallel_tool_calls: allow several calls in one turn (not sent unless set).
            strict: ask for schema-exact arguments, where the model supports it.
            **kwargs: other parameters to bind.
        """
        wire_tools = to_wire_tools(tools, strict=strict)
        names = [tool["function"]["name"] for tool in wire_tools]
        bound: dict[str, Any] = {"tools": wire_tools, **kwargs}
        choice = to_wire_tool_choice(tool_choice, names)
        if choice is not None:
            bound["tool_choice"] = choice
        if parallel_tool_calls is not None:
            bound["parallel_tool_calls"] = parallel_tool_calls
        return super().bind(**bound)

    def with_structured_output(
        self,
        schema: dict[str, Any] | type | None = None,
        *,
        method: Literal["function_calling", "json_mode", "json_schema"] | None = None,
        include_raw: bool = False,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, dict[str, Any] | BaseModel]:
        """Return a runnable whose output matches ``schema``.

        ``json_schema`` sends the schema as ``response_format``, which servers that support it
        enforce while generating; ``function_calling`` forces a call of a tool shaped like the
        schema; ``json_mode`` asks for any JSON object (describe the keys in the prompt).

        The default works best for the model through the gateway (README, "Claude"):
        ``json_schema`` for Claude unless ``endpoint="chat_completions"``, ``function_calling``
        for deepseek-*, kimi-*, glm-* and others without ``json_schema``, else ``json_schema``.
        """
        if kwargs:
            raise TypeError(f"Unexpected arguments: {sorted(kwargs)}")
        if method is None:
            method = default_structured_method(self.model, self._gateway.endpoint)
        is_pydantic = isinstance(schema, type) and is_basemodel_subclass(schema)
        if method != "json_mode" and schema is None:
            raise ValueError(f"schema is required for method={method!r}.")
        any_schema: Any = schema
        llm: Runnable[LanguageModelInput, BaseMessage]
        parser: Runnable[Any, Any]
        trace = {"ls_structured_output_format": {"kwargs": {"method": method}, "schema": schema}}
        if method == "function_calling":
            tool_name = convert_to_openai_tool(any_schema)["function"]["name"]
            llm = self.bind_tools(
                [schema],  # type: ignore[list-item]
                tool_choice=tool_name,
                parallel_tool_calls=False,
                strict=strict,
                **trace,
            )
            parser = (
                PydanticToolsParser(tools=[schema], first_tool_only=True)  # type: ignore[list-item]
                if is_pydantic
                else JsonOutputKeyToolsParser(key_name=tool_name, first_tool_only=True)
            )
        elif method == "json_mode":
            llm = self.bind(response_format={"type": "json_object"}, **trace)
            parser = _json_parser(any_schema, is_pydantic)
        elif method == "json_schema":
            llm = self.bind(response_format=to_response_format(any_schema, strict), **trace)
            parser = _json_parser(any_schema, is_pydantic)
        else:
            raise ValueError(
                f"Unknown method {method!r}: use 'function_calling', 'json_schema' or 'json_mode'."
            )
        if not include_raw:
            return llm | parser
        parsed = RunnablePassthrough.assign(
            parsed=itemgetter("raw") | parser, parsing_error=lambda _: None
        ).with_fallbacks(
            [RunnablePassthrough.assign(parsed=lambda _: None)], exception_key="parsing_error"
        )
        return RunnableMap(raw=llm) | parsed


def default_structured_method(
    model: str, endpoint: str = "chat_completions"
) -> Literal["function_calling", "json_schema"]:
    """The structured-output method that works best for ``model`` on ``endpoint``."""
    from akile_core.profiles import family_of, resolve

    if endpoint != "chat_completions" and family_of(model) == "claude":
        return "json_schema"  # native on /v1/messages; the answer tool if it falls back
    spec = resolve(model).spec
    method = spec.structured_output if spec is not None else None
    if method in ("function_calling", "json_mode") or (
        method is None and family_of(model) == "claude"
    ):
        # json_mode needs the keys spelled out in the prompt; a forced tool call does not.
        return "function_calling"
    return "json_schema"


def _json_parser(schema: Any, is_pydantic: bool) -> Runnable[Any, Any]:
    return PydanticOutputParser(pydantic_object=schema) if is_pydantic else JsonOutputParser()
