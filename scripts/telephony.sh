#!/usr/bin/env bash
# Prepare what the telephony tests and benchmark need (tests/telephony, bench/telephony.py):
# Kamailio (with its HTTP client and JSON modules) and sipp, from Debian's packages.
#   scripts/telephony.sh   → installs them if missing (as root). Outside CI a failure only
#                            warns (the telephony tests then skip, saying why); in CI
#                            (CI=true) it is an error.
set -euo pipefail
PACKAGES=(kamailio kamailio-json-modules kamailio-utils-modules sip-tester)
MODULES=/usr/lib/x86_64-linux-gnu/kamailio/modules

fail() {
  echo "Telephony tests: $1" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  echo "Telephony tests: they will be skipped (outside CI)." >&2
  exit 0
}

missing=0
command -v kamailio >/dev/null || [ -x /usr/sbin/kamailio ] || missing=1
command -v sipp >/dev/null || missing=1
[ -f "$MODULES/http_client.so" ] && [ -f "$MODULES/json.so" ] || missing=1
if [ "$missing" = "1" ]; then
  if [ "$(id -u)" != "0" ]; then fail "Kamailio or sipp is missing and only root can install them (apt-get install ${PACKAGES[*]})."; fi
  echo "Installing Kamailio and sipp from Debian's packages…" >&2
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq "${PACKAGES[@]}"; } >&2 || fail "apt-get install ${PACKAGES[*]} failed."
fi
# The Debian package does not start a service here; make sure none is holding port 5060.
kamailio -c -f "$(dirname "$0")/../deploy/kamailio/kamailio.cfg" >/dev/null 2>&1 || fail "deploy/kamailio/kamailio.cfg does not load."
