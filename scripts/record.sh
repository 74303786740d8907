#!/usr/bin/env bash
# Re-record the cassettes of every test marked @pytest.mark.vcr.
#
#   AKILE_API_KEY set   -> records against the real gateway (AKILE_BASE_URL or its default);
#                          set AKILE_TEST_MODEL to a model of your key (see its channel page).
#   AKILE_API_KEY unset -> starts ../shared/recording-server (llama.cpp + Qwen2.5 0.5B) on
#                          127.0.0.1:8765 and records against it.
# Extra arguments go to pytest, e.g. `scripts/record.sh tests/llamaindex -k stream`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${AKILE_API_KEY:-}" ]; then
    server=${RECORDING_SERVER_DIR:-../shared/recording-server}
    [ -x "$server/start.sh" ] || { echo "no recording server at $server (set RECORDING_SERVER_DIR)" >&2; exit 1; }
    "$server/start.sh" >&2
    export AKILE_API_KEY=${RECORDING_SERVER_API_KEY:-local-recording-key}
    export AKILE_BASE_URL=http://127.0.0.1:${RECORDING_SERVER_PORT:-8765}/v1
    echo "recording against the local recording server at $AKILE_BASE_URL" >&2
else
    echo "recording against ${AKILE_BASE_URL:-https://aigateway.akile.ai/v1} with model ${AKILE_TEST_MODEL:-qwen2.5-coder-0.5b-instruct}" >&2
fi
.venv/bin/pytest -m vcr --record-mode=rewrite "$@"
.venv/bin/python scripts/scan_secrets.py cassettes
