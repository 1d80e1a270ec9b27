#!/bin/bash
# Installs what the benchmarks (bench/run) need on Debian 12, beyond
# scripts/install-deps.sh: gnuplot for the lag plot and pglogical, one of the
# two baselines pg_global_tables is measured against.
set -euo pipefail

packages=(
    gnuplot-nox                 # bench/lag.png
    postgresql-15-pglogical     # baseline: pglogical 2 with last_update_wins
    linux-perf                  # bench/scenario_items.sh: the CPU share of expression parsing
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
