"""LangChain's standard integration suite for ChatAkile, replayed from recorded cassettes.

Capability flags describe the model the cassettes were recorded with (the local recording
server's Qwen2.5 0.5B, text only, no vision projector): tools, tool choice, structured output
and JSON mode are real; image inputs are not, so those tests are declared unsupported.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_tests.integration_tests import ChatModelIntegrationTests

from langchain_akile import ChatAkile
from tests.conftest import TEST_MODEL_OVERRIDE, model_params

pytestmark = pytest.mark.vcr


class TestChatAkileStandardIntegration(ChatModelIntegrationTests):
    @property
    def chat_model_class(self) -> type[ChatAkile]:
        return ChatAkile

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return model_params(max_tokens=256)

    @property
    def has_tool_calling(self) -> bool:
        return True

    @property
    def has_tool_choice(self) -> bool:
        return True

    @property
    def has_structured_output(self) -> bool:
        return True

    @property
    def supports_json_mode(self) -> bool:
        return True

    @property
    def returns_usage_metadata(self) -> bool:
        return True

    @property
    def supports_image_inputs(self) -> bool:
        return False

    @property
    def enable_vcr_tests(self) -> bool:
        return True

    @property
    def model_override_value(self) -> str:
        return TEST_MODEL_OVERRIDE


class TestChatAkileMessagesIntegration(TestChatAkileStandardIntegration):
    """The same suite over Claude's native wire (``endpoint="messages"``), recorded from the
    recording server's ``POST /v1/messages`` (llama.cpp answers in Anthropic's format).

    llama.cpp ignores ``output_config.format`` (checked: a schema is answered with prose), so
    structured output is asked for with a tool here, as a Claude model without native
    structured output would be; Anthropic-format input blocks are this wire's own.
    """

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return model_params(max_tokens=256, endpoint="messages")

    @property
    def structured_output_kwargs(self) -> dict[str, Any]:
        return {"method": "function_calling"}

    @property
    def supports_anthropic_inputs(self) -> bool:
        return True

    @property
    def supports_json_mode(self) -> bool:
        return (
            False  # Anthropic's Messages API has none (json_object goes as a tool, with a warning)
        )
