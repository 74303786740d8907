"""Memory, sockets and event loops stay flat under the usage patterns that leaked before.

Each loop count below reproduces a report from an audit of this package (see
shared/reference/audit-turn2.md, findings 1 and 2): one ``asyncio.run`` per call, one key per
end user, and LlamaIndex's ``asyncio_run`` inside a running loop.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os

import pytest
from llama_index.core.async_utils import asyncio_run
from llama_index.core.llms import ChatMessage

from langchain_akile import ChatAkile
from llama_index.llms.akile import Akile
from tests.faults.server import FaultServer


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _live_loops() -> int:
    gc.collect()
    return sum(isinstance(o, asyncio.AbstractEventLoop) for o in gc.get_objects())


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux /proc")
def test_one_asyncio_run_per_call_frees_each_loop_and_its_pool(
    fault_server: FaultServer,
) -> None:
    llm = ChatAkile(model="ok", base_url=fault_server.base_url, api_key="AK-test")
    asyncio.run(llm.ainvoke("warm up"))
    loops, fds = _live_loops(), _open_fds()
    for _ in range(60):
        asyncio.run(llm.ainvoke("hi"))
    rss_after_60 = _rss_mb()
    for _ in range(140):
        asyncio.run(llm.ainvoke("hi"))
    # Before the fix every loop stayed alive with its aiohttp session: 200 loops, +210 MB.
    assert _live_loops() <= loops
    assert _open_fds() <= fds + 2
    assert _rss_mb() - rss_after_60 < 15


def test_one_key_per_end_user_shares_one_connection_pool(fault_server: FaultServer) -> None:
    ChatAkile(model="ok", base_url=fault_server.base_url, api_key="AK-warm").invoke("hi")
    fds, rss = _open_fds(), _rss_mb()
    for i in range(200):
        ChatAkile(model="ok", base_url=fault_server.base_url, api_key=f"AK-user{i}").invoke("hi")
    gc.collect()
    # Before the fix: a pool per key, +400 fds and +181 MB for 200 keys.
    assert _open_fds() <= fds + 2
    assert _rss_mb() - rss < 20


def test_asyncio_run_inside_a_running_loop_leaks_no_session(
    fault_server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    llm = Akile(model="ok", base_url=fault_server.base_url, api_key="AK-test")

    async def notebook_cell() -> int:
        before = _open_fds()
        for _ in range(20):
            asyncio_run(llm.achat([ChatMessage(role="user", content="x")]))
        gc.collect()
        return _open_fds() - before

    with caplog.at_level(logging.ERROR, logger="asyncio"):
        grown = asyncio.run(notebook_cell())
    assert grown <= 1
    assert not [r for r in caplog.records if "Unclosed" in r.getMessage()]
