#!/usr/bin/env bash
# The README's from-source install, checked as a new user would do it: build the wheel, install it
# with each extra alone into a clean virtualenv, import every public class, confirm the other
# framework is absent, and run the README's seed example against a local server (the fault
# server's claude-opus-4-8 channel, started from the checkout's dev venv).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
DEV=${DEV_PYTHON:-.venv/bin/python}
work=$(mktemp -d)
trap 'kill "${server_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

"$DEV" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" .
wheel=$(ls "$work"/dist/akile_integrations-*.whl)
echo "built $(basename "$wheel")"

# The fault server on a free port; it prints the port, then serves until killed.
"$DEV" -c "
import sys, time
from tests.faults.server import FaultServer
server = FaultServer().start()
print(server.port, flush=True)
time.sleep(600)
" > "$work/port" &
server_pid=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.2; done
base_url="http://127.0.0.1:$(head -n1 "$work/port")/v1"

check() {
  extra=$1 absent=$2 code=$3
  venv="$work/venv-$extra"
  "$PYTHON" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet "$wheel[$extra]"
  (cd "$work" && AKILE_API_KEY=AK-installcheck1 AKILE_BASE_URL="$base_url" AKILE_PROFILES_FILE= \
    "$venv/bin/python" -W error -c "
import importlib.util, sys
$code
missing = [m for m in '$absent'.split() if importlib.util.find_spec(m) is not None]
assert not missing, f'[$extra] install holds {missing}'
print('[$extra] ok: no', '$absent')
")
  "$venv/bin/akile" --version
}

check langchain "llama_index.core" "
from langchain_akile import ChatAkile, AkileEmbeddings
llm = ChatAkile(model='claude-opus-4-8')
reply = llm.invoke([('system', 'You are concise.'), ('user', 'Hello!')])
assert reply.content == 'echo: Hello!', reply.content
print('[langchain] seed example:', reply.content)
"
check llamaindex "langchain_core" "
from llama_index.llms.akile import Akile
from llama_index.embeddings.akile import AkileEmbedding
from llama_index.core.llms import ChatMessage
llm = Akile(model='claude-opus-4-8')
reply = llm.chat([ChatMessage(role='system', content='You are concise.'), ChatMessage(role='user', content='Hello!')])
assert reply.message.content == 'echo: Hello!', reply.message.content
print('[llamaindex] seed example:', reply.message.content)
"
echo "install check: passed"
