"""Property-based tests: any valid message list converts and round-trips without loss."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from llama_index.core.base.llms.types import ChatMessage, TextBlock, ToolCallBlock

from akile_core import Choice, StreamState, ToolCall
from langchain_akile import _convert as lc
from llamaindex_akile import _convert as li

text = st.text(max_size=60)
names = st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
args = st.dictionaries(names, json_values, max_size=4)
calls = st.lists(st.tuples(names, names, args), max_size=3, unique_by=lambda c: c[0])


def as_answer(sent: dict[str, Any]) -> Choice:
    """A sent assistant message read back as the model's answer (the response parser's input)."""
    return Choice(
        content=sent["content"] or "",
        tool_calls=tuple(
            ToolCall(c["id"], c["function"]["name"], c["function"]["arguments"])
            for c in sent.get("tool_calls", [])
        ),
    )


@st.composite
def langchain_history(draw: Any) -> list[Any]:
    history: list[Any] = [SystemMessage(draw(text))] if draw(st.booleans()) else []
    for _ in range(draw(st.integers(1, 4))):
        history.append(HumanMessage(draw(text)))
        tool_calls = draw(calls)
        history.append(
            AIMessage(
                draw(text), tool_calls=[{"id": i, "name": n, "args": a} for i, n, a in tool_calls]
            )
        )
        history.extend(ToolMessage(draw(text), tool_call_id=i) for i, _, _ in tool_calls)
    return history


@settings(max_examples=150, deadline=None)
@given(langchain_history())
def test_langchain_history_converts_without_loss(history: list[Any]) -> None:
    wire = lc.to_wire_messages(history)
    assert len(wire) == len(history)
    for message, sent in zip(history, wire, strict=True):
        assert (
            sent["role"]
            == {"system": "system", "human": "user", "ai": "assistant", "tool": "tool"}[
                message.type
            ]
        )
        if isinstance(message, AIMessage):
            # the assistant turn comes back as the same message through the response parser
            back = lc.from_wire_choice(as_answer(sent))
            assert back.content == message.content
            assert [(c["id"], c["name"], c["args"]) for c in back.tool_calls] == [
                (c["id"], c["name"], c["args"]) for c in message.tool_calls
            ]
        else:
            assert sent["content"] == message.content
        if isinstance(message, ToolMessage):
            assert sent["tool_call_id"] == message.tool_call_id


@st.composite
def llamaindex_history(draw: Any) -> list[ChatMessage]:
    history = [ChatMessage(role="system", content=draw(text))] if draw(st.booleans()) else []
    for _ in range(draw(st.integers(1, 4))):
        history.append(ChatMessage(role="user", content=draw(text)))
        tool_calls = draw(calls)
        blocks: list[Any] = [TextBlock(text=draw(text))]
        blocks += [
            ToolCallBlock(tool_call_id=i, tool_name=n, tool_kwargs=a) for i, n, a in tool_calls
        ]
        history.append(ChatMessage(role="assistant", blocks=blocks))
        history.extend(
            ChatMessage(role="tool", content=draw(text), additional_kwargs={"tool_call_id": i})
            for i, _, _ in tool_calls
        )
    return history


@settings(max_examples=150, deadline=None)
@given(llamaindex_history())
def test_llamaindex_history_converts_without_loss(history: list[ChatMessage]) -> None:
    wire = li.to_wire_messages(history)
    for message, sent in zip(history, wire, strict=True):
        assert sent["role"] == message.role.value
        if message.role.value == "assistant":
            back = li.from_wire_choice(as_answer(sent))
            assert (back.content or "") == (message.content or "")
            assert [
                (s.tool_id, s.tool_name, s.tool_kwargs) for s in li.to_tool_selections(back)
            ] == [
                (b.tool_call_id, b.tool_name, b.tool_kwargs)
                for b in message.blocks
                if isinstance(b, ToolCallBlock)
            ]
        else:
            assert sent["content"] == message.content


@settings(max_examples=200, deadline=None)
@given(calls, st.data())
def test_any_fragmentation_of_a_stream_reassembles(tool_calls: list[Any], data: Any) -> None:
    state = StreamState()
    for index, (call_id, name, arguments) in enumerate(tool_calls):
        raw = json.dumps(arguments, ensure_ascii=False)
        cuts = sorted(data.draw(st.lists(st.integers(0, len(raw)), max_size=5)))
        pieces = [raw[a:b] for a, b in zip([0, *cuts], [*cuts, len(raw)], strict=True)]
        for n, piece in enumerate(pieces):
            fragment: dict[str, Any] = {"index": index, "function": {"arguments": piece}}
            if n == 0 or data.draw(st.booleans()):  # some servers repeat id and name every time
                fragment.update(id=call_id, type="function")
                fragment["function"]["name"] = name
            state.feed({"choices": [{"index": 0, "delta": {"tool_calls": [fragment]}}]})
    state.feed({"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]})
    assert [(c.id, c.name, json.loads(c.arguments)) for c in state.tool_calls.calls()] == tool_calls


def _sse_body(pieces: list[str], tool_args: str) -> tuple[bytes, int]:
    """A whole chat-completions stream, and the offset where its finish chunk has arrived."""

    def event(payload: dict[str, Any]) -> bytes:
        return b"data: " + json.dumps(payload).encode() + b"\n\n"

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {"id": "c", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    events = [event(chunk({"role": "assistant", "content": ""}))]
    events += [event(chunk({"content": piece})) for piece in pieces]
    call = {"index": 0, "id": "call_1", "function": {"name": "f", "arguments": tool_args}}
    events.append(event(chunk({"tool_calls": [call]})))
    finish = event(chunk({}, "tool_calls"))
    usage = event({"id": "c", "choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": 2}})
    head = b"".join(events)
    # The finish chunk counts once its JSON is whole: a body that ends without the blank line
    # after it is still read (SSEDecoder.end), which is how servers without [DONE] end.
    return head + finish + usage + b"data: [DONE]\n\n", len(head) + len(finish) - 2


@given(
    pieces=st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=6),
    tool_args=st.text(max_size=12),
    data=st.data(),
)
@settings(max_examples=300, deadline=None)
def test_a_stream_cut_anywhere_is_never_a_complete_answer(
    pieces: list[str], tool_args: str, data: st.DataObject
) -> None:
    """Cut a stream at any byte: either all of the answer comes back, or an error is raised."""
    from akile_core import AkileError
    from akile_core.sse import SSEDecoder

    body, finished_at = _sse_body(pieces, tool_args)
    cut = data.draw(st.integers(0, len(body)), label="cut")
    state, text = StreamState(), []
    try:
        decoder = SSEDecoder()
        for event in [*decoder.feed(body[:cut]), *decoder.end()]:
            delta = state.feed(event)
            if delta is not None:
                text.append(delta.content)
        state.check_complete()
    except AkileError:
        assert cut < finished_at  # a complete stream never raises
        return
    assert cut >= finished_at  # nothing cut short passes as complete
    assert "".join(text) == "".join(pieces)
    assert state.tool_calls.calls() == [ToolCall("call_1", "f", tool_args)]
