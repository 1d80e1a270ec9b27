#!/bin/bash
# Runs the pgTAP contract tests under pg_prove against a throwaway cluster,
# started on a free loopback port from this directory and stopped afterwards.
# Run as the postgres OS user, with PostgreSQL 15's bin directory on PATH.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
conf="$here/../pg_global_tables.conf"
data=$(mktemp -d /tmp/gt-pgtap.XXXXXX)
port=$((20000 + RANDOM % 20000))

stop() {
    pg_ctl -D "$data/pgdata" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$data"
}
trap stop EXIT

initdb -D "$data/pgdata" -A trust --no-sync >/dev/null
cat "$conf" >> "$data/pgdata/postgresql.conf"
cat >> "$data/pgdata/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$data'
port = $port
fsync = off
CONF
pg_ctl -D "$data/pgdata" -l "$data/log" -w start >/dev/null
export PGHOST=$data PGPORT=$port PGDATABASE=regress_pgtap
createdb regress_pgtap
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION pgtap" -c "CREATE EXTENSION pg_global_tables" \
    -c "SELECT gt.init_region('regress-pgtap')" >/dev/null
pg_prove --ext .sql "$here"/*.sql
