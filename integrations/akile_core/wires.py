"""Which wire a request goes over: chat completions, or Claude's native ``/v1/messages``.

``endpoint="auto"`` (the default) sends a Claude model over ``/v1/messages`` where the gateway
offers it: its ``/v1/models`` entry lists ``"anthropic"`` in ``supported_endpoint_types`` (new-api
``common/endpoint_type.go``: Anthropic and AWS channels), or a profile says so
(``messages_endpoint``, saved by ``akile doctor --save`` or given to ``register_model_profile``).
Everything else goes over chat completions, as before. If ``/v1/messages`` then answers as not
offered (404/405, "Invalid URL", new-api's ``convert_request_failed`` for a channel that cannot
convert), the configuration falls back to chat completions for the process, with one warning:
a setup where chat completions work never breaks.
"""

from __future__ import annotations

import os
import threading
import warnings
from typing import TYPE_CHECKING, Literal, Union

from akile_core.chat_wire import CHAT_COMPLETIONS, ChatCompletionsWire
from akile_core.errors import AkileAPIError, AkileConfigError

if TYPE_CHECKING:
    from akile_core.messages_wire import MessagesWire

ENDPOINT_ENV = "AKILE_ENDPOINT"
Endpoint = Literal["auto", "messages", "chat_completions"]
ENDPOINTS: tuple[Endpoint, ...] = ("auto", "messages", "chat_completions")
Wire = Union[ChatCompletionsWire, "MessagesWire"]

# Configurations whose gateway answered /v1/messages as not offered: chat completions for them.
_not_offered: set[object] = set()
_lock = threading.Lock()
# new-api: an unknown route is 404 "Invalid URL (POST /v1/messages)"; a channel whose adaptor
# cannot convert a Claude request answers 500 convert_request_failed "not implemented".
_NOT_OFFERED_WORDING = ("invalid url", "not implemented", "not supported", "no route")


class EndpointFallbackWarning(UserWarning):
    """``/v1/messages`` was not offered; chat completions are used instead."""


def default_endpoint() -> str:
    """``AKILE_ENDPOINT``, else ``auto``."""
    return os.environ.get(ENDPOINT_ENV, "").strip() or "auto"


def check_endpoint(value: object) -> Endpoint:
    """``value`` if it names an endpoint choice; an ``AkileConfigError`` that lists them if not."""
    if value not in ENDPOINTS:
        raise AkileConfigError(
            f"endpoint (or {ENDPOINT_ENV}) must be one of {', '.join(ENDPOINTS)}; got {value!r}. "
            "'auto' sends Claude models over /v1/messages where the gateway offers it."
        )
    return value


def could_use_messages(endpoint: Endpoint, model: str) -> bool:
    """Whether the listing could decide the wire: ``auto``, and a Claude model by name or table."""
    from akile_core.policy import family_for

    return endpoint == "auto" and family_for(model) == "claude"


def wire_for(endpoint: Endpoint, model: str, configuration: object) -> Wire:
    """The wire for a request to ``model`` in this configuration."""
    if endpoint == "chat_completions":
        return CHAT_COMPLETIONS
    if endpoint == "auto" and (configuration in _not_offered or not messages_offered(model)):
        return CHAT_COMPLETIONS
    return messages_wire()


def messages_wire() -> MessagesWire:
    """Claude's wire, imported on first use.

    Code that never sends Claude a request over ``/v1/messages`` does not pay for its modules
    at import time.
    """
    from akile_core.messages_wire import MESSAGES

    return MESSAGES


def messages_offered(model: str) -> bool:
    """Whether the gateway serves ``model`` on ``/v1/messages``: the profile, else the listing."""
    from akile_core.families import learned_family
    from akile_core.profiles import resolve

    spec = resolve(model).spec
    if spec is not None and spec.messages_endpoint is not None:
        return spec.messages_endpoint
    return learned_family(model) == "claude"


def falls_back(endpoint: Endpoint, wire: Wire, err: AkileAPIError, configuration: object) -> bool:
    """Whether ``err`` says ``/v1/messages`` is not offered, so ``auto`` uses chat completions.

    Remembered for the configuration, with one warning.
    """
    if endpoint != "auto" or wire.name != "messages" or not not_offered(err):
        return False
    with _lock:
        first = configuration not in _not_offered
        _not_offered.add(configuration)
    if first:
        warnings.warn(
            f"The gateway does not offer /v1/messages (HTTP {err.status_code}); Claude models "
            "use chat completions for this configuration, which lose prompt caching, thinking "
            "signatures and native structured output. Pass endpoint='chat_completions' to choose "
            "it and silence this.",
            EndpointFallbackWarning,
            stacklevel=4,
        )
    return True


def not_offered(err: AkileAPIError) -> bool:
    """Whether a /v1/messages failure means the endpoint is missing, not that the call failed."""
    if err.status_code in (404, 405) and "model" not in str(err.code or "").lower():
        return True
    text = str(err.message).lower()
    return (
        err.status_code >= 500
        and "convert_request_failed" in str(err.code)
        and any(words in text for words in _NOT_OFFERED_WORDING)
    )


def forget_fallbacks() -> None:
    """Try /v1/messages again in every configuration (for tests)."""
    with _lock:
        _not_offered.clear()
