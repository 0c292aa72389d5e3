#!/usr/bin/env bash
# The README's picture of the HTML report (docs/img/report.png): the bundled sample run
# through the local pipeline, `olistctl report html`, and headless Chromium from Debian
# (scripts/install-chromium.sh) taking the top of the page.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/img/report.png}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
olistctl="$PWD/.venv/bin/olistctl"
(cd "$work" && "$olistctl" --quiet run "$OLDPWD/sample_data" > /dev/null \
  && "$olistctl" report html --out report.html)
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$work/profile" \
  --window-size=1100,1500 --screenshot="$out" "file://$work/report.html" 2> /dev/null
echo "wrote $out"
