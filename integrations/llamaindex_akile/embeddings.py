"""``AkileEmbedding``: the AK AI Gateway's ``/v1/embeddings`` as a LlamaIndex ``BaseEmbedding``."""

from __future__ import annotations

from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding, Embedding
from pydantic import Field, PrivateAttr, SecretStr, model_validator

from akile_core import Gateway
from akile_core.config import construct_checked
from akile_core.connection import connect, fields_of
from akile_core.embeddings import DEFAULT_BATCH_SIZE, EmbeddingOptions, EncodingFormat
from llamaindex_akile._fields import HttpAsyncClient, HttpClient, Proxy


class AkileEmbedding(BaseEmbedding):
    """Embedding model for the AK AI Gateway, on the same settings and pool as ``Akile``.

    With it a ``VectorStoreIndex`` needs nothing but the gateway (LlamaIndex's default embedding
    model is OpenAI's, which needs an OpenAI key and package).

    Example:
        ```python
        from llama_index.core import Settings, VectorStoreIndex
        from llama_index.embeddings.akile import AkileEmbedding
        from llama_index.llms.akile import Akile

        Settings.llm = Akile(model="claude-opus-4-8")
        Settings.embed_model = AkileEmbedding(model="text-embedding-3-small")
        index = VectorStoreIndex.from_documents(documents)
        ```
    """

    model_name: str = Field(
        alias="model", description="An embedding model listed on the console's channel page."
    )
    api_key: SecretStr | None = Field(
        default=None, exclude=True, repr=False, description="Gateway key; AKILE_API_KEY if unset."
    )
    base_url: str | None = Field(
        default=None, description="API root; AKILE_BASE_URL, else https://aigateway.akile.ai/v1."
    )
    dimensions: int | None = Field(default=None, description="Vector size, where supported.")
    encoding_format: EncodingFormat = Field(
        default="base64", description="How vectors travel: base64 (faster) or float."
    )
    timeout: float | None = Field(default=None, description="Request timeout in seconds.")
    max_retries: int | None = Field(
        default=None, description="Retries of 408/409/429/5xx in the openai client (default 2)."
    )
    default_headers: dict[str, str] | None = Field(
        default=None, description="Headers sent with every request."
    )
    client: Any = Field(default=None, exclude=True, repr=False, description="An openai.OpenAI.")
    async_client: Any = Field(
        default=None, exclude=True, repr=False, description="An openai.AsyncOpenAI."
    )
    proxy: Proxy
    http_client: HttpClient
    http_async_client: HttpAsyncClient

    _gateway: Gateway = PrivateAttr()
    _options: EmbeddingOptions = PrivateAttr()

    def __init__(self, **data: Any) -> None:
        data.setdefault("embed_batch_size", DEFAULT_BATCH_SIZE)
        construct_checked(super().__init__, type(self), data, also_known=("class_name",))

    @model_validator(mode="after")
    def _connect(self) -> AkileEmbedding:
        self._options = EmbeddingOptions(
            model=self.model_name,
            dimensions=self.dimensions,
            encoding_format=self.encoding_format,
            batch_size=self.embed_batch_size,
        )
        self._gateway = connect(fields_of(self))
        return self

    @classmethod
    def class_name(cls) -> str:
        """Name used in serialization."""
        return "AkileEmbedding"

    def _get_query_embedding(self, query: str) -> Embedding:
        return self._gateway.embed([query], self._options)[0]

    async def _aget_query_embedding(self, query: str) -> Embedding:
        return (await self._gateway.aembed([query], self._options))[0]

    def _get_text_embedding(self, text: str) -> Embedding:
        return self._gateway.embed([text], self._options)[0]

    async def _aget_text_embedding(self, text: str) -> Embedding:
        return (await self._gateway.aembed([text], self._options))[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        return self._gateway.embed(texts, self._options)

    async def _aget_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        return await self._gateway.aembed(texts, self._options)
