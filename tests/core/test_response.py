"""Completion parsing, on bodies copied from real servers (sources cited per fixture)."""

from __future__ import annotations

import pytest

from akile_core import AkileResponseError
from akile_core.response import parse_completion, parse_usage, reasoning_of, text_of

# llama.cpp tool call (shared/recording-server/README.md, "tool_choice auto"): content is "".
LLAMA_TOOL_CALL = {
    "choices": [
        {
            "finish_reason": "tool_calls",
            "index": 0,
            "message": {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                        "id": "Qnu6Ptcl",
                    }
                ],
            },
        }
    ],
    "model": "qwen2.5-coder-0.5b-instruct",
    "id": "chatcmpl-1",
    "usage": {
        "completion_tokens": 17,
        "prompt_tokens": 190,
        "total_tokens": 207,
        "prompt_tokens_details": {"cached_tokens": 0},
    },
}


def test_tool_call_completion() -> None:
    completion = parse_completion(LLAMA_TOOL_CALL)
    choice = completion.choices[0]
    assert choice.content == "" and choice.finish_reason == "tool_calls"
    assert (
        choice.tool_calls[0].name == "get_weather"
        and choice.tool_calls[0].arguments == '{"city": "Paris"}'
    )
    assert (
        completion.usage is not None
        and completion.usage.cached_tokens == 0
        and completion.usage.total_tokens == 207
    )


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ({"reasoning_content": "think A"}, "think A"),  # DeepSeek
        ({"reasoning": "think B"}, "think B"),  # OpenRouter / vLLM
        ({"reasoning_content": "same", "reasoning": "same"}, "same"),  # gateways that send both
        ({"reasoning_content": ""}, None),
        ({}, None),
    ],
)
def test_reasoning_of(message: dict[str, str], expected: str | None) -> None:
    assert reasoning_of(message) == expected


@pytest.mark.parametrize(
    ("usage", "cached", "cache_write", "reasoning"),
    [
        (
            {
                "prompt_tokens": 10,
                "completion_tokens": 5,
                "prompt_tokens_details": {"cached_tokens": 4},
                "completion_tokens_details": {"reasoning_tokens": 2},
            },
            4,
            None,
            2,
        ),  # OpenAI
        (
            {
                "prompt_tokens": 10,
                "completion_tokens": 5,
                "prompt_cache_hit_tokens": 6,
                "prompt_cache_miss_tokens": 4,
            },
            6,
            None,
            None,
        ),  # DeepSeek
        (
            {
                "prompt_tokens": 10,
                "completion_tokens": 5,
                "cache_read_input_tokens": 3,
                "cache_creation_input_tokens": 7,
            },
            3,
            7,
            None,
        ),  # Anthropic-style
    ],
)
def test_usage_details(
    usage: dict[str, object], cached: int | None, cache_write: int | None, reasoning: int | None
) -> None:
    parsed = parse_usage(usage)
    assert (parsed.cached_tokens, parsed.cache_write_tokens, parsed.reasoning_tokens) == (
        cached,
        cache_write,
        reasoning,
    )
    assert parsed.total_tokens == 15  # computed when the server leaves it out


def test_content_parts_are_joined() -> None:
    assert (
        text_of(
            [{"type": "text", "text": "a"}, {"type": "image_url"}, {"type": "text", "text": "b"}]
        )
        == "ab"
    )
    assert text_of(None) == ""


@pytest.mark.parametrize(
    "body", [{"choices": []}, {"object": "chat.completion"}, "<html>proxy</html>", None]
)
def test_unusable_200_raises(body: object) -> None:
    with pytest.raises(AkileResponseError):
        parse_completion(body)
