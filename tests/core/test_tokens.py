"""Offline token estimates: CJK-aware, never tokenizer-dependent."""

from __future__ import annotations

import pytest

from akile_core.tokens import (
    IMAGE_TOKENS,
    chars_per_token_for,
    estimate_message_tokens,
    estimate_text_tokens,
)

CHINESE = "网关把许多模型家族放在一个兼容 OpenAI 的端点后面，用户只需要一个密钥。"


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("", 0, 0),
        ("hello world, this is English prose.", 8, 10),  # 35 characters / 4
        # o200k counts this at about 30 tokens and Qwen's tokenizer near 25: the estimate must
        # not fall to characters / 4 (10), which would trim Chinese histories 3x too late.
        (CHINESE, 30, 40),
    ],
)
def test_text_estimates(text: str, low: int, high: int) -> None:
    assert low <= estimate_text_tokens(text) <= high


def test_claude_counts_more_per_character() -> None:
    assert chars_per_token_for("claude-opus-4-8") == 3.3
    assert chars_per_token_for("anthropic/claude-sonnet-4.6") == 3.3
    assert chars_per_token_for("gpt-5") == 4.0
    text = "a" * 330
    assert estimate_text_tokens(text, 3.3) == 100 and estimate_text_tokens(text) == 83


def test_messages_tools_and_images() -> None:
    plain = estimate_message_tokens([{"role": "user", "content": "hi"}])
    assert plain == 3 + 3 + 1 + 1  # priming, per message, role, text
    with_image = estimate_message_tokens(
        [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "hi"},
                    {
                        "type": "image_url",
                        "image_url": {"url": "data:image/png;base64," + "A" * 10**6},
                    },
                ],
            }
        ]
    )
    assert with_image == plain + IMAGE_TOKENS  # a fixed cost, not the base64 length
    call = {
        "role": "assistant",
        "content": None,
        "tool_calls": [{"id": "c1", "function": {"name": "f", "arguments": '{"a": 1}'}}],
    }
    tool = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
    assert estimate_message_tokens([call], [tool]) > estimate_message_tokens([call]) > 6
