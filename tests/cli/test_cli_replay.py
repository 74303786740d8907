"""``akile`` run as a user runs it, on exchanges recorded from a real OpenAI-compatible server.

Each test runs the command in its own process under VCR (tests/cli/replay.py): cassettes in
cassettes/cli/, recorded by ``make record`` (against the local recording server, or the gateway
when AKILE_API_KEY is set). The assertions are about what that server really answered.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli.helpers import Run, akile, environment
from tests.conftest import API_KEY, BASE_URL, TEST_MODEL

pytestmark = pytest.mark.vcr  # `make record` re-records these (scripts/record.sh)

# Recorded from the local recording server (llama.cpp), whose answers the specific assertions
# describe; recorded from the gateway (AKILE_TEST_MODEL set), only what holds for any server.
RECORDED_LOCALLY = "AKILE_TEST_MODEL" not in os.environ


@pytest.fixture
def cassette(vcr_cassette_dir: str, request: pytest.FixtureRequest) -> Path:
    """The test's own cassette (cassettes/cli/test_cli_replay/<test>.yaml), which the command
    replays in its process; pytest-recording empties it first when re-recording."""
    return Path(vcr_cassette_dir) / f"{request.node.name}.yaml"


def replayed(cassette: Path, record_mode: str, *args: str) -> Run:
    if record_mode == "none":
        assert cassette.exists(), f"{cassette} is missing: run `make record`"
    env = environment(BASE_URL, None, AKILE_API_KEY=API_KEY)
    return akile(*args, replay=(cassette, record_mode), env=env)


def test_doctor_on_a_recorded_server(cassette: Path, record_mode: str) -> None:
    run = replayed(cassette, record_mode, "doctor", "-m", TEST_MODEL, "--json")
    assert run.code == 0, run.err
    report = run.json()
    found = {f["key"]: f["status"] for f in report["findings"]}
    assert found["chat"] == found["stream"] == "ok"
    assert set(found.values()) <= {"ok", "ignored", "rejected", "no", "failed"}
    assert report["spent"]["prompt_tokens"] > 0 and report["spent"]["requests"] == 22
    if RECORDED_LOCALLY:
        # llama.cpp's server, as recorded: it honours what it accepts and cannot see images.
        assert found["stream_usage_default"] == "no"  # usage only when asked (new-api: always)
        assert found["max_tokens"] == found["max_completion_tokens"] == "ok"
        assert found["temperature_top_p"] == "ok"
        assert found["n"] == "ok" and found["logprobs"] == "ok"
        assert found["tools"] == found["tools_stream"] == "ok"
        assert found["json_schema"] == "ok"  # a grammar enforces it: JSON without asking
        assert found["image"] == "rejected"
        assert report["facts"]["structured_output"] == "json_schema"
        assert report["facts"]["temperature_with_top_p"] is True
        assert "image" not in report["facts"]["inputs"]
        assert report["listed"] is True
        # llama.cpp has no price list (404 on /api/pricing): the cost is unknown, and says why
        assert report["spent"]["usd"] is None
        assert "does not serve /api/pricing" in report["spent"]["cost_unknown"]
    else:
        # a new-api gateway publishes its prices: the probes' cost is known
        assert report["spent"]["usd"] is not None

    # The same probes again, as a person reads them (replayed from what was just used).
    run = replayed(cassette, "none", "doctor", "-m", TEST_MODEL)
    assert run.code == 0, run.err
    assert "[22/22] image input ..." in run.err  # progress, one line per probe off a terminal
    lines = run.out.splitlines()
    assert (
        lines[0] == f"akile doctor: {TEST_MODEL} at {BASE_URL or 'https://aigateway.akile.ai/v1'}"
    )
    table = lines[lines.index(next(line for line in lines if line.startswith("PROBE"))) :]
    assert table[1].split()[:3] == ["chat", "(non-stream)", "ok"]
    assert any(line.startswith("spent: 22 requests, ") for line in lines)
    assert any(line.startswith("cost: ") for line in lines)
    assert any(
        line.startswith("--save would record: structured_output='json_schema'") for line in lines
    )


def test_models_on_a_recorded_server(cassette: Path, record_mode: str) -> None:
    models = replayed(cassette, record_mode, "models")
    assert models.code == 0, models.err
    assert models.out.splitlines()[1].split()[0] == TEST_MODEL


def test_a_one_shot_chat_on_a_recorded_server(cassette: Path, record_mode: str) -> None:
    question = "What is the capital of France? One sentence."
    chat = replayed(cassette, record_mode, "chat", "-m", TEST_MODEL, "--max-tokens", "30", question)
    assert chat.code == 0, chat.err
    # Piped: the answer alone on stdout, the usage on stderr.
    (answer,) = chat.out.strip().splitlines()
    assert "Paris" in answer
    usage = chat.err.strip()
    assert usage.startswith("[") and usage.endswith(" completion tokens]")
