"""``Akile``: the AK AI Gateway as a LlamaIndex function-calling LLM."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from llama_index.core.base.llms.generic_utils import (
    achat_to_completion_decorator,
    astream_chat_to_completion_decorator,
    chat_to_completion_decorator,
    stream_chat_to_completion_decorator,
)
from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseAsyncGen,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseAsyncGen,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
    ToolCallBlock,
)
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from llama_index.core.llms.function_calling import FunctionCallingLLM
from llama_index.core.llms.llm import ToolSelection
from pydantic import BaseModel, Field, PrivateAttr, SecretStr, model_validator

from akile_core import Gateway
from akile_core.config import construct_checked, track_cost_default
from akile_core.connection import connect, fields_of
from akile_core.request import build_body, split_request_options
from llamaindex_akile._convert import (
    to_tool_selections,
    to_wire_messages,
    to_wire_tool_choice,
    to_wire_tools,
)
from llamaindex_akile._fields import HttpAsyncClient, HttpClient, Proxy
from llamaindex_akile._response import StreamView, to_chat_response
from llamaindex_akile._structured import NativeStructuredOutput

if TYPE_CHECKING:
    from llama_index.core.tools import BaseTool

    from akile_core.account import CostMeter
    from akile_core.profiles import ModelSpec
    from akile_core.response import Usage

Model = TypeVar("Model", bound=BaseModel)
DEFAULT_CONTEXT_WINDOW = 128_000
DEFAULT_NUM_OUTPUT = 4_096


def reserved_output(spec: ModelSpec | None) -> int:
    """Tokens to keep free for the answer: the model's output limit, capped.

    Never the whole output limit: Kimi's equals its window, and PromptHelper would have no room
    left for context. Reasoning models get more, since their thinking counts as output.
    """
    cap = 16_384 if spec is not None and spec.reasoning else DEFAULT_NUM_OUTPUT
    limit = spec.max_output_tokens if spec is not None else None
    return min(limit or DEFAULT_NUM_OUTPUT, cap)


def context_window(spec: ModelSpec | None, num_output: int) -> int:
    """The window LlamaIndex may fill: input limit plus the reserve, within the model's window."""
    if spec is None or spec.context_window is None:
        return DEFAULT_CONTEXT_WINDOW
    if spec.max_input_tokens is not None and spec.max_input_tokens < spec.context_window:
        return min(spec.context_window, spec.max_input_tokens + num_output)
    return spec.context_window


