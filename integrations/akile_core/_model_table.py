"""Model facts, one entry per model the gateway's families serve. GENERATED: do not edit.

Rebuilt by ``scripts/refresh_model_profiles.py`` from the hand-kept gateway facts in
``scripts/model-table/augmentations.toml`` over models.dev's ``api.json`` (MIT licence, Copyright
(c) 2025 models.dev; the notice ships beside this module as LICENSE.models-dev): change those,
then rerun the script. An unknown capability is left out, never guessed.

models.dev source: snapshot f3fc692 of 2026-07-02, as transcribed in shared/reference/model-profiles.md 5.10.

Keys: ``ctx`` context window, ``inp`` input limit where it is smaller, ``out`` output limit,
``in`` input modalities (t text, i image, p pdf, a audio, v video), ``so`` the structured-output
method that works through the gateway, ``r`` reasoning effort levels (``()`` for reasoning with
no levels), ``temp`` False where the model takes no temperature.
"""

from __future__ import annotations

from typing import Any

MODELS: dict[str, dict[str, Any]] = {
    # Anthropic (function_calling: new-api drops response_format for claude-* channels)
    "claude-opus-4-8": {"ctx": 1_000_000, "out": 128_000, "in": "tip", "so": "function_calling", "r": ("low", "medium", "high", "xhigh", "max"), "temp": False},
    "claude-opus-4-7": {"ctx": 1_000_000, "out": 128_000, "in": "tip", "so": "function_calling", "r": ("low", "medium", "high", "xhigh", "max"), "temp": False},
    "claude-opus-4-6": {"ctx": 1_000_000, "out": 128_000, "in": "tip", "so": "function_calling", "r": ("low", "medium", "high", "max")},
    "claude-opus-4-5": {"ctx": 200_000, "out": 64_000, "in": "tip", "so": "function_calling", "r": ("low", "medium", "high")},
    "claude-opus-4-1": {"ctx": 200_000, "out": 32_000, "in": "tip", "so": "function_calling", "r": ()},
    "claude-sonnet-5": {"ctx": 1_000_000, "out": 128_000, "in": "tip", "so": "function_calling", "r": ("low", "medium", "high", "xhigh", "max"), "temp": False},
    "claude-sonnet-4-6": {"ctx": 1_000_000, "out": 128_000, "in": "tip", "so": "function_calling", "r": ("low", "medium", "high", "max")},
    "claude-sonnet-4-5": {"ctx": 200_000, "out": 64_000, "in": "tip", "so": "function_calling", "r": ()},
    "claude-sonnet-4-0": {"ctx": 200_000, "out": 64_000, "in": "tip", "so": "function_calling", "r": ()},
    "claude-haiku-4-5": {"ctx": 200_000, "out": 64_000, "in": "tip", "so": "function_calling", "r": ()},
    # OpenAI
    "gpt-4o": {"ctx": 128_000, "out": 16_384, "in": "tip", "so": "json_schema"},
    "gpt-4o-mini": {"ctx": 128_000, "out": 16_384, "in": "tip", "so": "json_schema"},
    "gpt-4.1": {"ctx": 1_047_576, "out": 32_768, "in": "tip", "so": "json_schema"},
    "gpt-5": {"ctx": 400_000, "inp": 272_000, "out": 128_000, "in": "ti", "so": "json_schema", "r": ("minimal", "low", "medium", "high")},
    "gpt-5.1": {"ctx": 400_000, "inp": 272_000, "out": 128_000, "in": "ti", "so": "json_schema", "r": ("none", "low", "medium", "high")},
    "gpt-5.2": {"ctx": 400_000, "inp": 272_000, "out": 128_000, "in": "ti", "so": "json_schema", "r": ("none", "low", "medium", "high", "xhigh")},
    "gpt-5.4": {"ctx": 1_050_000, "inp": 922_000, "out": 128_000, "in": "tip", "so": "json_schema", "r": ("none", "low", "medium", "high", "xhigh")},
    "gpt-5.5": {"ctx": 1_050_000, "inp": 922_000, "out": 128_000, "in": "tip", "so": "json_schema", "r": ("none", "low", "medium", "high", "xhigh")},
    "o3": {"ctx": 200_000, "out": 100_000, "in": "tip", "so": "json_schema", "r": ("low", "medium", "high")},
    "o4-mini": {"ctx": 200_000, "out": 100_000, "in": "ti", "so": "json_schema", "r": ("low", "medium", "high")},
    # Google (json_schema works through new-api when the schema is inlined)
    "gemini-2.5-pro": {"ctx": 1_048_576, "out": 65_536, "in": "tipav", "so": "json_schema", "r": ()},
    "gemini-2.5-flash": {"ctx": 1_048_576, "out": 65_536, "in": "tipav", "so": "json_schema", "r": ()},
    "gemini-3-flash-preview": {"ctx": 1_048_576, "out": 65_536, "in": "tipav", "so": "json_schema", "r": ("minimal", "low", "medium", "high")},
    "gemini-3.1-pro-preview": {"ctx": 1_048_576, "out": 65_536, "in": "tipav", "so": "json_schema", "r": ("low", "medium", "high")},
    "gemini-3.5-flash": {"ctx": 1_048_576, "out": 65_536, "in": "tipav", "so": "json_schema", "r": ("minimal", "low", "medium", "high")},
    # DeepSeek (no json_schema upstream: function_calling)
    "deepseek-v4-flash": {"ctx": 1_000_000, "out": 384_000, "in": "t", "so": "function_calling", "r": ("high", "max")},
    "deepseek-v4-pro": {"ctx": 1_000_000, "out": 384_000, "in": "t", "so": "function_calling", "r": ("high", "max")},
    "deepseek-chat": {"ctx": 1_000_000, "out": 384_000, "in": "t", "so": "function_calling"},
    "deepseek-reasoner": {"ctx": 1_000_000, "out": 384_000, "in": "t", "so": "function_calling", "r": ()},
    # Qwen (Alibaba)
    "qwen3-max": {"ctx": 262_144, "out": 65_536, "in": "t", "so": "json_schema"},
    "qwen-max": {"ctx": 32_768, "out": 8_192, "in": "t", "so": "json_mode"},
    "qwen-plus": {"ctx": 1_000_000, "out": 32_768, "in": "t", "so": "json_schema", "r": ()},
    "qwen3-235b-a22b": {"ctx": 131_072, "out": 16_384, "in": "t", "so": "function_calling", "r": ()},
    "qwen3.6-plus": {"ctx": 1_000_000, "out": 65_536, "in": "tiv", "r": ()},
    # Moonshot
    "kimi-k2.6": {"ctx": 262_144, "out": 262_144, "in": "tiv", "so": "function_calling", "r": ()},
    "kimi-k2.5": {"ctx": 262_144, "out": 262_144, "in": "tiv", "so": "function_calling", "r": (), "temp": False},
    # Z.ai
    "glm-4.5": {"ctx": 131_072, "out": 98_304, "in": "t", "so": "function_calling", "r": ()},
    "glm-4.6": {"ctx": 204_800, "out": 131_072, "in": "t", "so": "function_calling", "r": ()},
    "glm-4.7": {"ctx": 204_800, "out": 131_072, "in": "t", "so": "function_calling", "r": ()},
    "glm-5.1": {"ctx": 200_000, "out": 131_072, "in": "t", "so": "function_calling", "r": ()},
    # xAI
    "grok-4": {"ctx": 256_000, "out": 64_000, "in": "t", "so": "json_schema", "r": ()},
    "grok-4.3": {"ctx": 1_000_000, "out": 30_000, "in": "tip", "so": "json_schema", "r": ("none", "low", "medium", "high")},
}  # fmt: skip

