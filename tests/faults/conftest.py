"""The fault server, one per test session, and model factories pointed at it."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from akile_core.families import forget_learned_families
from akile_core.gateway import forget_discoveries
from akile_core.policy import forget_warnings
from tests.faults.server import FaultServer

_tags = itertools.count()
_prompts = itertools.count()


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


@pytest.fixture
def prompt() -> str:
    """A prompt unique to this test: channels take real model names, so no ``#tag``."""
    return f"question {next(_prompts)}"


@pytest.fixture
def fresh_families() -> Iterator[None]:
    """Real model names recur across tests: forget what earlier ones learned and warned about."""
    forget_warnings()
    yield
    forget_learned_families()
    forget_discoveries()


@pytest.fixture
def chat_completions_wire(monkeypatch: pytest.MonkeyPatch) -> None:
    """Claude over chat completions: for tests of new-api's chat-completions converter, which
    ``endpoint="auto"`` would otherwise leave for ``/v1/messages`` on a listed Claude channel."""
    monkeypatch.setenv("AKILE_ENDPOINT", "chat_completions")
