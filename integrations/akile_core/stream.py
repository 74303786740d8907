r"""Turn streamed chat-completion chunks into clean deltas, whatever the upstream's dialect.

OpenAI-compatible servers disagree on the details of a stream. Shapes handled here, each pinned
by a test in ``tests/core/test_stream.py`` that cites where it comes from:

- tool-call fragments keyed by ``index`` (OpenAI), with no ``index`` at all (some Gemini and
  older vLLM bridges), with ``id`` and ``name`` repeated in every fragment (several gateways),
  several calls in one delta, and empty ``arguments`` for tools without parameters;
- chunks with empty ``choices``, chunks without ``delta``, and a final usage-only chunk;
- reasoning text in ``reasoning_content`` or ``reasoning``, never both;
- on Claude channels, the ``"\n"`` reasoning delta new-api sends for each thinking signature
  (``signature_delta``, gateway-families.md section 5b): held back, and dropped unless more
  reasoning follows (so a real newline inside the thinking survives). DeepSeek streams real
  ``"\n"`` deltas, so this is off unless the gateway sets ``hold_lone_newline``.

Downstream, frameworks merge fragments by concatenating strings, so every fragment this module
emits carries ``index``, and ``id`` and ``name`` only on the first fragment of its call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from akile_core.errors import AkileResponseError
from akile_core.response import ToolCall, Usage, parse_usage, reasoning_of, text_of


@dataclass(frozen=True, slots=True)
class ToolCallFragment:
    """A piece of one tool call: ``id``/``name`` on its first piece only, ``index`` always."""

    index: int
    id: str | None = None
    name: str | None = None
    arguments: str = ""


@dataclass(frozen=True, slots=True)
class Delta:
    """What one chunk adds to the answer (choice 0)."""

    content: str = ""
    reasoning: str = ""
    tool_calls: tuple[ToolCallFragment, ...] = ()
    logprobs: Any = None
    thinking_blocks: tuple[Mapping[str, Any], ...] = ()
    """Pieces of Claude's thinking blocks (``/v1/messages``), each with the ``index`` of its
    block among the thinking blocks: the text, then the signature, merged by index."""


@dataclass(slots=True)
class _PendingCall:
    index: int
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


class ToolCallAccumulator:
    """Joins tool-call fragments into calls, keyed by index; tolerant of missing indexes."""

    def __init__(self) -> None:
        self._calls: dict[int, _PendingCall] = {}
        self._by_raw_index: dict[int, _PendingCall] = {}
        self._last: _PendingCall | None = None

    def add(self, raw: Mapping[str, Any]) -> ToolCallFragment:
        """Take one raw fragment; return it normalised (see the module docstring)."""
        function = raw.get("function") or {}
        call_id = raw.get("id") or None
        name = function.get("name") or None
        arguments = function.get("arguments") or ""
        call = self._call_for(raw.get("index"), call_id)
        new_id = None
        if call_id and not call.id:
            call.id = new_id = str(call_id)
        new_name = None
        if name and name != call.name:
            if call.name and str(name).startswith(call.name):
                # Some servers resend the name cumulatively; keep the longer one, emit the rest.
                new_name, call.name = str(name)[len(call.name) :], str(name)
            elif not call.name:
                call.name = new_name = str(name)
        if arguments:
            call.arguments.append(str(arguments))
        return ToolCallFragment(call.index, new_id, new_name, str(arguments))

    def _call_for(self, index: object, call_id: object) -> _PendingCall:
        if isinstance(index, int) and not isinstance(index, bool):
            call = self._by_raw_index.get(index)
            if call is None or (call_id and call.id and call_id != call.id):
                # A new id at a known index: servers that number every call 0 (seen on some
                # one-api channels) start the next call this way.
                call = self._by_raw_index[index] = (
                    self._new_call()
                    if index in self._calls or call is not None
                    else self._add(index)
                )
        elif self._last is not None and (not call_id or call_id == self._last.id):
            # No index: a fragment without a new id continues the call before it.
            call = self._last
        else:
            existing = next((c for c in self._calls.values() if call_id and c.id == call_id), None)
            call = existing or self._new_call()
        self._last = call
        return call

    def _new_call(self) -> _PendingCall:
        return self._add(max(self._calls, default=-1) + 1)

    def _add(self, index: int) -> _PendingCall:
        call = self._calls[index] = _PendingCall(index)
        return call

    def calls(self, leave_out: str | None = None) -> list[ToolCall]:
        """The calls assembled so far, in index order; without those named ``leave_out``."""
        return [
            ToolCall(id=c.id, name=c.name, arguments="".join(c.arguments))
            for _, c in sorted(self._calls.items())
            if leave_out is None or c.name != leave_out
        ]

    def has_calls_besides(self, name: str | None) -> bool:
        """Whether any call so far is not named ``name``."""
        return any(call.name != name for call in self._calls.values())

    def name_at(self, index: int) -> str:
        """The name of the call at ``index`` (as normalised), so far."""
        call = self._calls.get(index)
        return call.name if call is not None else ""


class StreamState:
    """Reads the chunks of one stream in order; remembers what arrives once (usage, finish)."""

    def __init__(self) -> None:
        self.tool_calls = ToolCallAccumulator()
        self.usage: Usage | None = None
        self.finish_reason: str | None = None
        self.model: str | None = None
        self.id: str | None = None
        self.system_fingerprint: str | None = None
        self.chunks = 0
        self.hold_lone_newline = False
        self._held_newline = False
        self.events: Any = None
        """A wire's reader of its own event shapes (``MessagesWire``: the translator of
        Anthropic events), which also says whether the stream reached its end."""
        self.answer_tool: str | None = None
        """The answer tool standing in for ``response_format`` (``akile_core.answer_tool``):
        its calls' arguments stream as text and it is never reported as a tool call."""

    def feed(self, chunk: object) -> Delta | None:
        """Read one decoded chunk; return what it adds to the answer, or ``None`` if nothing."""
        if not isinstance(chunk, Mapping):
            raise AkileResponseError(
                f"The gateway sent a stream event that is not a JSON object: {str(chunk)[:200]!r}.",
                body=chunk,
            )
        self.chunks += 1
        self.model = chunk.get("model") or self.model
        self.id = chunk.get("id") or self.id
        self.system_fingerprint = chunk.get("system_fingerprint") or self.system_fingerprint
        usage = chunk.get("usage")
        if isinstance(usage, Mapping):
            # Some servers repeat a running total in every chunk: the last one is the answer,
            # so usage is kept, never summed, and reported once at the end.
            self.usage = parse_usage(usage)
        choice = next((c for c in chunk.get("choices") or () if (c.get("index") or 0) == 0), None)
        if choice is None:
            return None
        if choice.get("finish_reason"):
            self.finish_reason = str(choice["finish_reason"])
        delta = choice.get("delta") or choice.get("message") or {}
        fragments = tuple(self.tool_calls.add(raw) for raw in delta.get("tool_calls") or ())
        content = text_of(delta.get("content"))
        if self.answer_tool is not None:
            content, fragments = self._answer_as_text(content, fragments)
        reasoning = reasoning_of(delta) or ""
        logprobs = choice.get("logprobs")
        if self.hold_lone_newline and (reasoning or self._held_newline):
            reasoning = self._release_newline(reasoning, content or fragments)
        thinking = tuple(delta.get("thinking_blocks") or ())
        if not (content or reasoning or fragments or logprobs or thinking):
            return None
        return Delta(content, reasoning, fragments, logprobs, thinking)

    def _answer_as_text(
        self, content: str, fragments: tuple[ToolCallFragment, ...]
    ) -> tuple[str, tuple[ToolCallFragment, ...]]:
        """Move the answer tool's argument fragments into the text; keep the other fragments."""
        kept = []
        for fragment in fragments:
            if self.tool_calls.name_at(fragment.index) == self.answer_tool:
                content += fragment.arguments
            else:
                kept.append(fragment)
        if self.finish_reason == "tool_calls" and not self.tool_calls.has_calls_besides(
            self.answer_tool
        ):
            self.finish_reason = "stop"  # only the answer was "called": a plain answer
        return content, tuple(kept)

    def _release_newline(self, reasoning: str, answer_started: object) -> str:
        r"""The reasoning to emit now, holding back a lone ``"\n"`` until we know what it was."""
        if reasoning == "\n" and not answer_started:
            held, self._held_newline = self._held_newline, True
            return "\n" if held else ""
        if self._held_newline:
            self._held_newline = False
            if reasoning:
                return "\n" + reasoning
        return reasoning

    def check_complete(self) -> None:
        """Raise if the stream ended before the model finished: never pass off a cut answer."""
        if self.finish_reason is None or (
            self.events is not None and not getattr(self.events, "stopped", True)
        ):
            raise AkileResponseError(
                f"The stream ended after {self.chunks} chunks without finishing: the "
                "connection was closed before the model finished, so the answer is incomplete. "
                "What to do: retry; if it keeps happening, check proxies and timeouts between "
                "you and the gateway."
            )