# Conservative defaults for a family's names the table does not list (model-profiles.md, 5.4).
FAMILY_DEFAULTS: tuple[tuple[str, dict[str, Any]], ...] = (
    (r"^claude-", {"ctx": 200_000, "out": 32_000, "so": "function_calling"}),
    (r"^gpt-5", {"ctx": 400_000, "inp": 272_000, "out": 128_000, "so": "json_schema"}),
    (r"^gpt-4\.1", {"ctx": 1_047_576, "out": 32_768, "so": "json_schema"}),
    (r"^gpt-4o", {"ctx": 128_000, "out": 16_384, "so": "json_schema"}),
    (r"^o\d", {"ctx": 200_000, "out": 100_000, "so": "json_schema"}),
    (r"^gemini-", {"ctx": 1_048_576, "out": 65_536, "so": "json_schema"}),
    (r"^deepseek-", {"ctx": 128_000, "out": 8_192, "so": "function_calling"}),
    (r"^qwen", {"ctx": 131_072, "out": 8_192}),
    (r"^kimi-", {"ctx": 131_072, "out": 16_384, "so": "function_calling"}),
    (r"^glm-", {"ctx": 128_000, "out": 16_384, "so": "function_calling"}),
    (r"^grok-", {"ctx": 256_000, "out": 30_000, "so": "json_schema"}),
)
