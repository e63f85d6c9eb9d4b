#!/usr/bin/env bash
# Prepare the command-line tools some tests read their results with, from Debian's packages:
#   pdftotext (poppler-utils) reads back the passport's PDF (tests/persons);
#   haproxy checks the load balancer's configuration of deploy/ (tests/deploy).
# Outside CI a failure only warns (those tests then skip, saying why); in CI (CI=true) it is an error.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v haproxy >/dev/null || missing+=(haproxy)
if [ ${#missing[@]} -eq 0 ]; then
  echo "Test tools: pdftotext and haproxy are ready." >&2
  exit 0
fi
fail() {
  echo "Test tools: $1" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  echo "Test tools: the tests that need them will be skipped (outside CI)." >&2
  exit 0
}
if [ "$(id -u)" != "0" ]; then fail "${missing[*]} missing and only root can install it (apt-get install ${missing[*]})."; fi
echo "Installing ${missing[*]} from Debian's packages…" >&2
export DEBIAN_FRONTEND=noninteractive
{ apt-get update -qq && apt-get install -y -qq "${missing[@]}"; } >&2 || fail "apt-get install ${missing[*]} failed."
echo "Test tools: pdftotext and haproxy are ready." >&2
