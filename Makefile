# Two commands do all the set-up on a fresh machine with Python 3.11+:
#   make run    the whole pipeline on the bundled sample data (local backend)
#   make test   lint, types, the whole test suite (slow end-to-end tests included) and checkov
#
# Everything installed comes from a lock with hashes: uv.lock (the project, every extra),
# requirements/checkov.txt (checkov's own venv) and requirements/uv.txt (uv itself).
# `make lock` re-resolves them to the newest versions that pass the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
UV_VENV := .venv-uv
UV := $(UV_VENV)/bin/uv
PYTEST_ARGS ?=

# uv uses the machine's Python, never one it downloads, and installs into $(VENV).
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON := $(PYTHON)

.PHONY: run test browser lint typecheck pytest test-tools checkov lock lock-check check-moto-pin prebuilt-sql bench bench-smoke deploy clean

# uv itself, pinned by hash, in a venv of its own (a `uv sync` would remove it from $(VENV)).
$(UV): requirements/uv.txt
	$(PYTHON) -m venv $(UV_VENV)
	$(UV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		--require-hashes --no-deps -r requirements/uv.txt
	touch $(UV)

# Exactly the lock (--locked refuses a lock that no longer matches pyproject.toml), every
# extra, byte-compiled so the first command does not pay for compiling.
$(STAMP): pyproject.toml uv.lock $(UV)
	@$(MAKE) --no-print-directory lock-check
	$(UV) sync --locked --all-extras --compile-bytecode --quiet
	$(BIN)/python -m compileall -q src/olistctl
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/olistctl run

test: lock-check lint typecheck browser pytest checkov

lock-check: $(UV)
	@$(UV) lock --check --quiet 2>/dev/null || { \
		echo "uv.lock does not match pyproject.toml: run 'make lock' and commit uv.lock." >&2; \
		exit 1; }

# Debian's headless Chromium for the HTML report's browser test (root and apt-get; elsewhere
# it says so and that test is skipped).
browser:
	scripts/install-chromium.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) test-tools
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

# tmux (Debian's) drives `olistctl shell` in a real terminal in tests/cli/test_shell_tmux.py;
# installed where apt-get and root allow it, otherwise that one test is skipped, saying why.
test-tools:
	@command -v tmux >/dev/null || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] \
		&& apt-get update -qq && apt-get install -y -qq tmux >/dev/null; } \
		|| echo "tmux is missing and could not be installed: the shell's tmux test will be skipped" >&2

checkov: $(UV)
	UV=$(abspath $(UV)) scripts/checkov.sh

# Re-resolve every lock to the newest versions the ranges allow, then run the tests;
# if they fail, the previous locks are put back (KEEP=1 keeps the new ones to debug).
lock: $(UV)
	UV=$(abspath $(UV)) scripts/lock.sh

# Whether the moto-only botocore pin ([tool.uv] in pyproject.toml) can go: the AWS tests
# against the newest boto3/botocore in a scratch venv. Passing means: drop the pin, make lock.
check-moto-pin: $(UV)
	UV=$(abspath $(UV)) scripts/check-moto-pin.sh

# The shipped queries' translations for the Olist catalog (src/olistctl/sql/prebuilt.json),
# made again after an edit of src/olistctl/sql/ or a sqlglot/DuckDB upgrade; a test fails until then.
prebuilt-sql: $(STAMP)
	$(BIN)/python scripts/prebuild_sql.py

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
	rm -rf $(VENV) $(UV_VENV) .venv-checkov .venv-unpinned olist-lake .pytest_cache .ruff_cache .mypy_cache
