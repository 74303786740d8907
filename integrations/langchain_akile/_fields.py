"""Connection fields every LangChain class of this package declares, defined once.

Each resolves argument > ``AKILE_*`` environment variable > default, the way LangChain's
partner packages do (``secret_from_env`` / ``from_env``); the core validates them on connect.
"""

from __future__ import annotations

from typing import Annotated

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
