# bench/scenario_apply.sh: scenario 2, apply throughput.  Sourced by bench/run.
#
# What it measures: how many rows per second reach region-b from region-a,
# for each system, in two topologies (same: two databases of one cluster;
# multi: two clusters linked over TCP on 127.0.0.1), in two shapes:
#
#   single  $APPLY_ROWS single-row transactions committed in region-a by
#           pgbench (4 clients, INSERTs of new keys) while replication runs.
#           Figure: rows / (time from the first commit until the last row is
#           visible in region-b).  Also reported: the source's commit rate
#           and how long region-b needed after the source finished (drain);
#           when the drain is near zero, replication kept up and the figure
#           is the writer's rate, not a limit of the replication.
#   big     one $APPLY_ROWS-row INSERT in one transaction.  Figure:
#           rows / (time from its commit until it is visible in region-b).
#
# "Visible" is detected with a marker row committed right after the load,
# looked up by key every millisecond (bench/measure.py).  A fresh setup per
# system and topology; worker memory is sampled separately for each shape.

scenario_apply() {
    local topo sys
    log "scenario 2: apply throughput, $APPLY_ROWS rows"
    as_pg tee "$WORK/insert.sql" >/dev/null <<EOF
INSERT INTO bench (pk, item) SELECT 'k' || n, ('{"pk":{"S":"k' || n || '"},"payload":{"S":"$PAYLOAD"}}')::jsonb FROM (SELECT nextval('bench_seq') AS n) s;
EOF
    mkdir -p "$OUT/apply"
    echo "scenario 2: apply throughput, region-a -> region-b (rows/s; ratio to built-in)"
    for topo in same multi; do
        for sys in builtin pglogical gt; do
            apply_run "$sys" "$topo"
        done
    done
}

# apply_run SYSTEM TOPOLOGY
apply_run() {
    local sys=$1 topo=$2 f shape base label
    setup "$sys" "$topo" 2 "a-$sys-$topo"
    for shape in single big; do
        f="$OUT/apply/$sys-$topo-$shape.json"
        measure_begin "apply-$sys-$topo-$shape"
        procmon_start "apply-$sys-$topo-$shape"
        if [ "$shape" = single ]; then
            as_pg python3 "$BENCH/measure.py" apply --src "$(spec region-a)" --dst "$(spec region-b)" \
                --mode single --rows "$APPLY_ROWS" --script "$WORK/insert.sql" > "$f" ||
                die "$sys $topo $shape: $(cat "$f")"
        else
            as_pg python3 "$BENCH/measure.py" apply --src "$(spec region-a)" --dst "$(spec region-b)" \
                --mode big --rows "$APPLY_ROWS" --prefix b > "$f" ||
                die "$sys $topo $shape: $(cat "$f")"
        fi
        procmon_stop
        measure_end "apply-$sys-$topo-$shape"
        record "apply/$topo/$shape/$sys/rows_s" "$(json_get "$f" rows_per_s)" rows/s
        record "apply/$topo/$shape/$sys/drain_s" "$(json_get "$f" drain_after_commit_s)" s
        record "apply/$topo/$shape/$sys/writer_tps" "$(json_get "$f" writer_tps)" tps
        base=$(value "apply/$topo/$shape/builtin/rows_s")
        label="$([ "$shape" = single ] && echo "single-row txns" || echo "one ${APPLY_ROWS}-row txn"), $(topo_label "$topo"), $sys"
        if [ "$sys" = builtin ]; then
            figure "$label" "$(json_get "$f" rows_per_s)" rows/s
        else
            figure "$label" "$(json_get "$f" rows_per_s)" rows/s built-in "$base"
        fi
    done
    teardown
}
