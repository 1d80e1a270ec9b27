#!/usr/bin/env python3
"""Machine details, background-load monitoring and the final report.

  report.py machine OUT/machine.json TOP      details at the start of a run
  report.py machine-end OUT/machine.json      load average at the end
  report.py noise OUT/noise.json RUNPID WORK  samples until SIGINT the CPU
                                              used by processes that are not
                                              the benchmark's (other work on
                                              the machine adds noise)
  report.py quiet RUNPID WORK MAXCORES TIMEOUT
                                              waits until other processes use
                                              less than MAXCORES (one-second
                                              window), at most TIMEOUT s
  report.py report OUT BENCH                  prints the summary table,
                                              writes BENCH/RESULTS.md and
                                              BENCH/lag.png

Figures come from OUT/results.tsv (NAME, VALUE, UNIT per line, written by
the scenarios), OUT/procmon/*.json (process samples), OUT/lag/*.dat (lag
series) and OUT/logs/*.log (server logs of every cluster).
"""

import datetime
import glob
import json
import os
import re
import signal
import subprocess
import sys
import time


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


# ------------------------------------------------------------------ machine

def cmd_machine(out, top):
    m = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": sh("nproc"),
        "cpu": sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip(),
        "memory": sh("free -h | awk '/^Mem:/ {print $2 \" total, \" $7 \" available\"}'"),
        "kernel": sh("uname -r"),
        "os": sh(". /etc/os-release && echo \"$PRETTY_NAME\""),
        "postgres": sh("/usr/lib/postgresql/15/bin/postgres --version"),
        "pglogical": sh("dpkg-query -W -f='${Version}' postgresql-15-pglogical"),
        "commit": sh("git -C %s rev-parse --short=12 HEAD" % top),
        "commit_subject": sh("git -C %s log -1 --format=%%s" % top),
        "dirty": sh("git -C %s status --porcelain --untracked-files=no -- src sql Makefile | wc -l" % top),
        "load_start": open("/proc/loadavg").read().split()[:3],
        "free_h": sh("free -h"),
    }
    with open(out, "w") as f:
        json.dump(m, f, indent=1)


def cmd_machine_end(out):
    with open(out) as f:
        m = json.load(f)
    m["load_end"] = open("/proc/loadavg").read().split()[:3]
    with open(out, "w") as f:
        json.dump(m, f, indent=1)


# -------------------------------------------------------------------- noise

def other_ticks(runpid, work):
    """CPU ticks so far of every process that is neither a descendant of
    bench/run nor a server of its clusters, by pid."""
    procs = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read().rsplit(")", 1)[1].split()
            with open("/proc/%s/cmdline" % d, "rb") as f:
                cmd = f.read().decode(errors="replace")
        except OSError:
            continue
        procs[int(d)] = (int(st[1]), int(st[11]) + int(st[12]), cmd)

    def ours(pid):
        for _ in range(64):
            if pid <= 1:
                return False
            if pid == runpid:
                return True
            p = procs.get(pid)
            if p is None:
                return False
            if "gtb-" in p[2] or work in p[2]:
                return True
            pid = p[0]
        return False
    return {pid: t for pid, (_, t, _) in procs.items() if not ours(pid)}


def other_cores(prev, cur, seconds):
    """Cores used by other processes between two other_ticks() samples
    (a process that appeared in between counts from its start)."""
    ticks = sum(t - prev.get(pid, 0) for pid, t in cur.items())
    return ticks / os.sysconf("SC_CLK_TCK") / seconds


def steal_ticks():
    """CPU ticks the hypervisor has given to other guests so far (steal)."""
    try:
        with open("/proc/stat") as f:
            return int(f.readline().split()[8])
    except (OSError, IndexError, ValueError):
        return 0


def io_pressure():
    """Share of the last 10 s in which some task waited for I/O (PSI)."""
    try:
        with open("/proc/pressure/io") as f:
            return float(f.readline().split()[1].split("=")[1])
    except (OSError, IndexError, ValueError):
        return None


def cmd_noise(out, runpid, work):
    """Every 2 s until SIGINT: cores used by other processes."""
    stop = []
    signal.signal(signal.SIGINT, lambda *a: stop.append(1))
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    prev, prev_t, samples = other_ticks(runpid, work), time.monotonic(), []
    prev_steal = steal_ticks()
    while not stop:
        for _ in range(20):
            if stop:
                break
            time.sleep(0.1)
        cur, now, cur_steal = other_ticks(runpid, work), time.monotonic(), steal_ticks()
        samples.append((time.time(), other_cores(prev, cur, now - prev_t),
                        float(open("/proc/loadavg").read().split()[0]), io_pressure(),
                        (cur_steal - prev_steal) / os.sysconf("SC_CLK_TCK") / (now - prev_t)))
        prev, prev_t, prev_steal = cur, now, cur_steal
    with open(out, "w") as f:
        json.dump(samples, f)


def cmd_quiet(runpid, work, max_cores, timeout):
    """Waits until other processes and other guests (steal time) together
    used less than max_cores during one second, at most timeout seconds;
    prints the last second's figure."""
    deadline = time.monotonic() + timeout
    prev, prev_t, prev_steal = other_ticks(runpid, work), time.monotonic(), steal_ticks()
    while True:
        time.sleep(1.0)
        cur, now, cur_steal = other_ticks(runpid, work), time.monotonic(), steal_ticks()
        cores = other_cores(prev, cur, now - prev_t) + \
            (cur_steal - prev_steal) / os.sysconf("SC_CLK_TCK") / (now - prev_t)
        if cores < max_cores or now > deadline:
            print("%.2f" % cores)
            return
        prev, prev_t, prev_steal = cur, now, cur_steal


