# bench/lib.sh: shared helpers of the benchmark scenarios.  bench/run
# sources it, then each bench/scenario_*.sh, which use its functions.
#
# Clusters.  Every measurement gets fresh throwaway clusters under $WORK
# (a directory in /tmp owned by the postgres OS user), listening on
# 127.0.0.1 and on a Unix socket in $WORK/sock, and destroyed afterwards.
# All clusters get the same postgresql.conf ($BASE_CONF below) plus only
# the settings the system under test requires (system_conf).
#
# Regions.  A "region" is a database named region-a, region-b, ...  Setup
# functions fill REGIONS (names in order) and REGION_CLUSTER (region ->
# cluster).  Topology "same" puts every region in one cluster (links use the
# cluster's Unix socket); "multi" gives every region its own cluster (links
# use TCP on 127.0.0.1).  Benchmark clients always use the Unix socket.
#
# Systems.  gt: pg_global_tables (full mesh); builtin: PostgreSQL's own
# publication/subscription, region-a -> region-b only (PostgreSQL 15 has no
# origin filter, so it cannot run in both directions); pglogical:
# pglogical 2 full mesh with last_update_wins and forward_origins '{}';
# plain: one region, no replication.
#
# Results.  record NAME VALUE UNIT appends to $OUT/results.tsv, which
# bench/report.py turns into the summary and bench/RESULTS.md.

PGBIN=/usr/lib/postgresql/15/bin
BENCH=${BENCH:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
export PYTHONDONTWRITEBYTECODE=1

# The same for every system.  Only what running several regions and the
# benchmark's own clients needs; everything else is PostgreSQL's default.
BASE_CONF="
wal_level = logical
max_worker_processes = 32
max_replication_slots = 32
max_wal_senders = 32
max_connections = 100
log_line_prefix = '%m [%p] %b %a: '
"

# Settings each system requires, and nothing else.
system_conf() {
    case "$1" in
        gt) cat <<'EOF'
shared_preload_libraries = 'pg_global_tables'
output_plugin_libraries = 'pgoutput, test_decoding, pg_global_tables'
max_prepared_transactions = 10
EOF
            ;;
        pglogical) cat <<'EOF'
shared_preload_libraries = 'pglogical'
track_commit_timestamp = on
output_plugin_libraries = 'pgoutput, test_decoding, pglogical_output'
pglogical.conflict_resolution = 'last_update_wins'
EOF
            ;;
        builtin | plain) ;;
        *) echo "unknown system $1" >&2; return 1 ;;
    esac
}

as_pg() { runuser -u postgres -- env PATH="$PGBIN:$PATH" PYTHONDONTWRITEBYTECODE=1 "$@"; }

log() { printf '%s  %s\n' "$(date +%T)" "$*" >&2; }
die() { log "FATAL: $*"; exit 1; }

# ---------------------------------------------------------------- clusters

# cluster_new NAME SYSTEM: initdb and start a cluster; its port is in
# $WORK/NAME/port.  Ports come from a counter so that runs never collide.
cluster_new() {
    local name=$1 system=$2 dir="$WORK/$1" port
    port=$(( $(cat "$WORK/next_port") ))
    while ss -Htan "sport = :$port" | grep -q .; do port=$((port + 1)); done
    echo $((port + 1)) > "$WORK/next_port"
    as_pg mkdir -p "$dir"
    as_pg initdb -D "$dir/data" -A trust -E UTF8 --locale=C --no-sync >/dev/null
    {
        echo "$BASE_CONF"
        system_conf "$system"
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $port"
        echo "unix_socket_directories = '$WORK/sock'"
        echo "cluster_name = 'gtb-$name'"
    } | as_pg tee -a "$dir/data/postgresql.conf" >/dev/null
    echo "$port" | as_pg tee "$dir/port" >/dev/null
    echo "$name" >> "$WORK/clusters"
    cluster_start "$name"
}

cluster_start() { as_pg pg_ctl -D "$WORK/$1/data" -l "$WORK/$1/server.log" -w -t 120 start >/dev/null; }
cluster_stop() { as_pg pg_ctl -D "$WORK/$1/data" -m "${2:-fast}" -w -t 120 stop >/dev/null; }
cluster_port() { cat "$WORK/$1/port"; }

