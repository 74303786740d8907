"""Streams in SSE dialects that real servers send, through both classes, sync and async.

The openai SDK (2.x and 3.x) raises JSONDecodeError on ``id:`` lines and keep-alive comments;
the shapes are described in ``tests/faults/server.py`` (``sse_dialect``).
"""

from __future__ import annotations

from typing import Any

import pytest

import akile_core
from tests.faults.server import FaultServer
from tests.faults.test_faults import STREAMING, Driver, ids

WELL_FORMED = ["ids", "crlf", "cr", "multiline", "no-done", "json-body"]


@pytest.mark.parametrize("variant", WELL_FORMED)
@pytest.mark.parametrize("driver", STREAMING, ids=ids(STREAMING))
def test_every_dialect_gives_the_whole_answer(
    driver: Driver, variant: str, fault_server: FaultServer, scenario: Any
) -> None:
    got: list[str] = []
    answer = driver.run(driver.model(fault_server, scenario(f"sse:{variant}")), "hello", got)
    assert answer == "echo: hello"


@pytest.mark.parametrize("driver", STREAMING, ids=ids(STREAMING))
def test_a_bare_error_line_ends_the_stream_with_the_mapped_error(
    driver: Driver, fault_server: FaultServer, scenario: Any
) -> None:
    got: list[str] = []
    with pytest.raises(akile_core.ServerError) as info:
        driver.run(driver.model(fault_server, scenario("sse:bare-error")), "hello", got)
    assert "".join(got) == "echo: "  # what arrived before the failure
    assert "Overloaded" in str(info.value)
    assert info.value.request_id == "2026120216460001"


@pytest.mark.parametrize("driver", STREAMING, ids=ids(STREAMING))
def test_an_error_event_raises_after_what_arrived(
    driver: Driver, fault_server: FaultServer, scenario: Any
) -> None:
    got: list[str] = []
    with pytest.raises(akile_core.ServerError, match="upstream failed mid-answer"):
        driver.run(driver.model(fault_server, scenario("sse:event-error")), "hello", got)
    assert "".join(got) == "echo: "
