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
#
# The big transaction is applied in a second or two, so a burst of steal
# time decides a single measurement (one run had 0.29 cores of steal during
# gt's and 0.02 during built-in's).  It is therefore measured in
# $APPLY_ROUNDS rounds: the first with the single-row shape, the others on a
# fresh setup of their own, the systems taking turns in an order that rotates
# every round; its figure is the median over the rounds.

scenario_apply() {
    local topo sys round i systems=(builtin pglogical gt)
    log "scenario 2: apply throughput, $APPLY_ROWS rows"
    as_pg tee "$WORK/insert.sql" >/dev/null <<EOF
INSERT INTO bench (pk, item) SELECT 'k' || n, ('{"pk":{"S":"k' || n || '"},"payload":{"S":"$PAYLOAD"}}')::jsonb FROM (SELECT nextval('bench_seq') AS n) s;
EOF
    mkdir -p "$OUT/apply"
    echo "scenario 2: apply throughput, region-a -> region-b (rows/s; ratio to built-in)"
    for topo in same multi; do
        for sys in "${systems[@]}"; do
            apply_run "$sys" "$topo" 1 single big
        done
        for ((round = 2; round <= APPLY_ROUNDS; round++)); do
            for ((i = 0; i < ${#systems[@]}; i++)); do
                apply_run "${systems[$(((i + round - 1) % ${#systems[@]}))]}" "$topo" "$round" big
            done
        done
        for sys in "${systems[@]}"; do
            apply_big_median "$sys" "$topo"
        done
    done
}

# apply_run SYSTEM TOPOLOGY ROUND SHAPE...: the shapes' figures are recorded
# under apply/TOPOLOGY/SHAPE/SYSTEM/ (round 1) and .../roundR/ (the big
# shape, every round).
apply_run() {
    local sys=$1 topo=$2 round=$3 f shape base label suffix=""
    [ "$round" -eq 1 ] || suffix="-r$round"
    setup "$sys" "$topo" 2 "a-$sys-$topo"
    for shape in "${@:4}"; do
        f="$OUT/apply/$sys-$topo-$shape$suffix.json"
        measure_begin "apply-$sys-$topo-$shape$suffix"
        procmon_start "apply-$sys-$topo-$shape$suffix"
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
        measure_end "apply-$sys-$topo-$shape$suffix"
        if [ "$shape" = big ]; then
            record "apply/$topo/big/$sys/round$round/rows_s" "$(json_get "$f" rows_per_s)" rows/s
            log "  apply, one transaction, $(topo_label "$topo"), round $round, $sys: $(printf %.0f "$(json_get "$f" rows_per_s)") rows/s"
            continue
        fi
        record "apply/$topo/$shape/$sys/rows_s" "$(json_get "$f" rows_per_s)" rows/s
        record "apply/$topo/$shape/$sys/drain_s" "$(json_get "$f" drain_after_commit_s)" s
        record "apply/$topo/$shape/$sys/writer_tps" "$(json_get "$f" writer_tps)" tps
        base=$(value "apply/$topo/$shape/builtin/rows_s")
        label="single-row txns, $(topo_label "$topo"), $sys"
        if [ "$sys" = builtin ]; then
            figure "$label" "$(json_get "$f" rows_per_s)" rows/s
        else
            figure "$label" "$(json_get "$f" rows_per_s)" rows/s built-in "$base"
        fi
    done
    teardown
}

# apply_big_median SYSTEM TOPOLOGY: the big transaction's figure, the median
# over the rounds.
apply_big_median() {
    local sys=$1 topo=$2 k="apply/$2/big/$1" r median label
    median=$(for ((r = 1; r <= APPLY_ROUNDS; r++)); do value "$k/round$r/rows_s"; done | median)
    record "$k/rows_s" "$median" rows/s
    label="one ${APPLY_ROWS}-row txn, $(topo_label "$topo"), $sys"
    [ "$APPLY_ROUNDS" -gt 1 ] && label="$label (median of $APPLY_ROUNDS)"
    if [ "$sys" = builtin ]; then
        figure "$label" "$median" rows/s
    else
        figure "$label" "$median" rows/s built-in "$(value "apply/$topo/big/builtin/rows_s")"
    fi
}
