#!/usr/bin/env bash
# Back up this deployment (database, uploaded files, search index) into a dated folder.
#   scripts/backup.sh [--to /srv/backups]
# Reads the same environment as the web hosts (deploy/orientation.env under systemd).
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-.venv/bin/python}" manage.py backup "$@"