# ------------------------------------------------------------------- report

class Results:
    def __init__(self, out):
        self.v = {}
        with open(os.path.join(out, "results.tsv")) as f:
            for line in f:
                name, value, unit = line.rstrip("\n").split("\t")
                try:
                    self.v[name] = float(value)
                except ValueError:
                    pass

    def __getitem__(self, name):
        return self.v.get(name)


def fmt(x, unit=""):
    if x is None:
        return "–"
    if unit == "ms":
        return "%.2f" % x
    if abs(x) >= 100:
        return "{:,.0f}".format(x)
    return "%.2f" % x


def ratio(a, b):
    return a / b if a is not None and b else None


def summary_rows(R, out):
    """Every headline figure of the run as (figure, ours, baseline name,
    baseline, ratio, target, met, unit); the targets are the issue's."""
    rows = []

    def add(figure, ours, bname, base, unit, target=None, op=None, bound=None):
        r = ratio(ours, base) if base is not None else None
        met = None
        if target == "ratio" and r is not None:
            met = r >= bound if op == ">=" else r <= bound
        elif target == "abs" and ours is not None:
            met = ours >= bound if op == ">=" else ours <= bound
        tstr = "" if target is None else ("%s %s x" % (op, bound) if target == "ratio"
                                          else "%s %s %s" % (op, bound, unit))
        rows.append((figure, ours, bname, base, r, tstr, met, unit))

    for topo, tl in (("same", "one cluster"), ("multi", "two clusters")):
        W = lambda k: R["write/%s/%s/tps" % (topo, k)]
        for k, label in (("gt-put_item", "write tps, gt.put_item, %s" % tl),
                         ("gt-sql", "write tps, plain SQL on the replica table, %s" % tl)):
            add(label, W(k), "plain + built-in", W("builtin"), "tps", "ratio", ">=",
                0.9 if k == "gt-put_item" else 1.0)
            add(label, W(k), "plain + pglogical", W("pglogical"), "tps")
            add(label, W(k), "plain, no replication", R["write/same/plain/tps"], "tps")
        C = lambda k: R["write/%s/%s/cpu_us" % (topo, k)]
        for k, label in (("gt-put_item", "write, server CPU µs/txn, gt.put_item, %s "
                          "(lower is better)" % tl),
                         ("gt-sql", "write, server CPU µs/txn, plain SQL on the replica, %s "
                          "(lower is better)" % tl)):
            if C(k) is not None:
                add(label, C(k), "plain + built-in", C("builtin"), "µs")
                add(label, C(k), "plain + pglogical", C("pglogical"), "µs")
    for topo, tl in (("same", "one cluster"), ("multi", "two clusters")):
        for shape, sl in (("single", "single-row txns"), ("big", "one %s-row txn" % "{:,}".format(
                int(os.environ.get("APPLY_ROWS", "100000"))))):
            k = "apply/%s/%s/%%s/rows_s" % (topo, shape)
            label = "apply rows/s, %s, %s" % (sl, tl)
            if shape == "big":
                add(label, R[k % "gt"], "built-in", R[k % "builtin"], "rows/s", "ratio", ">=", 1.0)
            else:
                add(label, R[k % "gt"], "built-in", R[k % "builtin"], "rows/s")
            add(label, R[k % "gt"], "pglogical", R[k % "pglogical"], "rows/s")
            cpu = lambda sys_: apply_cpu_us(out, sys_, topo, shape)
            label = "apply worker CPU µs per row, %s, %s (lower is better)" % (sl, tl)
            add(label, cpu("gt"), "built-in", cpu("builtin"), "µs")
            add(label, cpu("gt"), "pglogical", cpu("pglogical"), "µs")
    for p in ("p50", "p99"):
        k = "lag/oneway/2/%%s/%s_ms" % p
        label = "lag %s, 2 regions one-way (lower is better)" % p
        if p == "p99":
            add(label, R[k % "gt"], "built-in", R[k % "builtin"], "ms", "ratio", "<=", 1.0)
        else:
            add(label, R[k % "gt"], "built-in", R[k % "builtin"], "ms")
        add(label, R[k % "gt"], "pglogical", R[k % "pglogical"], "ms")
    for n in (2, 3, 5):
        for p in ("p50", "p99"):
            k = "lag/spread/%d/%%s/%s_ms" % (n, p)
            if R[k % "gt"] is None:
                continue
            label = "lag %s, %d regions (lower is better)" % (p, n)
            if n == 3:
                add(label, R[k % "gt"], "pglogical", R[k % "pglogical"], "ms", "abs", "<=",
                    2 if p == "p50" else 5)
            else:
                add(label, R[k % "gt"], "pglogical", R[k % "pglogical"], "ms")
        k = "lag/spread/%d/%%s/repl_cpu" % n
        if R[k % "gt"] is not None:
            add("replication CPU per region, %d regions, cores (lower is better)" % n,
                R[k % "gt"] / n, "pglogical",
                R[k % "pglogical"] / n if R[k % "pglogical"] is not None else None, "cores")
    for b, bn in (("builtin", "built-in"), ("pglogical", "pglogical")):
        add("catch-up rows/s", R["catchup/gt/rows_s"], bn, R["catchup/%s/rows_s" % b],
            "rows/s", "ratio", ">=", 1.2)
    if R["items/update/gt/tps"] is not None:
        add("gt.update_item SET n = n + :one, tps", R["items/update/gt/tps"],
            "SQL UPDATE jsonb_set + built-in", R["items/update/builtin/tps"], "tps", "ratio", ">=", 0.9)
        add("UpdateItem CPU spent parsing its expressions, % (lower is better)",
            R["items/update/parse_pct"], "", None, "%", "abs", "<=", 5)
        add("gt.put_item of new keys with attribute_not_exists(pk), tps",
            R["items/put/conditional/tps"], "unconditional", R["items/put/plain/tps"], "tps",
            "ratio", ">=", 0.9)
        q_gt, q_sql = R["items/query/gt/tps"], R["items/query/sql/tps"]
        add("gt.query of 100 items, rows/s", q_gt * 100 if q_gt else None,
            "plain SQL by index", q_sql * 100 if q_sql else None, "rows/s", "ratio", ">=", 0.8)
        add("gt.query of one item by its key, tps", R["items/query1/gt/tps"],
            "gt.get_item", R["items/query1/get/tps"], "tps", "ratio", ">=", 0.83)
    mem = memory_target(out)
    if mem:
        single, big, peaks = mem
        add("apply worker private memory, one big txn vs single-row, MB", big / 1024.0,
            "gt, single-row", single / 1024.0, "MB", "ratio", "<=", 1.1)
        for b, bn in (("builtin", "built-in"), ("pglogical", "pglogical")):
            if peaks.get(b) and peaks.get("gt"):
                add("apply worker peak private memory, all runs, MB (lower is better)",
                    peaks["gt"] / 1024.0, bn, peaks[b] / 1024.0, "MB")
    return rows


