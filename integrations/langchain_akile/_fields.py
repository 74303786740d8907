"""Connection fields every LangChain class of this package declares, defined once.

Each resolves argument > ``AKILE_*`` environment variable > default, the way LangChain's
partner packages do (``secret_from_env`` / ``from_env``); the core validates them on connect.
"""

from __future__ import annotations

from typing import Annotated, Any

from langchain_core.utils import from_env, secret_from_env
from pydantic import Field, SecretStr

from akile_core import API_KEY_ENV, BASE_URL_ENV

ApiKey = Annotated[
    SecretStr | None,
    Field(default_factory=secret_from_env(API_KEY_ENV, default=None), alias="akile_api_key"),
]
"""Gateway key (``AK-...``); defaults to ``AKILE_API_KEY``."""

BaseUrl = Annotated[
    str | None,
    Field(default_factory=from_env(BASE_URL_ENV, default=None), alias="akile_base_url"),
]
"""API root; defaults to ``AKILE_BASE_URL``, else ``https://aigateway.akile.ai/v1``."""

Proxy = Annotated[str | None, Field(default=None, repr=False)]
"""A proxy for every request (``http://host:3128``, ``socks5://...``); default: the
environment's ``HTTPS_PROXY``. ``openai_proxy=`` (ChatOpenAI's name) is taken as this. Not in
``repr``: its URL may hold a password."""

HttpClient = Annotated[Any, Field(default=None, exclude=True)]
"""Your own ``httpx.Client`` for sync calls (a custom CA, mTLS, transport); the key, URL and
retry rules stay ours. Its connections are its own, not the shared pool's."""

HttpAsyncClient = Annotated[Any, Field(default=None, exclude=True)]
"""Your own ``httpx.AsyncClient`` for async calls (as ``http_client``)."""
