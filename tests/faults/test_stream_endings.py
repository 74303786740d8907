"""How a stream ends decides whether its answer is complete: every known ending, both adapters.

An answer is complete only when the protocol says so: on chat completions, a chunk with a
``finish_reason`` other than ``"error"``. Every other ending raises the mapped error, with the
gateway's message and request id, after the chunks that did arrive. The shapes are served by
``tests/faults/server.py`` (``stream_ending``, ``sse_dialect``, ``stream_error_event``,
``stream_drop``), each citing its source.
"""

from __future__ import annotations

from typing import Any

import pytest

import akile_core
from tests.faults.server import FaultServer
from tests.faults.test_faults import BLOCKING, STREAMING, Driver, ids

COMPLETE = "complete"

# (scenario, what it must give, words the error must hold, request id it must carry)
ENDINGS: list[tuple[str, Any, str, str | None]] = [
    ("end:stop", COMPLETE, "", None),
    ("end:length", COMPLETE, "", None),
    ("end:finish-no-done", COMPLETE, "", None),  # no [DONE]: the finish chunk is the end
    ("end:openrouter-error", akile_core.ServerError, "Provider disconnected", "req-stream-fault"),
    ("end:finish-error", akile_core.ServerError, "finish_reason 'error'", "req-stream-fault"),
    ("end:anthropic-error", akile_core.ServerError, "Overloaded", "req-stream-fault"),
    ("end:done-without-finish", akile_core.AkileResponseError, "incomplete", None),
    ("end:cut-mid-event", akile_core.AkileResponseError, "incomplete", None),
    ("end:closed", akile_core.AkileResponseError, "incomplete", None),
    ("end:reset", akile_core.AkileConnectionError, "not returned as complete", None),
    ("stream-error", akile_core.ServerError, "upstream stream interrupted", None),
    ("sse:bare-error", akile_core.ServerError, "Overloaded", "2026120216460001"),
    ("sse:event-error", akile_core.ServerError, "upstream failed mid-answer", None),
    ("stream-drop", akile_core.AkileConnectionError, "not returned as complete", None),
]


@pytest.mark.parametrize(
    ("name", "outcome", "words", "request_id"), ENDINGS, ids=[e[0] for e in ENDINGS]
)
@pytest.mark.parametrize("driver", STREAMING, ids=ids(STREAMING))
def test_every_stream_ending(
    driver: Driver,
    name: str,
    outcome: Any,
    words: str,
    request_id: str | None,
    fault_server: FaultServer,
    scenario: Any,
) -> None:
    got: list[str] = []
    llm = driver.model(fault_server, scenario(name), max_retries=0)
    if outcome == COMPLETE:
        assert driver.run(llm, "hello", got) == "echo: hello"
        return
    with pytest.raises(outcome) as info:
        driver.run(llm, "hello", got)
    # What arrived before the failure was yielded, and nothing after it.
    arrived = {"stream-error": "partial ", "stream-drop": "partial "}
    arrived["end:done-without-finish"] = "echo: hello"  # all the text, but never finished
    assert "".join(got) == arrived.get(name, "echo: ")
    assert words in str(info.value) and "What to do" in str(info.value)
    if request_id is not None:
        assert info.value.request_id == request_id
        assert request_id in str(info.value)


@pytest.mark.parametrize("name", ["end:openrouter-error", "end:finish-error"])
@pytest.mark.parametrize("driver", BLOCKING, ids=ids(BLOCKING))
def test_a_non_streamed_answer_that_finished_with_an_error_raises(
    driver: Driver, name: str, fault_server: FaultServer, scenario: Any
) -> None:
    with pytest.raises(akile_core.ServerError) as info:
        driver.run(driver.model(fault_server, scenario(name), max_retries=0), "hello", [])
    assert "What to do" in str(info.value)
