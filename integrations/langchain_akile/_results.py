"""Gateway answers as LangChain results: ``ChatResult`` for invoke, chunks for streams.

Metadata and usage are laid out as ChatOpenAI lays them out, so code written for it (and
LangSmith, LangGraph) reads ChatAkile's results unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from langchain_core.messages import AIMessageChunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from akile_core import Completion, StreamState
from akile_core.response import usage_to_wire
from langchain_akile._convert import PROVIDER, from_wire_choice, to_usage_metadata

if TYPE_CHECKING:
    from akile_core.pricing import CallCost

_Result = TypeVar("_Result", ChatResult, ChatGenerationChunk)


def to_chat_result(completion: Completion) -> ChatResult:
    generations = []
    usage = to_usage_metadata(completion.usage) if completion.usage else None
    # OpenAI's key names, as ChatOpenAI reports them: code ported from it reads
    # response_metadata["token_usage"]["prompt_tokens"] and llm_output["token_usage"].
    token_usage = usage_to_wire(completion.usage) if completion.usage else None
    for choice in completion.choices:
        message = from_wire_choice(choice)
        message.id = completion.id
        message.usage_metadata = usage
        message.response_metadata = _response_metadata(
            completion.model, choice.finish_reason, completion.id, completion.system_fingerprint
        )
        if token_usage is not None:
            message.response_metadata["token_usage"] = token_usage
        if choice.logprobs is not None:
            message.response_metadata["logprobs"] = choice.logprobs
        info: dict[str, Any] = {"finish_reason": choice.finish_reason}
        if choice.logprobs is not None:
            info["logprobs"] = choice.logprobs
        generations.append(ChatGeneration(message=message, generation_info=info))
    llm_output: dict[str, Any] = {
        "model_name": completion.model,
        "model_provider": PROVIDER,
        "id": completion.id,
        "system_fingerprint": completion.system_fingerprint,
    }
    if token_usage is not None:
        llm_output["token_usage"] = token_usage
    return ChatResult(generations=generations, llm_output=llm_output)


def combine_llm_outputs(model: str, llm_outputs: list[dict[str, Any] | None]) -> dict[str, Any]:
    """One ``llm_output`` for a ``generate`` over several prompts: usage and costs summed."""
    token_usage: dict[str, Any] = {}
    combined: dict[str, Any] = {"model_name": model, "model_provider": PROVIDER}
    costs = []
    for output in llm_outputs:
        if not output:
            continue
        if output.get("token_usage"):
            add_counts(token_usage, output["token_usage"])
        for key in ("model_name", "system_fingerprint"):
            if output.get(key):
                combined[key] = output[key]
        if "cost" in output:
            costs.append(output["cost"])
    if token_usage:
        combined["token_usage"] = token_usage
    if costs:
        combined["cost"] = add_costs(costs)
    return combined


def add_counts(total: dict[str, Any], more: Mapping[str, Any]) -> dict[str, Any]:
    """Sum two OpenAI-style usage dicts, nested details included."""
    for key, value in more.items():
        if isinstance(value, Mapping):
            total[key] = add_counts(dict(total.get(key) or {}), value)
        elif isinstance(value, int) and not isinstance(value, bool):
            total[key] = total.get(key, 0) + value
    return total


def add_costs(costs: list[dict[str, Any]]) -> dict[str, Any]:
    """The cost of several calls (``generate`` over several prompts): unknown if one is."""
    unknown = next((cost for cost in costs if cost.get("quota") is None), None)
    if unknown is not None:
        return unknown
    return {
        **costs[0],
        "quota": sum(int(cost["quota"]) for cost in costs),
        "usd": sum(float(cost["usd"]) for cost in costs),
    }


def _response_metadata(
    model: str | None, finish_reason: str | None, response_id: str | None, fingerprint: str | None
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"model_provider": PROVIDER}
    for key, value in (
        ("model_name", model),
        ("finish_reason", finish_reason),
        ("id", response_id),
        ("system_fingerprint", fingerprint),
    ):
        if value is not None:
            metadata[key] = value
    return metadata


def to_generation_chunk(message: AIMessageChunk, logprobs: Any) -> ChatGenerationChunk:
    info = {"logprobs": logprobs} if logprobs is not None else None
    return ChatGenerationChunk(message=message, generation_info=info)


def final_chunk(state: StreamState) -> ChatGenerationChunk:
    """The closing chunk: usage and response metadata, reported exactly once per stream.

    LangChain adds chunks together, concatenating strings and summing numbers, so anything
    sent on every chunk would be repeated in the aggregate.
    """
    message = AIMessageChunk(
        content="",
        id=state.id,
        usage_metadata=to_usage_metadata(state.usage) if state.usage else None,
        response_metadata=_response_metadata(
            state.model, state.finish_reason, state.id, state.system_fingerprint
        ),
        chunk_position="last",
    )
    return ChatGenerationChunk(
        message=message, generation_info={"finish_reason": state.finish_reason}
    )


def with_cost(result: _Result, cost: CallCost) -> _Result:
    """``result`` with the call's cost in ``response_metadata["cost"]`` (and ``llm_output``).

    A stream's cost rides on its closing chunk only, as its usage does.
    """
    priced = cost.as_dict()
    if isinstance(result, ChatGenerationChunk):
        result.message.response_metadata["cost"] = priced
        return result
    for generation in result.generations:
        generation.message.response_metadata["cost"] = priced
    result.llm_output = {**(result.llm_output or {}), "cost": priced}
    return result