# cluster_destroy NAME: stops it, keeps its server log in $OUT/logs.
cluster_destroy() {
    local name=$1
    [ -d "$WORK/$name" ] || return 0
    as_pg pg_ctl -D "$WORK/$name/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
        as_pg pg_ctl -D "$WORK/$name/data" -m immediate stop >/dev/null 2>&1 || true
    mkdir -p "$OUT/logs"
    cp "$WORK/$name/server.log" "$OUT/logs/$name.log" 2>/dev/null || true
    as_pg rm -rf "$WORK/$name"
    sed -i "/^$name\$/d" "$WORK/clusters"
}

# Stops every cluster still registered (the EXIT trap of bench/run).
destroy_all_clusters() {
    local c
    [ -f "$WORK/clusters" ] || return 0
    for c in $(cat "$WORK/clusters"); do cluster_destroy "$c"; done
}

# -------------------------------------------------------------- connections

# spec REGION: how benchmark clients reach a region (see bench/pgwire.py).
spec() { echo "$WORK/sock:$(cluster_port "${REGION_CLUSTER[$1]}")/$1"; }

# link_conninfo REGION: how replication reaches a region.
link_conninfo() {
    if [ "$TOPOLOGY" = same ]; then
        echo "host=$WORK/sock port=$(cluster_port "${REGION_CLUSTER[$1]}") dbname=$1"
    else
        echo "host=127.0.0.1 port=$(cluster_port "${REGION_CLUSTER[$1]}") dbname=$1"
    fi
}

# sql REGION SQL: runs SQL in a region database, prints unaligned tuples.
sql() {
    as_pg env PGOPTIONS="-c client_min_messages=warning" psql -X -qAt -v ON_ERROR_STOP=1 -h "$WORK/sock" \
        -p "$(cluster_port "${REGION_CLUSTER[$1]}")" -d "$1" -c "$2"
}

# ------------------------------------------------------------------ systems

# The item: ~200 bytes of DynamoDB AttributeValue JSON containing the key.
PAYLOAD=$(printf 'x%.0s' $(seq 1 160))
BENCH_TABLE_SQL="CREATE TABLE bench (pk text PRIMARY KEY, item jsonb NOT NULL)"

# setup SYSTEM TOPOLOGY NREGIONS RUN: creates the clusters and regions of one
# measurement and waits until replication works in every direction the
# system supports.  Sets REGIONS, REGION_CLUSTER, SYSTEM, TOPOLOGY, RUN.
setup() {
    SYSTEM=$1 TOPOLOGY=$2 RUN=$4
    local n=$3 i r letters=(a b c d e f g h)
    REGIONS=()
    declare -gA REGION_CLUSTER=()
    for ((i = 0; i < n; i++)); do REGIONS+=("region-${letters[$i]}"); done
    if [ "$TOPOLOGY" = same ]; then
        cluster_new "$RUN" "$SYSTEM"
        for r in "${REGIONS[@]}"; do REGION_CLUSTER[$r]=$RUN; done
    else
        for r in "${REGIONS[@]}"; do
            cluster_new "$RUN-${r#region-}" "$SYSTEM"
            REGION_CLUSTER[$r]="$RUN-${r#region-}"
        done
    fi
    # Every region database exists before any system is set up in it.
    for r in "${REGIONS[@]}"; do
        as_pg psql -X -q -h "$WORK/sock" -p "$(cluster_port "${REGION_CLUSTER[$r]}")" \
            -d postgres -c "CREATE DATABASE \"$r\"" >/dev/null
    done
    "setup_$SYSTEM"
    for r in "${REGIONS[@]}"; do sql "$r" "CREATE SEQUENCE bench_seq" >/dev/null; done
    wait_replication_ready
}

# teardown: destroys the clusters of the current run.
teardown() {
    local c
    for c in $(printf '%s\n' "${REGION_CLUSTER[@]}" | sort -u); do cluster_destroy "$c"; done
}

setup_plain() {
    [ "${#REGIONS[@]}" -eq 1 ] || die "plain has one region"
    sql region-a "$BENCH_TABLE_SQL"
}

