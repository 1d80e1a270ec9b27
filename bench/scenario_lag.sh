# bench/scenario_lag.sh: scenarios 3 and 5, replication lag under a steady
# load, and how it scales with the number of regions.  Sourced by bench/run.
#
# What it measures: per-change lag from commit in the source region to
# visibility in each other region, at $LAG_RATE writes/s for $LAG_SECONDS s
# (single-row upserts of new keys), as p50, p95, p99 and max over every
# (change, receiving region) pair.  How: bench/lag.py (writers record a
# server timestamp taken just before commit; each region's listener gets a
# notification from a trigger in the applying transaction, delivered after
# it commits).  All regions are databases of one cluster, one fresh cluster
# per run.  Runs:
#
#   one-way   2 regions, all writes in region-a, for built-in (which can
#             only replicate one way), pglogical and gt: the like-for-like
#             comparison with built-in.
#   N regions writes spread evenly over N regions (N in $LAG_REGIONS), for
#             gt and pglogical (full mesh); 3 regions is scenario 3.
#
# Cost per region (scenario 5): CPU seconds per second used by the
# replication processes (walsenders, apply workers, each system's launchers
# and the postmaster) during the run, divided by the number of regions, and
# their memory.  The per-second p50/p99 series of the 3-region runs and of the
# one-way built-in run become bench/lag.png.

scenario_lag() {
    local sys n
    log "scenario 3/5: lag at $LAG_RATE writes/s for ${LAG_SECONDS}s"
    mkdir -p "$OUT/lag"
    echo "scenario 3: lag at $LAG_RATE writes/s, ${LAG_SECONDS}s (ms; ratio to built-in one-way)"
    for sys in builtin pglogical gt; do
        lag_run "$sys" 2 oneway
    done
    echo "scenario 5: scaling, writes spread over N regions (ms; CPU of replication processes)"
    for n in "${LAG_REGIONS[@]}"; do
        for sys in pglogical gt; do
            lag_run "$sys" "$n" spread
        done
    done
}

# lag_run SYSTEM NREGIONS oneway|spread
lag_run() {
    local sys=$1 n=$2 mode=$3 name flows=() r p f cpu base label
    name="$sys-$n-$mode"
    setup "$sys" same "$n" "l-$sys-$n"
    add_seen_trigger
    if [ "$mode" = oneway ]; then
        flows=(--flow region-a:region-b)
    else
        for r in "${REGIONS[@]}"; do
            for p in "${REGIONS[@]}"; do [ "$r" = "$p" ] || flows+=(--flow "$r:$p"); done
        done
    fi
    as_pg mkdir -p "$WORK/lag-$name"
    measure_begin "lag-$name"
    procmon_start "lag-$name"
    as_pg python3 "$BENCH/lag.py" "$WORK/lag-$name" "$LAG_SECONDS" "$LAG_RATE" \
        $(for r in "${REGIONS[@]}"; do echo "--spec $r=$(spec "$r")"; done) "${flows[@]}" ||
        die "lag run $name failed"
    procmon_stop
    measure_end "lag-$name"
    teardown
    f="$OUT/lag/$name.json"
    cp "$WORK/lag-$name/summary.json" "$f"
    cp "$WORK/lag-$name/series.dat" "$OUT/lag/$name.dat"
    for p in p50 p95 p99 max; do
        record "lag/$mode/$n/$sys/${p}_ms" "$(json_get "$f" "${p}_ms")" ms
    done
    record "lag/$mode/$n/$sys/missing" "$(json_get "$f" missing)" changes
    record "lag/$mode/$n/$sys/rate" "$(json_get "$f" achieved_rate)" writes/s
    cpu=$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(sum(r["cpu_s"] for k, r in d["roles"].items() if k != "other") / d["seconds"])' \
        "$OUT/procmon/lag-$name.json")
    record "lag/$mode/$n/$sys/repl_cpu" "$cpu" cores
    label="$([ "$mode" = oneway ] && echo "one-way, 2 regions" || echo "$n regions"), $sys"
    base=$(value "lag/oneway/2/builtin/p99_ms")
    if [ "$mode" = oneway ] && [ "$sys" != builtin ]; then
        figure "$label: p99" "$(json_get "$f" p99_ms)" ms "built-in p99" "$base"
    else
        figure "$label: p99" "$(json_get "$f" p99_ms)" ms
    fi
    printf '  %-56s p50 %.2f  p95 %.2f  max %.1f ms; replication CPU %.2f cores (%.3f per region)\n' \
        "" "$(json_get "$f" p50_ms)" "$(json_get "$f" p95_ms)" "$(json_get "$f" max_ms)" "$cpu" \
        "$(awk -v c="$cpu" -v n="$n" 'BEGIN { print c / n }')"
    awk -v a="$(json_get "$f" achieved_rate)" -v r="$LAG_RATE" 'BEGIN { if (a < 0.95 * r)
        printf "  %-56s WARNING: the writers reached only %.0f writes/s\n", "", a }'
}
