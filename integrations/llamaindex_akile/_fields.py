"""Connection fields both LlamaIndex classes of this package declare, defined once."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

Proxy = Annotated[
    str | None,
    Field(
        default=None,
        exclude=True,
        repr=False,  # its URL may hold a password
        description="A proxy for every request (http://host:3128, socks5://...); default: "
        "HTTPS_PROXY.",
    ),
]
HttpClient = Annotated[
    Any,
    Field(
        default=None,
        exclude=True,
        repr=False,
        description="Your own httpx.Client for sync calls (custom CA, mTLS, transport).",
    ),
]
HttpAsyncClient = Annotated[
    Any,
    Field(
        default=None,
        exclude=True,
        repr=False,
        description="Your own httpx.AsyncClient for async calls (async_http_client= too).",
    ),
]
