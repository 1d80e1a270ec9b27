#!/bin/bash
# bench/link_cpu.sh: CPU of a link worker per applied row, for comparing two
# builds of the apply path (install one, run this, install the other, run it
# again; alternate, and compare medians).
#
#   bench/link_cpu.sh [ROWS]      (as root; default 100000 rows)
#
# On a throwaway cluster of the installed PostgreSQL 15 and extension, with
# regions region-a and region-b in it, it writes in region-a, with plain SQL
# INSERTs as the apply scenario of bench/run does, and reads the CPU time of
# region-b's link worker from /proc/PID/schedstat (nanoseconds) around:
#   live      ROWS single-row transactions (pgbench, 4 clients) applied as
#             they come;
#   backlog   ROWS single-row transactions applied after they all arrived
#             (a lock in region-b held them back), in batches;
#   big       one ROWS-row transaction;
#   update    one transaction updating those ROWS rows.
# It prints one line: microseconds of link worker CPU per row for each.
# Unlike bench/run it measures the worker alone, not its throughput.
set -euo pipefail
ROWS=${1:-100000}
[ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"
BENCH=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/gt-link-cpu.XXXXXX)
chown postgres "$dir"
as_pg() { runuser -u postgres -- env PATH="/usr/lib/postgresql/15/bin:$PATH" "$@"; }
as_pg initdb -D "$dir/data" -A trust --no-sync >/dev/null
cat "$BENCH/../test/pg_global_tables.conf" >>"$dir/data/postgresql.conf"
cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
port = 5597
fsync = off
gt.tombstone_collect_interval = 0
CONF
as_pg pg_ctl -D "$dir/data" -l "$dir/log" -w start >/dev/null
stop() {
    as_pg pg_ctl -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT
q() { as_pg psql -X -qAt -h "$dir" -p 5597 -d "$1" -c "$2"; }
wait_all() { q region-a "SELECT gt.wait_for_replication('600 s')" | grep -qx t; }

q postgres 'CREATE DATABASE "region-a"'
q region-a "CREATE EXTENSION pg_global_tables; SELECT gt.init_region('region-a')" >/dev/null
q region-a "SELECT gt.create_table('{\"TableName\": \"bench\",
    \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}],
    \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}]}')" >/dev/null
q region-a "SELECT gt.update_table('{\"TableName\": \"bench\",
    \"ReplicaUpdates\": [{\"Create\": {\"RegionName\": \"region-b\"}}]}')" >/dev/null
q region-a 'CREATE SEQUENCE bench_seq'
wait_all
pid=$(q region-b "SELECT pid FROM pg_stat_activity
    WHERE backend_type = 'gt link worker' AND datname = 'region-b'")
[ -n "$pid" ] || { echo "link_cpu.sh: no link worker in region-b" >&2; exit 1; }
cpu() { awk '{print $1}' "/proc/$pid/schedstat"; }
per_row() { awk -v a="$1" -v b="$2" -v n="$ROWS" 'BEGIN { printf "%.2f", (b - a) / 1000 / n }'; }

payload=$(printf 'x%.0s' $(seq 100))
item="('{\"pk\":{\"S\":\"' || p || '\"},\"payload\":{\"S\":\"$payload\"}}')::jsonb"
for prefix in k l; do
    echo "INSERT INTO bench (pk, item) SELECT p, $item FROM (SELECT '$prefix' || nextval('bench_seq') AS p) s;" \
        >"$dir/insert-$prefix.sql"
done
chown postgres "$dir"/insert-*.sql
pgbench() { as_pg pgbench -n -h "$dir" -p 5597 -c 4 -t $((ROWS / 4)) -f "$1" region-a >/dev/null; }

c0=$(cpu)
pgbench "$dir/insert-k.sql"
wait_all
c1=$(cpu)

# The backlog: a session of region-b holds the table until everything is sent.
as_pg psql -X -q -h "$dir" -p 5597 -d region-b -c 'BEGIN' \
    -c 'LOCK TABLE bench IN ACCESS EXCLUSIVE MODE' -c 'SELECT pg_sleep(3600)' >/dev/null 2>&1 &
holder=$!
until [ "$(q region-b "SELECT count(*) FROM pg_locks WHERE relation = 'bench'::regclass AND granted")" -gt 0 ]; do
    sleep 0.1
done
pgbench "$dir/insert-l.sql"
until [ "$(q region-b "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
        WHERE a.pid = $pid AND NOT l.granted")" -gt 0 ]; do
    sleep 0.1
done
sleep 2     # the walsender fills what the worker can buffer
c2=$(cpu)
q region-b "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE query LIKE '%pg_sleep(3600)%' AND pid <> pg_backend_pid()" >/dev/null
wait "$holder" 2>/dev/null || true
wait_all
c3=$(cpu)

q region-a "INSERT INTO bench (pk, item) SELECT p, $item FROM (SELECT 'b' || n AS p FROM generate_series(1, $ROWS) n) s"
wait_all
c4=$(cpu)
q region-a "UPDATE bench SET item = item || '{\"u\": {\"BOOL\": true}}' WHERE pk LIKE 'b%'"
wait_all
c5=$(cpu)

[ "$(q region-b 'SELECT count(*) FROM bench')" -eq $((3 * ROWS)) ] ||
    { echo "link_cpu.sh: region-b does not have every row" >&2; exit 1; }
echo "link worker CPU µs per row ($ROWS rows): live $(per_row "$c0" "$c1")" \
    "backlog $(per_row "$c2" "$c3") big $(per_row "$c3" "$c4") update $(per_row "$c4" "$c5")"
