"""Connection settings for the AK AI Gateway, resolved in one place.

Precedence, for every setting: explicit argument > ``AKILE_*`` environment variable > default.
Everything here is checked before the first request, so a typo fails at construction with a
message that says what to change, instead of as an HTTP error later.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pydantic import SecretStr, ValidationError

from akile_core.arguments import declared_names, read_arguments
from akile_core.errors import AkileConfigError

DEFAULT_BASE_URL = "https://aigateway.akile.ai/v1"
API_KEY_ENV = "AKILE_API_KEY"
BASE_URL_ENV = "AKILE_BASE_URL"
TRACK_COST_ENV = "AKILE_TRACK_COST"
GROUP_ENV = "AKILE_GROUP"
DEFAULT_GROUP = "default"
DEFAULT_MAX_RETRIES = 2
GATEWAY_HOST = "aigateway.akile.ai"

# Endpoint suffixes people paste by mistake: the SDK appends these itself, so a base URL that
# already ends in one would request ".../chat/completions/chat/completions" and get a 404.
_ENDPOINT_SUFFIXES = ("/chat/completions", "/completions", "/chat", "/models", "/embeddings")


@dataclass(frozen=True)
class AkileSettings:
    """Resolved, validated connection settings; hashable, so equal settings share one client."""

    api_key: SecretStr = field(repr=False)
    base_url: str = DEFAULT_BASE_URL
    timeout: float | None = None
    max_retries: int = DEFAULT_MAX_RETRIES
    default_headers: tuple[tuple[str, str], ...] = ()
    default_query: tuple[tuple[str, str], ...] = ()
    proxy: str | None = field(default=None, repr=False)  # its URL may hold a password
    """A proxy for every request (``http://``, ``https://``, ``socks5://``); ``None``: the
    environment's (``HTTPS_PROXY`` / ``NO_PROXY``)."""

    @classmethod
    def resolve(
        cls,
        *,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        proxy: str | None = None,
    ) -> AkileSettings:
        """Build settings from arguments, then ``AKILE_*`` variables, then defaults."""
        return cls(
            api_key=resolve_api_key(api_key),
            base_url=resolve_base_url(base_url),
            timeout=_check_timeout(timeout),
            max_retries=_check_max_retries(max_retries),
            default_headers=tuple(sorted((default_headers or {}).items())),
            default_query=tuple(sorted((k, str(v)) for k, v in (default_query or {}).items())),
            proxy=_check_proxy(proxy),
        )


def resolve_api_key(api_key: str | SecretStr | None) -> SecretStr:
    """Return the key from the argument or ``AKILE_API_KEY``; raise if neither has one."""
    raw = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
    if raw is None:
        raw = os.environ.get(API_KEY_ENV)
    if raw is None or not raw.strip():
        where = "was empty" if raw is not None else "was not found"
        raise AkileConfigError(
            f"The AK AI Gateway API key {where}: set the {API_KEY_ENV} environment variable "
            "or pass api_key='AK-...' (create a key in the gateway console)."
        )
    if raw != raw.strip():
        # A pasted key with a trailing newline gives a confusing 401 later; say it now.
        raise AkileConfigError(
            "The API key has leading or trailing whitespace; remove it from "
            f"{API_KEY_ENV} or api_key=."
        )
    return SecretStr(raw)


def resolve_base_url(base_url: str | None) -> str:
    """Return the base URL from the argument, ``AKILE_BASE_URL`` or the default, validated."""
    url = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    return validate_base_url(url)


def validate_base_url(url: str) -> str:
    """Check that ``url`` is an http(s) URL of an API root; return it without a trailing slash."""
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise AkileConfigError(
            f"base_url {url!r} is not an http(s) URL: use the full API root, "
            f"for example {DEFAULT_BASE_URL!r} (set it with base_url= or {BASE_URL_ENV})."
        )
    for suffix in _ENDPOINT_SUFFIXES:
        if parts.path.endswith(suffix):
            root = url[: -len(suffix)]
            raise AkileConfigError(
                f"base_url {url!r} ends with the endpoint path {suffix!r}; the client adds that "
                f"itself. Use the API root instead: {root!r}."
            )
    if parts.hostname == GATEWAY_HOST and parts.path != "/v1":
        raise AkileConfigError(
            f"base_url {url!r}: the AK AI Gateway serves its API under /v1; "
            f"use {DEFAULT_BASE_URL!r}."
        )
    return url


def _check_timeout(timeout: float | None) -> float | None:
    if timeout is not None and not timeout > 0:
        raise AkileConfigError(f"timeout must be a positive number of seconds, got {timeout!r}.")
    return timeout


_PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


def _check_proxy(proxy: str | None) -> str | None:
    if proxy is None:
        return None
    parts = urlsplit(proxy.strip()) if isinstance(proxy, str) else None
    if parts is None or parts.scheme not in _PROXY_SCHEMES or not parts.hostname:
        shown = f"{parts.scheme}://{parts.hostname}" if parts and parts.hostname else "the value"
        raise AkileConfigError(
            f"proxy must be a URL such as 'http://proxy.example:3128' (schemes: "
            f"{', '.join(_PROXY_SCHEMES)}); {shown} is not one."
        )
    return proxy.strip()


def _check_max_retries(max_retries: int | None) -> int:
    if max_retries is None:
        return DEFAULT_MAX_RETRIES
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise AkileConfigError(f"max_retries must be an integer >= 0, got {max_retries!r}.")
    return max_retries


def construct_checked(
    init: Callable[..., None],
    model_class: type[Any],
    arguments: dict[str, Any],
    *,
    body_field: str | None = None,
    also_known: Collection[str] = (),
) -> None:
    """Run a pydantic ``__init__`` after checking its arguments; every problem is ours to say.

    Arguments pass through :func:`akile_core.arguments.read_arguments` first (other
    integrations' names for the key and URL taken, unknown ones refused: pydantic would ignore
    them). A ``ValidationError`` becomes our ``AkileConfigError``: pydantic's text quotes the
    input (``input_value={'api_key': 'AK-12...``), so the first characters of a key passed as
    an argument would show in every constructor error; ours names the argument and the fix
    only. The new error is raised outside the ``except`` block so that not even
    ``__context__`` keeps pydantic's.
    """
    owner = model_class.__name__
    try:
        known = declared_names(model_class.model_fields) | frozenset(also_known)
        init(**read_arguments(arguments, known, body_field))
        return
    except AkileConfigError as exc:
        error = AkileConfigError(f"{owner}: {exc}")
    except ValidationError as exc:
        error = config_error_from(exc, owner)
    raise error


def config_error_from(exc: ValidationError, owner: str) -> AkileConfigError:
    """Our message for each problem pydantic found, without the input it was given."""
    problems: list[str] = []
    for problem in exc.errors(include_url=False, include_input=False):
        original = (problem.get("ctx") or {}).get("error")
        if isinstance(original, BaseException):
            problems.append(str(original))  # our own validators' words
        else:
            where = ".".join(str(part) for part in problem["loc"])
            problems.append(f"{where}: {problem['msg']}." if where else f"{problem['msg']}.")
    return AkileConfigError(f"{owner}: {' '.join(problems)}")


def track_cost_default() -> bool:
    """``AKILE_TRACK_COST`` as a switch (``1``, ``true``, ``yes``, ``on``): off unless set."""
    return os.environ.get(TRACK_COST_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def default_group() -> str:
    """The key's group (分组) for prices: ``AKILE_GROUP``, else ``default``."""
    return os.environ.get(GROUP_ENV, "").strip() or DEFAULT_GROUP
