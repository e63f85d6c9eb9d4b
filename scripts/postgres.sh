#!/usr/bin/env bash
# Start (or stop) a throw-away PostgreSQL 15 cluster on loopback for the test suite.
#   scripts/postgres.sh start   → installs Debian's postgresql-15 if missing, starts a
#                                 cluster under var/postgres, prints its DATABASE_URL
#   scripts/postgres.sh stop
#   scripts/postgres.sh replica-start  → a streaming replica of that cluster (pg_basebackup) on
#                                        port PGPORT+1, under var/postgres/replica; prints its
#                                        server's URL (add the database's name)
#   scripts/postgres.sh replica-stop   → stops it at once (as a crashed host would) and removes it
set -euo pipefail
cd "$(dirname "$0")/.."
PGPORT=${PGPORT:-54329}
DATA="$PWD/var/postgres/data"
LOG="$PWD/var/postgres/server.log"
BIN=/usr/lib/postgresql/15/bin
RUN_AS=()
if [ "$(id -u)" = "0" ]; then RUN_AS=(runuser -u postgres --); fi

install_if_missing() {
  if [ ! -x "$BIN/postgres" ]; then
    echo "Installing postgresql-15 from Debian's packages…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql-15 >&2
  fi
  if [ "$(id -u)" = "0" ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home /var/lib/postgresql --shell /bin/bash postgres >&2
  fi
}

start() {
  install_if_missing
  mkdir -p "$(dirname "$DATA")"
  if [ "$(id -u)" = "0" ]; then chown -R postgres "$(dirname "$DATA")"; fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    "${RUN_AS[@]}" "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >&2
  fi
  if ! "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    if (exec 3<>"/dev/tcp/127.0.0.1/$PGPORT") 2>/dev/null; then
      echo "Port $PGPORT is already taken by another process." >&2
      exit 1
    fi
    "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
      -o "-h 127.0.0.1 -p $PGPORT -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >&2
  fi
  "${RUN_AS[@]}" "$BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -Atqc \
    "SELECT 1 FROM pg_database WHERE datname='orientation'" | grep -q 1 ||
    "${RUN_AS[@]}" "$BIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres orientation >&2
  echo "postgres://postgres@127.0.0.1:$PGPORT/orientation"
}

stop() {
  if [ -f "$DATA/PG_VERSION" ]; then
    "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DATA" -m fast stop >&2 || true
  fi
}

REPLICA_PORT=$((PGPORT + 1))
REPLICA="$PWD/var/postgres/replica"

replica_start() {
  start >/dev/null
  if ! "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$REPLICA" status >/dev/null 2>&1; then
    rm -rf "$REPLICA"
    # -R writes standby.signal and the primary's address: the copy follows the primary's WAL
    "${RUN_AS[@]}" "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PGPORT" -U postgres -D "$REPLICA" -R -X stream -c fast >&2
    "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$REPLICA" -l "$PWD/var/postgres/replica.log" -w -t 60 \
      -o "-h 127.0.0.1 -p $REPLICA_PORT -k /tmp -c fsync=off -c hot_standby=on" start >&2
  fi
  echo "postgres://postgres@127.0.0.1:$REPLICA_PORT"
}

replica_stop() {
  if [ -f "$REPLICA/PG_VERSION" ]; then
    "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$REPLICA" -m immediate stop >&2 || true
    rm -rf "$REPLICA"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) replica_stop; stop ;;
  replica-start) replica_start ;;
  replica-stop) replica_stop ;;
  *) echo "usage: $0 start|stop|replica-start|replica-stop" >&2; exit 2 ;;
esac
