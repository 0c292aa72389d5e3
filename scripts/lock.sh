#!/usr/bin/env bash
# `make lock`: re-resolve every lock to the newest versions the ranges allow, then run
# `make test` on them. If the tests fail, the previous locks are put back (KEEP=1 keeps
# the new ones, to find which upgrade broke what).
#
#   uv.lock                    the project and every extra (pyproject.toml's ranges and
#                              the [tool.uv] constraints)
#   requirements/uv.txt        uv itself, installed by pip with --require-hashes
#   requirements/checkov.txt   checkov's own venv
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
uv="${UV:-.venv-uv/bin/uv}"
locks=(uv.lock requirements/uv.txt requirements/checkov.txt)
backup="$(mktemp -d)"
for f in "${locks[@]}"; do cp "$f" "$backup/$(echo "$f" | tr / _)"; done

restore() {
  for f in "${locks[@]}"; do cp "$backup/$(echo "$f" | tr / _)" "$f"; done
}

compile() {  # a requirements lock from its .in file, for every platform
  "$uv" pip compile --quiet --upgrade --generate-hashes --universal --python-version 3.11 \
    "requirements/$1.in" -o "requirements/$1.txt"
}

"$uv" lock --upgrade
compile uv
compile checkov
git --no-pager diff --stat -- "${locks[@]}" || true

if make test; then
  echo "The locks are at the newest versions that pass: commit uv.lock and requirements/*.txt."
elif [[ "${KEEP:-}" == 1 ]]; then
  echo "make test failed on the new locks; kept them (KEEP=1). The old ones are in $backup." >&2
  exit 1
else
  restore
  echo "make test failed on the new locks; the previous locks are back (KEEP=1 keeps the new ones)." >&2
  exit 1
fi
