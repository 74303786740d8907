"""LangChain flavours of the core errors: each is also the matching ``langchain_core`` error.

So ``except openai.RateLimitError``, ``except akile_core.RateLimitError`` and
``except langchain_core.exceptions.ModelRateLimitError`` all catch a rate limit from ChatAkile.
"""

from __future__ import annotations

from langchain_core.exceptions import (
    ContextOverflowError as LCContextOverflowError,
)
from langchain_core.exceptions import (
    ModelAPIError,
    ModelAuthenticationError,
    ModelConnectionError,
    ModelInvalidRequestError,
    ModelPermissionDeniedError,
    ModelRateLimitError,
    ModelTimeoutError,
    OutputParserException,
)
from langchain_core.exceptions import (
    ModelNotFoundError as LCModelNotFoundError,
)

import akile_core.errors as core
from akile_core.errors import ErrorClasses

__all__ = [
    "LANGCHAIN_ERRORS",
    "AkileConnectionError",
    "AkileTimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ContextOverflowError",
    "ModelNotFoundError",
    "NotFoundError",
    "PermissionDeniedError",
    "QuotaExceededError",
    "RateLimitError",
    "ServerError",
    "ToolNotCalledError",
    "UnsupportedParameterError",
]


class BadRequestError(core.BadRequestError, ModelInvalidRequestError):
    """400/422 from the gateway; also a ``ModelInvalidRequestError``."""


class ContextOverflowError(core.ContextOverflowError, BadRequestError, LCContextOverflowError):
    """The prompt does not fit; also LangChain's ``ContextOverflowError``."""


class UnsupportedParameterError(core.UnsupportedParameterError, BadRequestError):
    """A parameter the model's channel rejects; also a ``ModelInvalidRequestError``."""


class AuthenticationError(core.AuthenticationError, ModelAuthenticationError):
    """401; also a ``ModelAuthenticationError``."""


class PermissionDeniedError(core.PermissionDeniedError, ModelPermissionDeniedError):
    """403; also a ``ModelPermissionDeniedError``."""


class QuotaExceededError(core.QuotaExceededError, PermissionDeniedError):
    """Out of quota; also a ``ModelPermissionDeniedError`` (not retryable)."""


class NotFoundError(core.NotFoundError, LCModelNotFoundError):
    """404; also LangChain's ``ModelNotFoundError``."""


class ModelNotFoundError(core.ModelNotFoundError, NotFoundError):
    """No channel serves the model; also LangChain's ``ModelNotFoundError``."""


class RateLimitError(core.RateLimitError, ModelRateLimitError):
    """429; also a ``ModelRateLimitError``."""


class ServerError(core.ServerError, ModelAPIError):
    """5xx; also a ``ModelAPIError``."""


class AkileConnectionError(core.AkileConnectionError, ModelConnectionError):
    """Network failure; also a ``ModelConnectionError``."""


class AkileTimeoutError(core.AkileTimeoutError, AkileConnectionError, ModelTimeoutError):
    """Timed out; also a ``ModelTimeoutError``."""


class ToolNotCalledError(core.ToolNotCalledError, OutputParserException):
    """A required tool call did not come; also LangChain's ``OutputParserException``."""


LANGCHAIN_ERRORS: ErrorClasses = {
    core.ToolNotCalledError: ToolNotCalledError,
    core.BadRequestError: BadRequestError,
    core.ContextOverflowError: ContextOverflowError,
    core.UnsupportedParameterError: UnsupportedParameterError,
    core.AuthenticationError: AuthenticationError,
    core.PermissionDeniedError: PermissionDeniedError,
    core.QuotaExceededError: QuotaExceededError,
    core.NotFoundError: NotFoundError,
    core.ModelNotFoundError: ModelNotFoundError,
    core.RateLimitError: RateLimitError,
    core.ServerError: ServerError,
    core.AkileConnectionError: AkileConnectionError,
    core.AkileTimeoutError: AkileTimeoutError,
}
"""Core error class -> its LangChain subclass; handed to the core's error mapping."""
