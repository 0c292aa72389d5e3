# Two commands do all the set-up on a fresh machine with Python 3.11+:
#   make run    the whole pipeline on the bundled sample data (local backend)
#   make test   lint, the whole test suite (slow end-to-end tests included) and checkov
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: run test lint pytest checkov bench bench-smoke clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/olistctl run

test: lint pytest checkov

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

pytest: $(STAMP)
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

checkov:
	scripts/checkov.sh

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .venv-checkov olist-lake .pytest_cache .ruff_cache
