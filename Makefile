# Task runner. `make test` is what CI runs (.ci/run); `make demo` is the main job.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo format lint typecheck test check check-floor check-install record bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/demo.py

format: $(STAMP)
	$(BIN)/ruff format integrations tests examples scripts benchmarks
	$(BIN)/ruff check --fix integrations tests examples scripts benchmarks

lint: $(STAMP)
	$(BIN)/ruff format --check integrations tests examples scripts benchmarks
	$(BIN)/ruff check integrations tests examples scripts benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP)
	$(BIN)/python scripts/scan_secrets.py cassettes
	$(BIN)/pytest

check: lint typecheck test

# The whole suite on the lowest versions pyproject.toml allows (ci/floor-constraints.txt) and
# the lowest supported Python, so a floor that no longer imports fails CI, not a user.
FLOOR_VENV ?= .venv-floor
FLOOR_PYTHON ?= $(shell scripts/find-python.sh 3.10)
$(FLOOR_VENV)/.installed: pyproject.toml ci/floor-constraints.txt
	$(FLOOR_PYTHON) -m venv $(FLOOR_VENV)
	$(FLOOR_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(FLOOR_VENV)/bin/python -m pip install --quiet -e ".[dev]" -c ci/floor-constraints.txt
	touch $(FLOOR_VENV)/.installed

check-floor: $(FLOOR_VENV)/.installed
	$(FLOOR_VENV)/bin/python -c "import openai, langchain_core, llama_index.core, sys; print('floor:', sys.version.split()[0], 'openai', openai.__version__, 'langchain-core', langchain_core.__version__, 'llama-index-core', llama_index.core.__version__)"
	$(FLOOR_VENV)/bin/pytest

# The README's from-source install: the wheel with each extra alone in a clean virtualenv,
# every public class imported, the other framework absent, the seed example run (ci/check-install.sh).
check-install: $(STAMP)
	PYTHON=$(PYTHON) DEV_PYTHON=$(BIN)/python ci/check-install.sh

# Re-record every cassette: against the real gateway when AKILE_API_KEY is set, otherwise
# against the local recording server (../shared/recording-server/start.sh).
record: $(STAMP)
	scripts/record.sh

# Benchmarks (not part of `make test`): our figures on openai 3.x in .venv, then ours beside
# ChatOpenAI and OpenAILike on openai 2.x (llama-index-llms-openai pins openai<3) in .venv-bench.
BENCH_VENV ?= .venv-bench
$(BENCH_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e ".[bench]" "openai<3"
	touch $(BENCH_VENV)/.installed

bench: $(STAMP) $(BENCH_VENV)/.installed
	$(BIN)/python -m benchmarks.run --label openai-3
	$(BENCH_VENV)/bin/python -m benchmarks.run --label openai-2-with-anchors

clean:
	rm -rf $(VENV) $(BENCH_VENV) $(FLOOR_VENV) .mypy_cache .ruff_cache
