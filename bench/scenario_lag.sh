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
# A p99 over one minute on this VM moves with the host (built-in's own p99
# ranged 1.3-6.1 ms over runs of the same code), so the runs the targets are
# judged on, one-way and 3 regions, are made $LAG_ROUNDS times, the systems
# taking turns in an order that rotates every round; each figure is the
# median over the rounds, and the round whose p99 is that median supplies the
# per-second series and the CPU figures.  Each round's figures are kept.
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
    lag_rounds 2 oneway builtin pglogical gt
    echo "scenario 5: scaling, writes spread over N regions (ms; CPU of replication processes)"
    for n in "${LAG_REGIONS[@]}"; do
        lag_rounds "$n" spread pglogical gt
    done
}

# lag_rounds NREGIONS oneway|spread SYSTEM...: the runs of one load for each
# system, in rounds if the load is one the targets are judged on (see above),
# then the figures of each system.
lag_rounds() {
    local n=$1 mode=$2 systems=("${@:3}") rounds=1 round i sys
    if [ "$mode" = oneway ] || [ "$n" -eq 3 ]; then rounds=$LAG_ROUNDS; fi
    for ((round = 1; round <= rounds; round++)); do
        for ((i = 0; i < ${#systems[@]}; i++)); do
            sys=${systems[$(((i + round - 1) % ${#systems[@]}))]}
            lag_run "$sys" "$n" "$mode" "$round"
            log "  lag, $mode, $n regions, round $round, $sys: p99 $(value "lag/$mode/$n/$sys/round$round/p99_ms") ms"
        done
    done
    for sys in "${systems[@]}"; do
        lag_median "$sys" "$n" "$mode" "$rounds"
        lag_figures "$sys" "$n" "$mode" "$rounds"
    done
}

# lag_run SYSTEM NREGIONS oneway|spread ROUND: one run; its figures are
# recorded under lag/MODE/N/SYSTEM/roundR/.
lag_run() {
    local sys=$1 n=$2 mode=$3 round=$4 name flows=() r p f cpu
    name="$sys-$n-$mode-r$round"
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
        record "lag/$mode/$n/$sys/round$round/${p}_ms" "$(json_get "$f" "${p}_ms")" ms
    done
    record "lag/$mode/$n/$sys/round$round/missing" "$(json_get "$f" missing)" changes
    record "lag/$mode/$n/$sys/round$round/rate" "$(json_get "$f" achieved_rate)" writes/s
    cpu=$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(sum(r["cpu_s"] for k, r in d["roles"].items() if k != "other") / d["seconds"])' \
        "$OUT/procmon/lag-$name.json")
    record "lag/$mode/$n/$sys/round$round/repl_cpu" "$cpu" cores
}

# lag_median SYSTEM NREGIONS MODE ROUNDS: records each percentile as its
# median over the rounds, and the other figures and the per-second series
# (lag/SYSTEM-N-MODE.dat, for the plot) of the round whose p99 is the median.
lag_median() {
    local sys=$1 n=$2 mode=$3 rounds=$4 k="lag/$3/$2/$1" p r median pick fig
    for p in p50 p95 p99 max; do
        median=$(for ((r = 1; r <= rounds; r++)); do value "$k/round$r/${p}_ms"; done | median)
        record "$k/${p}_ms" "$median" ms
    done
    pick=$(for ((r = 1; r <= rounds; r++)); do echo "$r $(value "$k/round$r/p99_ms")"; done |
        awk -v m="$(value "$k/p99_ms")" 'NF == 2 { d = $2 - m; if (d < 0) d = -d
            if (best == "" || d < bd) { best = $1; bd = d } } END { print (best == "" ? 1 : best) }')
    for fig in missing rate repl_cpu; do
        record "$k/$fig" "$(value "$k/round$pick/$fig")" "$(case $fig in
            missing) echo changes ;; rate) echo writes/s ;; *) echo cores ;; esac)"
    done
    cp "$OUT/lag/$sys-$n-$mode-r$pick.dat" "$OUT/lag/$sys-$n-$mode.dat"
}

# lag_figures SYSTEM NREGIONS MODE ROUNDS: the printed lines of one system.
lag_figures() {
    local sys=$1 n=$2 mode=$3 rounds=$4 k="lag/$3/$2/$1" label base cpu
    cpu=$(value "$k/repl_cpu")
    label="$([ "$mode" = oneway ] && echo "one-way, 2 regions" || echo "$n regions"), $sys"
    [ "$rounds" -gt 1 ] && label="$label (median of $rounds)"
    base=$(value "lag/oneway/2/builtin/p99_ms")
    if [ "$mode" = oneway ] && [ "$sys" != builtin ]; then
        figure "$label: p99" "$(value "$k/p99_ms")" ms "built-in p99" "$base"
    else
        figure "$label: p99" "$(value "$k/p99_ms")" ms
    fi
    printf '  %-56s p50 %.2f  p95 %.2f  max %.1f ms; replication CPU %.2f cores (%.3f per region)\n' \
        "" "$(value "$k/p50_ms")" "$(value "$k/p95_ms")" "$(value "$k/max_ms")" "$cpu" \
        "$(awk -v c="$cpu" -v n="$n" 'BEGIN { print c / n }')"
    awk -v a="$(value "$k/rate")" -v r="$LAG_RATE" 'BEGIN { if (a < 0.95 * r)
        printf "  %-56s WARNING: the writers reached only %.0f writes/s\n", "", a }'
}
