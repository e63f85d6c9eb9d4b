#!/usr/bin/env bash
# Prepare what the browser tests need (tests/browser): Debian's Chromium and axe-core.
#   scripts/browser.sh   → installs Debian's chromium if missing (as root), and puts
#                          axe-core's axe.min.js, checked against a pinned digest, under
#                          var/browser/. Outside CI a failure only warns (the browser
#                          tests then skip, saying why); in CI (CI=true) it is an error.
set -euo pipefail
cd "$(dirname "$0")/.."
AXE_VERSION=4.14.1
AXE_SHA256=e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745
FOLDER="$PWD/var/browser"

WHAT="Browser tests"
CONSEQUENCE="they will be skipped (outside CI)."
# shellcheck source=lib/npm.sh
. scripts/lib/npm.sh

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" != "0" ]; then fail "/usr/bin/chromium is missing and only root can install it (apt-get install chromium)."; fi
  echo "Installing chromium from Debian's packages…" >&2
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq chromium; } >&2 || fail "apt-get install chromium failed."
fi

if [ ! -f "$FOLDER/axe-$AXE_VERSION.min.js" ]; then
  mkdir -p "$FOLDER"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  npm_unpack axe-core "$AXE_VERSION" "$AXE_SHA256" "$work" package/axe.min.js
  mv "$work/package/axe.min.js" "$FOLDER/axe-$AXE_VERSION.min.js"
fi
echo "Browser tests: /usr/bin/chromium and var/browser/axe-$AXE_VERSION.min.js are ready." >&2