setup_builtin() {
    [ "${#REGIONS[@]}" -eq 2 ] || die "builtin runs region-a -> region-b only"
    sql region-a "$BENCH_TABLE_SQL"
    sql region-b "$BENCH_TABLE_SQL"
    sql region-a "CREATE PUBLICATION bench_pub FOR TABLE bench"
    # The slot is made separately: CREATE SUBSCRIPTION cannot create a slot
    # in its own cluster (it would wait for itself).  Same for both topologies.
    sql region-a "SELECT pg_create_logical_replication_slot('bench_sub', 'pgoutput')" >/dev/null
    sql region-b "CREATE SUBSCRIPTION bench_sub CONNECTION '$(link_conninfo region-a)'
                  PUBLICATION bench_pub WITH (create_slot = false, slot_name = 'bench_sub', copy_data = false)"
}

setup_pglogical() {
    local r p
    for r in "${REGIONS[@]}"; do
        sql "$r" "CREATE EXTENSION pglogical"
        sql "$r" "SELECT pglogical.create_node(node_name := '${r//-/_}', dsn := '$(link_conninfo "$r")')" >/dev/null
        sql "$r" "$BENCH_TABLE_SQL"
        sql "$r" "SELECT pglogical.replication_set_add_table('default', 'bench')" >/dev/null
    done
    for r in "${REGIONS[@]}"; do
        for p in "${REGIONS[@]}"; do
            [ "$r" = "$p" ] && continue
            sql "$r" "SELECT pglogical.create_subscription(
                        subscription_name := 'sub_${r#region-}_${p#region-}',
                        provider_dsn := '$(link_conninfo "$p")',
                        replication_sets := '{default}',
                        synchronize_structure := false, synchronize_data := false,
                        forward_origins := '{}')" >/dev/null
        done
    done
}

setup_gt() {
    local r first=${REGIONS[0]} creates=""
    for r in "${REGIONS[@]}"; do
        sql "$r" "CREATE EXTENSION pg_global_tables"
        sql "$r" "SELECT gt.init_region('$r')" >/dev/null
    done
    if [ "$TOPOLOGY" != same ]; then
        local p
        for r in "${REGIONS[@]}"; do
            for p in "${REGIONS[@]}"; do
                [ "$r" = "$p" ] && continue
                sql "$r" "SELECT gt.register_region('$p', '$(link_conninfo "$p")')" >/dev/null
            done
        done
    fi
    sql "$first" "SELECT gt.create_table('{\"TableName\":\"bench\",
        \"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],
        \"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"}],
        \"BillingMode\":\"PAY_PER_REQUEST\"}')" >/dev/null
    for r in "${REGIONS[@]:1}"; do
        creates+="${creates:+,}{\"Create\":{\"RegionName\":\"$r\"}}"
    done
    [ -z "$creates" ] || sql "$first" "SELECT gt.update_table('{\"TableName\":\"bench\",
        \"ReplicaUpdates\":[$creates]}')" >/dev/null
}

# The directions each system replicates, as "source target" lines.
directions() {
    local r p
    if [ "$SYSTEM" = builtin ]; then echo "region-a region-b"; return; fi
    for r in "${REGIONS[@]}"; do
        for p in "${REGIONS[@]}"; do [ "$r" = "$p" ] || echo "$r $p"; done
    done
}

# Writes a probe item in every source region and waits until each is visible
# in every target: the links are up and applying.
wait_replication_ready() {
    local src dst
    [ "$SYSTEM" = plain ] && return 0
    for src in $(directions | awk '{print $1}' | sort -u); do
        sql "$src" "INSERT INTO bench (pk, item) VALUES ('probe/$src',
                    '{\"pk\":{\"S\":\"probe/$src\"}}')" >/dev/null
    done
    directions | while read -r src dst; do
        as_pg python3 "$BENCH/measure.py" wait-key "$(spec "$dst")" "probe/$src" 120 >/dev/null ||
            die "$SYSTEM: no replication from $src to $dst after 120 s (see $WORK/${REGION_CLUSTER[$dst]}/server.log)"
    done
}

