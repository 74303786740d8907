"""Structured output over Claude's ``/v1/messages``: the schema as ``output_config.format``.

There decoding is held to the schema and the model may think, which a forced tool (LlamaIndex's
function-calling program) does not allow. ``Akile`` takes these methods from
:class:`NativeStructuredOutput`; on any other wire they hand over to LlamaIndex's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from llama_index.core.base.llms.types import ChatResponse
from pydantic import BaseModel

from akile_core import AkileResponseError

if TYPE_CHECKING:
    from llama_index.core.llms.function_calling import FunctionCallingLLM as _Base
    from llama_index.core.prompts import PromptTemplate
else:
    _Base = object  # a plain mixin at run time; mypy checks it against Akile's base

Model = TypeVar("Model", bound=BaseModel)
_Model = TypeVar("_Model", bound=BaseModel)


class NativeStructuredOutput(_Base):
    """``structured_predict`` and its stream, native over ``/v1/messages`` (a mixin of Akile)."""

    _gateway: Any
    if TYPE_CHECKING:
        model: str

    def structured_predict(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Model:
        """Structured output, native over Claude's ``/v1/messages``.

        There decoding is held to the schema and the model may think; elsewhere LlamaIndex's
        function-calling program (a forced tool) answers.
        """
        if self._gateway.wire_name(self.model) != "messages":
            result: Model = super().structured_predict(
                output_cls, prompt, llm_kwargs, **prompt_args
            )
            return result
        announce_structured(output_cls, prompt, prompt_args)
        messages = prompt.format_messages(**prompt_args)
        kwargs = {**(llm_kwargs or {}), "response_format": native_format(output_cls)}
        return announced(parsed_output(output_cls, self.chat(messages, **kwargs)))

    async def astructured_predict(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Model:
        """Async :meth:`structured_predict`."""
        if await self._gateway.awire_name(self.model) != "messages":
            result: Model = await super().astructured_predict(
                output_cls, prompt, llm_kwargs, **prompt_args
            )
            return result
        announce_structured(output_cls, prompt, prompt_args)
        messages = prompt.format_messages(**prompt_args)
        kwargs = {**(llm_kwargs or {}), "response_format": native_format(output_cls)}
        return announced(parsed_output(output_cls, await self.achat(messages, **kwargs)))

    def _structured_stream_call(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Any:
        """``stream_structured_predict``'s source, native over ``/v1/messages``.

        The partial objects are read from the streamed JSON as LlamaIndex reads them.
        """
        if self._gateway.wire_name(self.model) != "messages":
            return super()._structured_stream_call(output_cls, prompt, llm_kwargs, **prompt_args)
        from llama_index.core.program.utils import process_streaming_objects

        messages = prompt.format_messages(**prompt_args)
        kwargs = {**(llm_kwargs or {}), "response_format": native_format(output_cls)}

        def partials() -> Any:
            current: Any = None
            for response in self.stream_chat(messages, **kwargs):
                current = process_streaming_objects(
                    response, output_cls, cur_objects=[current] if current else None
                )
                yield current

        return partials()

    async def _structured_astream_call(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Any:
        """Async :meth:`_structured_stream_call`."""
        if await self._gateway.awire_name(self.model) != "messages":
            return await super()._structured_astream_call(
                output_cls, prompt, llm_kwargs, **prompt_args
            )
        from llama_index.core.program.utils import process_streaming_objects

        messages = prompt.format_messages(**prompt_args)
        kwargs = {**(llm_kwargs or {}), "response_format": native_format(output_cls)}

        async def partials() -> Any:
            current: Any = None
            async for response in await self.astream_chat(messages, **kwargs):
                current = process_streaming_objects(
                    response, output_cls, cur_objects=[current] if current else None
                )
                yield current

        return partials()


def native_format(output_cls: type[BaseModel]) -> dict[str, Any]:
    """``output_cls`` as a ``json_schema`` response format.

    Over ``/v1/messages`` it goes as ``output_config.format``, every object closed as Anthropic
    requires.
    """
    schema = {"name": output_cls.__name__, "schema": output_cls.model_json_schema()}
    return {"type": "json_schema", "json_schema": schema}


def parsed_output(output_cls: type[_Model], response: ChatResponse) -> _Model:
    """The answer's JSON as ``output_cls``; a clear error when it is not (never a partial)."""
    text = response.message.content or ""
    try:
        return output_cls.model_validate_json(text)
    except ValueError as exc:
        raise AkileResponseError(
            f"The model's structured answer does not fit {output_cls.__name__}: {exc}. "
            f"Answer: {text[:200]!r}.",
            body=text,
        ) from exc


def announce_structured(output_cls: type[BaseModel], prompt: Any, prompt_args: Any) -> None:
    """LlamaIndex's structured-predict start event, as its own ``structured_predict`` sends it."""
    from llama_index.core.instrumentation.events.llm import LLMStructuredPredictStartEvent
    from llama_index.core.llms.llm import dispatcher

    dispatcher.event(
        LLMStructuredPredictStartEvent(
            output_cls=output_cls, template=prompt, template_args=prompt_args
        )
    )


def announced(output: _Model) -> _Model:
    """``output``, after LlamaIndex's structured-predict end event."""
    from llama_index.core.instrumentation.events.llm import LLMStructuredPredictEndEvent
    from llama_index.core.llms.llm import dispatcher

    dispatcher.event(LLMStructuredPredictEndEvent(output=output))
    return output
