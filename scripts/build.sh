#!/bin/bash
# Builds and installs the extension into the system PostgreSQL 15.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
make -s PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config COPT='-Werror' >/dev/null
$SUDO make -s PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config install >/dev/null
