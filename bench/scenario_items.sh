# bench/scenario_items.sh: scenario 6, the item API on expressions.  Sourced
# by bench/run.
#
# What it measures, with pgbench (4 clients, 2 threads, $ITEM_SECONDS s,
# prepared statements, each call its own transaction), in one cluster:
#
#   update       gt.update_item 'SET n = n + :one' on 10,000 stored items of
#                a global table with a replica in region-b, against the
#                baseline: plain SQL UPDATE ... SET item = jsonb_set(...) of
#                the same change on a plain table published to region-b by
#                built-in logical replication (target: >= 0.9x)
#   cput         gt.put_item with ConditionExpression attribute_not_exists(pk)
#                on new keys, against unconditional gt.put_item on new keys
#                of the same table (target: >= 0.9x)
#   query        gt.query of the 100 items under one hash key (rows/s),
#                against plain SQL selecting the same items by the primary
#                key index of the same replica table (target: >= 0.8x)
#   query1       gt.query of one item by its full key, against gt.get_item
#                of it (target: within 1.2x, i.e. >= 0.83x)
#   parse share  the share of a backend's CPU time spent parsing the
#                expressions of a repeated UpdateItem: perf samples (cpu-clock,
#                call graphs) of one pgbench client's backend, those under
#                gt_expr_parse_update over all (target: at most 5 %)
#
# Each pair is measured $ITEM_ROUNDS times, the two taking turns, and the
# figures are medians.  ":" starts a pgbench variable, so the scripts build
# placeholders with chr(58).

ITEM_SECONDS=${ITEM_SECONDS:-10}
ITEM_ROUNDS=${ITEM_ROUNDS:-3}

# items_pgbench LABEL SCRIPT REGION: runs pgbench with SCRIPT (a file in
# $WORK) against REGION; prints its tps.
items_pgbench() {
    local label=$1 script=$2 region=$3 out
    measure_begin "$label"
    out=$(as_pg pgbench -n -M prepared -c 4 -j 2 -T "$ITEM_SECONDS" -f "$WORK/$script.sql" \
        -h "$WORK/sock" -p "$(cluster_port "${REGION_CLUSTER[$region]}")" "$region" 2>&1) ||
        die "pgbench $script failed: $out"
    measure_end "$label"
    awk '/^tps = / { print $3 }' <<<"$out"
}

# items_parse_share SCRIPT: percent of one backend's CPU samples under
# gt_expr_parse_update while one pgbench client runs SCRIPT in region-a.
items_parse_share() {
    local script=$1 pid pgb share
    as_pg pgbench -n -M prepared -c 1 -T 8 -f "$WORK/$script.sql" -h "$WORK/sock" \
        -p "$(cluster_port "${REGION_CLUSTER[region-a]}")" region-a >/dev/null 2>&1 &
    pgb=$!
    for _ in $(seq 50); do
        pid=$(sql region-a "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgbench' LIMIT 1")
        [ -n "$pid" ] && break
        sleep 0.1
    done
    perf record -q -e cpu-clock -F 4999 -g -p "$pid" -o "$OUT/parse.perf" -- sleep 5 >/dev/null 2>&1 || true
    wait "$pgb" || true
    # The "Children" column: samples with the function anywhere on the stack.
    share=$(perf report -i "$OUT/parse.perf" --children --stdio --sort symbol -g none 2>/dev/null |
        awk '/gt_expr_parse_update/ { gsub("%", "", $1); print $1; exit }')
    echo "${share:-0}"
}

# items_load: 10,000 items with a number, in region-a's table bench.
items_load() {
    sql region-a "INSERT INTO bench (pk, item)
        SELECT 'k' || i, jsonb_build_object('pk', jsonb_build_object('S', 'k' || i),
            'n', '{\"N\": \"0\"}'::jsonb, 'payload', jsonb_build_object('S', '$PAYLOAD'))
        FROM generate_series(1, 10000) i"
}

