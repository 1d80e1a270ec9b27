#!/usr/bin/env python3
"""Timing and process measurements of the benchmarks.

  measure.py wait-key SPEC KEY TIMEOUT
      Waits until a row with pk = KEY is visible in SPEC; prints the seconds.

  measure.py apply --src SPEC --dst SPEC --mode single|big --rows N ...
      Scenarios 2 and 4.  Commits N rows in the source, either as N
      single-row transactions (pgbench, --clients connections, keys from a
      sequence) or as one N-row INSERT, then commits a marker row in a
      transaction of its own.  Every system measured applies one source's
      transactions in commit order, so the marker is visible in the target
      exactly when everything committed before it is: the poller looks up the
      marker by key every millisecond instead of counting rows.  With
      --start-cmd (catch-up) the target is stopped while the source writes;
      the clock starts when the command that starts it is run.  Prints JSON.

  measure.py procmon CLUSTERS OUT.json
      Samples every server process of the named clusters (cluster_name, comma
      separated) every 0.25 s until SIGINT: peak VmHWM / VmRSS / RssAnon and
      CPU time, grouped by role (walsender, apply worker, ...).

Times come from CLOCK_MONOTONIC, which is one clock for every process on the
machine, so times taken by different processes can be subtracted.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pgwire import Conn, connect_retry, parse_spec  # noqa: E402

mono = time.monotonic
POLL_INTERVAL = 0.001


def poll_key(conn, key, timeout):
    """Polls until pk = key is visible; returns the monotonic time of the
    first poll that saw it (the poll is sent just before its snapshot is
    taken, so the row was visible by then), or None on timeout."""
    q = "SELECT 1 FROM bench WHERE pk = '%s'" % key
    deadline = mono() + timeout
    while True:
        t = mono()
        if conn.query(q):
            return t
        if t > deadline:
            return None
        time.sleep(POLL_INTERVAL)


def cmd_wait_key(args):
    conn = connect_retry(args.spec, 60)
    t0 = mono()
    t = poll_key(conn, args.key, args.timeout)
    if t is None:
        sys.exit(1)
    print("%.3f" % (t - t0))


def item_sql(key_expr):
    """SQL expression building the ~200-byte item for a key expression."""
    return ("('{\"pk\":{\"S\":\"' || %s || '\"},\"payload\":{\"S\":\"%s\"}}')::jsonb"
            % (key_expr, "x" * 160))


def cmd_apply(args):
    src = Conn(args.src)
    host, port, dbname = parse_spec(args.src)
    result = {"rows": args.rows, "mode": args.mode}
    t_start = mono()
    if args.mode == "single":
        per_client = args.rows // args.clients
        assert per_client * args.clients == args.rows
        subprocess.run(["pgbench", "-n", "-M", "prepared",
                        "-c", str(args.clients), "-j", str(min(args.clients, 2)),
                        "-t", str(per_client), "-f", args.script,
                        "-h", host, "-p", str(port), dbname],
                       check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    else:
        src.query("INSERT INTO bench (pk, item) SELECT '%s' || g, %s "
                  "FROM generate_series(1, %d) g"
                  % (args.prefix, item_sql("'%s' || g" % args.prefix), args.rows))
    t_committed = mono()
    marker = "marker/%s" % args.prefix
    src.query("INSERT INTO bench (pk, item) VALUES ('%s', %s)"
              % (marker, item_sql("'%s'" % marker)))
    t_marker = mono()
    result["writer_s"] = t_committed - t_start
    result["writer_tps"] = args.rows / (t_committed - t_start)

    if args.start_cmd:
        t_clock = mono()
        subprocess.run(args.start_cmd, shell=True, check=True,
                       stdout=subprocess.DEVNULL)
        result["startup_s"] = mono() - t_clock
    elif args.mode == "single":
        t_clock = t_start       # end to end: first commit to last visible
    else:
        t_clock = t_committed   # the big transaction exists from its commit

    dst = connect_retry(args.dst, 120)
    t_vis = poll_key(dst, marker, args.timeout)
    if t_vis is None:
        result["error"] = "marker not visible after %d s" % args.timeout
        print(json.dumps(result))
        sys.exit(1)
    result["seconds"] = t_vis - t_clock
    result["rows_per_s"] = args.rows / (t_vis - t_clock)
    result["drain_after_commit_s"] = t_vis - t_marker
    n = int(dst.scalar("SELECT count(*) FROM bench WHERE left(pk, %d) = '%s'"
                       % (len(args.prefix), args.prefix)))
    result["rows_in_target"] = n
    if n < args.rows:
        result["error"] = "only %d of %d rows in the target" % (n, args.rows)
    print(json.dumps(result))


# ------------------------------------------------------------------ procmon

def role_of(title):
    """Classifies a server process by its title (after "cluster_name: ")."""
    if title == "postmaster":
        return "postmaster"
    for needle, role in (("walsender", "walsender"),
                         ("gt link worker", "apply worker"),
                         ("logical replication worker", "apply worker"),
                         ("pglogical apply", "apply worker"),
                         ("gt launcher", "launcher"),
                         ("gt supervisor", "launcher"),
                         ("pglogical manager", "launcher"),
                         ("pglogical supervisor", "launcher"),
                         ("logical replication launcher", "launcher")):
        if needle in title:
            return role
    return "other"


def read_status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmHWM", "VmRSS", "RssAnon"):
                out[k] = int(v.split()[0])
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    out["cpu"] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def cmd_procmon(args):
    prefixes = tuple("postgres: %s: " % c for c in args.clusters.split(","))
    # The postmaster keeps its command line: ".../postgres -D <WORK>/<name>/data".
    datadirs = tuple("/%s/data" % c[len("gtb-"):] for c in args.clusters.split(","))
    procs = {}
    stop = []
    signal.signal(signal.SIGINT, lambda *a: stop.append(1))
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    t_first = mono()
    first = True
    while True:
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            pid = int(d)
            try:
                with open("/proc/%d/cmdline" % pid, "rb") as f:
                    argv = f.read().decode(errors="replace").split("\0")
                title = argv[0]
                if title.endswith("/bin/postgres") and len(argv) > 2 and \
                        argv[1] == "-D" and argv[2].endswith(datadirs):
                    title = "postgres: %s: postmaster" % argv[2]
                elif not title.startswith(prefixes):
                    continue
                st = read_status(pid)
            except (OSError, IndexError, ValueError):
                continue
            p = procs.get(pid)
            if p is None:
                rest = title.split(": ", 2)[2]
                p = procs[pid] = {"title": rest, "role": role_of(rest),
                                  "cpu0": st["cpu"] if first else 0.0,
                                  "hwm": 0, "rss": 0, "anon": 0}
            p["hwm"] = max(p["hwm"], st.get("VmHWM", 0))
            p["rss"] = max(p["rss"], st.get("VmRSS", 0))
            p["anon"] = max(p["anon"], st.get("RssAnon", 0))
            p["cpu"] = st["cpu"]
        first = False
        if stop:
            break
        time.sleep(0.25)
    roles = {}
    for p in procs.values():
        r = roles.setdefault(p["role"], {"processes": 0, "hwm_kb": 0, "rss_kb": 0,
                                         "anon_kb": 0, "cpu_s": 0.0})
        r["processes"] += 1
        r["hwm_kb"] = max(r["hwm_kb"], p["hwm"])
        r["rss_kb"] = max(r["rss_kb"], p["rss"])
        r["anon_kb"] = max(r["anon_kb"], p["anon"])
        r["cpu_s"] += p["cpu"] - p["cpu0"]
    out = {"seconds": mono() - t_first, "roles": roles,
           "processes": sorted(procs.values(), key=lambda p: p["title"])}
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("wait-key")
    w.add_argument("spec")
    w.add_argument("key")
    w.add_argument("timeout", type=float)
    a = sub.add_parser("apply")
    a.add_argument("--src", required=True)
    a.add_argument("--dst", required=True)
    a.add_argument("--mode", choices=("single", "big"), required=True)
    a.add_argument("--rows", type=int, required=True)
    a.add_argument("--clients", type=int, default=4)
    a.add_argument("--script", help="pgbench script for --mode single")
    a.add_argument("--prefix", default="k")
    a.add_argument("--start-cmd", help="starts the stopped target (catch-up)")
    a.add_argument("--timeout", type=float, default=600)
    p = sub.add_parser("procmon")
    p.add_argument("clusters")
    p.add_argument("out")
    args = ap.parse_args()
    {"wait-key": cmd_wait_key, "apply": cmd_apply, "procmon": cmd_procmon}[args.cmd](args)


if __name__ == "__main__":
    main()
