"""``AkileEmbeddings``: the AK AI Gateway's ``/v1/embeddings`` as LangChain ``Embeddings``."""

from __future__ import annotations

from typing import Any

from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator
from typing_extensions import Self

from akile_core import Gateway
from akile_core.config import construct_checked
from akile_core.connection import connect, fields_of
from akile_core.embeddings import DEFAULT_BATCH_SIZE, EmbeddingOptions, EncodingFormat
from langchain_akile._fields import ApiKey, BaseUrl, HttpAsyncClient, HttpClient, Proxy
from langchain_akile.errors import LANGCHAIN_ERRORS


class AkileEmbeddings(BaseModel, Embeddings):
    """Embedding model for the AK AI Gateway, on the same settings and pool as ``ChatAkile``.

    Texts are sent in batches (by count and by size), concurrently in the async methods, and
    the vectors come back in input order. Empty or over-long texts are refused before sending.

    Example:
        ```python
        from langchain_akile import AkileEmbeddings

        embeddings = AkileEmbeddings(model="text-embedding-3-small")  # key from AKILE_API_KEY
        vectors = embeddings.embed_documents(["网关", "gateway"])
        query = embeddings.embed_query("What does the gateway serve?")
        ```
    """

    model_config = ConfigDict(populate_by_name=True, protected_namespaces=())

    model: str = Field(alias="model_name")
    """An embedding model listed on the gateway console's channel (渠道) page."""
    api_key: ApiKey
    """Gateway key (``AK-...``); defaults to ``AKILE_API_KEY``."""
    base_url: BaseUrl
    """API root; defaults to ``AKILE_BASE_URL``, else ``https://aigateway.akile.ai/v1``."""
    dimensions: int | None = None
    """Vector size, for models that can shorten their vectors; not sent unless set."""
    encoding_format: EncodingFormat = "base64"
    """How vectors travel: ``base64`` (a quarter of the JSON, decoded at C speed) or ``float``."""
    chunk_size: int = DEFAULT_BATCH_SIZE
    """Texts per request (LangChain's name for the batch size)."""
    timeout: float | None = Field(default=None, alias="request_timeout")
    """Seconds before a request times out."""
    max_retries: int | None = None
    """Retries of 408/409/429/5xx in the openai client (default 2)."""
    default_headers: dict[str, str] | None = None
    """Headers sent with every request."""
    client: Any = Field(default=None, exclude=True)
    """A prebuilt ``openai.OpenAI`` to use instead of the shared one."""
    async_client: Any = Field(default=None, exclude=True)
    """A prebuilt ``openai.AsyncOpenAI`` to use instead of the shared one."""
    proxy: Proxy
    """A proxy for every request; default ``HTTPS_PROXY`` (``openai_proxy=`` too)."""
    http_client: HttpClient
    """Your own ``httpx.Client`` for sync calls."""
    http_async_client: HttpAsyncClient
    """Your own ``httpx.AsyncClient`` for async calls."""

    _gateway: Gateway = PrivateAttr()
    _options: EmbeddingOptions = PrivateAttr()

    def __init__(self, **kwargs: Any) -> None:
        construct_checked(super().__init__, type(self), kwargs)

    @model_validator(mode="after")
    def _connect(self) -> Self:
        self._options = EmbeddingOptions(
            model=self.model,
            dimensions=self.dimensions,
            encoding_format=self.encoding_format,
            batch_size=self.chunk_size,
        )
        self._gateway = connect(
            fields_of(self),
            error_classes=LANGCHAIN_ERRORS,
        )
        return self

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed a list of texts; one vector per text, in order."""
        return self._gateway.embed(texts, self._options)

    def embed_query(self, text: str) -> list[float]:
        """Embed one text."""
        return self._gateway.embed([text], self._options)[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """Async :meth:`embed_documents`; batches go out concurrently."""
        return await self._gateway.aembed(texts, self._options)

    async def aembed_query(self, text: str) -> list[float]:
        """Async :meth:`embed_query`."""
        return (await self._gateway.aembed([text], self._options))[0]
