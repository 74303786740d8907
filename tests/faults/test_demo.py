"""The README's main job, `make demo`, runs without a single warning, live and replayed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.faults.server import FaultServer

ROOT = Path(__file__).resolve().parents[2]


def demo(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AKILE_")}
    environment.update(AKILE_PROFILES_FILE="", **env)
    return subprocess.run(
        [sys.executable, "-W", "error", "examples/demo.py"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_live_demo_runs_clean(fault_server: FaultServer) -> None:
    # The fault server's claude-opus-4-8 channel behaves as new-api's Claude converter does;
    # the demo used to send temperature=0, which that model does not take (a warning).
    run = demo(AKILE_API_KEY="AK-demoRun7Hq2Zx9", AKILE_BASE_URL=fault_server.base_url)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert "with model claude-opus-4-8" in run.stdout and "structured: City(" in run.stdout


def test_the_replayed_demo_runs_clean_and_says_it_replays() -> None:
    run = demo()
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert "REPLAYING" in run.stdout and "structured: City(" in run.stdout
