# bench/scenario_catchup.sh: scenario 4, catch-up after an outage.  Sourced
# by bench/run.
#
# What it measures: region-b's cluster is stopped (fast shutdown) while
# region-a commits $CATCHUP_ROWS single-row transactions (pgbench, 4 clients,
# new keys), then started again.  Figure: rows / (time from running pg_ctl
# start until the last row is visible in region-b), so it includes the
# server's start-up and each system's reconnection, which is what a user
# waits for.  Two clusters linked over TCP on 127.0.0.1, one fresh pair per
# system; replication processes are sampled for memory throughout.

scenario_catchup() {
    local sys f
    log "scenario 4: catch-up, $CATCHUP_ROWS rows written while region-b is down"
    mkdir -p "$OUT/catchup"
    [ -f "$WORK/insert.sql" ] || as_pg tee "$WORK/insert.sql" >/dev/null <<EOF
INSERT INTO bench (pk, item) SELECT 'k' || n, ('{"pk":{"S":"k' || n || '"},"payload":{"S":"$PAYLOAD"}}')::jsonb FROM (SELECT nextval('bench_seq') AS n) s;
EOF
    echo "scenario 4: catch-up of region-b after $CATCHUP_ROWS writes (rows/s; ratio to baselines)"
    for sys in builtin pglogical gt; do
        setup "$sys" multi 2 "c-$sys"
        measure_begin "catchup-$sys"
        procmon_start "catchup-$sys"
        cluster_stop "${REGION_CLUSTER[region-b]}"
        f="$OUT/catchup/$sys.json"
        local b="$WORK/${REGION_CLUSTER[region-b]}"
        as_pg python3 "$BENCH/measure.py" apply --src "$(spec region-a)" --dst "$(spec region-b)" \
            --mode single --rows "$CATCHUP_ROWS" --script "$WORK/insert.sql" \
            --start-cmd "pg_ctl -D $b/data -l $b/server.log -w -t 120 start" > "$f" ||
            die "catch-up $sys: $(cat "$f")"
        procmon_stop
        measure_end "catchup-$sys"
        teardown
        record "catchup/$sys/rows_s" "$(json_get "$f" rows_per_s)" rows/s
        record "catchup/$sys/seconds" "$(json_get "$f" seconds)" s
        record "catchup/$sys/startup_s" "$(json_get "$f" startup_s)" s
        case "$sys" in
            builtin) figure "catch-up, built-in" "$(json_get "$f" rows_per_s)" rows/s ;;
            pglogical) figure "catch-up, pglogical" "$(json_get "$f" rows_per_s)" rows/s \
                built-in "$(value catchup/builtin/rows_s)" ;;
            gt) figure "catch-up, gt" "$(json_get "$f" rows_per_s)" rows/s \
                    built-in "$(value catchup/builtin/rows_s)"
                figure "catch-up, gt" "$(json_get "$f" rows_per_s)" rows/s \
                    pglogical "$(value catchup/pglogical/rows_s)" ;;
        esac
    done
}