# The lag scenarios' visibility signal (see bench/lag.py): a notification on
# channel bench_seen for every row an apply worker writes.  A BEFORE trigger
# (pglogical logs a relcache reference leak warning for every row applied to
# a table with an AFTER trigger), named to fire after gt's gt_lww trigger;
# the notification is sent only if the applying transaction commits.
add_seen_trigger() {
    local r
    for r in "${REGIONS[@]}"; do
        sql "$r" "CREATE FUNCTION bench_seen() RETURNS trigger LANGUAGE plpgsql AS
                  \$\$BEGIN PERFORM pg_notify('bench_seen', NEW.pk); RETURN NEW; END\$\$;
                  CREATE TRIGGER zz_bench_seen BEFORE INSERT OR UPDATE ON bench FOR EACH ROW
                      WHEN (pg_replication_origin_session_is_setup())
                      EXECUTE FUNCTION bench_seen();
                  ALTER TABLE bench ENABLE ALWAYS TRIGGER zz_bench_seen;"
    done
}

# ------------------------------------------------------------------ results

# record NAME VALUE UNIT: one measured figure.
record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$OUT/results.tsv"; }

# figure LABEL VALUE UNIT [BASE_LABEL BASE_VALUE]: prints one line per
# figure, with the ratio to the baseline measured earlier in the same run.
figure() {
    if [ $# -ge 5 ] && [ -n "$5" ]; then
        awk -v l="$1" -v v="$2" -v u="$3" -v bl="$4" -v bv="$5" 'BEGIN {
            printf "  %-56s %10.2f %-6s = %.2f x %s (%.2f)\n", l, v, u, (bv > 0 ? v / bv : 0), bl, bv }'
    else
        awk -v l="$1" -v v="$2" -v u="$3" 'BEGIN { printf "  %-56s %10.2f %-6s\n", l, v, u }'
    fi
}

topo_label() { [ "$1" = same ] && echo "one cluster" || echo "two clusters"; }

# value NAME: a figure recorded earlier in this run (empty if none).
value() { awk -F'\t' -v n="$1" '$1 == n { v = $2 } END { print v }' "$OUT/results.tsv" 2>/dev/null; }

# median: the median of the numbers on stdin, one per line (nothing if none).
median() {
    sort -g | awk 'NF { v[++c] = $1 } END {
        if (c > 0) print (c % 2) ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2 }'
}

# json_get FILE KEY: one field of a JSON object written by measure.py/lag.py.
json_get() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# measure_begin NAME / measure_end NAME: bracket one measurement.  The
# machine may be shared: before starting, wait (at most $QUIET_TIMEOUT s)
# until other processes and other guests of the host (steal time) use less
# than $QUIET_CORES cores, and log the interval to $OUT/timeline.tsv so that
# the report can show how busy the rest of the machine was during each
# measurement.
measure_begin() {
    local c
    c=$(python3 "$BENCH/report.py" quiet "$RUN_PID" "$WORK" "$QUIET_CORES" "$QUIET_TIMEOUT")
    awk -v c="$c" -v m="$QUIET_CORES" -v n="$1" 'BEGIN { if (c >= m)
        printf "  (%s: other processes and guests were still using %.2f cores)\n", n, c }' >&2
    MEASURE_START=$(date +%s.%N)
}
measure_end() { printf '%s\t%s\t%s\n' "$1" "$MEASURE_START" "$(date +%s.%N)" >> "$OUT/timeline.tsv"; }

# ------------------------------------------------------ process monitoring

# procmon_start LABEL: samples RSS and CPU of the current run's server
# processes until procmon_stop; the result is $OUT/procmon/LABEL.json.
procmon_start() {
    local label=$1 clusters
    clusters=$(printf 'gtb-%s\n' "${REGION_CLUSTER[@]}" | sort -u | paste -sd,)
    mkdir -p "$OUT/procmon"
    python3 "$BENCH/measure.py" procmon "$clusters" "$OUT/procmon/$label.json" &
    PROCMON_PID=$!
}
procmon_stop() {
    [ -n "${PROCMON_PID:-}" ] || return 0
    kill -INT "$PROCMON_PID" 2>/dev/null || true
    wait "$PROCMON_PID" 2>/dev/null || true
    PROCMON_PID=
}
