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
