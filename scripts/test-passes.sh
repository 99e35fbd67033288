#!/usr/bin/env bash
# The test suite's two passes at once (the machine has 2 cores): every test on SQLite, and the database
# tests again on PostgreSQL when 127.0.0.1:5432 answers. The PostgreSQL pass's output is printed after the
# SQLite pass's; the exit status is non-zero when either failed.
set -uo pipefail
cd "$(dirname "$0")/.."
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
mkdir -p var
pg_pid=""
if .venv/bin/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null; then
  DATABASE_URL="$PG_URL" .venv/bin/pytest -m django_db -p no:cacheprovider --basetemp=/tmp/casedesk-pytest-pg \
    >var/test-postgresql.log 2>&1 &
  pg_pid=$!
fi
.venv/bin/pytest -p no:cacheprovider --basetemp=/tmp/casedesk-pytest-sqlite
sqlite_rc=$?
pg_rc=0
if [ -n "$pg_pid" ]; then
  wait "$pg_pid"
  pg_rc=$?
  echo "== PostgreSQL at 127.0.0.1:5432: the database tests again =="
  cat var/test-postgresql.log
else
  echo "== PostgreSQL not reachable: SQLite only =="
fi
[ "$sqlite_rc" -eq 0 ] && [ "$pg_rc" -eq 0 ]
