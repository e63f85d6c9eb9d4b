# Shared by the scripts that fetch front-end files from the npm registry (browser.sh,
# vendor_js.sh): a failure that only warns outside CI, and an archive checked before use.
# Source it after setting WHAT (who speaks in the messages) and CONSEQUENCE (what a failure means).

fail() {
  echo "$WHAT: $1" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  echo "$WHAT: $CONSEQUENCE" >&2
  exit 0
}

# npm_unpack PACKAGE VERSION SHA256 WORKDIR PATH… : `npm pack` the package into WORKDIR, check
# the archive's SHA-256 against the pinned one, and unpack the given paths (package/…) there.
npm_unpack() {
  local package=$1 version=$2 digest=$3 work=$4
  shift 4
  command -v npm >/dev/null || fail "npm is missing: it fetches $package from the npm registry (apt-get install npm)."
  (cd "$work" && npm pack --silent "$package@$version" >/dev/null) || fail "npm pack $package@$version failed."
  echo "$digest  $work/$package-$version.tgz" | sha256sum --check --quiet - \
    || fail "$package's archive does not match its pinned digest."
  tar -xzf "$work/$package-$version.tgz" -C "$work" "$@"
}
