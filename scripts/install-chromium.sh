#!/usr/bin/env bash
# Headless Chromium for the HTML report's browser test, from Debian's packages (never a
# browser build downloaded by a tool). Needs root and apt-get; anywhere else it says so and
# the test skips with the same advice.
set -uo pipefail
if command -v chromium > /dev/null || command -v chromium-browser > /dev/null; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get > /dev/null; then
  echo "chromium is not installed (needs root and apt-get: apt-get install chromium);" \
       "the HTML report's browser test will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium > /dev/null; }; then
  echo "apt-get could not install chromium; the HTML report's browser test will be skipped" >&2
fi
exit 0
