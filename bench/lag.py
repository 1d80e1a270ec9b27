#!/usr/bin/env python3
"""Replication lag under a steady write load (scenarios 3 and 5).

  lag.py OUTDIR SECONDS RATE --spec REGION=SPEC ... --flow SRC:DST ...

One writer process per source region writes new items at RATE / (number of
sources) per second, open loop: each write has a scheduled send time (the
sources are staggered so that writes are evenly spread) and is sent then,
without waiting for the previous one's reply (the connection pipelines; the
server still commits them one by one).  Each is a single-row autocommit
upsert with key "<source>/<sequence number>".  The upsert returns
clock_timestamp() evaluated after the row is written, just before the
transaction commits: the write's reference time is that instant, slightly
before the commit (by the commit's own duration, mostly the WAL flush).

One listener process per target region LISTENs on channel bench_seen.  The
scenario gives each region's bench table a BEFORE INSERT OR UPDATE row
trigger, enabled ALWAYS so that it fires in every system's apply worker,
which calls pg_notify('bench_seen', pk) when the writing session is
replicating (has a replication origin set up: true for the apply workers of
all three systems, false for the benchmark's writers).  PostgreSQL delivers a notification only
after the transaction that sent it has committed, so when it arrives the row
is visible in that region.  The listener takes time.time() as the bytes
arrive.  Unlike polling, this costs no CPU while waiting, which matters on a
machine with few cores, and has no polling period.

Lag of a change in a target = arrival of its notification - reference time.
Both are the machine's one real-time clock (server clock_timestamp() and the
listener's time.time()).  The figure can only overstate the true
commit-to-visible lag: by the source commit's own duration (mostly its WAL
flush), the notification's delivery and the listener's scheduling; it never
understates it.

Writes: OUTDIR/summary.json (percentiles overall and per flow) and
OUTDIR/series.dat (per second of the run: p50, p99, max lag in ms).
"""

import argparse
import collections
import json
import math
import multiprocessing as mp
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pgwire import Conn  # noqa: E402

mono = time.monotonic
DRAIN_TIMEOUT = 60.0
MAX_IN_FLIGHT = 100             # writes sent but not yet answered
PAYLOAD = "x" * 160
UPSERT = ("INSERT INTO bench (pk, item) VALUES ('%s', "
          "'{\"pk\":{\"S\":\"%s\"},\"payload\":{\"S\":\"" + PAYLOAD + "\"}}') "
          "ON CONFLICT (pk) DO UPDATE SET item = excluded.item "
          "RETURNING (extract(epoch FROM clock_timestamp()) * 1000000)::bigint")


def writer(spec, source, index, nwriters, rate, t0, seconds, outdir, counts):
    """Sends the source's writes on schedule without waiting for earlier
    ones to finish (the reference time is taken by the server, so a slow
    reply does not delay the schedule), and collects the replies."""
    conn = Conn(spec, application_name="lag writer " + source)
    period = nwriters / rate
    offset = index / rate
    total = int(seconds * rate / nwriters)
    pending = collections.deque()
    rows = []
    late = 0
    i = 0
    while i < total or pending:
        now = mono()
        t_sched = t0 + offset + i * period
        if i < total and now >= t_sched and len(pending) < MAX_IN_FLIGHT:
            if now - t_sched > 0.001:
                late += 1
            key = "%s/%08d" % (source, i)
            conn.send_query(UPSERT % (key, key))
            pending.append((key, now))
            i += 1
            wait = 0.0          # collect replies already there, then go on
        elif i < total and len(pending) < MAX_IN_FLIGHT:
            wait = t_sched - now
        else:
            wait = 0.01
        for result in conn.results(wait):
            key, t_send = pending.popleft()
            rows.append((key, int(result[0][0]), (mono() - t_send) * 1000, t_send))
    counts[index] = total
    with open(os.path.join(outdir, "w-%s.json" % source), "w") as f:
        json.dump({"rows": rows, "late": late}, f)


def listener(spec, target, sources, t_stop, outdir, counts, source_index):
    """Records when each key's notification arrives in this region, until
    every write of its sources has been seen (or DRAIN_TIMEOUT after the
    writers finished)."""
    conn = Conn(spec, application_name="lag listener " + target)
    conn.query("LISTEN bench_seen")
    seen = {}
    per_source = {s: 0 for s in sources}
    while True:
        for _, key, t in conn.notifications(0.1):
            s = key.rsplit("/", 1)[0]
            if s in per_source and key not in seen:
                seen[key] = int(t * 1000000)
                per_source[s] += 1
        if t_stop.value > 0:
            done = all(per_source[s] >= counts[source_index[s]] for s in sources)
            if done or time.monotonic() > t_stop.value + DRAIN_TIMEOUT:
                break
    with open(os.path.join(outdir, "l-%s.json" % target), "w") as f:
        json.dump({"seen": seen}, f)