scenario_items() {
    local round tps
    log "scenario 6: item API, pgbench 4 clients x ${ITEM_SECONDS}s, $ITEM_ROUNDS rounds"
    as_pg tee "$WORK/sql_update.sql" >/dev/null <<'EOF'
\set k random(1, 10000)
UPDATE bench SET item = jsonb_set(item, '{n,N}', to_jsonb(((item->'n'->>'N')::numeric + 1)::text)) WHERE pk = 'k' || :k;
EOF
    as_pg tee "$WORK/gt_update.sql" >/dev/null <<'EOF'
\set k random(1, 10000)
SELECT gt.update_item('bench', jsonb_build_object('pk', jsonb_build_object('S', 'k' || :k)), 'SET n = n + ' || chr(58) || 'one', jsonb_build_object(chr(58) || 'one', '{"N": "1"}'::jsonb));
EOF
    as_pg tee "$WORK/gt_put_new.sql" >/dev/null <<EOF
SELECT gt.put_item(jsonb_build_object('TableName', 'bench', 'Item', jsonb_build_object('pk', jsonb_build_object('S', 'n' || nextval('bench_seq')), 'payload', '{"S": "$PAYLOAD"}'::jsonb)));
EOF
    as_pg tee "$WORK/gt_cput_new.sql" >/dev/null <<EOF
SELECT gt.put_item(jsonb_build_object('TableName', 'bench', 'Item', jsonb_build_object('pk', jsonb_build_object('S', 'n' || nextval('bench_seq')), 'payload', '{"S": "$PAYLOAD"}'::jsonb), 'ConditionExpression', 'attribute_not_exists(pk)'));
EOF
    as_pg tee "$WORK/gt_query.sql" >/dev/null <<'EOF'
\set h random(1, 50)
SELECT gt.query(jsonb_build_object('TableName', 'bench_q', 'KeyConditionExpression', 'pk = ' || chr(58) || 'p', 'ExpressionAttributeValues', jsonb_build_object(chr(58) || 'p', jsonb_build_object('S', 'h' || :h))));
EOF
    as_pg tee "$WORK/sql_query.sql" >/dev/null <<'EOF'
\set h random(1, 50)
SELECT item FROM bench_q WHERE pk = 'h' || :h AND NOT gt_deleting ORDER BY sk;
EOF
    as_pg tee "$WORK/gt_query1.sql" >/dev/null <<'EOF'
\set h random(1, 50)
\set s random(1, 100)
SELECT gt.query(jsonb_build_object('TableName', 'bench_q', 'KeyConditionExpression', 'pk = ' || chr(58) || 'p AND sk = ' || chr(58) || 's', 'ExpressionAttributeValues', jsonb_build_object(chr(58) || 'p', jsonb_build_object('S', 'h' || :h), chr(58) || 's', jsonb_build_object('N', :s::text))));
EOF
    as_pg tee "$WORK/gt_get1.sql" >/dev/null <<'EOF'
\set h random(1, 50)
\set s random(1, 100)
SELECT gt.get_item('bench_q', jsonb_build_object('pk', jsonb_build_object('S', 'h' || :h), 'sk', jsonb_build_object('N', :s::text)));
EOF
    echo "scenario 6: item API (tps, median of $ITEM_ROUNDS rounds; ratio to the baseline measured above)"
    for ((round = 1; round <= ITEM_ROUNDS; round++)); do
        # UpdateItem against the same change in plain SQL under built-in
        # replication, one after the other on fresh clusters.
        setup builtin same 2 "i-builtin"
        items_load
        record "items/update/builtin/round$round" "$(items_pgbench "items-update-builtin-$round" sql_update region-a)" tps
        teardown
        setup gt same 2 "i-gt"
        items_load
        record "items/update/gt/round$round" "$(items_pgbench "items-update-gt-$round" gt_update region-a)" tps
        record "items/update/parse_pct/round$round" "$(items_parse_share gt_update)" pct
        # Puts of new keys, unconditional and conditional, on that table.
        record "items/put/plain/round$round" "$(items_pgbench "items-put-$round" gt_put_new region-a)" tps
        record "items/put/conditional/round$round" "$(items_pgbench "items-cput-$round" gt_cput_new region-a)" tps
        # Reads, on a table of 50 partitions of 100 items.
        sql region-a "SELECT gt.create_table('{\"TableName\": \"bench_q\",
            \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}, {\"AttributeName\": \"sk\", \"KeyType\": \"RANGE\"}],
            \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}, {\"AttributeName\": \"sk\", \"AttributeType\": \"N\"}]}')" >/dev/null
        sql region-a "INSERT INTO bench_q (pk, sk, item)
            SELECT 'h' || h, s, jsonb_build_object('pk', jsonb_build_object('S', 'h' || h),
                'sk', jsonb_build_object('N', s::text), 'payload', jsonb_build_object('S', '$PAYLOAD'))
            FROM generate_series(1, 50) h, generate_series(1, 100) s; ANALYZE bench_q"
        record "items/query/sql/round$round" "$(items_pgbench "items-query-sql-$round" sql_query region-a)" tps
        record "items/query/gt/round$round" "$(items_pgbench "items-query-gt-$round" gt_query region-a)" tps
        record "items/query1/get/round$round" "$(items_pgbench "items-get1-$round" gt_get1 region-a)" tps
        record "items/query1/gt/round$round" "$(items_pgbench "items-query1-$round" gt_query1 region-a)" tps
        teardown
    done
    for fig in update/parse_pct; do
        record "items/$fig" "$(for ((round = 1; round <= ITEM_ROUNDS; round++)); do value "items/$fig/round$round"; done | median)" pct
    done
    for fig in update/builtin update/gt put/plain put/conditional query/sql query/gt query1/get query1/gt; do
        tps=$(for ((round = 1; round <= ITEM_ROUNDS; round++)); do value "items/$fig/round$round"; done | median)
        record "items/$fig/tps" "$tps" tps
    done
    figure "plain SQL UPDATE jsonb_set + built-in replication" "$(value items/update/builtin/tps)" tps
    figure "gt.update_item SET n = n + :one, replica in region-b" "$(value items/update/gt/tps)" tps \
        "SQL UPDATE+built-in" "$(value items/update/builtin/tps)"
    figure "UpdateItem CPU spent parsing its expressions" "$(value items/update/parse_pct)" "%"
    figure "gt.put_item of new keys" "$(value items/put/plain/tps)" tps
    figure "gt.put_item of new keys, attribute_not_exists(pk)" "$(value items/put/conditional/tps)" tps \
        "unconditional" "$(value items/put/plain/tps)"
    figure "plain SQL select of 100 items by index (rows/s)" \
        "$(awk -v t="$(value items/query/sql/tps)" 'BEGIN { print t * 100 }')" rows/s
    figure "gt.query of 100 items (rows/s)" \
        "$(awk -v t="$(value items/query/gt/tps)" 'BEGIN { print t * 100 }')" rows/s \
        "plain SQL" "$(awk -v t="$(value items/query/sql/tps)" 'BEGIN { print t * 100 }')"
    figure "gt.get_item of one item" "$(value items/query1/get/tps)" tps
    figure "gt.query of one item by its full key" "$(value items/query1/gt/tps)" tps \
        "gt.get_item" "$(value items/query1/get/tps)"
}
