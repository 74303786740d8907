"""The main job: the gateway docs' example, done with ChatAkile and with Akile.

With AKILE_API_KEY set, it talks to the AK AI Gateway (model from AKILE_DEMO_MODEL, default
claude-opus-4-8). Without it, it replays exchanges recorded from a real OpenAI-compatible
server (cassettes/demo/) and says so. `--record` re-records those exchanges against
AKILE_BASE_URL (the local recording server).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

ROOT = Path(__file__).resolve().parent.parent
CASSETTE = ROOT / "cassettes" / "demo" / "demo.yaml"
REPLAY_MODEL = "qwen2.5-coder-0.5b-instruct"
REPLAY_SAMPLING: dict[str, Any] = {"temperature": 0}


class City(BaseModel):
    """A city and the country it is in."""

    name: str = Field(description="the city's name")
    country: str = Field(description="the country the city is in")


def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return f"Sunny, 22 °C in {city}"


def langchain_part(model: str, sampling: dict[str, Any]) -> None:
    from langchain_akile import ChatAkile

    print("== LangChain: ChatAkile ==")
    llm = ChatAkile(model=model, max_tokens=60, **sampling)
    messages = [
        ("system", "You are a helpful assistant. Answer in one short sentence."),
        ("user", "What is the capital of France?"),
    ]
    reply = llm.invoke(messages)
    print("invoke   :", reply.content)
    print("usage    :", reply.usage_metadata)
    print("stream   : ", end="")
    for chunk in llm.stream(messages):
        print(chunk.content, end="", flush=True)
    print()
    call = llm.bind_tools([get_weather], tool_choice="any").invoke("What is the weather in Paris?")
    print("tool call:", call.tool_calls[0]["name"], call.tool_calls[0]["args"])
    city = llm.with_structured_output(City).invoke("Tell me about Paris.")
    print("structured:", repr(city))


def llamaindex_part(model: str, sampling: dict[str, Any]) -> None:
    from llama_index.core.llms import ChatMessage

    from llamaindex_akile import Akile

    print("== LlamaIndex: Akile ==")
    llm = Akile(model=model, max_tokens=60, **sampling)
    messages = [
        ChatMessage(
            role="system", content="You are a helpful assistant. Answer in one short sentence."
        ),
        ChatMessage(role="user", content="What is the capital of Japan?"),
    ]
    print("chat     :", llm.chat(messages).message.content)
    print("stream   : ", end="")
    for response in llm.stream_chat(messages):
        print(response.delta, end="", flush=True)
    print()
    city = llm.structured_predict(City, _prompt("Tell me about Tokyo."))
    print("structured:", repr(city))


def _prompt(text: str):  # type: ignore[no-untyped-def]
    from llama_index.core.prompts import PromptTemplate

    return PromptTemplate(text)


@contextlib.contextmanager
def cassette(record: bool) -> Iterator[None]:
    import vcr
    from tests.conftest import _scrub_request, _scrub_response, json_body_matcher

    recorder = vcr.VCR(
        record_mode="all" if record else "none",
        match_on=["method", "path", "json_body"],
        before_record_request=_scrub_request,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )
    recorder.register_matcher("json_body", json_body_matcher)
    with recorder.use_cassette(str(CASSETTE)):
        yield


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--record", action="store_true", help="re-record the replay cassette")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    live = bool(os.environ.get("AKILE_API_KEY")) and not args.record
    if live:
        model = os.environ.get("AKILE_DEMO_MODEL", "claude-opus-4-8")
        print(
            f"Live: talking to {os.environ.get('AKILE_BASE_URL', 'https://aigateway.akile.ai/v1')} "
            f"with model {model}.\n"
        )
        # Live models keep their own sampling defaults: claude-opus-4-8 takes no temperature,
        # and sending one would only earn a ParameterDroppedWarning.
        langchain_part(model, {})
        llamaindex_part(model, {})
        return 0
    if args.record:
        print(
            f"Recording into {CASSETTE.relative_to(ROOT)} from {os.environ.get('AKILE_BASE_URL')}.\n"
        )
    else:
        os.environ["AKILE_API_KEY"] = "replay-key"
        print(
            "AKILE_API_KEY is not set: REPLAYING exchanges recorded from a real OpenAI-compatible "
            f"server ({REPLAY_MODEL} via llama.cpp), from {CASSETTE.relative_to(ROOT)}.\n"
            "Set AKILE_API_KEY=AK-... to talk to the AK AI Gateway instead.\n"
        )
    with cassette(args.record):
        # The recording pinned temperature 0 so that its answers repeat.
        langchain_part(REPLAY_MODEL, REPLAY_SAMPLING)
        llamaindex_part(REPLAY_MODEL, REPLAY_SAMPLING)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
