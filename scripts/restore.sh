#!/usr/bin/env bash
# Restore a backup folder into this deployment's database and folders, then check the counts.
#   scripts/restore.sh /srv/backups/2026-12-06T02-00-00 [--replace]
# Into an empty database by default (createdb first); stop the web hosts and the worker before --replace.
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-.venv/bin/python}" manage.py restore "$@"
