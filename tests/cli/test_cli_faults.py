"""``akile`` against the fault server: a Claude-like channel, and every fatal error's exit code."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from akile_core.families import forget_learned_families
from akile_core.policy import forget_warnings
from akile_core.saved_profiles import PROFILES_FILE_ENV, forget_saved_facts
from langchain_akile import ChatAkile
from llamaindex_akile import Akile
from tests.cli.helpers import KEY, akile, environment
from tests.faults.server import FaultServer


@pytest.fixture
def profiles(tmp_path: Path) -> Path:
    return tmp_path / "config" / "akile" / "profiles.json"


@pytest.fixture
def reads_profiles(profiles: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """This process reads the profiles file the command writes."""
    monkeypatch.setenv(PROFILES_FILE_ENV, str(profiles))
    forget_saved_facts()
    forget_warnings()
    yield profiles
    monkeypatch.setenv(PROFILES_FILE_ENV, "")
    forget_saved_facts()
    forget_learned_families()


def statuses(report: dict[str, object]) -> dict[str, str]:
    return {f["key"]: f["status"] for f in report["findings"]}  # type: ignore[attr-defined]


def test_doctor_reports_what_a_claude_channel_does(fault_server: FaultServer) -> None:
    run = akile("doctor", "-m", "claude-sonnet-4-5", "--json", base_url=fault_server.base_url)
    assert run.code == 0, run.err
    report = run.json()
    found = statuses(report)
    # What new-api's Claude converter does (tests/faults/channels.py): exactly these facts.
    assert found["json_schema"] == "ignored"  # HTTP 200 and prose
    assert found["json_object"] == "ignored"
    assert found["temperature"] == found["top_p"] == "ok"
    assert found["temperature_top_p"] == "rejected"
    assert found["n"] == "ignored" and found["logprobs"] == "ignored"  # dropped by the converter
    assert found["tools"] == found["tools_stream"] == found["tool_choice_named"] == "ok"
    assert found["tool_choice_none"] == "ok"
    assert found["parallel_tool_calls"] == "no"  # one call
    assert found["reasoning_effort"] == "ok"
    assert found["stream_usage_default"] == "ok"  # new-api sends usage unless told not to
    assert report["gateway_version"] == "v0.9.0-fault"
    assert report["family"] == "claude" and report["listed"] is True
    assert report["facts"] == {
        "structured_output": "function_calling",
        "temperature_with_top_p": False,
        "tool_calling": True,
        "reasoning": True,
        "inputs": ["image", "pdf", "text"],
        "messages_endpoint": True,
        "family": "claude",
    }
    # /v1/messages keeps what chat completions lose (tests/faults/messages_channel.py)
    assert found["messages"] == "ok"
    assert found["messages_thinking_tools"] == "ok" and found["messages_cache"] == "ok"
    detail = {f["key"]: f["detail"] for f in report["findings"]}
    assert "cannot both be specified" in detail["temperature_top_p"]
    spent = report["spent"]
    # one request per chat probe; the loop and the cache probes send two each
    assert spent["requests"] == len(report["findings"]) + 2
    assert spent["without_usage"] == 1  # the rejected request
    # the fault server's price list has no claude-sonnet-4-5: the cost is unknown, and says why
    assert spent["usd"] is None and "not in the gateway's price list" in spent["cost_unknown"]
    assert report["saved_to"] is None


def test_a_saved_doctor_finding_changes_what_both_classes_send(
    fault_server: FaultServer, reads_profiles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The doctor probes chat completions, and its facts are about that wire: once the saved
    # family says Claude, endpoint="auto" would choose /v1/messages, so this pins the wire.
    monkeypatch.setenv("AKILE_ENDPOINT", "chat_completions")

    # An alias on a Claude channel: its name says nothing, so by default both parameters go out.
    def langchain() -> ChatAkile:
        return ChatAkile(
            model="team-sonnet", api_key=KEY, base_url=fault_server.base_url, max_retries=0
        )

    with pytest.raises(Exception, match="cannot both be specified"):
        langchain().invoke("before", temperature=0.2, top_p=0.9)

    run = akile(
        "doctor",
        "-m",
        "team-sonnet",
        "--save",
        profiles=reads_profiles,
        base_url=fault_server.base_url,
    )
    assert run.code == 0, run.err
    assert f"saved to {reads_profiles}" in run.out
    assert "temperature_with_top_p=False" in run.out
    saved = json.loads(reads_profiles.read_text())["models"]["team-sonnet"]
    assert saved["structured_output"] == "function_calling"
    assert saved["observed"]["json_schema"].startswith("ignored")

    forget_saved_facts()  # a new process would read the file on its first lookup
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert langchain().invoke("after", temperature=0.2, top_p=0.9).content == "echo: after"
        llm = Akile(
            model="team-sonnet",
            api_key=KEY,
            base_url=fault_server.base_url,
            temperature=0.2,
            additional_kwargs={"top_p": 0.9},
        )
        assert llm.complete("also after").text == "echo: also after"
    (after,) = fault_server.asked("after")
    assert after.body["temperature"] == 0.2 and "top_p" not in after.body
    (also,) = fault_server.asked("also after")
    assert "top_p" not in also.body
    # with_structured_output now defaults to the method the doctor saw work.
    from pydantic import BaseModel

    class Pet(BaseModel):
        name: str
        legs: int

    assert langchain().with_structured_output(Pet).invoke("a pet") == Pet(name="echo", legs=1)
    (pet,) = fault_server.asked("a pet")
    assert "response_format" not in pet.body and pet.body["tool_choice"]["type"] == "function"


def test_models_lists_the_keys_models_with_their_facts(fault_server: FaultServer) -> None:
    run = akile("models", "--json", base_url=fault_server.base_url)
    assert run.code == 0, run.err
    models = {m["id"]: m for m in run.json()}
    assert models["team-sonnet"]["family"] == "claude"  # from supported_endpoint_types
    assert models["team-sonnet"]["profile_source"] == "listed"
    assert models["claude-sonnet-4-5"]["profile"]["context_window"] == 200_000
    assert models["gemini-2.5-flash"]["supported_endpoint_types"] == ["gemini", "openai"]
    assert models["ok"]["profile"] is None
    table = akile("models", base_url=fault_server.base_url)
    assert table.code == 0
    lines = table.out.splitlines()
    assert lines[0].split() == [
        "MODEL",
        "FAMILY",
        "CONTEXT",
        "MAX",
        "OUTPUT",
        "INPUTS",
        "TOOLS",
        "REASONING",
        "STRUCTURED",
        "FROM",
    ]
    assert next(line for line in lines if line.startswith("team-sonnet ")).split()[-1] == "listed"
    assert lines[-1].startswith("6 models; 4 with facts from the model table")
    row = next(line for line in lines if line.startswith("claude-sonnet-4-5 "))
    assert row.split() == [
        "claude-sonnet-4-5",
        "claude",
        "200,000",
        "64,000",
        "image,pdf,text",
        "yes",
        "yes",
        "function_calling",
        "exact",
    ]


def test_chat_shows_reasoning_apart_and_usage(fault_server: FaultServer) -> None:
    run = akile(
        "chat",
        "-m",
        "claude-sonnet-4-5",
        "--reasoning-effort",
        "low",
        "Why?",
        base_url=fault_server.base_url,
    )
    assert run.code == 0, run.err
    # Piped: stdout holds the answer alone; thinking and usage go to stderr.
    assert run.out == "echo: Why?\n"
    # claude-sonnet-4-5 is listed with "anthropic": the chat goes over /v1/messages, whose
    # usage the fault server counts from the body (tests/faults/messages_channel.py).
    assert run.err == "thinking: Let me think.\n\n[19 prompt + 15 completion tokens]\n"
    (sent,) = [e for e in fault_server.log if e.scenario == "messages" and "Why?" in str(e.body)]
    assert sent.body["thinking"] == {"type": "enabled", "budget_tokens": 1280}


def test_chat_reads_the_question_from_stdin(fault_server: FaultServer) -> None:
    run = akile(
        "chat", "-m", "ok", "Summarise:", stdin="a long text\n", base_url=fault_server.base_url
    )
    assert run.code == 0, run.err
    assert run.out.startswith("echo: Summarise:\n\na long text\n")
    assert akile("chat", "-m", "ok", base_url=fault_server.base_url).code == 1  # nothing to ask


@pytest.mark.parametrize(
    ("scenario", "code", "says"),
    [
        ("no-channel", 5, "渠道"),
        ("bad-key-zh", 6, "无效的令牌"),
        ("bad-request", 1, "at least one"),
    ],
)
@pytest.mark.parametrize("command", ["chat", "doctor"])
def test_gateway_errors_have_their_exit_codes(
    command: str, scenario: str, code: int, says: str, fault_server: FaultServer
) -> None:
    args = ["chat", "-m", scenario, "hi"] if command == "chat" else ["doctor", "-m", scenario]
    run = akile(*args, base_url=fault_server.base_url)
    assert run.code == code, run.err
    assert says in run.err
    assert "Traceback" not in run.err


def test_a_missing_key_and_an_unreachable_gateway_have_their_exit_codes() -> None:
    no_key = environment("http://127.0.0.1:9/v1", None)
    del no_key["AKILE_API_KEY"]
    for command in (["models"], ["chat", "-m", "m", "hi"], ["doctor", "-m", "m"]):
        run = akile(*command, env=no_key)
        assert (run.code, "AKILE_API_KEY" in run.err) == (3, True), run.err
        run = akile("--timeout", "2", *command, base_url="http://127.0.0.1:9/v1")
        assert (run.code, "Could not reach the gateway" in run.err) == (4, True), run.err


def test_akile_alone_prints_help_and_version_is_there() -> None:
    run = akile()
    assert run.code == 0 and "usage: akile" in run.out and "COMMAND" in run.out
    from importlib.metadata import version as installed

    version = akile("--version")
    assert version.code == 0 and version.out.strip() == f"akile {installed('akile-integrations')}"


def test_doctor_help_counts_the_requests_it_sends() -> None:
    from akile_cli.probes import probes

    run = akile("doctor", "--help")
    assert f"Sends {len(probes(reasoning_max_tokens=1))} small requests" in " ".join(
        run.out.split()
    )


@pytest.mark.parametrize(
    "order",
    [
        ["--base-url", "{url}", "--timeout", "2", "chat", "-m", "m", "hi"],
        ["chat", "-m", "m", "hi", "--base-url", "{url}", "--timeout", "2"],
        ["--timeout", "2", "chat", "--base-url", "{url}", "-m", "m", "hi"],
    ],
)
def test_global_options_go_before_or_after_the_command(order: list[str]) -> None:
    # Before: options after the subcommand were "unrecognized arguments" (exit 2).
    url = "http://127.0.0.1:9/v1"
    run = akile(*(a.replace("{url}", url) for a in order))
    assert run.code == 4, run.err  # unreachable: the URL given was used, wherever it stood
    assert url in run.err


def test_help_in_chat_lists_the_commands() -> None:
    import io

    from akile_cli.chat import Conversation, handle_command
    from akile_cli.main import parser
    from akile_cli.terminal import Terminal

    out = io.StringIO()
    conversation = Conversation(parser().parse_args(["chat", "-m", "m"]))
    assert handle_command("/help", conversation, Terminal(out, io.StringIO())) is False
    assert "/system TEXT" in out.getvalue() and "unknown command" not in out.getvalue()


def test_doctor_measures_a_thinking_models_forced_tools(fault_server: FaultServer) -> None:
    # deepseek-v4-flash thinks by default and refuses a forced tool while thinking
    # (tests/faults/channels.py): the forced probes are refused, the extra probe with the
    # thinking switch (as the library sends it) is honoured, and the fact is saved.
    run = akile("doctor", "-m", "deepseek-v4-flash", "--json", base_url=fault_server.base_url)
    assert run.code == 0, run.err
    report = run.json()
    found = statuses(report)
    assert found["tool_choice_required"] == found["tool_choice_named"] == "rejected"
    assert found["tool_choice_thinking_off"] == "ok"
    assert report["facts"]["forced_tool_while_thinking"] is False
    assert report["spent"]["requests"] == len(report["findings"]) == 23


def test_doctor_finds_a_gateway_without_messages(fault_server: FaultServer) -> None:
    base = fault_server.url("/no-messages")
    run = akile("doctor", "-m", "claude-sonnet-4-5", "--json", base_url=base)
    assert run.code == 0, run.err
    report = run.json()
    assert statuses(report)["messages"] == "rejected"
    assert "messages_thinking_tools" not in statuses(report)  # nothing more to learn there
    assert report["facts"]["messages_endpoint"] is False