def procmon(out, label):
    try:
        with open(os.path.join(out, "procmon", label + ".json")) as f:
            return json.load(f)
    except OSError:
        return None


def apply_cpu_us(out, sys_, topo, shape):
    """CPU of the process applying region-a's rows in region-b, in µs per
    row, in the apply scenario's runs of sys_ in topo with shape (the median
    of the rounds for the big transaction).  gt's other link worker, which
    streams region-b's (absent) changes to region-a, is not counted."""
    values = []
    for path in glob.glob(os.path.join(out, "procmon", "apply-%s-%s-%s*.json" % (sys_, topo, shape))):
        label = os.path.basename(path)[:-5]
        try:
            with open(os.path.join(out, "apply", label[len("apply-"):] + ".json")) as f:
                rows = json.load(f)["rows"]
            with open(path) as f:
                procs = json.load(f)["processes"]
        except (OSError, KeyError, ValueError):
            continue
        cpu = sum(p["cpu"] - p["cpu0"] for p in procs
                  if p["role"] == "apply worker"
                  and (sys_ != "gt" or 'for region "region-a"' in p["title"]))
        if rows:
            values.append(cpu * 1e6 / rows)
    if not values:
        return None
    values.sort()
    return values[len(values) // 2]


def memory_rows(out):
    """Peak memory of the replication processes, per system and role, for
    each group of runs: [(system, role, {group: (hwm_kb, anon_kb)})]."""
    groups = (("apply, single-row", r"apply-%s-(same|multi)-single"),
              ("apply, one transaction", r"apply-%s-(same|multi)-big"),
              ("lag runs", r"lag-%s-.*"),
              ("catch-up", r"catchup-%s"))
    rows = []
    for sys_ in ("builtin", "pglogical", "gt"):
        for role in ("apply worker", "walsender"):
            cells = {}
            for gname, pattern in groups:
                hwm = anon = 0
                for path in glob.glob(os.path.join(out, "procmon", "*.json")):
                    if not re.fullmatch(pattern % sys_, os.path.basename(path)[:-5]):
                        continue
                    with open(path) as f:
                        r = json.load(f)["roles"].get(role)
                    if r:
                        hwm, anon = max(hwm, r["hwm_kb"]), max(anon, r["anon_kb"])
                if hwm:
                    cells[gname] = (hwm, anon)
            rows.append((sys_, role, cells, [g for g, _ in groups]))
    return rows


def memory_target(out):
    """gt's apply workers: peak private memory during the one big
    transaction and during the single-row transactions (same workers, both
    topologies), and each system's apply-worker peak over all its runs."""
    def anon(label):
        d = procmon(out, label)
        r = d and d["roles"].get("apply worker")
        return r["anon_kb"] if r else None
    single = [anon("apply-gt-%s-single" % t) for t in ("same", "multi")]
    big = [anon("apply-gt-%s-big" % t) for t in ("same", "multi")]
    if None in single + big:
        return None
    peaks = {}
    for path in glob.glob(os.path.join(out, "procmon", "*.json")):
        sys_ = re.sub(r"^(apply|lag|catchup)-", "", os.path.basename(path)).split("-")[0]
        sys_ = sys_.replace(".json", "")
        with open(path) as f:
            r = json.load(f)["roles"].get("apply worker")
        if r:
            peaks[sys_] = max(peaks.get(sys_, 0), r["anon_kb"])
    return max(single), max(big), peaks


def log_summary(out):
    """ERROR/FATAL/PANIC/WARNING lines of every cluster's server log, by
    message: {message: (count, set of clusters)}."""
    summary = {}
    for path in sorted(glob.glob(os.path.join(out, "logs", "*.log"))):
        name = os.path.basename(path)[:-4]
        with open(path, errors="replace") as f:
            for line in f:
                m = re.search(r"\b(PANIC|FATAL|ERROR|WARNING):\s+(.*)", line)
                if not m or "due to administrator command" in m.group(2):
                    continue        # every process says so at shutdown
                msg = "%s: %s" % (m.group(1), re.sub(r"\d+", "N", m.group(2))[:150])
                count, clusters = summary.get(msg, (0, set()))
                clusters.add(name)
                summary[msg] = (count + 1, clusters)
    return summary


def noise_summary(out):
    try:
        with open(os.path.join(out, "noise.json")) as f:
            s = json.load(f)
    except (OSError, ValueError):
        return None
    if not s:
        return None
    other = [x[1] for x in s]
    steal = [x[4] for x in s if len(x) > 4]
    return {"mean": sum(other) / len(other), "max": max(other),
            "share_over_quarter": sum(1 for x in other if x > 0.25) / len(other),
            "steal_mean": sum(steal) / len(steal) if steal else None,
            "steal_max": max(steal) if steal else None}


def noise_per_measurement(out):
    """Mean and max cores used by other processes during each measurement
    (timeline.tsv intervals, noise.json 2-second samples)."""
    try:
        with open(os.path.join(out, "noise.json")) as f:
            samples = json.load(f)
        with open(os.path.join(out, "timeline.tsv")) as f:
            spans = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    except (OSError, ValueError):
        return []
    rows = []
    for name, start, end in spans:
        start, end = float(start), float(end)
        # a sample covers the 2 seconds before its timestamp
        v = [x for x in samples if x[0] > start and x[0] - 2 < end]
        if v:
            io = [x[3] for x in v if len(x) > 3 and x[3] is not None]
            steal = [x[4] for x in v if len(x) > 4]
            rows.append((name, sum(x[1] for x in v) / len(v), max(x[1] for x in v),
                         max(io) if io else None,
                         sum(steal) / len(steal) if steal else None))
    return rows


def plot(out, bench):
    series = [("gt-3-spread", "gt, 3 regions"),
              ("pglogical-3-spread", "pglogical, 3 regions"),
              ("builtin-2-oneway", "built-in, 2 regions one-way")]
    have = [(n, t) for n, t in series if os.path.exists(os.path.join(out, "lag", n + ".dat"))]
    if not have:
        return False
    colors = {"gt": "#1f77b4", "pglogical": "#d62728", "builtin": "#2ca02c"}
    cmds = ["set terminal pngcairo size 1000,620 font 'sans,10'",
            "set output '%s'" % os.path.join(bench, "lag.png"),
            "set title 'Replication lag at 1,000 writes/s: p50 (solid) and p99 (dashed) per second'",
            "set xlabel 'seconds into the steady load'",
            "set ylabel 'lag, commit to visible (ms)'",
            "set logscale y", "set grid", "set key below"]
    plots = []
    for n, t in have:
        path = os.path.join(out, "lag", n + ".dat")
        c = colors[n.split("-")[0]]
        plots.append("'%s' using 1:2 with lines lw 2 lc rgb '%s' title '%s p50'" % (path, c, t))
        plots.append("'%s' using 1:3 with lines lw 1 dt 2 lc rgb '%s' title '%s p99'" % (path, c, t))
    cmds.append("plot " + ", \\\n  ".join(plots))
    r = subprocess.run(["gnuplot"], input="\n".join(cmds), text=True, capture_output=True)
    if r.returncode != 0:
        print("gnuplot failed: " + r.stderr, file=sys.stderr)
        return False
    return True


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(str(x) for x in r) + " |")
    return "\n".join(lines)


