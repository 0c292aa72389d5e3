#!/usr/bin/env bash
# Run checkov over infra/ (Terraform) in its own virtualenv.
#
#   scripts/checkov.sh [extra checkov args…]
#
# checkov pins an old boto3 and pulls ~130 packages, so it never goes into the
# project's .venv: it lives in .venv-checkov at the repository root, created on
# first use. Exits non-zero when any check fails. Every skipped check is an
# inline `#checkov:skip=CKV_…:reason` next to its resource in infra/*.tf.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${CHECKOV_VENV:-$repo_root/.venv-checkov}"
spec='checkov>=3.2,<4'

if [[ ! -x "$venv/bin/checkov" ]]; then
  echo "checkov: creating $venv" >&2
  python3 -m venv "$venv"
  log="$venv/pip-install.log"
  if ! "$venv/bin/python" -m pip install --disable-pip-version-check "$spec" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "checkov: installing $spec failed (full log: $log)" >&2
    exit 2
  fi
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
