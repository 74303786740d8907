"""``akile chat`` driven in a pseudo-terminal, keystroke by keystroke, as a person would."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from tests.cli.helpers import ROOT, environment
from tests.faults.server import FaultServer

pexpect = pytest.importorskip("pexpect", reason="pexpect drives the terminal (not on Windows)")


def spawn(model: str, server: FaultServer) -> Any:
    env = environment(server.base_url, None, TERM="xterm")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "akile_cli", "chat", "-m", model],
        env=env,
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=15,
    )
    child.expect_exact("akile chat with")
    child.expect_exact("you> ")
    return child


def test_a_conversation_with_commands(fault_server: FaultServer, scenario: Any) -> None:
    model = scenario("ok")
    child = spawn(model, fault_server)
    child.sendline("hello")
    child.expect_exact("echo: hello")
    child.expect_exact("[5 prompt + 3 completion tokens]")
    child.expect_exact("you> ")
    child.sendline("/system be brief")
    child.expect_exact("(system prompt: be brief)")
    child.sendline("again")
    child.expect_exact("echo: again")
    child.expect_exact("you> ")
    child.sendline("/reset")
    child.expect_exact("(conversation forgotten)")
    child.sendline("fresh")
    child.expect_exact("echo: fresh")
    child.expect_exact("you> ")
    child.sendline("/nope")
    child.expect_exact("unknown command /nope")
    child.sendeof()  # Ctrl-D leaves
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    sent = [e.body["messages"] for e in fault_server.attempts(model)]
    assert [m["role"] for m in sent[1]] == ["system", "user", "assistant", "user"]
    assert sent[1][0]["content"] == "be brief" and sent[1][2]["content"] == "echo: hello"
    assert [m["role"] for m in sent[2]] == ["system", "user"]  # /reset kept the system prompt


def test_ctrl_c_stops_one_answer_and_keeps_the_session(
    fault_server: FaultServer, scenario: Any
) -> None:
    model = scenario("stream-stall")  # sends "partial " and then nothing
    child = spawn(model, fault_server)
    child.sendline("first")
    child.expect_exact("partial ")
    child.sendintr()
    child.expect_exact("[stopped]")
    child.expect_exact("you> ")
    child.sendline("second")  # the session goes on
    child.expect_exact("partial ")
    child.sendintr()
    child.expect_exact("[stopped]")
    child.expect_exact("you> ")
    child.sendintr()  # at the prompt: a reminder, not an exit
    child.expect_exact("(Ctrl-D or /exit leaves)")
    child.sendline("/exit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert len(fault_server.attempts(model)) == 2
    # The partial first answer stayed in the conversation.
    assert fault_server.attempts(model)[1].body["messages"][1] == {
        "role": "assistant",
        "content": "partial ",
    }
