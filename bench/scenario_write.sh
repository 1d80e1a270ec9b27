# bench/scenario_write.sh: scenario 1, the write path.  Sourced by bench/run.
#
# What it measures: the transactions per second a writer gets, with pgbench,
# 4 clients (2 threads), $WRITE_SECONDS s of single-item upserts on random
# keys among 100,000, prepared statements, each write its own transaction:
#
#   plain        plain (pk text primary key, item jsonb) table, no replication
#   builtin      the same table published to region-b by built-in logical
#                replication (the target's baseline)
#   pglogical    the same table replicated with pglogical, both directions
#   gt-put_item  gt.put_item() on a global table with a replica in region-b
#   gt-sql       plain SQL upsert on the same kind of replica table
#
# Every system runs in a fresh cluster of its own with two region databases
# (one for "plain").  Replication runs while pgbench writes; afterwards the
# time the other region needed to apply what was still queued is reported
# too (drain), since a writer that outruns its replication only defers cost.
#
# The workload waits on WAL flushes, whose speed on a VM drifts by more than
# the differences measured, so each system is measured $WRITE_ROUNDS times,
# the systems taking turns in an order that rotates every round, and the
# figures are the medians (each round's figures are kept for the report).
#
# What the writes cost the server is measured too, since it does not depend
# on the CPU the host left the guest (steal time): the CPU time of every
# process of the clusters (client backends, walsenders, apply workers, WAL
# writer, ...) from pgbench's start until region-b has applied everything,
# divided by the transactions pgbench committed (bench/measure.py procmon).

WRITE_SYSTEMS=(plain builtin pglogical gt-put_item gt-sql)

scenario_write() {
    local round i name
    log "scenario 1: write path, pgbench 4 clients x ${WRITE_SECONDS}s of upserts, $WRITE_ROUNDS rounds"
    as_pg tee "$WORK/upsert.sql" >/dev/null <<EOF
\\set k random(1, 100000)
INSERT INTO bench (pk, item) VALUES ('k' || :k, ('{"pk":{"S":"k' || :k || '"},"payload":{"S":"$PAYLOAD"}}')::jsonb) ON CONFLICT (pk) DO UPDATE SET item = excluded.item;
EOF
    as_pg tee "$WORK/put_item.sql" >/dev/null <<EOF
\\set k random(1, 100000)
SELECT gt.put_item('bench', ('{"pk":{"S":"k' || :k || '"},"payload":{"S":"$PAYLOAD"}}')::jsonb);
EOF
    echo "scenario 1: write path (tps, median of $WRITE_ROUNDS rounds; ratio to the baseline measured above)"
    for ((round = 1; round <= WRITE_ROUNDS; round++)); do
        for ((i = 0; i < ${#WRITE_SYSTEMS[@]}; i++)); do
            name=${WRITE_SYSTEMS[$(((i + round - 1) % ${#WRITE_SYSTEMS[@]}))]}
            case "$name" in
                plain) write_run plain plain upsert "$round" ;;
                builtin) write_run builtin builtin upsert "$round" ;;
                pglogical) write_run pglogical pglogical upsert "$round" ;;
                gt-put_item) write_run gt-put_item gt put_item "$round" ;;
                gt-sql) write_run gt-sql gt upsert "$round" ;;
            esac
        done
    done
    for name in "${WRITE_SYSTEMS[@]}"; do
        write_median "$name" tps tps
        write_median "$name" latency_ms ms
        write_median "$name" drain_s s
        write_median "$name" cpu_us us
    done
    figure "plain table, no replication" "$(value write/plain/tps)" tps
    figure "plain table + built-in replication" "$(value write/builtin/tps)" tps \
        "plain" "$(value write/plain/tps)"
    figure "plain table + pglogical" "$(value write/pglogical/tps)" tps \
        "plain+built-in" "$(value write/builtin/tps)"
    figure "gt.put_item, replica in region-b" "$(value write/gt-put_item/tps)" tps \
        "plain+built-in" "$(value write/builtin/tps)"
    figure "plain SQL on replica table, replica in region-b" "$(value write/gt-sql/tps)" tps \
        "plain+built-in" "$(value write/builtin/tps)"
}

# write_run NAME SYSTEM SCRIPT ROUND
write_run() {
    local name=$1 system=$2 script=$3 round=$4 n=2 out tps drain
    [ "$system" = plain ] && n=1
    setup "$system" same "$n" "w-$name"
    measure_begin "write-$name-$round"
    procmon_start "write-$name-$round"
    out=$(as_pg pgbench -n -M prepared -c 4 -j 2 -T "$WRITE_SECONDS" -f "$WORK/$script.sql" \
        -h "$WORK/sock" -p "$(cluster_port "${REGION_CLUSTER[region-a]}")" region-a 2>&1) ||
        die "pgbench failed: $out"
    measure_end "write-$name-$round"
    tps=$(awk '/^tps = / { print $3 }' <<<"$out")
    record "write/$name/round$round/tps" "$tps" tps
    record "write/$name/round$round/latency_ms" "$(awk '/^latency average/ { print $4 }' <<<"$out")" ms
    log "  write path, round $round, $name: $tps tps"
    if [ "$n" -eq 2 ]; then
        sql region-a "INSERT INTO bench (pk, item) VALUES ('marker/write', '{\"pk\":{\"S\":\"marker/write\"}}')"
        drain=$(as_pg python3 "$BENCH/measure.py" wait-key "$(spec region-b)" marker/write 600) ||
            die "$system: region-b did not catch up after the write test"
        record "write/$name/round$round/drain_s" "$drain" s
    fi
    procmon_stop
    record "write/$name/round$round/cpu_us" "$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(sum(r["cpu_s"] for r in d["roles"].values()) * 1e6 / float(sys.argv[2]))' \
        "$OUT/procmon/write-$name-$round.json" \
        "$(awk '/^number of transactions actually processed/ { print $NF }' <<<"$out" | cut -d/ -f1)")" us
    teardown
}

# write_median NAME FIGURE UNIT: records the median over the rounds of one
# figure of NAME as the figure itself (nothing if no round recorded it).
write_median() {
    local name=$1 fig=$2 unit=$3 r median
    median=$(for ((r = 1; r <= WRITE_ROUNDS; r++)); do value "write/$name/round$r/$fig"; done | median)
    [ -z "$median" ] || record "write/$name/$fig" "$median" "$unit"
}
