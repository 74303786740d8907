"""Running ``akile`` in a subprocess, as a user would, with an environment of the test's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
KEY = "AK-clitestkey1234"


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def environment(base_url: str | None, profiles: Path | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AKILE_")}
    env.update({"AKILE_API_KEY": KEY, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)})
    env["AKILE_PROFILES_FILE"] = str(profiles) if profiles else ""
    if base_url:
        env["AKILE_BASE_URL"] = base_url
    env.update(extra)
    return env


def akile(
    *args: str,
    base_url: str | None = None,
    profiles: Path | None = None,
    stdin: str = "",
    replay: tuple[Path, str] | None = None,
    env: dict[str, str] | None = None,
) -> Run:
    """``akile ARGS`` (``python -m akile_cli``), or under VCR when ``replay`` is (cassette, mode)."""
    command = [sys.executable, "-m", "akile_cli", *args]
    if replay is not None:
        command = [sys.executable, "-m", "tests.cli.replay", str(replay[0]), replay[1], *args]
    done = subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        text=True,
        env=env or environment(base_url, profiles),
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)
