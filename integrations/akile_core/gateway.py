"""The one place that talks to the gateway: send a body, get parsed values or mapped errors.

Both framework adapters hold a :class:`Gateway` and call it; they never touch the openai client.
Requests go through ``client.post("/chat/completions", cast_to=object)``, the SDK's public path
for raw JSON: we get the SDK's connection handling and retries, decode server-sent events with
``akile_core.sse`` (stricter and more tolerant than the SDK's), and parse the JSON ourselves.
That keeps fields the SDK's typed models would hide (``reasoning_content``, usage details) and
costs less CPU per chunk than building typed models we would not use.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import warnings
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import openai

from akile_core.client import get_async_client, get_client, guard_prebuilt
from akile_core.config import AkileSettings
from akile_core.errors import (
    AkileError,
    BadRequestError,
    ErrorFamily,
    UnsupportedParameterError,
    error_from_body,
    map_errors,
    request_id_in_headers,
)
from akile_core.response import Completion, parse_completion
from akile_core.sse import AsyncEventStream, EventStream
from akile_core.stream import Delta, StreamState

if TYPE_CHECKING:
    from akile_core.embeddings import EmbeddingOptions
    from akile_core.rules import FamilyRules

_PATH = "/chat/completions"
_T = TypeVar("_T")
_log = logging.getLogger("akile")


class ParameterDroppedWarning(UserWarning):
    """A parameter was dropped because the model's channel does not accept it."""


_warned: set[tuple[str, str]] = set()
_warned_lock = threading.Lock()


