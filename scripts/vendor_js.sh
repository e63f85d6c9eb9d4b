#!/usr/bin/env bash
# The front-end libraries the pages use, from the npm registry, each checked against a pinned
# digest and unpacked under var/vendor/static/ (a static folder of the project, never a CDN):
#   Leaflet 1.9.4 — the tiles map drawn when MAP_TILES_URL is set (the server-drawn SVG stays
#   the map without JavaScript, or without tiles).
# Run by `make run` and `make test`; a second run does nothing. Without npm it warns and the
# platform draws its SVG maps only; in CI (CI=true) it is an error.
set -euo pipefail
cd "$(dirname "$0")/.."
LEAFLET_VERSION=1.9.4
LEAFLET_SHA256=84c65a256e50657896f54c33bd857b6849ebe94c817803be818bf32a3dde0b77
TARGET="$PWD/var/vendor/static/vendor/leaflet-$LEAFLET_VERSION"

WHAT="Front-end libraries"
CONSEQUENCE="the maps will be the server-drawn SVG only."
# shellcheck source=lib/npm.sh
. scripts/lib/npm.sh

if [ ! -f "$TARGET/leaflet.js" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  npm_unpack leaflet "$LEAFLET_VERSION" "$LEAFLET_SHA256" "$work" package/dist/leaflet.js package/dist/leaflet.css package/dist/images
  mkdir -p "$(dirname "$TARGET")"
  rm -rf "$TARGET.partial" && mv "$work/package/dist" "$TARGET.partial" && mv "$TARGET.partial" "$TARGET"
fi
echo "Front-end libraries: Leaflet $LEAFLET_VERSION is ready under var/vendor/static/." >&2
