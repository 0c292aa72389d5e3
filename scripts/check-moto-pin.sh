#!/usr/bin/env bash
# `make check-moto-pin`: can the moto-only botocore pin go?
#
# pyproject.toml's [tool.uv] constraint holds the lock at botocore < 1.44.18, the first
# release whose Athena client speaks rest-json, which moto 5.2.6 does not route. This
# installs the project with the newest versions and *without* that constraint
# (--no-config skips [tool.uv]) into .venv-unpinned and runs the AWS tests there. When
# they pass, moto has caught up: delete the constraint and run `make lock`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
uv="${UV:-.venv-uv/bin/uv}"
venv=.venv-unpinned
"$uv" venv --quiet --allow-existing --python "${PYTHON:-python3}" "$venv"
"$uv" pip install --quiet --no-config --upgrade --python "$venv/bin/python" -e '.[dev]'
"$venv/bin/python" -c 'import boto3, botocore, moto; print(f"boto3 {boto3.__version__}, botocore {botocore.__version__}, moto {moto.__version__}")'
if "$venv/bin/pytest" -q -n auto -p no:cacheprovider tests/aws; then
  echo "The AWS tests pass with the newest botocore: the pin in pyproject.toml [tool.uv] can go (then make lock)."
else
  echo "The AWS tests fail with the newest botocore: keep the pin." >&2
  exit 1
fi
