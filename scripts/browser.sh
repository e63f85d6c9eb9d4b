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

fail() {
  echo "Browser tests: $1" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  echo "Browser tests: they will be skipped (outside CI)." >&2
  exit 0
}

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" != "0" ]; then fail "/usr/bin/chromium is missing and only root can install it (apt-get install chromium)."; fi
  echo "Installing chromium from Debian's packages…" >&2
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq chromium; } >&2 || fail "apt-get install chromium failed."
fi

if [ ! -f "$FOLDER/axe-$AXE_VERSION.min.js" ]; then
  command -v npm >/dev/null || fail "npm is missing: it fetches axe-core from the npm registry."
  mkdir -p "$FOLDER"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null) || fail "npm pack axe-core@$AXE_VERSION failed."
  echo "$AXE_SHA256  $work/axe-core-$AXE_VERSION.tgz" | sha256sum --check --quiet - || fail "axe-core's archive does not match its pinned digest."
  tar -xzf "$work/axe-core-$AXE_VERSION.tgz" -C "$work" package/axe.min.js
  mv "$work/package/axe.min.js" "$FOLDER/axe-$AXE_VERSION.min.js"
fi
echo "Browser tests: /usr/bin/chromium and var/browser/axe-$AXE_VERSION.min.js are ready." >&2
