"""Errors raised by the AK AI Gateway integrations: what users catch, each class with its hint.

```text
AkileError
├── AkileConfigError (ValueError)                    bad settings or input; raised before any request
├── AkileAPIError (openai.APIStatusError)            the gateway answered with an error
│   ├── BadRequestError (openai.BadRequestError)     400, 413, 422 and other 4xx
│   │   ├── ContextOverflowError                     the prompt does not fit the model's context
│   │   └── UnsupportedParameterError                the model's channel rejects a parameter
│   ├── AuthenticationError (openai.AuthenticationError)       401
│   ├── PermissionDeniedError (openai.PermissionDeniedError)   403
│   │   └── QuotaExceededError                       key or account out of quota (any status)
│   ├── NotFoundError (openai.NotFoundError)         404
│   │   └── ModelNotFoundError                       no channel serves the model (404, or 503 "no available channel")
│   ├── RateLimitError (openai.RateLimitError)       429
│   └── ServerError (openai.InternalServerError)     >= 500, and error events without a status
├── AkileConnectionError (openai.APIConnectionError) the gateway could not be reached, or the connection dropped
│   └── AkileTimeoutError (openai.APITimeoutError)
└── AkileResponseError (openai.APIError)             an HTTP 200 we cannot use (not JSON, no choices)
    └── ToolNotCalledError (ValueError)              a required tool call, asked for, did not come
```

Every class also inherits the matching ``openai`` exception, so ``except openai.RateLimitError``
keeps working. The LangChain adapter adds ``langchain_core`` parents on top of these.
Messages say what happened, where (HTTP status, model, request id) and what to do. Which
class a gateway answer becomes is decided in ``akile_core.error_mapping``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import openai

from akile_core.error_bodies import error_object, str_or_none

__all__ = [
    "AkileAPIError",
    "AkileConfigError",
    "AkileConnectionError",
    "AkileError",
    "AkileResponseError",
    "AkileTimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ContextOverflowError",
    "ErrorClasses",
    "ModelNotFoundError",
    "NotFoundError",
    "PermissionDeniedError",
    "QuotaExceededError",
    "RateLimitError",
    "ServerError",
    "ToolNotCalledError",
    "UnsupportedParameterError",
]


class AkileError(Exception):
    """Base of every error this package raises."""

    is_retryable: ClassVar[bool] = False
    """Whether sending the same request again may succeed."""


class AkileConfigError(AkileError, ValueError):
    """Invalid settings or input, found before any request was sent."""


class AkileAPIError(AkileError, openai.APIStatusError):
    """The gateway answered with an error.

    Attributes:
        status_code: the HTTP status (for an error inside an HTTP 200 body or stream, the status
            the error names, else 500).
        body: the decoded error body.
        request_id: the gateway's request id, when it sent one; quote it to support.
        model: the model the request named.
        hint: what to do about it.
    """

    title: ClassVar[str] = "The gateway returned an error"
    default_hint: ClassVar[str] = "Check the message above."

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        body: object = None,
        request_id: str | None = None,
        model: str | None = None,
        hint: str | None = None,
        response: Any = None,
        request: Any = None,
        param: str | None = None,
    ) -> None:
        # openai's own __init__ needs an httpx response object; errors found inside an HTTP 200
        # body or a stream have none, so the attributes are set here for every case alike.
        Exception.__init__(self, message)
        self.message = message
        self.status_code = status_code
        self.body = body
        self.request_id = request_id
        self.model = model
        self.hint = hint or self.default_hint
        self.response = response
        self.request = request
        error = error_object(body)
        self.code = str_or_none(error.get("code"))
        self.type = str_or_none(error.get("type"))
        self.param = param or str_or_none(error.get("param"))

    @classmethod
    def hint_for(
        cls, *, model: str | None, param: str | None = None, endpoint: str = "chat"
    ) -> str | None:
        """A hint made for this failure, or ``None`` for the class's ``default_hint``."""
        return None


class BadRequestError(AkileAPIError, openai.BadRequestError):
    """The gateway rejected the request as invalid (400, 413, 422)."""

    title = "Bad request"
    default_hint = (
        "Fix the request as the message says. Model families behind the gateway differ in which "
        "parameters they accept: check the model and its channel (渠道) in the gateway console."
    )


class ContextOverflowError(BadRequestError):
    """The messages and ``max_tokens`` do not fit the model's context window."""

    title = "Context window exceeded"
    default_hint = (
        "Shorten the messages, lower max_tokens, or use a model with a larger context window."
    )


class UnsupportedParameterError(BadRequestError):
    """The model (through its channel) does not accept a parameter that was sent."""

    title = "Unsupported parameter"

    @classmethod
    def hint_for(
        cls, *, model: str | None, param: str | None = None, endpoint: str = "chat"
    ) -> str | None:
        """Name the parameter and the two ways out."""
        return (
            f"Model {model!r} (through its gateway channel) does not accept the parameter "
            f"{param!r}. Remove it, check the model and its channel (渠道) in the gateway console, "
            "or set drop_unsupported_params=True to drop it and retry once automatically."
        )