def pct(sorted_values, p):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return None
    k = math.ceil(p / 100.0 * len(sorted_values)) - 1
    return sorted_values[max(0, min(len(sorted_values) - 1, k))]


def stats(values):
    v = sorted(values)
    return {"count": len(v), "p50_ms": pct(v, 50), "p95_ms": pct(v, 95),
            "p99_ms": pct(v, 99), "max_ms": v[-1] if v else None,
            "min_ms": v[0] if v else None,
            "mean_ms": sum(v) / len(v) if v else None}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("seconds", type=float)
    ap.add_argument("rate", type=float)
    ap.add_argument("--spec", action="append", required=True)
    ap.add_argument("--flow", action="append", required=True)
    a = ap.parse_args()
    specs = dict(s.split("=", 1) for s in a.spec)
    flows = [tuple(f.split(":")) for f in a.flow]
    sources = sorted({s for s, _ in flows})
    targets = sorted({t for _, t in flows})
    source_index = {s: i for i, s in enumerate(sources)}

    for r in targets + sources:
        c = Conn(specs[r])
        if c.query("SELECT 1 FROM bench WHERE " + " OR ".join(
                "(pk > '%s/' AND pk < '%s/~')" % (s, s) for s in sources)):
            sys.exit("region %s already has keys of this load" % r)
        c.close()

    ctx = mp.get_context("fork")
    counts = ctx.Array("i", len(sources))
    t_stop = ctx.Value("d", 0.0)
    t0 = mono() + 1.0           # connections are made before t0
    procs = []
    for t in targets:
        srcs = [s for s, d in flows if d == t]
        procs.append(ctx.Process(target=listener, args=(
            specs[t], t, srcs, t_stop, a.outdir, counts, source_index)))
    writers = [ctx.Process(target=writer, args=(
        specs[s], s, source_index[s], len(sources), a.rate, t0, a.seconds,
        a.outdir, counts)) for s in sources]
    for p in procs + writers:
        p.start()
    for p in writers:
        p.join()
        if p.exitcode != 0:
            sys.exit("a writer failed")
    t_stop.value = mono()
    for p in procs:
        p.join()
        if p.exitcode != 0:
            sys.exit("a listener failed")

    refs = {}
    rtts = []
    sends = []
    late = 0
    for s in sources:
        with open(os.path.join(a.outdir, "w-%s.json" % s)) as f:
            w = json.load(f)
        late += w["late"]
        for key, t_ref, rtt, t_send in w["rows"]:
            refs[key] = t_ref
            rtts.append(rtt)
            sends.append(t_send)
    t_first = min(refs.values()) if refs else 0
    lags = []
    per_flow = {}
    series = {}
    missing = 0
    for t in targets:
        with open(os.path.join(a.outdir, "l-%s.json" % t)) as f:
            p = json.load(f)
        seen = p["seen"]
        for s in [s for s, d in flows if d == t]:
            fl = []
            for i in range(counts[source_index[s]]):
                key = "%s/%08d" % (s, i)
                if key not in seen:
                    missing += 1
                    continue
                lag = (seen[key] - refs[key]) / 1000.0
                fl.append(lag)
                series.setdefault((refs[key] - t_first) // 1000000, []).append(lag)
            lags += fl
            per_flow["%s->%s" % (s, t)] = stats(fl)
    summary = stats(lags)
    summary.update({
        "writes": sum(counts), "seconds": a.seconds, "rate": a.rate,
        "sources": sources, "targets": targets, "missing": missing,
        "late_writes": late,
        "achieved_rate": (len(sends) - 1) / (max(sends) - min(sends)) if len(sends) > 1 else None,
        "write_rtt_p50_ms": pct(sorted(rtts), 50),
        "write_rtt_p99_ms": pct(sorted(rtts), 99),
        "flows": per_flow})
    with open(os.path.join(a.outdir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    with open(os.path.join(a.outdir, "series.dat"), "w") as f:
        f.write("# second p50_ms p99_ms max_ms\n")
        for sec in sorted(series):
            v = sorted(series[sec])
            f.write("%d %.3f %.3f %.3f\n" % (sec, pct(v, 50), pct(v, 99), v[-1]))


if __name__ == "__main__":
    main()
