# Task runner. `make test` is what CI runs (.ci/run); `make demo` is the main job.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo format lint typecheck test check record clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/demo.py

format: $(STAMP)
	$(BIN)/ruff format integrations tests examples scripts
	$(BIN)/ruff check --fix integrations tests examples scripts

lint: $(STAMP)
	$(BIN)/ruff format --check integrations tests examples scripts
	$(BIN)/ruff check integrations tests examples scripts

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP)
	$(BIN)/python scripts/scan_secrets.py cassettes
	$(BIN)/pytest

check: lint typecheck test

# Re-record every cassette: against the real gateway when AKILE_API_KEY is set, otherwise
# against the local recording server (../shared/recording-server/start.sh).
record: $(STAMP)
	scripts/record.sh

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
