# Two commands do all the set-up on a fresh machine with Python 3.11+:
#   make run    the whole pipeline on the bundled sample data (local backend)
#   make test   lint, the whole test suite (slow end-to-end tests included) and checkov
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: run test lint pytest checkov bench bench-smoke deploy clean

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

# Every benchmark at tiny sizes, to a scratch file: checks they run, measures nothing.
bench-smoke: $(STAMP)
	$(BIN)/python bench/run_all.py --smoke --reps 1 --work-dir /tmp/olistctl-bench-smoke --out /tmp/olistctl-bench-smoke.md

# Deploy infra/ to the AWS account of the current credentials (README: Deploying on AWS).
# TF_VARS passes variables, e.g. TF_VARS="-var region=eu-west-1 -var environment=prod".
TF_VARS ?=
deploy: $(STAMP)
	$(BIN)/python infra/build_lambda.py
	terraform -chdir=infra init -input=false
	terraform -chdir=infra apply $(TF_VARS)

clean:
	rm -rf $(VENV) .venv-checkov olist-lake .pytest_cache .ruff_cache
