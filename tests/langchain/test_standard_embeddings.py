"""LangChain's standard embeddings suites for AkileEmbeddings; the integration suite replayed."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_tests.integration_tests import EmbeddingsIntegrationTests
from langchain_tests.unit_tests import EmbeddingsUnitTests

from langchain_akile import AkileEmbeddings
from tests.conftest import embedding_params


class TestAkileEmbeddingsStandardUnit(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[AkileEmbeddings]:
        return AkileEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"model": "text-embedding-3-small", "api_key": "AK-test"}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return (
            {"AKILE_API_KEY": "AK-from-env", "AKILE_BASE_URL": "https://example.com/v1"},
            {"model": "text-embedding-3-small"},
            {"api_key": "AK-from-env", "base_url": "https://example.com/v1"},
        )


@pytest.mark.vcr
@pytest.mark.embeddings
class TestAkileEmbeddingsStandardIntegration(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[AkileEmbeddings]:
        return AkileEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return embedding_params()
