"""Framework-free core shared by ``langchain_akile`` and ``llamaindex_akile``.

Imports only ``openai``, ``pydantic`` and the standard library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from akile_core.config import API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL, AkileSettings
from akile_core.errors import (
    AkileAPIError,
    AkileConfigError,
    AkileConnectionError,
    AkileError,
    AkileResponseError,
    AkileTimeoutError,
    AuthenticationError,
    BadRequestError,
    ContextOverflowError,
    ModelNotFoundError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
    ToolNotCalledError,
    UnsupportedParameterError,
)
from akile_core.gateway import Gateway
from akile_core.policy import ParameterDroppedWarning
from akile_core.response import Choice, Completion, ToolCall, Usage
from akile_core.stream import Delta, StreamState, ToolCallFragment

if TYPE_CHECKING:
    from akile_core.profiles import ModelSpec, register_model_profile

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "AkileAPIError",
    "AkileConfigError",
    "AkileConnectionError",
    "AkileError",
    "AkileResponseError",
    "AkileSettings",
    "AkileTimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "Choice",
    "Completion",
    "ContextOverflowError",
    "Delta",
    "Gateway",
    "ModelNotFoundError",
    "ModelSpec",
    "NotFoundError",
    "ParameterDroppedWarning",
    "PermissionDeniedError",
    "QuotaExceededError",
    "RateLimitError",
    "ServerError",
    "StreamState",
    "ToolCall",
    "ToolCallFragment",
    "ToolNotCalledError",
    "UnsupportedParameterError",
    "Usage",
    "alist_models",
    "list_models",
    "register_model_profile",
]


def __getattr__(name: str) -> object:
    # The model table loads on first use (PEP 562), keeping `import akile_core` cheap.
    if name in ("ModelSpec", "register_model_profile"):
        from akile_core import profiles

        return getattr(profiles, name)
    raise AttributeError(f"module 'akile_core' has no attribute {name!r}")


def list_models(api_key: str | None = None, base_url: str | None = None) -> list[str]:
    """List the model names this key may use (``GET /v1/models``), sorted.

    The same names appear on the gateway console's channel (渠道) page.
    """
    settings = AkileSettings.resolve(api_key=api_key, base_url=base_url)
    return Gateway(settings).list_models()


async def alist_models(api_key: str | None = None, base_url: str | None = None) -> list[str]:
    """Async :func:`list_models`."""
    settings = AkileSettings.resolve(api_key=api_key, base_url=base_url)
    return await Gateway(settings).alist_models()
