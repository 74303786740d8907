"""The messages-wire case: ChatAkile and Akile over ``/v1/messages`` beside a minimal framework
model doing the same post, and beside ChatAkile over chat completions, in one process.

The minimal model is the floor a LangChain model can reach on this wire: a ``BaseChatModel``
that posts a fixed Anthropic body with the same ``openai`` client call ours uses
(``client.post("/messages", cast_to=object)``), returns the text with the id, usage and model
name LangChain's standard tests ask of every chat model, and streams ``text_delta`` events with
the SDK's own SSE decoder. It converts nothing and checks nothing, so the ratio to it is what
our conversions, rules and error handling cost.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai

from benchmarks.run import (
    KEY,
    Result,
    Subject,
    calls_and_chunks,
    langchain_subject,
    llamaindex_subject,
)

ANTHROPIC_BODY = {
    "system": "You are concise.",
    "messages": [{"role": "user", "content": [{"type": "text", "text": "Say hello."}]}],
    "max_tokens": 1024,
}


def minimal_messages_model(base_url: str) -> Any:
    """The minimal LangChain chat model over ``/v1/messages`` (see the module docstring)."""
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.messages import AIMessage, AIMessageChunk
    from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

    client = openai.OpenAI(api_key=KEY, base_url=base_url)

    class MinimalMessages(BaseChatModel):
        model: str = "short"

        @property
        def _llm_type(self) -> str:
            return "minimal-messages"

        def _generate(
            self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any
        ) -> ChatResult:
            body = {**ANTHROPIC_BODY, "model": kwargs.get("model", self.model)}
            data: Any = client.post("/messages", cast_to=object, body=body)
            text = "".join(b["text"] for b in data["content"] if b["type"] == "text")
            usage = data["usage"]
            message = AIMessage(
                content=text,
                id=data["id"],
                # What LangChain's standard tests ask of any chat model: usage and metadata.
                usage_metadata={
                    "input_tokens": usage["input_tokens"],
                    "output_tokens": usage["output_tokens"],
                    "total_tokens": usage["input_tokens"] + usage["output_tokens"],
                },
                response_metadata={"model_name": data["model"], "stop_reason": data["stop_reason"]},
            )
            return ChatResult(generations=[ChatGeneration(message=message)])

        def _stream(
            self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any
        ) -> Iterator[ChatGenerationChunk]:
            body = {**ANTHROPIC_BODY, "model": kwargs.get("model", self.model), "stream": True}
            events = client.post(
                "/messages",
                cast_to=object,
                body=body,
                stream=True,
                stream_cls=openai.Stream[object],
            )
            for event in events:
                data: Any = event.get("data", event) if isinstance(event, dict) else event
                delta = data.get("delta") if isinstance(data, dict) else None
                if isinstance(delta, dict) and delta.get("type") == "text_delta":
                    yield ChatGenerationChunk(message=AIMessageChunk(content=delta["text"]))

    return MinimalMessages()


def messages_subjects(base_url: str) -> list[Subject]:
    from langchain_akile import ChatAkile
    from llamaindex_akile import Akile

    return [
        langchain_subject("minimal model (messages)", minimal_messages_model(base_url)),
        langchain_subject(
            "ChatAkile (messages)",
            ChatAkile(model="short", api_key=KEY, base_url=base_url, endpoint="messages"),
        ),
        langchain_subject(
            "ChatAkile (chat completions)",
            ChatAkile(model="short", api_key=KEY, base_url=base_url, endpoint="chat_completions"),
        ),
        llamaindex_subject(
            "Akile (messages)",
            lambda model: Akile(model=model, api_key=KEY, base_url=base_url, endpoint="messages"),
        ),
    ]


def messages_cases(base_url: str, rounds: int, quick: bool) -> list[Result]:
    """Per call and per streamed chunk over /v1/messages, interleaved round by round."""
    subs = messages_subjects(base_url)
    calls, chunks = (50 if quick else 200), 2000
    per_call = Result("messages wire: sequential short call", "µs CPU / call")
    per_chunk = Result(f"messages wire: one stream of {chunks} chunks", "µs CPU / chunk")
    for subject in subs:
        for _ in range(5):
            subject.call("short")
        subject.stream("chunks:20")
    for _ in range(rounds):
        calls_and_chunks(subs, calls, chunks, per_call, per_chunk)
    return [per_call, per_chunk]
