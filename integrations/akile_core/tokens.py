"""Offline token estimates for chat-completions messages, safe for Chinese text.

No tokenizer is downloaded or imported: tiktoken fetches its BPE files on first use (which fails
offline) and covers only OpenAI's models, and LangChain's fallback needs ``transformers``. The
estimate errs high rather than low, because it decides when to trim or summarise a history:

- text: every multi-byte character (CJK, which Chinese-trained tokenizers split at about 1.3-1.6
  characters per token, and Claude's and cl100k at about 1) counts as a whole token, and the
  rest as ``1 / chars_per_token`` (4 by default; 3.3 for Claude, LangChain's own measure). Plain
  characters / 4 under-counts Chinese 3-4x (measured in shared/reference/model-profiles.md, 4.3);
- a message costs 3 tokens plus its role and name, as OpenAI's own count does;
- an image, audio clip or file costs a fixed amount, never its base64 length;
- tool calls count their name and arguments, tools their JSON schema.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

DEFAULT_CHARS_PER_TOKEN = 4.0
CLAUDE_CHARS_PER_TOKEN = 3.3
PER_MESSAGE = 3
PRIMING = 3
# One high-detail 1024x1024 image is 765 tokens for OpenAI and about 1,600 for Claude; one
# figure for every family keeps the estimate simple and on the high side of most.
IMAGE_TOKENS = 1_000
AUDIO_OR_FILE_TOKENS = 1_500


def chars_per_token_for(model: str | None) -> float:
    """The characters-per-token ratio for a model's family (``profiles.family_of``)."""
    # The model table loads on first use, not when the adapters import this module.
    from akile_core.profiles import family_of

    if model and family_of(model) == "claude":
        return CLAUDE_CHARS_PER_TOKEN
    return DEFAULT_CHARS_PER_TOKEN


def estimate_text_tokens(text: str, chars_per_token: float = DEFAULT_CHARS_PER_TOKEN) -> int:
    """Tokens in ``text``: multi-byte characters count one each, the rest by the ratio."""
    if not text:
        return 0
    characters = len(text)
    # UTF-8 spends 2-4 bytes on a non-ASCII character, so this counts them at C speed without
    # a regex (0.2 ms for 150,000 characters); 3-byte CJK characters count as one each.
    wide = (len(text.encode("utf-8")) - characters) / 2
    return math.ceil(wide + (characters - wide) / chars_per_token)


def estimate_message_tokens(
    messages: Sequence[Mapping[str, Any]],
    tools: Sequence[Mapping[str, Any]] | None = None,
    chars_per_token: float = DEFAULT_CHARS_PER_TOKEN,
) -> int:
    """Tokens a chat-completions request's messages (and tools) take, estimated offline."""
    total = PRIMING
    for message in messages:
        total += PER_MESSAGE + estimate_text_tokens(str(message.get("role", "")), chars_per_token)
        for key in ("name", "tool_call_id", "reasoning_content"):
            value = message.get(key)
            if isinstance(value, str):
                total += estimate_text_tokens(value, chars_per_token)
        total += _content_tokens(message.get("content"), chars_per_token)
        for call in message.get("tool_calls") or ():
            function = call.get("function") or {}
            total += PER_MESSAGE + estimate_text_tokens(
                str(function.get("name", "")) + str(function.get("arguments", "")),
                chars_per_token,
            )
    if tools:
        total += estimate_text_tokens(json.dumps(list(tools), ensure_ascii=False), chars_per_token)
    return total


def _content_tokens(content: object, chars_per_token: float) -> int:
    if isinstance(content, str):
        return estimate_text_tokens(content, chars_per_token)
    if not isinstance(content, list):
        return 0
    total = 0
    for part in content:
        kind = part.get("type") if isinstance(part, Mapping) else None
        if kind == "text":
            total += estimate_text_tokens(str(part.get("text", "")), chars_per_token)
        elif kind == "image_url":
            total += IMAGE_TOKENS
        elif kind in ("input_audio", "file"):
            total += AUDIO_OR_FILE_TOKENS
    return total
