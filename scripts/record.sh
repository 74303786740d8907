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
#
# Tests marked `embeddings` are recorded in a second pass: locally against a second server on
# port 8766 started with --embeddings --pooling mean (it serves chat too, for the query engine);
# against the gateway set AKILE_TEST_EMBEDDING_MODEL to an embedding model of your key.
if [ -z "${AKILE_API_KEY:-}" ]; then
    server=${RECORDING_SERVER_DIR:-../shared/recording-server}
    [ -x "$server/start.sh" ] || { echo "no recording server at $server (set RECORDING_SERVER_DIR)" >&2; exit 1; }
    chat_port=${RECORDING_SERVER_PORT:-8765}
    embed_port=${RECORDING_SERVER_EMBEDDINGS_PORT:-8766}
    RECORDING_SERVER_PORT=$chat_port "$server/start.sh" >&2
    RECORDING_SERVER_PORT=$embed_port RECORDING_SERVER_EXTRA_ARGS="--embeddings --pooling mean" "$server/start.sh" >&2
    export AKILE_API_KEY=${RECORDING_SERVER_API_KEY:-local-recording-key}
    chat_url=http://127.0.0.1:$chat_port/v1
    embed_url=http://127.0.0.1:$embed_port/v1
    echo "recording against the local recording servers at $chat_url and $embed_url" >&2
else
    chat_url=${AKILE_BASE_URL:-https://aigateway.akile.ai/v1}
    embed_url=$chat_url
    echo "recording against $chat_url with model ${AKILE_TEST_MODEL:-qwen2.5-coder-0.5b-instruct}" >&2
fi
status=0
AKILE_BASE_URL=$chat_url .venv/bin/pytest -m "vcr and not embeddings" --record-mode=rewrite "$@" || [ $? -eq 5 ] || status=1
AKILE_BASE_URL=$embed_url .venv/bin/pytest -m "vcr and embeddings" --record-mode=rewrite "$@" || [ $? -eq 5 ] || status=1
.venv/bin/python scripts/scan_secrets.py cassettes
exit $status
