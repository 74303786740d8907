"""Totals of what calls cost over a query engine, chat engine or agent run.

A callback handler in the manner of LlamaIndex's ``TokenCountingHandler``: it reads each LLM
event's response ``additional_kwargs["cost"]`` (set by ``Akile(track_cost=True)``)::

    cost = AkileCostHandler()
    Settings.callback_manager = CallbackManager([cost])
    Settings.llm = Akile(model="claude-opus-4-8", track_cost=True)
    index.as_query_engine().query("...")
    print(cost.total_usd, cost.total_quota, cost.calls)
"""

from __future__ import annotations

from typing import Any

from llama_index.core.callbacks.base_handler import BaseCallbackHandler
from llama_index.core.callbacks.schema import CBEventType, EventPayload

from akile_core.pricing import CostTally


class AkileCostHandler(CostTally, BaseCallbackHandler):
    """Adds up the cost of every LLM call it sees, in quota units and US dollars.

    ``total_usd``, ``total_quota``, ``calls``, ``by_model``; a call whose cost is unknown is
    counted in ``unknown_calls`` with its reason in ``reasons``, never as free, and one that
    carried no cost (``track_cost`` off) in ``unpriced_calls``.
    """

    def __init__(self) -> None:
        CostTally.__init__(self)
        BaseCallbackHandler.__init__(self, event_starts_to_ignore=[], event_ends_to_ignore=[])

    def on_event_start(
        self,
        event_type: CBEventType,
        payload: dict[str, Any] | None = None,
        event_id: str = "",
        parent_id: str = "",
        **kwargs: Any,
    ) -> str:
        """Nothing to do when a call starts."""
        return event_id

    def on_event_end(
        self,
        event_type: CBEventType,
        payload: dict[str, Any] | None = None,
        event_id: str = "",
        **kwargs: Any,
    ) -> None:
        """Add an LLM call's cost (chat and completion responses alike)."""
        if event_type != CBEventType.LLM or not payload:
            return
        response = payload.get(EventPayload.RESPONSE) or payload.get(EventPayload.COMPLETION)
        if response is None:
            return
        extra = getattr(response, "additional_kwargs", None) or {}
        self.add(extra.get("cost"))

    def start_trace(self, trace_id: str | None = None) -> None:
        """Nothing to do when a trace starts."""

    def end_trace(
        self, trace_id: str | None = None, trace_map: dict[str, list[str]] | None = None
    ) -> None:
        """Nothing to do when a trace ends."""
