#!/bin/bash
# The demo: installs dependencies, builds and installs the extension, starts a
# throwaway cluster (as the postgres OS user, Unix socket only), runs the seed
# walk-through across three region databases, prints each result, and stops
# and removes the cluster.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh

if [ "$(id -u)" -eq 0 ]; then
    as_postgres() { runuser -u postgres -- env PATH="/usr/lib/postgresql/15/bin:$PATH" "$@"; }
else
    as_postgres() { sudo -u postgres env PATH="/usr/lib/postgresql/15/bin:$PATH" "$@"; }
fi

dir=$(as_postgres mktemp -d /tmp/pg_global_tables-demo.XXXXXX)
stop() {
    as_postgres pg_ctl -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
    as_postgres rm -rf "$dir"
}
trap stop EXIT

as_postgres initdb -D "$dir/data" -A trust --no-sync >/dev/null
as_postgres tee -a "$dir/data/postgresql.conf" >/dev/null < test/pg_global_tables.conf
as_postgres tee -a "$dir/data/postgresql.conf" >/dev/null <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
port = 5499
CONF
as_postgres pg_ctl -D "$dir/data" -l "$dir/server.log" -w start >/dev/null
as_postgres psql -X -h "$dir" -p 5499 -d postgres -q < demo/walkthrough.sql
