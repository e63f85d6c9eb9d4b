#!/usr/bin/env bash
# Start (or stop) a throw-away Redis on loopback for the tests of the shared cache.
#   scripts/redis.sh start   → installs Debian's redis-server if missing (as root), starts it
#                              under var/redis, prints its REDIS_URL. Outside CI, a failure
#                              only warns and prints nothing (those tests then skip, saying
#                              why); in CI (CI=true) it is an error.
#   scripts/redis.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${REDIS_PORT:-63790}
FOLDER="$PWD/var/redis"

unavailable() {
  echo "Redis: $1" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  echo "Redis: the tests of the shared cache will be skipped (outside CI)." >&2
  exit 0
}

start() {
  if ! command -v redis-server >/dev/null; then
    if [ "$(id -u)" != "0" ]; then unavailable "redis-server is missing and only root can install it."; fi
    echo "Installing redis-server from Debian's packages…" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq redis-server; } >&2 || unavailable "apt-get install redis-server failed."
  fi
  mkdir -p "$FOLDER"
  if ! redis-cli -p "$PORT" ping >/dev/null 2>&1; then
    redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
      --dir "$FOLDER" --pidfile "$FOLDER/redis.pid" --logfile "$FOLDER/redis.log" >&2
    for _ in $(seq 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  redis-cli -p "$PORT" ping >/dev/null || unavailable "redis-server did not start (var/redis/redis.log)."
  echo "redis://127.0.0.1:$PORT/0"
}

stop() {
  redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
