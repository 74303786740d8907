"""The one place that talks to the gateway: send a body over a wire, get parsed values or errors.

Both framework adapters and the CLI hold a :class:`Gateway` and call it; they never touch the
openai client. Requests go through ``client.post(path, cast_to=object)``, the SDK's public path
for raw JSON: we get the SDK's connection handling and retries, decode server-sent events with
``akile_core.sse`` (stricter and more tolerant than the SDK's), and the wire
(``akile_core.chat_wire``) reads the JSON. That keeps fields the SDK's typed models would hide
(``reasoning_content``, usage details) and costs less CPU per chunk than typed models would.

What a body may hold is the :class:`~akile_core.policy.RequestPolicy`'s business; how a gateway
is built from an adapter's fields is ``akile_core.connection``'s.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import openai

from akile_core.answer_tool import answer_tool_in
from akile_core.chat_wire import CHAT_COMPLETIONS
from akile_core.client import get_async_client, get_client, guard_prebuilt
from akile_core.config import AkileSettings
from akile_core.error_bodies import request_id_in_headers
from akile_core.error_mapping import RequestErrors
from akile_core.errors import AkileAPIError, AkileError, ErrorClasses, UnsupportedParameterError
from akile_core.families import learn_families
from akile_core.model_listing import listed_models, model_ids
from akile_core.policy import RequestPolicy, asked_for_tool, family_for
from akile_core.request import request_options_of
from akile_core.response import Completion, ToolCall
from akile_core.sse import AsyncEventStream, EventStream
from akile_core.stream import Delta, StreamState
from akile_core.wires import (
    Endpoint,
    Wire,
    check_endpoint,
    could_use_messages,
    falls_back,
    wire_for,
)

if TYPE_CHECKING:
    from akile_core.embeddings import EmbeddingOptions

_T = TypeVar("_T")
# Asks the SDK for its raw response object (text and headers) instead of parsed JSON: the
# header its own `with_raw_response` sets (openai/_constants.py RAW_RESPONSE_HEADER).
_RAW: Any = {"headers": {"X-Stainless-Raw-Response": "true"}}
_log = logging.getLogger("akile")
# Configurations (settings, or a prebuilt client's id) whose model list was read for families
# in this process: discovery is one request per configuration, not per model object.
_discovered: set[object] = set()
_discovered_lock = threading.Lock()


class Gateway:
    """Sends requests for one configuration.

    Args:
        settings: resolved settings; the shared client for them is used.
        client: a prebuilt ``openai.OpenAI`` to use instead (its own settings apply).
        async_client: a prebuilt ``openai.AsyncOpenAI`` to use instead.
        error_classes: the adapter's error subclasses (``akile_core.errors.ErrorClasses``).
        policy: what bodies may hold (family rules, dropping rejected parameters); the default
            applies the family rules and drops nothing.
        discover_families: before the first request, read ``GET /v1/models`` once per
            configuration and process to learn which converter serves each model
            (``akile_core.families``); if the listing fails, names decide.
        endpoint: ``auto`` sends Claude models over ``/v1/messages`` where the gateway offers
            it (``akile_core.wires``); ``messages`` or ``chat_completions`` forces one.
    """

    def __init__(
        self,
        settings: AkileSettings | None,
        *,
        client: openai.OpenAI | None = None,
        async_client: openai.AsyncOpenAI | None = None,
        error_classes: ErrorClasses | None = None,
        policy: RequestPolicy | None = None,
        discover_families: bool = False,
        endpoint: Endpoint = "auto",
    ) -> None:
        if settings is None and client is None and async_client is None:
            raise ValueError("Gateway needs settings or a prebuilt client.")
        self.settings = settings
        # Which configuration this is, for once-per-configuration work: the settings, else
        # the client the user passed (not our copy of it, which is per Gateway).
        self._configuration: object = (
            settings if settings is not None else id(client or async_client)
        )
        # Copies that keep our retry rule (no retries of errors that cannot heal).
        self._client = guard_prebuilt(client) if client is not None else None
        self._async_client = guard_prebuilt(async_client) if async_client is not None else None
        self.error_classes = error_classes
        self.policy = policy or RequestPolicy()
        self.discover_families = discover_families
        self.endpoint = check_endpoint(endpoint)
        # Read once: every request's errors name it, and a client's URL does not change.
        prebuilt = self._client or self._async_client
        self._base_url = (
            str(prebuilt.base_url).rstrip("/")
            if prebuilt is not None
            else (settings.base_url if settings is not None else None)
        )

    @property
    def configuration(self) -> object:
        """What identifies this configuration, for work done once per configuration."""
        return self._configuration

    @property
    def base_url(self) -> str | None:
        """Where requests go, for error messages: a prebuilt client's own URL when there is one."""
        return self._base_url

    def client(self) -> openai.OpenAI:
        """The sync client: the one passed in, else the shared one for the settings."""
        if self._client is not None:
            return self._client
        if self.settings is None:
            raise ValueError("This model was given only an async client; use the async methods.")
        return get_client(self.settings)

    async def async_client(self) -> openai.AsyncOpenAI:
        """The async client: the one passed in, else the shared one for the settings and loop."""
        if self._async_client is not None:
            return self._async_client
        if self.settings is None:
            raise ValueError("This model was given only a sync client; use the async methods.")
        return await get_async_client(self.settings)

    # -- chat -------------------------------------------------------------------------------

    def complete(
        self, body: dict[str, Any], request_options: Mapping[str, Any] | None = None
    ) -> Completion:
        """Send a non-streamed request and parse the answer."""
        wire = self._wire(body)
        try:
            return self._complete(wire, body, request_options)
        except AkileAPIError as err:
            if not falls_back(self.endpoint, wire, err, self._configuration):
                raise
        return self._complete(CHAT_COMPLETIONS, body, request_options)

    async def acomplete(
        self, body: dict[str, Any], request_options: Mapping[str, Any] | None = None
    ) -> Completion:
        """Async :meth:`complete`."""
        wire = await self._awire(body)
        try:
            return await self._acomplete(wire, body, request_options)
        except AkileAPIError as err:
            if not falls_back(self.endpoint, wire, err, self._configuration):
                raise
        return await self._acomplete(CHAT_COMPLETIONS, body, request_options)

    def stream(
        self,
        body: dict[str, Any],
        state: StreamState,
        request_options: Mapping[str, Any] | None = None,
    ) -> Iterator[Delta]:
        """Send a streamed request; yield each delta; fill ``state``; raise if cut short."""
        sent, wire = body, self._wire(body)
        try:
            events, body, errors = self._open(wire, sent, request_options)
        except AkileAPIError as err:
            if not falls_back(self.endpoint, wire, err, self._configuration):
                raise
            wire = CHAT_COMPLETIONS
            events, body, errors = self._open(wire, sent, request_options)
        wire.start_stream(state, family_for(str(body.get("model"))), answer_tool_in(body))
        errors = errors.with_request_id(request_id_in_headers(events.response.headers))
        with errors.mapped(), events:
            for event in events:
                delta = wire.delta(event, state, errors)
                if delta is not None:
                    yield delta
            state.check_complete()
        self._check_asked_for(wire, state.tool_calls.calls, sent, body, errors)

    async def astream(
        self,
        body: dict[str, Any],
        state: StreamState,
        request_options: Mapping[str, Any] | None = None,
    ) -> AsyncIterator[Delta]:
        """Async :meth:`stream`."""
        sent, wire = body, await self._awire(body)
        try:
            events, body, errors = await self._aopen(wire, sent, request_options)
        except AkileAPIError as err:
            if not falls_back(self.endpoint, wire, err, self._configuration):
                raise
            wire = CHAT_COMPLETIONS
            events, body, errors = await self._aopen(wire, sent, request_options)
        wire.start_stream(state, family_for(str(body.get("model"))), answer_tool_in(body))
        errors = errors.with_request_id(request_id_in_headers(events.response.headers))
        with errors.mapped():
            async with events:
                async for event in events:
                    delta = wire.delta(event, state, errors)
                    if delta is not None:
                        yield delta
            state.check_complete()
        self._check_asked_for(wire, state.tool_calls.calls, sent, body, errors)

    def _complete(
        self, wire: Wire, sent: dict[str, Any], request_options: Mapping[str, Any] | None
    ) -> Completion:
        body = self.policy.prepare(sent, native_claude=wire.name == "messages")
        while True:
            errors = self.errors_for(body)
            try:
                with errors.mapped():
                    data = self.client().post(
                        wire.path,
                        cast_to=object,
                        body=wire.request_body(body),
                        options=request_options_of(request_options),
                    )
                    completion = wire.completion(data, errors, answer_tool_in(body))
                break
            except UnsupportedParameterError as err:
                body = self.policy.after_rejection(body, err)
        self._check_asked_for(wire, lambda: completion.choices[0].tool_calls, sent, body, errors)
        return completion

    async def _acomplete(
        self, wire: Wire, sent: dict[str, Any], request_options: Mapping[str, Any] | None
    ) -> Completion:
        body = self.policy.prepare(sent, native_claude=wire.name == "messages")
        while True:
            errors = self.errors_for(body)
            try:
                with errors.mapped():
                    data = await (await self.async_client()).post(
                        wire.path,
                        cast_to=object,
                        body=wire.request_body(body),
                        options=request_options_of(request_options),
                    )
                    completion = wire.completion(data, errors, answer_tool_in(body))
                break
            except UnsupportedParameterError as err:
                body = self.policy.after_rejection(body, err)
        self._check_asked_for(wire, lambda: completion.choices[0].tool_calls, sent, body, errors)
        return completion

    def _open(
        self, wire: Wire, sent: dict[str, Any], request_options: Mapping[str, Any] | None
    ) -> tuple[EventStream, dict[str, Any], RequestErrors]:
        """Post a streamed request: its events, the body as sent, and its errors."""
        body = self.policy.prepare(sent, native_claude=wire.name == "messages")
        while True:
            errors = self.errors_for(body)
            try:
                with errors.mapped():
                    events = self.client().post(
                        wire.path,
                        cast_to=object,
                        body=wire.request_body(body),
                        options=request_options_of(request_options),
                        stream=True,
                        stream_cls=EventStream,
                    )
                return events, body, errors
            except UnsupportedParameterError as err:
                body = self.policy.after_rejection(body, err)

    async def _aopen(
        self, wire: Wire, sent: dict[str, Any], request_options: Mapping[str, Any] | None
    ) -> tuple[AsyncEventStream, dict[str, Any], RequestErrors]:
        """Async :meth:`_open`."""
        body = self.policy.prepare(sent, native_claude=wire.name == "messages")
        while True:
            errors = self.errors_for(body)
            try:
                with errors.mapped():
                    events = await (await self.async_client()).post(
                        wire.path,
                        cast_to=object,
                        body=wire.request_body(body),
                        options=request_options_of(request_options),
                        stream=True,
                        stream_cls=AsyncEventStream,
                    )
                return events, body, errors
            except UnsupportedParameterError as err:
                body = self.policy.after_rejection(body, err)

    # -- embeddings --------------------------------------------------------------------------

    def embed(
        self,
        texts: Sequence[str],
        options: EmbeddingOptions,
        request_options: Mapping[str, Any] | None = None,
    ) -> list[list[float]]:
        """Embed ``texts`` in batches; vectors come back in input order (``embedding_calls``)."""
        # Imported on the first embedding call: chat-only users do not pay for these modules
        # at import time (the import budget in the README's Performance table).
        from akile_core.embedding_calls import embed

        return embed(self, texts, options, request_options)

    async def aembed(
        self,
        texts: Sequence[str],
        options: EmbeddingOptions,
        request_options: Mapping[str, Any] | None = None,
    ) -> list[list[float]]:
        """Async :meth:`embed`; the batches are sent concurrently over the loop's pool."""
        from akile_core.embedding_calls import aembed

        return await aembed(self, texts, options, request_options)

    # -- the model list ----------------------------------------------------------------------

    def list_models(self) -> list[str]:
        """The model ids this key may use (``GET /v1/models``), sorted; families are learned."""
        return model_ids(self.models())

    async def alist_models(self) -> list[str]:
        """Async :meth:`list_models`."""
        return model_ids(await self.amodels())

    def models(self) -> list[dict[str, Any]]:
        """The raw ``GET /v1/models`` entries, each with at least an ``id``, sorted by id.

        Reading the list teaches ``akile_core.families`` each model's converter when the gateway
        sends ``supported_endpoint_types`` (new-api does).
        """
        return self.models_and_headers()[0]

    async def amodels(self) -> list[dict[str, Any]]:
        """Async :meth:`models`."""
        return (await self.amodels_and_headers())[0]

    def models_and_headers(self) -> tuple[list[dict[str, Any]], Mapping[str, str]]:
        """:meth:`models`, and the response's headers (``akile doctor`` reads the version)."""
        with self.errors_for({}, endpoint="models").mapped():
            response: Any = self.client().get("/models", cast_to=object, options=_RAW)
        return _learned(response.text), response.headers

    async def amodels_and_headers(self) -> tuple[list[dict[str, Any]], Mapping[str, str]]:
        """Async :meth:`models_and_headers`."""
        with self.errors_for({}, endpoint="models").mapped():
            client = await self.async_client()
            response: Any = await client.get("/models", cast_to=object, options=_RAW)
        return _learned(response.text), response.headers

    # -- internals ---------------------------------------------------------------------------

    def _check_asked_for(
        self,
        wire: Wire,
        calls: Callable[[], Sequence[ToolCall]],
        sent: Mapping[str, Any],
        body: Mapping[str, Any],
        errors: RequestErrors,
    ) -> None:
        """Raise unless ``calls()`` hold the call that a forced choice turned ``"auto"`` asked for.

        ``calls`` is called only then: a stream's calls are assembled on demand.
        """
        tool = asked_for_tool(sent, body)
        if tool is not None:
            wire.check_called(calls(), tool, errors)

    def wire_name(self, model: str) -> str:
        """The wire a request to ``model`` takes now: ``messages`` or ``chat_completions``."""
        return self._wire({"model": model}).name

    async def awire_name(self, model: str) -> str:
        """Async :meth:`wire_name`."""
        return (await self._awire({"model": model})).name

    def _wire(self, body: Mapping[str, Any]) -> Wire:
        """The wire for ``body``, reading the model list first where it could decide."""
        model = str(body.get("model"))
        if self._should_discover(model) and _first_discovery(self._configuration):
            try:
                self.models()
            except AkileError as err:
                _log.info("Model families not discovered (%s); names decide.", err)
        return wire_for(self.endpoint, model, self._configuration)

    async def _awire(self, body: Mapping[str, Any]) -> Wire:
        """Async :meth:`_wire`."""
        model = str(body.get("model"))
        if self._should_discover(model) and _first_discovery(self._configuration):
            try:
                await self.amodels()
            except AkileError as err:
                _log.info("Model families not discovered (%s); names decide.", err)
        return wire_for(self.endpoint, model, self._configuration)

    def _should_discover(self, model: str) -> bool:
        # Only where the listing could change something: asked for, or a Claude model whose
        # wire it decides (no extra request for any other model).
        return self.discover_families or could_use_messages(self.endpoint, model)

    def errors_for(self, body: Mapping[str, Any], endpoint: str = "chat") -> RequestErrors:
        """The errors of one request with ``body`` (what they say about it)."""
        return RequestErrors(
            model=body.get("model"),
            base_url=self.base_url,
            sent_params=tuple(body),
            error_classes=self.error_classes,
            endpoint=endpoint,
        )


def _learned(text: str) -> list[dict[str, Any]]:
    """The listing's entries, with the families they reveal learned on the way."""
    entries = listed_models(text)
    learn_families(entries)
    return entries


def _first_discovery(configuration: object) -> bool:
    """True once per configuration and process."""
    with _discovered_lock:
        first = configuration not in _discovered
        _discovered.add(configuration)
    return first


def forget_discoveries() -> None:
    """Discover families again on the next request of each configuration (for tests)."""
    with _discovered_lock:
        _discovered.clear()