class Gateway:
    """Sends chat-completion requests for one configuration.

    Args:
        settings: resolved settings; the shared client for them is used.
        client: a prebuilt ``openai.OpenAI`` to use instead (its own settings apply).
        async_client: a prebuilt ``openai.AsyncOpenAI`` to use instead.
        family: the adapter's error subclasses (see ``akile_core.errors.ErrorFamily``).
        drop_unsupported_params: on a 400 that names an unsupported parameter, drop it and
            retry once, warning once per model and parameter.
        discover_families: before the first request, read ``GET /v1/models`` once per
            configuration and process to learn which converter serves each model
            (``akile_core.families``); if the listing fails, names decide.
        family_rules: ``False`` sends every body exactly as given, without the family rules
            (``akile doctor`` probes what a channel does with parameters the rules would drop).
    """

    def __init__(
        self,
        settings: AkileSettings | None,
        *,
        client: openai.OpenAI | None = None,
        async_client: openai.AsyncOpenAI | None = None,
        family: ErrorFamily | None = None,
        drop_unsupported_params: bool = False,
        discover_families: bool = False,
        family_rules: bool = True,
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
        self.family = family
        self.drop_unsupported_params = drop_unsupported_params
        self.discover_families = discover_families
        self.family_rules = family_rules
        # Parameters a model's channel rejected, so later requests leave them out up front
        # instead of paying for the same 400 every time.
        self._dropped: dict[str, set[str]] = {}

    @property
    def base_url(self) -> str | None:
        """Where requests go, for error messages: a prebuilt client's own URL when there is one."""
        client = self._client or self._async_client
        if client is not None:
            return str(client.base_url).rstrip("/")
        return self.settings.base_url if self.settings is not None else None

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
            raise ValueError("This model was given only a sync client; use the sync methods.")
        return await get_async_client(self.settings)

    def complete(
        self, body: dict[str, Any], options: Mapping[str, Any] | None = None
    ) -> Completion:
        """Send a non-streamed request and parse the answer."""
        self._discover()
        body = self._without_dropped(body)
        while True:
            try:
                with self._errors(body):
                    data = self.client().post(
                        _PATH, cast_to=object, body=body, options=_opts(options)
                    )
                    return parse_completion(_raise_error_body(data, body, self))
            except UnsupportedParameterError as err:
                body = self._without(body, err)

    async def acomplete(
        self, body: dict[str, Any], options: Mapping[str, Any] | None = None
    ) -> Completion:
        """Async :meth:`complete`."""
        await self._adiscover()
        body = self._without_dropped(body)
        while True:
            try:
                with self._errors(body):
                    data = await (await self.async_client()).post(
                        _PATH, cast_to=object, body=body, options=_opts(options)
                    )
                    return parse_completion(_raise_error_body(data, body, self))
            except UnsupportedParameterError as err:
                body = self._without(body, err)

    def stream(
        self, body: dict[str, Any], state: StreamState, options: Mapping[str, Any] | None = None
    ) -> Iterator[Delta]:
        """Send a streamed request; yield each delta; fill ``state``; raise if cut short."""
        self._discover()
        body = self._without_dropped(body)
        while True:
            try:
                with self._errors(body):
                    events = self.client().post(
                        _PATH,
                        cast_to=object,
                        body=body,
                        options=_opts(options),
                        stream=True,
                        stream_cls=EventStream,
                    )
                break
            except UnsupportedParameterError as err:
                body = self._without(body, err)
        state.hold_lone_newline = _family_rules(str(body.get("model"))).family == "claude"
        request_id = request_id_in_headers(events.response.headers)
        with self._errors(body), events:
            for chunk in events:
                delta = self._read_chunk(chunk, body, state, request_id)
                if delta is not None:
                    yield delta
            state.check_complete()

    async def astream(
        self, body: dict[str, Any], state: StreamState, options: Mapping[str, Any] | None = None
    ) -> AsyncIterator[Delta]:
        """Async :meth:`stream`."""
        await self._adiscover()
        body = self._without_dropped(body)
        while True:
            try:
                with self._errors(body):
                    events = await (await self.async_client()).post(
                        _PATH,
                        cast_to=object,
                        body=body,
                        options=_opts(options),
                        stream=True,
                        stream_cls=AsyncEventStream,
                    )
                break
            except UnsupportedParameterError as err:
                body = self._without(body, err)
        state.hold_lone_newline = _family_rules(str(body.get("model"))).family == "claude"
        request_id = request_id_in_headers(events.response.headers)
        with self._errors(body):
            async with events:
                async for chunk in events:
                    delta = self._read_chunk(chunk, body, state, request_id)
                    if delta is not None:
                        yield delta
            state.check_complete()

    def _read_chunk(
        self, chunk: object, body: Mapping[str, Any], state: StreamState, request_id: str | None
    ) -> Delta | None:
        """One stream event: raise the mapped error if it reports one, else what it adds."""
        delta = state.feed(
            _raise_error_body(chunk, body, self, request_id=request_id, finish_check=False)
        )
        if state.finish_reason == "error":  # read by feed already: no second look at choices
            _raise_error_body(_ERROR_FINISH_BODY, body, self, request_id=request_id)
        return delta

    def embed(
        self,
        texts: Sequence[str],
        options: EmbeddingOptions,
        request_options: Mapping[str, Any] | None = None,
    ) -> list[list[float]]:
        """Embed ``texts`` in batches (by count and size); vectors come back in input order.

        Batches are as large as the model takes (``akile_core.embedding_batches``); one the
        upstream refuses as too large is split, and the rest are sized to match.
        """
        # Imported here: chat-only users do not pay for the embeddings modules at import time.
        from akile_core.embedding_batches import batch_limit
        from akile_core.embeddings import batch_end, check_texts

        check_texts(texts)
        vectors: list[list[float]] = []
        start = 0
        while start < len(texts):
            size = batch_limit(options.model, options.batch_size)
            end = batch_end(texts, start, size, options.max_batch_chars)
            vectors += self._embed_batch(texts[start:end], options, request_options)
            start = end
        return vectors

    async def aembed(
        self,
        texts: Sequence[str],
        options: EmbeddingOptions,
        request_options: Mapping[str, Any] | None = None,
    ) -> list[list[float]]:
        """Async :meth:`embed`; the batches are sent concurrently over the loop's pool.

        The first failure cancels the batches still in flight (after a 401 or a missing model
        the others would fail the same way, and each costs a request). While a model's batch
        size is not yet known to work in this process, the first batch goes alone, so that a
        refusal as too large costs one request instead of one per batch.
        """
        from akile_core.embedding_batches import batch_limit, is_confirmed
        from akile_core.embeddings import batch_end, check_texts

        check_texts(texts)
        vectors: list[list[float]] = []
        start = 0
        size = batch_limit(options.model, options.batch_size)
        if len(texts) > size and not is_confirmed(options.model, size):
            start = batch_end(texts, 0, size, options.max_batch_chars)
            vectors = await self._aembed_batch(texts[:start], options, request_options)
            size = batch_limit(options.model, options.batch_size)
        spans: list[tuple[int, int]] = []
        while start < len(texts):
            end = batch_end(texts, start, size, options.max_batch_chars)
            spans.append((start, end))
            start = end
        parts = await _all_or_cancel(
            [self._aembed_batch(texts[s:e], options, request_options) for s, e in spans]
        )
        return vectors + [vector for part in parts for vector in part]

    def _embed_batch(
        self,
        batch: Sequence[str],
        options: EmbeddingOptions,
        request_options: Mapping[str, Any] | None,
    ) -> list[list[float]]:
        from akile_core.embedding_batches import batch_limit, confirm, smaller_batch
        from akile_core.embeddings import embedding_body, parse_embeddings

        body = embedding_body(batch, options)
        try:
            with self._errors(body, endpoint="embeddings"):
                data = self.client().post(
                    "/embeddings", cast_to=object, body=body, options=_opts(request_options)
                )
                data = _raise_error_body(data, body, self, endpoint="embeddings")
        except BadRequestError as err:
            size = smaller_batch(err, options.model, len(batch))
            if size is None:
                raise
            vectors: list[list[float]] = []
            while len(vectors) < len(batch):
                # Sized anew each time: a piece may teach a smaller size still.
                size = batch_limit(options.model, options.batch_size)
                piece = batch[len(vectors) : len(vectors) + size]
                vectors += self._embed_batch(piece, options, request_options)
            return vectors
        confirm(options.model, len(batch))
        return parse_embeddings(data, len(batch))

    async def _aembed_batch(
        self,
        batch: Sequence[str],
        options: EmbeddingOptions,
        request_options: Mapping[str, Any] | None,
    ) -> list[list[float]]:
        """Async :meth:`_embed_batch`; the pieces of a split batch also go concurrently."""
        from akile_core.embedding_batches import batch_limit, confirm, smaller_batch
        from akile_core.embeddings import embedding_body, parse_embeddings

        body = embedding_body(batch, options)
        try:
            with self._errors(body, endpoint="embeddings"):
                data = await (await self.async_client()).post(
                    "/embeddings", cast_to=object, body=body, options=_opts(request_options)
                )
                data = _raise_error_body(data, body, self, endpoint="embeddings")
        except BadRequestError as err:
            size = smaller_batch(err, options.model, len(batch))
            if size is None:
                raise
            # The first piece alone (it may teach a smaller size still), then the rest at once.
            first = await self._aembed_batch(batch[:size], options, request_options)
            size = batch_limit(options.model, options.batch_size)
            parts = await _all_or_cancel(
                [
                    self._aembed_batch(batch[start : start + size], options, request_options)
                    for start in range(len(first), len(batch), size)
                ]
            )
            return first + [vector for part in parts for vector in part]
        confirm(options.model, len(batch))
        return parse_embeddings(data, len(batch))

    def list_models(self) -> list[str]:
        """The model ids this key may use (``GET /v1/models``), sorted; families are learned."""
        return _model_ids(self.models())

    def models(self) -> list[dict[str, Any]]:
        """The raw ``GET /v1/models`` entries, each with at least an ``id``, sorted by id.

        Reading the list teaches ``akile_core.families`` each model's converter when the gateway
        sends ``supported_endpoint_types`` (new-api does).
        """
        with map_errors(model=None, base_url=self.base_url, family=self.family):
            return listed_models(self.client().get("/models", cast_to=object))

    async def amodels(self) -> list[dict[str, Any]]:
        """Async :meth:`models`."""
        with map_errors(model=None, base_url=self.base_url, family=self.family):
            return listed_models(await (await self.async_client()).get("/models", cast_to=object))

    def _discover(self) -> None:
        if self.discover_families and _first_discovery(self):
            try:
                self.models()
            except AkileError as err:
                _log.info("Model families not discovered (%s); names decide.", err)

    async def _adiscover(self) -> None:
        if self.discover_families and _first_discovery(self):
            try:
                await self.amodels()
            except AkileError as err:
                _log.info("Model families not discovered (%s); names decide.", err)

    def _errors(self, body: Mapping[str, Any], endpoint: str = "chat") -> Any:
        return map_errors(
            model=body.get("model"),
            base_url=self.base_url,
            sent_params=tuple(body),
            family=self.family,
            endpoint=endpoint,
        )

    def _without_dropped(self, body: dict[str, Any]) -> dict[str, Any]:
        """The body as it may go out: family rules applied, remembered rejections left out."""
        model = str(body.get("model"))
        if self.family_rules:
            body = _with_rules(body, model)
        dropped = self._dropped.get(model)
        if not dropped:
            return body
        return {key: value for key, value in body.items() if key not in dropped}

    def _without(self, body: dict[str, Any], err: UnsupportedParameterError) -> dict[str, Any]:
        """The body minus the rejected parameter, if dropping is on and it was not tried yet."""
        param = err.param
        if not self.drop_unsupported_params or param is None or param not in body:
            raise err
        model = str(body.get("model"))
        self._dropped.setdefault(model, set()).add(param)
        _warn_dropped(
            model,
            param,
            "its gateway channel rejected it; dropping it and retrying "
            "(drop_unsupported_params=True)",
        )
        return {key: value for key, value in body.items() if key != param}


def _family_rules(model: str) -> FamilyRules:
    # The model table and rules load on the first request, not at import; after that the
    # function is kept here, since an import statement on every request costs as much as the
    # cached lookup itself (cached until a registration, a listing or a saved profile).
    global _rules_of
    if _rules_of is None:
        from akile_core.rules import rules_of

        _rules_of = rules_of
    return _rules_of(model)


_rules_of: Callable[[str], FamilyRules] | None = None


def _has_stray_tool_options(body: Mapping[str, Any]) -> bool:
    return ("tool_choice" in body or "parallel_tool_calls" in body) and not body.get("tools")


def _warn_dropped(model: str, param: str, why: str) -> None:
    """Warn once per process, model and parameter that ``param`` is not sent to ``model``."""
    with _warned_lock:
        first = (model, param) not in _warned
        _warned.add((model, param))
    if first:
        warnings.warn(
            f"Model {model!r}: not sending {param!r}: {why}.", ParameterDroppedWarning, stacklevel=5
        )


def connect(
    *,
    api_key: Any = None,
    base_url: str | None = None,
    timeout: float | None = None,
    max_retries: int | None = None,
    default_headers: Mapping[str, str] | None = None,
    default_query: Mapping[str, object] | None = None,
    client: object = None,
    async_client: object = None,
    family: ErrorFamily | None = None,
    drop_unsupported_params: bool = False,
    discover_families: bool = False,
) -> Gateway:
    """Build the :class:`Gateway` for an adapter's fields, checking them first.

    With only prebuilt clients and no key, their own configuration applies and no settings
    are resolved (so no ``AKILE_API_KEY`` is required).
    """
    if client is not None and not isinstance(client, openai.OpenAI):
        raise TypeError(f"client must be an openai.OpenAI instance, got {type(client).__name__}.")
    if async_client is not None and not isinstance(async_client, openai.AsyncOpenAI):
        raise TypeError(
            f"async_client must be an openai.AsyncOpenAI instance, got {type(async_client).__name__}."
        )
    settings = None
    if (client is None and async_client is None) or api_key is not None:
        settings = AkileSettings.resolve(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
        )
    return Gateway(
        settings,
        client=client,
        async_client=async_client,
        family=family,
        drop_unsupported_params=drop_unsupported_params,
        discover_families=discover_families,
    )


_CONNECTION_FIELDS = (
    "api_key",
    "base_url",
    "timeout",
    "max_retries",
    "default_headers",
    "default_query",
    "client",
    "async_client",
)


def connect_fields(model: object, **extra: Any) -> Gateway:
    """:func:`connect` with the connection fields every adapter class declares, read off it.

    Adapters hold the same fields under the same names (``api_key``, ``base_url``, ``timeout``,
    ``max_retries``, ``default_headers``, optionally ``default_query``, ``client``,
    ``async_client``) and, for chat models, the ``drop_unsupported_params`` and
    ``discover_families`` switches; ``extra`` adds the rest (``family``).
    """
    fields: dict[str, Any] = {name: getattr(model, name, None) for name in _CONNECTION_FIELDS}
    for switch in ("drop_unsupported_params", "discover_families"):
        fields[switch] = bool(getattr(model, switch, False))
    return connect(**fields, **extra)


async def _all_or_cancel(calls: list[Coroutine[Any, Any, _T]]) -> list[_T]:
    """Run ``calls`` concurrently; on the first failure cancel the rest, then raise it."""
    tasks = [asyncio.ensure_future(call) for call in calls]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


def _opts(options: Mapping[str, Any] | None) -> Any:
    return dict(options) if options else {}


def _raise_error_body(
    data: object,
    body: Mapping[str, Any],
    gateway: Gateway,
    endpoint: str = "chat",
    request_id: str | None = None,
    finish_check: bool = True,
) -> object:
    """Raise the mapped error if an HTTP 200 body or stream event reports a failure.

    Some gateways answer HTTP 200 and put the upstream's failure in the body; returning that
    as an empty or partial answer would hide it. A failure is an ``error`` object, with or
    without ``choices`` (OpenRouter's mid-stream error carries both:
    openrouter.ai/docs/api-reference/streaming, "Handling Errors During Streaming"), or a
    choice that finished with ``finish_reason: "error"``. A JSON body sent with a non-JSON
    content type (some proxies say ``text/plain``) reaches us as text from the SDK, and is
    decoded here. Streams pass ``finish_check=False`` and check the finish reason that
    ``StreamState.feed`` reads anyway (one look at the choices per chunk, not two).
    """
    if isinstance(data, str) and data.lstrip().startswith("{"):
        try:
            data = json.loads(data)
        except ValueError:
            pass
    if isinstance(data, Mapping) and (
        data.get("error") or (finish_check and _finished_with_error(data))
    ):
        raise error_from_body(
            data if data.get("error") else _ERROR_FINISH_BODY,
            status=None,
            model=body.get("model"),
            request_id=request_id,
            sent_params=tuple(body),
            family=gateway.family,
            endpoint=endpoint,
        )
    return data


# What a choice that ended with finish_reason "error" and no error object is reported as.
_ERROR_FINISH_BODY = {
    "error": {
        "message": "the upstream ended the answer with finish_reason 'error' and gave no "
        "reason; the answer is incomplete",
        "type": "upstream_error",
    }
}


def _finished_with_error(data: Mapping[str, Any]) -> bool:
    choices = data.get("choices")
    if not choices or not isinstance(choices, list):
        return False
    for choice in choices:
        if isinstance(choice, Mapping) and choice.get("finish_reason") == "error":
            return True
    return False


def listed_models(data: object) -> list[dict[str, Any]]:
    """The entries of a ``GET /v1/models`` body (raw or decoded), sorted by id.

    The families they reveal are learned on the way (``akile_core.families``).
    """
    from akile_core.families import learn_families

    data = _decoded(data)
    learn_families(data)
    return _model_entries(data)


def _decoded(data: object) -> object:
    if isinstance(data, str):
        try:
            return json.loads(data)
        except ValueError:
            return None
    return data


def _model_entries(data: object) -> list[dict[str, Any]]:
    items = data.get("data") if isinstance(data, Mapping) else data
    if not isinstance(items, list):
        return []
    entries = [dict(item) for item in items if isinstance(item, Mapping) and "id" in item]
    return sorted(entries, key=lambda entry: str(entry["id"]))


def _model_ids(entries: list[dict[str, Any]]) -> list[str]:
    return [str(entry["id"]) for entry in entries]


_discovered: set[object] = set()


def _with_rules(body: dict[str, Any], model: str) -> dict[str, Any]:
    rules = _family_rules(model)
    if rules.changes_every_body or "reasoning_effort" in body or _has_stray_tool_options(body):
        from akile_core.rules import apply_rules

        body, dropped_now = apply_rules(body, rules)
        for param, reason in dropped_now:
            _warn_dropped(model, param, f"{reason}; it was left out")
    return body


def _first_discovery(gateway: Gateway) -> bool:
    """True once per configuration (settings, or the prebuilt client) and process."""
    key = gateway._configuration
    with _warned_lock:
        first = key not in _discovered
        _discovered.add(key)
    return first