class Akile(NativeStructuredOutput, FunctionCallingLLM):
    """LLM for the AK AI Gateway (``https://aigateway.akile.ai/v1``), OpenAI-compatible.

    Reads ``AKILE_API_KEY`` and ``AKILE_BASE_URL``; a chat and function-calling model for
    query engines, chat engines and agents; keeps reasoning text as ``ThinkingBlock``s.

    Example:
        ```python
        from llama_index.core import Settings
        from llama_index.core.llms import ChatMessage
        from llama_index.llms.akile import Akile

        Settings.llm = Akile(model="claude-opus-4-8", temperature=0)
        reply = Settings.llm.chat([ChatMessage(role="user", content="Hello!")])
        for part in Settings.llm.stream_complete("Count to five."):
            print(part.delta, end="")
        ```
    """

    model: str = Field(description="Model name as listed on the gateway console's channel page.")
    api_key: SecretStr | None = Field(
        default=None, exclude=True, repr=False, description="Gateway key; AKILE_API_KEY if unset."
    )
    base_url: str | None = Field(
        default=None, description="API root; AKILE_BASE_URL, else https://aigateway.akile.ai/v1."
    )
    temperature: float | None = Field(default=None, description="Sampling temperature.")
    max_tokens: int | None = Field(default=None, description="Upper bound on generated tokens.")
    reasoning_effort: str | None = Field(
        default=None,
        description=(
            "How hard a reasoning model thinks (none ... max), sent the way the model's family "
            "understands it, or refused with the reason (README, 'Model families')."
        ),
    )
    timeout: float | None = Field(default=None, description="Request timeout in seconds.")
    max_retries: int | None = Field(
        default=None, description="Retries of 408/409/429/5xx in the openai client (default 2)."
    )
    additional_kwargs: dict[str, Any] = Field(
        default_factory=dict, description="Other body parameters sent with every request."
    )
    default_headers: dict[str, str] | None = Field(
        default=None, description="Headers sent with every request."
    )
    context_window: int | None = Field(
        default=None,
        gt=0,
        description="Context window for prompt sizing; from the model table if unset.",
    )
    num_output: int | None = Field(
        default=None,
        gt=0,
        description="Tokens reserved for output; max_tokens, else from the model table.",
    )
    is_function_calling_model: bool | None = Field(
        default=None, description="Whether the model calls tools; from the model table if unset."
    )
    stream_usage: bool = Field(default=True, description="Ask for token usage in streams.")
    drop_unsupported_params: bool = Field(
        default=False,
        description="Drop a parameter the model's channel rejects, retry once, warn once.",
    )
    discover_families: bool = Field(
        default=False,
        description=(
            "Read /v1/models once before the first request to learn which converter serves "
            "each model (supported_endpoint_types), for names that do not say their family."
        ),
    )
    endpoint: Literal["auto", "messages", "chat_completions"] | None = Field(
        default=None,
        description=(
            "auto (unset: AKILE_ENDPOINT, else auto): Claude models go over the gateway's /v1/messages where it offers it (caching, "
            "thinking with tools, native structured output); the others force one."
        ),
    )
    client: Any = Field(default=None, exclude=True, repr=False, description="An openai.OpenAI.")
    async_client: Any = Field(
        default=None, exclude=True, repr=False, description="An openai.AsyncOpenAI."
    )
    proxy: Proxy
    http_client: HttpClient
    http_async_client: HttpAsyncClient
    track_cost: bool | None = Field(
        default=None,
        description=(
            "Price each call from the gateway's own price list into "
            "additional_kwargs['cost'] (unset: AKILE_TRACK_COST); read once, on the first call."
        ),
    )
    pricing_group: str | None = Field(
        default=None, description="The key's group (分组) for prices; AKILE_GROUP, else default."
    )

    _gateway: Gateway = PrivateAttr()
    _meter: CostMeter | None = PrivateAttr(default=None)

    def __init__(self, **kwargs: Any) -> None:
        construct_checked(
            super().__init__,
            type(self),
            kwargs,
            body_field="additional_kwargs",
            also_known=("class_name",),  # LlamaIndex's from_dict passes it
        )

    @model_validator(mode="after")
    def _connect(self) -> Akile:
        self._gateway = connect(
            fields_of(self),
            drop_unsupported_params=self.drop_unsupported_params,
            discover_families=self.discover_families,
            endpoint=self.endpoint,
        )
        if self._gateway.settings is not None:
            self.base_url = self._gateway.settings.base_url
        if self.track_cost or (self.track_cost is None and track_cost_default()):
            from akile_core.account import CostMeter  # only for those who price their calls

            self._meter = CostMeter(self._gateway, self.pricing_group)
        return self

    @classmethod
    def class_name(cls) -> str:
        """Name used in serialization."""
        return "Akile"

    @property
    def metadata(self) -> LLMMetadata:
        """A chat model; context sizes and tool calling as set, else from the model table."""
        from akile_core.profiles import resolve  # the model table loads on first use

        spec = resolve(self.model).spec
        num_output = self.max_tokens or self.num_output or reserved_output(spec)
        return LLMMetadata(
            context_window=self.context_window or context_window(spec, num_output),
            num_output=num_output,
            is_chat_model=True,
            is_function_calling_model=(
                self.is_function_calling_model
                if self.is_function_calling_model is not None
                else spec is None or spec.tool_calling is not False
            ),
            model_name=self.model,
        )

    def list_models(self) -> list[str]:
        """Model names this key may use (``GET /v1/models``)."""
        return self._gateway.list_models()

    # -- requests -------------------------------------------------------------------------

    def _request(
        self, messages: Sequence[ChatMessage], *, stream: bool, **kwargs: Any
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The JSON body and the per-call HTTP options (``timeout``, ``extra_headers``, ...)."""
        options = split_request_options(kwargs)
        params: dict[str, Any] = {
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "reasoning_effort": self.reasoning_effort,
        }
        params.update(self.additional_kwargs)
        params.update(kwargs)
        model = params.pop("model", None) or self.model
        extra_body = params.pop("extra_body", None)
        body = build_body(
            model=model,
            messages=to_wire_messages(messages),
            params=params,
            stream=stream,
            stream_usage=self.stream_usage,
            extra_body=extra_body,
        )
        return body, options

    # The public methods carry LlamaIndex's callback decorators; ``complete`` and friends call
    # these undecorated ones, so one call is reported once (as a completion), not twice.

    def _chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        body, options = self._request(messages, stream=False, **kwargs)
        completion = self._gateway.complete(body, options)
        response = to_chat_response(completion)
        if self._meter is not None:
            response.additional_kwargs["cost"] = self._cost(body, completion.usage)
        return response

    async def _achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        body, options = self._request(messages, stream=False, **kwargs)
        completion = await self._gateway.acomplete(body, options)
        response = to_chat_response(completion)
        if self._meter is not None:
            response.additional_kwargs["cost"] = await self._acost(body, completion.usage)
        return response

    def _stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        body, options = self._request(messages, stream=True, **kwargs)

        def responses() -> ChatResponseGen:
            view = StreamView()
            for delta in self._gateway.stream(body, view.state, options):
                yield view.update(delta)
            last = view.final()
            if self._meter is not None:
                last.additional_kwargs["cost"] = self._cost(body, view.state.usage)
            yield last

        return responses()

    async def _astream_chat(
        self, messages: Sequence[ChatMessage], **kwargs: Any
    ) -> ChatResponseAsyncGen:
        body, options = self._request(messages, stream=True, **kwargs)

        async def responses() -> ChatResponseAsyncGen:
            view = StreamView()
            async for delta in self._gateway.astream(body, view.state, options):
                yield view.update(delta)
            last = view.final()
            if self._meter is not None:
                last.additional_kwargs["cost"] = await self._acost(body, view.state.usage)
            yield last

        return responses()

    def _cost(self, body: dict[str, Any], usage: Usage | None) -> dict[str, Any]:
        assert self._meter is not None
        return self._meter.cost(str(body["model"]), usage).as_dict()

    async def _acost(self, body: dict[str, Any], usage: Usage | None) -> dict[str, Any]:
        assert self._meter is not None
        return (await self._meter.acost(str(body["model"]), usage)).as_dict()

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        """Send the messages; return the whole answer."""
        return self._chat(messages, **kwargs)

    @llm_chat_callback()
    async def achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        """Async :meth:`chat`."""
        return await self._achat(messages, **kwargs)

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        """Stream the answer: each response has the message so far and the new ``delta``."""
        return self._stream_chat(messages, **kwargs)

    @llm_chat_callback()
    async def astream_chat(
        self, messages: Sequence[ChatMessage], **kwargs: Any
    ) -> ChatResponseAsyncGen:
        """Async :meth:`stream_chat`."""
        return await self._astream_chat(messages, **kwargs)

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        """Complete a prompt, sent as one user message."""
        return chat_to_completion_decorator(self._chat)(prompt, **kwargs)

    @llm_completion_callback()
    async def acomplete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponse:
        """Async :meth:`complete`."""
        return await achat_to_completion_decorator(self._achat)(prompt, **kwargs)

    @llm_completion_callback()
    def stream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseGen:
        """Stream a completion of a prompt."""
        return stream_chat_to_completion_decorator(self._stream_chat)(prompt, **kwargs)

    @llm_completion_callback()
    async def astream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseAsyncGen:
        """Async :meth:`stream_complete`."""
        return await astream_chat_to_completion_decorator(self._astream_chat)(prompt, **kwargs)

    # -- tools ----------------------------------------------------------------------------

    def _prepare_chat_with_tools(
        self,
        tools: Sequence[BaseTool],
        user_msg: str | ChatMessage | None = None,
        chat_history: list[ChatMessage] | None = None,
        verbose: bool = False,
        allow_parallel_tool_calls: bool = False,
        tool_required: bool = False,
        tool_choice: Any = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Messages and tool parameters for ``chat``.

        ``allow_parallel_tool_calls=True`` sends ``parallel_tool_calls: true`` (some servers,
        llama.cpp among them, allow one call per turn unless asked). ``False``, LlamaIndex's
        default, sends nothing, since families differ on the parameter; single-call mode is
        enforced on the response instead, in ``_validate_chat_with_tools_response``.
        """
        messages = list(chat_history or [])
        if isinstance(user_msg, str):
            user_msg = ChatMessage(role=MessageRole.USER, content=user_msg)
        if user_msg is not None:
            messages.append(user_msg)
        prepared: dict[str, Any] = {"messages": messages, **kwargs}
        if tools:
            prepared["tools"] = to_wire_tools(tools)
            choice = to_wire_tool_choice(tool_choice, tool_required)
            if choice is not None:
                prepared["tool_choice"] = choice
            if allow_parallel_tool_calls:
                prepared["parallel_tool_calls"] = True
        return prepared

    def _validate_chat_with_tools_response(
        self,
        response: ChatResponse,
        tools: Sequence[BaseTool],
        allow_parallel_tool_calls: bool = False,
        **kwargs: Any,
    ) -> ChatResponse:
        if not allow_parallel_tool_calls:
            calls = [b for b in response.message.blocks if isinstance(b, ToolCallBlock)]
            for extra in calls[1:]:
                response.message.blocks.remove(extra)
        return response

    def get_tool_calls_from_response(
        self, response: ChatResponse, error_on_no_tool_call: bool = True, **kwargs: Any
    ) -> list[ToolSelection]:
        """The tool calls in a response (partial arguments are parsed as far as they go)."""
        selections = to_tool_selections(response.message)
        if not selections and error_on_no_tool_call:
            raise ValueError(
                f"Expected at least one tool call from {self.model!r}, but the answer had none: "
                f"{(response.message.content or '')[:200]!r}"
            )
        return selections
