#!/bin/bash
# Builds and installs the extension into the system PostgreSQL 15.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
make -s PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config COPT='-Werror' >/dev/null
# The server resolves the library's undefined symbols when it loads it, so a
# function of ours declared but never defined would only fail then.
undefined=$(nm -D --undefined-only pg_global_tables.so | awk '$2 ~ /^gt_/ {print $2}')
if [ -n "$undefined" ]; then
    echo "build.sh: pg_global_tables.so uses undefined functions of its own: $undefined" >&2
    exit 1
fi
$SUDO make -s PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config install >/dev/null
