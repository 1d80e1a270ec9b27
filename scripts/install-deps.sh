#!/bin/bash
# Installs what pg_global_tables needs to build, test and run its demo on
# Debian 12: the PostgreSQL 15 server and its headers at the same version,
# pgTAP, the Perl modules the TAP tests use, and bison and flex for the
# expression language.
set -euo pipefail

packages=(
    postgresql-15                       # the server; same version as the headers
    postgresql-server-dev-15            # PGXS and server headers
    libpq-dev                           # libpq, for links between regions
    postgresql-15-pgtap                 # pgTAP, for the catalog and privilege tests
    libtap-parser-sourcehandler-pgtap-perl  # pg_prove
    libipc-run-perl                     # IPC::Run, for PostgreSQL::Test::Cluster
    make gcc
    bison flex                          # the expression language's parser and scanner
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done

# The server and its headers must be the same minor version.
server=$(dpkg-query -W -f='${Version}' postgresql-15 2>/dev/null || true)
headers=$(dpkg-query -W -f='${Version}' postgresql-server-dev-15 2>/dev/null || true)
if [ "${#missing[@]}" -eq 0 ] && [ "$server" = "$headers" ]; then
    exit 0
fi

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${packages[@]%%#*}" >/dev/null
