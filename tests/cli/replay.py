"""Run ``akile`` under VCR: ``python -m tests.cli.replay CASSETTE MODE ARGS...``.

The command runs as a user runs it (its own process, its own argv), with HTTP replayed from, or
recorded into, ``CASSETTE`` (``MODE`` is a vcrpy record mode: ``none`` replays, ``rewrite``
records afresh). Scrubbing and body matching are the test suite's (tests/conftest.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import vcr

from tests.conftest import _scrub_request, _scrub_response, json_body_matcher
from tests.secrets import REDACTED


def main(argv: list[str]) -> int:
    cassette, mode, *args = argv
    if mode == "rewrite":  # pytest-recording's mode: record the cassette afresh
        Path(cassette).unlink(missing_ok=True)
        mode = "once"
    recorder = vcr.VCR(
        record_mode=mode,
        match_on=["method", "path", "json_body"],
        filter_headers=[
            ("authorization", REDACTED),
            ("api-key", REDACTED),
            ("x-api-key", REDACTED),
        ],
        before_record_request=_scrub_request,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )
    recorder.register_matcher("json_body", json_body_matcher)
    from akile_cli.main import main as akile

    with recorder.use_cassette(cassette, allow_playback_repeats=True):
        return akile(args)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