class AuthenticationError(AkileAPIError, openai.AuthenticationError):
    """The API key was missing, wrong or disabled (401)."""

    title = "Authentication failed"
    default_hint = (
        "Check the key: set AKILE_API_KEY or pass api_key='AK-...'; make sure the key is enabled "
        "in the gateway console and has not expired."
    )


class PermissionDeniedError(AkileAPIError, openai.PermissionDeniedError):
    """The key may not use this model or endpoint (403)."""

    title = "Permission denied"
    default_hint = (
        "The key is not allowed to do this: check its group and allowed models in the gateway "
        "console."
    )


class QuotaExceededError(PermissionDeniedError):
    """The key or account has run out of quota; retrying cannot help until it is topped up."""

    title = "Quota exhausted"
    default_hint = (
        "The key or account is out of quota (额度不足). Top it up or raise the key's quota in the "
        "gateway console; retrying will not help until then."
    )


class NotFoundError(AkileAPIError, openai.NotFoundError):
    """The endpoint or resource does not exist (404)."""

    title = "Not found"
    default_hint = "Check base_url (it should end in /v1, e.g. https://aigateway.akile.ai/v1) and the model name."


class ModelNotFoundError(NotFoundError):
    """No channel of the gateway serves this model for this key ("no available channel")."""

    title = "Model not available"

    @classmethod
    def hint_for(
        cls, *, model: str | None, param: str | None = None, endpoint: str = "chat"
    ) -> str:
        """Explain where valid model names come from."""
        name = f"{model!r}" if model else "this model"
        hint = (
            f"No channel serves {name} for this key. The model names that work for a key are the "
            "ones listed on the gateway console's channel (渠道) page; list them with `akile models` "
            "or, in code, akile_core.list_models() (GET /v1/models). Check the spelling and the "
            "key's group."
        )
        if endpoint == "embeddings":
            hint += (
                " Embeddings need an embedding model (for example text-embedding-3-small, "
                "gemini-embedding-001, BAAI/bge-m3) served by a channel of your key; chat models "
                "such as claude-* or deepseek-* cannot embed."
            )
        return hint


class RateLimitError(AkileAPIError, openai.RateLimitError):
    """Too many requests (429); already retried by the client with backoff."""

    is_retryable = True
    title = "Rate limited"
    default_hint = (
        "Too many requests: the client already retried with backoff (max_retries). Lower the "
        "concurrency, raise max_retries, or retry later."
    )


class ServerError(AkileAPIError, openai.InternalServerError):
    """The gateway or the upstream provider failed (5xx); already retried by the client."""

    is_retryable = True
    title = "Gateway or upstream failure"
    default_hint = (
        "The gateway or the model's upstream provider failed; the client already retried "
        "(max_retries). Retry later or use another model."
    )


class AkileConnectionError(AkileError, openai.APIConnectionError):
    """The gateway could not be reached, or the connection dropped mid-response."""

    is_retryable = True

    def __init__(self, message: str, *, request: Any = None) -> None:
        Exception.__init__(self, message)
        self.message = message
        self.request = request
        self.body = None
        self.code = self.param = self.type = None


class AkileTimeoutError(AkileConnectionError, openai.APITimeoutError):
    """No complete answer within the timeout: ours, or that of a CDN in front of the gateway.

    Attributes:
        status_code: ``None`` for our own timeout; the HTTP status (524) when a CDN gave up.
        request_id: the gateway's request id, when the answer carried one.
    """

    status_code: int | None = None
    request_id: str | None = None
    response: Any = None


class AkileResponseError(AkileError, openai.APIError):
    """The gateway answered HTTP 200 with something that is not a usable completion."""

    def __init__(self, message: str, *, body: object = None, request: Any = None) -> None:
        Exception.__init__(self, message)
        self.message = message
        self.request = request
        self.body = body
        self.code = self.param = self.type = None


class ToolNotCalledError(AkileResponseError, ValueError):
    """A required tool call was asked for, and the answer holds none.

    The model's channel refuses a forced tool choice while it thinks, so the call could only be
    asked for. A ``ValueError``, as frameworks raise for an answer they cannot parse (in
    LangChain also an ``OutputParserException``).
    """


class AccountInfoUnavailableError(AkileError):
    """The gateway does not serve an account endpoint (price list, balance) to this key.

    A deployment may turn its price list off or ask for a console login (new-api's
    ``HeaderNavModuleAuth``), and a gateway of another family may have no such endpoints.
    """


ErrorClasses = Mapping[type[AkileError], type[AkileError]]
"""Maps a core error class to an adapter's subclass of it (e.g. one that is also a LangChain error)."""