def cmd_report(out, bench):
    R = Results(out)
    with open(os.path.join(out, "machine.json")) as f:
        m = json.load(f)
    quick = os.environ.get("QUICK") == "1"
    elapsed = int(open(os.path.join(out, "elapsed_s")).read()) if os.path.exists(
        os.path.join(out, "elapsed_s")) else None
    S = summary_rows(R, out)

    # ---- the summary table, printed and in RESULTS.md
    def f(x, unit):
        if x is None:
            return "–"
        if unit == "ms":
            return "%.2f" % x
        if unit in ("cores", "MB"):
            return "%.3f" % x if unit == "cores" else "%.1f" % x
        return "{:,.0f}".format(x)
    srows = [(fig, f(ours, unit), bname, f(base, unit),
              "–" if r is None else "%.2f" % r, t,
              "" if met is None else ("met" if met else "MISSED"))
             for fig, ours, bname, base, r, t, met, unit in S]
    head = ("figure", "gt", "baseline", "value", "gt ÷ baseline", "target", "")
    width = [max(len(str(r[i])) for r in srows + [head]) for i in range(len(head))]
    print("\nsummary: pg_global_tables (gt) against the baselines of this run")
    for r in [head] + srows:
        print("  " + "  ".join(str(x).ljust(width[i]) if i in (0, 2) else str(x).rjust(width[i])
                               for i, x in enumerate(r)))

    plotted = plot(out, bench)

    # ---- RESULTS.md
    md = []
    md.append("# Benchmark results\n")
    md.append("Written by `bench/run%s` on %s; the run took %s. "
              "Every figure below was measured in this one run, side by side "
              "with the baselines, on the machine described here.%s\n"
              % (" --quick" if quick else "", m["date"],
                 "%d min %d s" % divmod(elapsed, 60) if elapsed else "?",
                 " **Quick mode: small sizes, not comparable with a full run.**" if quick else ""))
    md.append("## Machine\n")
    md.append(table(("", ""), [
        ("CPU", "%s × %s" % (m["nproc"], m["cpu"])),
        ("Memory", m["memory"]),
        ("OS / kernel", "%s / %s" % (m["os"], m["kernel"])),
        ("PostgreSQL", m["postgres"]),
        ("pglogical", "postgresql-15-pglogical %s" % m["pglogical"]),
        ("pg_global_tables", "commit %s (%s)%s" % (
            m["commit"], m["commit_subject"],
            ", with %s uncommitted changed files in src/, sql/, Makefile" % m["dirty"]
            if m["dirty"] not in ("", "0") else "")),
        ("Load average", "%s at the start, %s at the end" % (
            " ".join(m["load_start"]), " ".join(m.get("load_end", ["?"])))),
    ]))
    n = noise_summary(out)
    if n:
        md.append("\nOther work on the machine (processes that are not the benchmark's) "
                  "used %.2f cores on average during the run, at most %.2f; "
                  "%.0f%% of the 2-second samples saw more than a quarter of a core."
                  % (n["mean"], n["max"], 100 * n["share_over_quarter"]))
        if n["steal_mean"] is not None:
            md.append("The hypervisor gave %.2f cores on average (at most %.2f) of this 2-core "
                      "virtual machine's time to other guests (steal time, which no process "
                      "here sees): that much less CPU for the benchmark, and it varies "
                      "between measurements (table at the end)." % (n["steal_mean"], n["steal_max"]))
    nm = noise_per_measurement(out)
    if nm:
        busy = [r for r in nm if r[1] >= 0.25]  # (name, mean, max, io)
        md.append("Each measurement waited (up to %s s) for other processes and other guests "
                  "(steal time) to use less than a quarter of a core before it started. Other "
                  "processes: %s"
                  % (os.environ.get("QUIET_TIMEOUT", "30"),
                     "during %d of %d measurements they used a quarter of a core or more on "
                     "average (table at the end)." % (len(busy), len(nm)) if busy else
                     "they used less than a quarter of a core on average during every measurement."))
    md.append("\n## Summary\n")
    md.append("gt is pg_global_tables; every baseline figure is from this run. "
              "Targets are the issue's. Lag and CPU: lower is better, so a ratio "
              "below 1 favours gt.\n")
    md.append(table(head[:-1] + ("met",), srows))

    # ---- details per scenario
    rounds = int(os.environ.get("WRITE_ROUNDS", "1"))
    md.append("\n## 1. Write path\n")
    md.append("pgbench, 4 clients, %s s, single-item upserts on random keys among "
              "100,000, prepared statements. Each system was measured in %d round(s), each on a "
              "fresh cluster, the systems taking turns in an order that rotates every "
              "round; tps, latency and drain are the medians of the rounds. A measurement "
              "during which other guests of the host took more than %s cores on average "
              "(steal time) was redone on fresh clusters, up to %s attempts, and the "
              "attempt with the least steal kept (every attempt is in the table of load per "
              "measurement at the end). Drain: how long region-b needed after pgbench "
              "stopped to apply what was still queued."
              % (os.environ.get("WRITE_SECONDS", "20"), rounds,
                 os.environ.get("WRITE_MAX_STEAL", "0.1"), os.environ.get("WRITE_ATTEMPTS", "1")))
    plain = R["write/same/plain/tps"]
    rows = []
    round_tps = lambda key: [R["write/%s/round%d/tps" % (key, r)] for r in range(1, rounds + 1)]
    for topo, tl in (("same", "one cluster"), ("multi", "two clusters")):
        bi = R["write/%s/builtin/tps" % topo]
        for name, label in (("plain", "plain table, no replication"),
                            ("builtin", "plain table, built-in replication to region-b"),
                            ("pglogical", "plain table, pglogical with region-b (both ways)"),
                            ("gt-put_item", "gt.put_item, replica in region-b"),
                            ("gt-sql", "plain SQL upsert on the replica table, replica in "
                             "region-b")):
            key = "%s/%s" % (topo, name)
            tps = R["write/%s/tps" % key]
            if tps is None:
                continue
            cpu = R["write/%s/cpu_us" % key]
            steal = [R["write/%s/round%d/steal_cores" % (key, r)] for r in range(1, rounds + 1)]
            tries = [R["write/%s/round%d/attempts" % (key, r)] for r in range(1, rounds + 1)]
            rows.append((label, tl if name != "plain" else "one database", fmt(tps),
                         " / ".join(fmt(t) for t in round_tps(key)),
                         " / ".join("–" if x is None else "%.2f" % x for x in steal),
                         " / ".join("–" if x is None else "%.0f" % x for x in tries),
                         fmt(R["write/%s/latency_ms" % key], "ms"),
                         fmt(ratio(tps, plain)), fmt(ratio(tps, bi)),
                         fmt(R["write/%s/drain_s" % key]),
                         "–" if cpu is None else "%.0f" % cpu,
                         fmt(ratio(cpu, R["write/%s/builtin/cpu_us" % topo]))))
    md.append("\n" + table(("writer", "topology", "tps (median)", "each round",
                            "steal cores, each round", "attempts", "latency ms",
                            "÷ plain", "÷ plain + built-in", "drain s", "server CPU µs/txn",
                            "CPU ÷ plain + built-in"), rows))
    md.append("\n*Topology*: region-a and region-b as two databases of one cluster, or one "
              "cluster each (on this same machine). In one cluster, the walsender of a two-way "
              "system's reverse direction (region-b → region-a) reads and discards every WAL "
              "record region-a's writers produce and wakes at each of their WAL flushes; a "
              "one-way system (built-in) has no reverse direction, and with a cluster per "
              "region the reverse walsender only reads region-b's own WAL.")
    md.append("\n*Server CPU µs/txn*: CPU time of every process of the clusters (client "
              "backends, walsenders, apply workers, WAL writer, …) from pgbench's start until "
              "region-b had applied everything, per transaction committed; median of the "
              "rounds. Unlike tps it does not depend on how much CPU the host left this "
              "guest (steal time); lower is better.")
    if rounds > 1:
        for topo, tl in (("same", "one cluster"), ("multi", "two clusters")):
            per_round = lambda key: " / ".join(
                fmt(ratio(a, b)) for a, b in
                zip(round_tps("%s/%s" % (topo, key)), round_tps("%s/builtin" % topo)))
            md.append("\nRatio to plain + built-in within each round (the two measured "
                      "minutes apart), %s: gt.put_item %s; plain SQL on the replica table %s."
                      % (tl, per_round("gt-put_item"), per_round("gt-sql")))

    md.append("\n## 2. Apply throughput\n")
    md.append("region-a → region-b. *Single-row*: %s transactions committed by pgbench "
              "(4 clients) while replication runs; rows/s = rows ÷ (first commit → last row "
              "visible in region-b). *Writer* is the source's own commit rate and *drain* the "
              "time region-b needed after the source finished: a drain near zero means "
              "replication kept up and the figure is the writer's rate. *One transaction*: "
              "one INSERT of %s rows; rows/s = rows ÷ (commit → visible)."
              % ("{:,}".format(int(os.environ.get("APPLY_ROWS", "100000"))),
                 "{:,}".format(int(os.environ.get("APPLY_ROWS", "100000")))))
    rows = []
    for topo in ("same", "multi"):
        for shape in ("single", "big"):
            for sys_ in ("builtin", "pglogical", "gt"):
                k = "apply/%s/%s/%s/" % (topo, shape, sys_)
                rows.append(("one cluster" if topo == "same" else "two clusters",
                             "single-row txns" if shape == "single" else "one transaction",
                             {"builtin": "built-in", "pglogical": "pglogical", "gt": "**gt**"}[sys_],
                             fmt(R[k + "rows_s"]),
                             fmt(ratio(R[k + "rows_s"], R["apply/%s/%s/builtin/rows_s" % (topo, shape)])),
                             fmt(R[k + "writer_tps"]) if shape == "single" else "–",
                             fmt(R[k + "drain_s"]) if shape == "single" else "–"))
    md.append("\n" + table(("topology", "shape", "system", "rows/s", "÷ built-in",
                            "writer tps", "drain s"), rows))
    apply_rounds = int(os.environ.get("APPLY_ROUNDS", "1"))
    if apply_rounds > 1:
        lines = []
        for topo in ("same", "multi"):
            k = "apply/%s/big/%%s/round%%d/rows_s" % topo
            each = lambda sys_: [R[k % (sys_, r)] for r in range(1, apply_rounds + 1)]
            lines.append("%s: %s; gt ÷ built-in within each round %s" % (
                "one cluster" if topo == "same" else "two clusters",
                ", ".join("%s %s" % ({"builtin": "built-in"}.get(s_, s_),
                                     " / ".join(fmt(x) for x in each(s_)))
                          for s_ in ("builtin", "pglogical", "gt")),
                " / ".join(fmt(ratio(a, b)) for a, b in zip(each("gt"), each("builtin")))))
        md.append("\nThe one transaction was measured in %d rounds (the first after the "
                  "single-row transactions, the others on fresh clusters of their own, the "
                  "systems taking turns in an order that rotates every round); its rows/s "
                  "above is the median. Rows/s of each round: %s." % (apply_rounds, "; ".join(lines)))

    md.append("\n## 3. Lag under steady load, and 5. scaling with regions\n")
    md.append("%s writes/s for %s s, single-row upserts of new keys, all regions in one "
              "cluster. *One-way*: all writes in region-a, replicated to region-b (built-in "
              "can only do this). *N regions*: writes spread evenly over N regions, each "
              "replicated to the N−1 others. Lag per (change, receiving region); "
              "*replication CPU* is the CPU time of walsenders, apply workers, "
              "launchers and the postmaster per second of the run (cores), *per region* that divided by N."
              % ("{:,}".format(int(float(os.environ.get("LAG_RATE", "1000")))),
                 os.environ.get("LAG_SECONDS", "60")))
    rows = []
    for mode, n_, sys_ in ([("oneway", 2, s) for s in ("builtin", "pglogical", "gt")] +
                           [("spread", k, s) for k in (2, 3, 5) for s in ("pglogical", "gt")]):
        k = "lag/%s/%d/%s/" % (mode, n_, sys_)
        if R[k + "p50_ms"] is None:
            continue
        rows.append(("one-way, 2 regions" if mode == "oneway" else "%d regions" % n_,
                     {"builtin": "built-in", "pglogical": "pglogical", "gt": "**gt**"}[sys_],
                     fmt(R[k + "p50_ms"], "ms"), fmt(R[k + "p95_ms"], "ms"),
                     fmt(R[k + "p99_ms"], "ms"), fmt(R[k + "max_ms"], "ms"),
                     "%d" % R[k + "missing"], fmt(R[k + "rate"]),
                     fmt(R[k + "repl_cpu"]), fmt(R[k + "repl_cpu"] / n_)))
    md.append("\n" + table(("load", "system", "p50 ms", "p95 ms", "p99 ms", "max ms",
                            "not seen", "writes/s reached", "replication CPU", "per region"), rows))
    lag_rounds = int(os.environ.get("LAG_ROUNDS", "1"))
    if lag_rounds > 1:
        md.append("\nThe one-way and 3-region loads were run in %d rounds, the systems taking "
                  "turns in an order that rotates every round; p50, p95, p99 and max above are "
                  "the medians over the rounds, the other columns those of the round whose p99 "
                  "is the median. Each round:" % lag_rounds)
        rows = []
        for mode, n_, systems in (("oneway", 2, ("builtin", "pglogical", "gt")),
                                  ("spread", 3, ("pglogical", "gt"))):
            for sys_ in systems:
                k = "lag/%s/%d/%s/round%%d/%%s_ms" % (mode, n_, sys_)
                if R[k % (1, "p99")] is None:
                    continue
                rows.append(("one-way, 2 regions" if mode == "oneway" else "%d regions" % n_,
                             {"builtin": "built-in", "pglogical": "pglogical", "gt": "**gt**"}[sys_])
                            + tuple(" / ".join(fmt(R[k % (r, p)]) for r in range(1, lag_rounds + 1))
                                    for p in ("p50", "p99")))
        md.append("\n" + table(("load", "system", "p50 ms, each round", "p99 ms, each round"), rows))
        per_round = " / ".join(fmt(ratio(R["lag/oneway/2/gt/round%d/p99_ms" % r],
                                         R["lag/oneway/2/builtin/round%d/p99_ms" % r]))
                               for r in range(1, lag_rounds + 1))
        md.append("\nOne-way p99 of gt ÷ built-in within each round: %s." % per_round)
    cost = []
    for sys_ in ("gt", "pglogical"):
        pts = [(k, R["lag/spread/%d/%s/repl_cpu" % (k, sys_)], R["lag/spread/%d/%s/p99_ms" % (k, sys_)])
               for k in (2, 3, 5) if R["lag/spread/%d/%s/repl_cpu" % (k, sys_)] is not None]
        if len(pts) >= 2:
            (k0, c0, l0), (k1, c1, l1) = pts[0], pts[-1]
            cost.append("%s: each region beyond %d adds %.3f cores of replication CPU and "
                        "%+.2f ms of p99 lag (from %d to %d regions, same total write rate)."
                        % (sys_, k0, (c1 - c0) / (k1 - k0), (l1 - l0) / (k1 - k0), k0, k1))
    if cost:
        md.append("\nCost per region: " + " ".join(cost))
    if plotted:
        md.append("\n![Lag over time](lag.png)\n")
        md.append("`lag.png`: p50 and p99 of the changes committed in each second of the "
                  "steady load, 3 regions (gt, pglogical) and the built-in one-way run; "
                  "of several rounds, the round whose p99 is the median.")

    md.append("\n## 4. Catch-up\n")
    md.append("Two clusters. region-b's cluster stopped, %s single-row transactions "
              "committed in region-a, region-b started; rows/s = rows ÷ (pg_ctl start → last "
              "row visible in region-b), start-up included."
              % "{:,}".format(int(os.environ.get("CATCHUP_ROWS", "100000"))))
    rows = []
    for sys_ in ("builtin", "pglogical", "gt"):
        rows.append(({"builtin": "built-in", "pglogical": "pglogical", "gt": "**gt**"}[sys_],
                     fmt(R["catchup/%s/rows_s" % sys_]), fmt(R["catchup/%s/seconds" % sys_]),
                     fmt(R["catchup/%s/startup_s" % sys_]),
                     fmt(ratio(R["catchup/%s/rows_s" % sys_], R["catchup/builtin/rows_s"])),
                     fmt(ratio(R["catchup/%s/rows_s" % sys_], R["catchup/pglogical/rows_s"]))))
    md.append("\n" + table(("system", "rows/s", "seconds", "of which start-up", "÷ built-in",
                            "÷ pglogical"), rows))

    md.append("\n## 6. Worker memory\n")
    md.append("Peak of the replication processes of each run, sampled every 0.25 s from "
              "/proc: *VmHWM* is the kernel's peak resident set (it includes the pages of "
              "shared buffers a process touched), *private* the peak RssAnon (its own "
              "memory). A run's single-row and one-transaction phases share their workers, "
              "so VmHWM of the second phase includes the first; the private peak is sampled "
              "during each phase.")
    mrows = []
    for sys_, role, cells, gnames in memory_rows(out):
        if cells:
            mrows.append([{"builtin": "built-in", "pglogical": "pglogical", "gt": "**gt**"}[sys_], role] +
                         ["%.1f / %.1f" % (cells[g][0] / 1024.0, cells[g][1] / 1024.0)
                          if g in cells else "–" for g in gnames])
    if mrows:
        md.append("\n" + table(["system", "role"] + ["%s, MB" % g for g in gnames], mrows))
        md.append("\nEach cell: VmHWM / private, largest process of that role in those runs.")

    logs = log_summary(out)
    md.append("\n## Server logs\n")
    if not logs:
        md.append("No ERROR, FATAL, PANIC or WARNING line in any cluster's log.")
    else:
        md.append("ERROR, FATAL, PANIC and WARNING lines of each cluster's server log "
                  "(digits replaced by N; not counted: \"terminating ... due to "
                  "administrator command\", which every worker logs at shutdown). Cluster "
                  "names: w- write path, a- apply, l- lag, c- catch-up (region-b's cluster is "
                  "stopped on purpose there). Logs are in `bench/out/logs/`.\n")
        md.append(table(("message", "count", "clusters"), [
            ("`%s`" % msg.replace("`", "'").replace("|", "\\|"), c, ", ".join(sorted(cl)))
            for msg, (c, cl) in sorted(logs.items(), key=lambda kv: -kv[1][0])]))

    if nm:
        md.append("\n## Other load on the machine during each measurement\n")
        md.append("Cores used by processes that are not the benchmark's, sampled every 2 s; "
                  "cores the hypervisor gave to other guests (steal time); and the highest I/O "
                  "pressure seen (Linux PSI `some avg10`: % of time some task waited for I/O; "
                  "the benchmark's own WAL flushes count too).\n")
        md.append(table(("measurement", "other processes, mean cores", "max cores",
                         "steal, mean cores", "I/O pressure, max %"),
                        [(n_, "%.2f" % a, "%.2f" % b, "–" if st is None else "%.2f" % st,
                          "–" if io is None else "%.1f" % io)
                         for n_, a, b, io, st in nm]))

    md.append("\n## Method\n")
    md.append(METHOD)
    with open(os.path.join(bench, "RESULTS.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\nwrote %s%s" % (os.path.join(bench, "RESULTS.md"),
                            " and " + os.path.join(bench, "lag.png") if plotted else ""))


METHOD = """\
- **Command**: `bench/run` (as root on Debian 12; `--quick` for a short
  development run). It installs the dependencies (`scripts/install-deps.sh`,
  `scripts/install-bench-deps.sh`), builds and installs the extension, then
  creates a fresh throwaway cluster (or pair of clusters) per system and
  measurement, as the `postgres` OS user, listening on 127.0.0.1 and a Unix
  socket, and removes them afterwards. Raw data and every server log stay in
  `bench/out/`.
- **Same data everywhere**: key `pk text`, an item of about 200 bytes of
  DynamoDB AttributeValue JSON in `item jsonb`. Baselines use the table
  `(pk text PRIMARY KEY, item jsonb NOT NULL)`; pg_global_tables its replica
  table (the same two columns plus its three metadata columns). All clusters
  are initialised with `--locale=C`, so the baselines' text keys compare as
  bytes, as pg_global_tables' `COLLATE "C"` keys do.
- **Same statements everywhere**: scenarios 2–5 write new keys with the
  same SQL for every system (`INSERT`, in the lag runs `INSERT … ON CONFLICT
  (pk) DO UPDATE`; for pg_global_tables on its replica table, whose trigger
  stamps and replicates the row); what `gt.put_item` itself costs is
  scenario 1.
- **Same configuration everywhere**: PostgreSQL's defaults plus
  `wal_level = logical`, `max_worker_processes = 32`,
  `max_replication_slots = 32`, `max_wal_senders = 32`; then only what each
  system requires: pg_global_tables `shared_preload_libraries` and
  `output_plugin_libraries`; pglogical `shared_preload_libraries = 'pglogical'`,
  `track_commit_timestamp = on`, `output_plugin_libraries` with
  `pglogical_output` (the Debian package installs `pglogical.so` and
  `pglogical_output.so`, a stub that loads the plugin from `pglogical.so`;
  its slots name the plugin `pglogical_output`) and
  `pglogical.conflict_resolution = 'last_update_wins'`; built-in nothing.
  Subscriptions use their defaults (built-in: no initial copy, slot created
  beforehand because a subscription cannot create a slot in its own cluster;
  pglogical: no structure or data sync, `forward_origins '{}'`).
- **Topologies**: *one cluster*: regions are two databases of one cluster and
  replication connects through the Unix socket; *two clusters*: one region
  per cluster, replication over TCP on 127.0.0.1. Benchmark clients always
  use the Unix socket.
- **Lag** (`bench/lag.py`): one writer per source region, open loop at its
  share of the rate; each upsert returns `clock_timestamp()` taken after the
  row is written, just before commit. In every region a BEFORE row trigger
  (pglogical logs a relcache-leak warning for every row it applies to a table
  with an AFTER trigger), enabled
  `ALWAYS` so that it fires in each system's apply worker and only there
  (`pg_replication_origin_session_is_setup()`), sends `pg_notify` with the
  key; PostgreSQL delivers it only after the applying transaction commits,
  and a listener in that region takes the arrival time. Both times come from
  the machine's single real-time clock. The figure can only overstate the
  true lag (by the source commit's own duration, the notification's delivery
  and the listener's scheduling), never understate it, and waiting costs no
  CPU, unlike polling. The trigger is the same for every system, so it costs
  each apply path the same.
- **Apply, catch-up** (`bench/measure.py`): a marker row committed after the
  load is looked up by key in the target every millisecond; every system
  applies one source's transactions in commit order, so the marker is
  visible exactly when everything before it is, and a final count checks
  that all rows arrived.
- **Memory and CPU** (`measure.py procmon`): every server process of the
  run's clusters, classified by its process title (walsender, apply worker:
  `gt link worker`, `logical replication worker`, `pglogical apply`;
  launcher: gt's supervisor and launchers, pglogical's supervisor and
  managers, built-in's launcher; postmaster). *Replication CPU* is the CPU
  time of all of these but the client backends and PostgreSQL's own
  auxiliary processes. *Apply worker CPU per row* is the CPU time of the one
  process that applies region-a's rows in region-b during an apply run,
  divided by the rows (for gt, its link worker for region-a; the other
  direction's worker is not counted), the median of the rounds for the one
  big transaction.
- **Noise**: the machine is shared; `report.py noise` samples the CPU used by
  processes that are not the benchmark's, and the steal time the hypervisor
  reports for this virtual machine (CPU it gave to other guests), reported
  above. Before each measurement the run waits, up to a limit, until both
  together stay under a quarter of a core.
"""


def main():
    cmd = sys.argv[1]
    if cmd == "machine":
        cmd_machine(sys.argv[2], sys.argv[3])
    elif cmd == "machine-end":
        cmd_machine_end(sys.argv[2])
    elif cmd == "noise":
        cmd_noise(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif cmd == "quiet":
        cmd_quiet(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), float(sys.argv[5]))
    elif cmd == "report":
        cmd_report(sys.argv[2], sys.argv[3])
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
