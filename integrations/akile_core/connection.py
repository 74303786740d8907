"""Building a :class:`~akile_core.gateway.Gateway` from an adapter's connection fields.

Every adapter class (``ChatAkile``, ``AkileEmbeddings``, ``Akile``, ``AkileEmbedding``) holds the
same connection fields; each returns them as a :class:`ConnectionFields`, whose fields are all
required, so a field an adapter forgets is a type error rather than a silent ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, TypedDict

import openai
from pydantic import SecretStr

from akile_core.client import client_over
from akile_core.config import AkileSettings
from akile_core.errors import AkileConfigError, ErrorClasses
from akile_core.gateway import Gateway
from akile_core.policy import RequestPolicy
from akile_core.wires import check_endpoint, default_endpoint


class ConnectionFields(TypedDict):
    """The connection settings an adapter was given, as given (checked by :func:`connect`).

    A ``TypedDict``: every key is required, so mypy refuses an adapter that leaves one out, and
    it costs nothing at import or per construction.
    """

    api_key: SecretStr | str | None
    base_url: str | None
    timeout: float | None
    max_retries: int | None
    default_headers: Mapping[str, str] | None
    default_query: Mapping[str, object] | None
    client: object
    async_client: object
    proxy: str | None
    http_client: object
    http_async_client: object


class ConnectionHolder(Protocol):
    """What an adapter class declares for its connection (read-only here).

    Structural: mypy checks each adapter class against it where :func:`fields_of` is called, so
    a field an adapter lacks or types differently is a type error, not a silent ``None``.
    """

    @property
    def api_key(self) -> SecretStr | str | None: ...  # noqa: D102
    @property
    def base_url(self) -> str | None: ...  # noqa: D102
    @property
    def timeout(self) -> float | None: ...  # noqa: D102
    @property
    def max_retries(self) -> int | None: ...  # noqa: D102
    @property
    def default_headers(self) -> Mapping[str, str] | None: ...  # noqa: D102
    @property
    def client(self) -> object: ...  # noqa: D102
    @property
    def async_client(self) -> object: ...  # noqa: D102
    @property
    def proxy(self) -> str | None: ...  # noqa: D102
    @property
    def http_client(self) -> object: ...  # noqa: D102
    @property
    def http_async_client(self) -> object: ...  # noqa: D102


def fields_of(
    model: ConnectionHolder, *, default_query: Mapping[str, object] | None = None
) -> ConnectionFields:
    """The connection fields an adapter holds (``default_query``: only ChatAkile has one)."""
    return ConnectionFields(
        api_key=model.api_key,
        base_url=model.base_url,
        timeout=model.timeout,
        max_retries=model.max_retries,
        default_headers=model.default_headers,
        default_query=default_query,
        client=model.client,
        async_client=model.async_client,
        proxy=model.proxy,
        http_client=model.http_client,
        http_async_client=model.http_async_client,
    )


def connect(
    fields: ConnectionFields,
    *,
    error_classes: ErrorClasses | None = None,
    drop_unsupported_params: bool = False,
    discover_families: bool = False,
    endpoint: str | None = None,
) -> Gateway:
    """Build the gateway for an adapter's fields, checking them first.

    With only prebuilt clients and no key, their own configuration applies and no settings
    are resolved (so no ``AKILE_API_KEY`` is required).
    """
    client, async_client = fields["client"], fields["async_client"]
    _check_one_way(fields)
    if client is not None and not isinstance(client, openai.OpenAI):
        raise AkileConfigError(
            f"client must be an openai.OpenAI instance, got {type(client).__name__}."
        )
    if async_client is not None and not isinstance(async_client, openai.AsyncOpenAI):
        raise AkileConfigError(
            f"async_client must be an openai.AsyncOpenAI instance, got "
            f"{type(async_client).__name__}."
        )
    settings = None
    if (client is None and async_client is None) or fields["api_key"] is not None:
        settings = AkileSettings.resolve(
            api_key=fields["api_key"],
            base_url=fields["base_url"],
            timeout=fields["timeout"],
            max_retries=fields["max_retries"],
            default_headers=fields["default_headers"],
            default_query=fields["default_query"],
            proxy=fields["proxy"],
        )
    if settings is not None and fields["http_client"] is not None:
        client = client_over(settings, fields["http_client"], sync=True)
    if settings is not None and fields["http_async_client"] is not None:
        async_client = client_over(settings, fields["http_async_client"], sync=False)
    return Gateway(
        settings,
        client=client,
        async_client=async_client,
        error_classes=error_classes,
        policy=RequestPolicy(drop_unsupported_params=drop_unsupported_params),
        discover_families=discover_families,
        endpoint=check_endpoint(endpoint or default_endpoint()),
    )


def _check_one_way(fields: ConnectionFields) -> None:
    """Refuse two ways of saying how to connect that could disagree."""
    own_http = fields["http_client"] is not None or fields["http_async_client"] is not None
    if own_http and (fields["client"] is not None or fields["async_client"] is not None):
        raise AkileConfigError(
            "pass either prebuilt openai clients (client=, async_client=) or HTTP clients "
            "(http_client=, http_async_client=), not both: a prebuilt client has its own."
        )
    if own_http and fields["proxy"] is not None:
        raise AkileConfigError(
            "proxy= applies to the shared connection pool; with http_client= or "
            "http_async_client=, set the proxy on that client "
            "(openai.DefaultHttpxClient(proxy=...))."
        )
