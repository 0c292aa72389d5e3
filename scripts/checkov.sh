#!/usr/bin/env bash
# Run checkov over infra/ (Terraform) in its own virtualenv.
#
#   scripts/checkov.sh [extra checkov args…]
#
# checkov pins an old boto3 and pulls ~130 packages, so it never goes into the
# project's .venv: it lives in .venv-checkov at the repository root, installed
# exactly from requirements/checkov.txt (hashes; `make lock` regenerates it) and
# re-synced whenever that lock changes. Exits non-zero when any check fails. Every
# skipped check is an inline `#checkov:skip=CKV_…:reason` next to its resource.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${CHECKOV_VENV:-$repo_root/.venv-checkov}"
lock="$repo_root/requirements/checkov.txt"
uv="${UV:-$repo_root/.venv-uv/bin/uv}"
stamp="$venv/.lock-sha256"
want="$(sha256sum "$lock" | cut -d' ' -f1)"

if [[ ! -x "$venv/bin/checkov" || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  if [[ ! -x "$uv" ]]; then
    echo "checkov: uv is not installed at $uv: run 'make checkov', which installs it" >&2
    exit 2
  fi
  echo "checkov: installing requirements/checkov.txt into $venv" >&2
  log="$(mktemp)"
  if ! { "$uv" venv --quiet --allow-existing --python "${PYTHON:-python3}" "$venv" &&
         "$uv" pip sync --quiet --require-hashes --python "$venv/bin/python" "$lock"; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "checkov: installing requirements/checkov.txt failed (log above)" >&2
    exit 2
  fi
  rm -f "$log"
  echo "$want" >"$stamp"
fi

# No internet here: no Prisma Cloud platform, no policy-metadata or guideline
# downloads, no external module downloads, no version check.
export BC_SKIP_MAPPING=TRUE
export CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false
export CHECKOV_NO_OUTPUT_COLOR=true
export ANSI_COLORS_DISABLED=true
export LOG_LEVEL="${LOG_LEVEL:-WARNING}"

cd "$repo_root"
exec "$venv/bin/checkov" \
  --directory infra \
  --framework terraform \
  --quiet \
  --compact \
  --skip-download \
  --download-external-modules false \
  --skip-results-upload \
  "$@"
