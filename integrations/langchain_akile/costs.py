"""Totals of what calls cost over a chain, an agent or a LangGraph run.

In the spirit of LangChain's ``get_usage_metadata_callback``: a callback handler that reads each
chat model call's ``response_metadata["cost"]`` (set by ``ChatAkile(track_cost=True)``), and a
context manager that attaches it to every run inside the ``with`` block::

    with get_akile_cost_callback() as cb:
        agent.invoke({"messages": [...]})
    print(cb.total_usd, cb.total_quota, cb.calls)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.outputs import ChatGeneration, LLMResult
from langchain_core.tracers.context import register_configure_hook

from akile_core.pricing import CostTally

# One variable for the process: a new one per `with` would leave a hook behind each time.
_current: ContextVar[AkileCostCallbackHandler | None] = ContextVar(
    "akile_cost_callback", default=None
)
register_configure_hook(_current, inheritable=True)


class AkileCostCallbackHandler(CostTally, BaseCallbackHandler):
    """Adds up the cost of every chat model call it sees, in quota units and US dollars.

    ``total_usd``, ``total_quota``, ``calls``, ``by_model``; a call whose cost is unknown is
    counted in ``unknown_calls`` with its reason in ``reasons``, never as free, and one that
    carried no cost (``track_cost`` off) in ``unpriced_calls``.
    """

    def __init__(self) -> None:
        CostTally.__init__(self)
        BaseCallbackHandler.__init__(self)

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        """Add the call's cost."""
        for generations in response.generations:
            if generations and isinstance(generations[0], ChatGeneration):
                self.add(generations[0].message.response_metadata.get("cost"))


@contextmanager
def get_akile_cost_callback() -> Iterator[AkileCostCallbackHandler]:
    """A handler that totals the cost of every ``ChatAkile`` call inside the ``with`` block."""
    handler = AkileCostCallbackHandler()
    token = _current.set(handler)
    try:
        yield handler
    finally:
        _current.reset(token)
