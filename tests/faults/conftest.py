"""The fault server, one per test session, and model factories pointed at it."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from tests.faults.server import FaultServer

_tags = itertools.count()


@pytest.fixture(scope="session")
def fault_server() -> Iterator[FaultServer]:
    server = FaultServer().start()
    yield server
    server.stop()


@pytest.fixture
def scenario() -> Any:
    """``scenario("429")`` -> a model name unique to this use, so attempts can be counted."""

    def make(name: str) -> str:
        return f"{name}#{next(_tags)}"

    return make
