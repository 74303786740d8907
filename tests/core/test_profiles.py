"""Model profiles: lookup order, name normalisation, user overrides."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from akile_core import register_model_profile
from akile_core.profiles import clear_registered_profiles, resolve


@pytest.fixture(autouse=True)
def clean_registry() -> Iterator[None]:
    clear_registered_profiles()
    yield
    clear_registered_profiles()


@pytest.mark.parametrize(
    ("name", "how", "key", "context", "max_input", "output"),
    [
        ("claude-opus-4-8", "exact", "claude-opus-4-8", 1_000_000, 1_000_000, 128_000),
        ("anthropic/claude-opus-4.8", "alias", "claude-opus-4-8", 1_000_000, 1_000_000, 128_000),
        ("claude-opus-4-8-20260528", "alias", "claude-opus-4-8", 1_000_000, 1_000_000, 128_000),
        ("claude-sonnet-4-5-thinking", "alias", "claude-sonnet-4-5", 200_000, 200_000, 64_000),
        ("gpt-5", "exact", "gpt-5", 400_000, 272_000, 128_000),
        ("gpt-4o-2024-08-06", "alias", "gpt-4o", 128_000, 128_000, 16_384),
        ("qwen-max", "exact", "qwen-max", 32_768, 32_768, 8_192),
        ("x-ai/grok-4", "alias", "grok-4", 256_000, 256_000, 64_000),
        ("z-ai/glm-4.6", "alias", "glm-4.6", 204_800, 204_800, 131_072),
        ("deepseek-v4-flash:free", "alias", "deepseek-v4-flash", 1_000_000, 1_000_000, 384_000),
        ("claude-fable-9", "family", "claude-fable-9", 200_000, 200_000, 32_000),
    ],
)
def test_lookup(name: str, how: str, key: str, context: int, max_input: int, output: int) -> None:
    resolved = resolve(name)
    assert resolved.how == how and resolved.spec is not None and resolved.spec.id == key
    spec = resolved.spec
    assert (spec.context_window, spec.max_input_tokens, spec.max_output_tokens) == (
        context,
        max_input,
        output,
    )


def test_family_facts_that_drive_requests() -> None:
    claude = resolve("claude-opus-4-8").spec
    assert claude is not None and claude.structured_output == "function_calling"
    assert claude.temperature is False and "max" in claude.reasoning_efforts
    assert claude.inputs == {"text", "image", "pdf"}
    gemini = resolve("gemini-2.5-pro").spec
    assert gemini is not None and gemini.structured_output == "json_schema"


def test_unknown_names_stay_unknown() -> None:
    assert resolve("my-finetune").spec is None and resolve(None).how is None


def test_user_registry_wins_exact_over_glob() -> None:
    register_model_profile("my-ft-*", context_window=32_000, tool_calling=False)
    register_model_profile("my-ft-large", context_window=64_000)
    small, large = resolve("my-ft-small"), resolve("my-ft-large")
    assert small.how == "user" and small.spec is not None and small.spec.context_window == 32_000
    assert large.spec is not None and large.spec.context_window == 64_000
    assert large.spec.tool_calling is False  # the glob's other facts still apply
    register_model_profile("claude-opus-4-8", max_output_tokens=64_000)
    spec = resolve("claude-opus-4-8").spec
    assert spec is not None and spec.max_output_tokens == 64_000
    assert spec.context_window == 1_000_000  # the rest from the table


def test_unknown_facts_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown model facts"):
        register_model_profile("x", context=1)
