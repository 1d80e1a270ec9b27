#!/bin/bash
# The full test run: installs dependencies, builds and installs the extension,
# then runs every suite as the postgres OS user (PostgreSQL refuses to run as
# root) in a scratch copy of the tree, on throwaway clusters on loopback:
#   pg_regress  single-region API and error messages   (sql/, expected/)
#   isolation   local writes racing on a row lock        (test/specs/)
#   pgTAP       catalog and privilege contract          (test/pgtap/)
#   TAP         several regions and clusters, outages    (test/t/)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

scripts/install-deps.sh
scripts/build.sh

# The convergence suite's options (test/convergence/run) reach the tests.
gt_env="GT_CONVERGENCE_LONG=${GT_CONVERGENCE_LONG:-} GT_CONVERGENCE_SEED=${GT_CONVERGENCE_SEED:-}"
# Root runs the tests through runuser; anyone else needs sudo.
if [ "$(id -u)" -eq 0 ]; then
    SUDO=
    as_postgres() { runuser -u postgres -- env PATH="/usr/lib/postgresql/15/bin:$PATH" $gt_env "$@"; }
else
    SUDO=sudo
    as_postgres() { sudo -u postgres env PATH="/usr/lib/postgresql/15/bin:$PATH" $gt_env "$@"; }
fi
work=$(mktemp -d /tmp/pg_global_tables-test.XXXXXX)
cleanup() {
    # Stop any cluster a failed test left behind, then remove the copy.
    for pid in $(find "$work" -name postmaster.pid -exec head -1 {} \; 2>/dev/null); do
        $SUDO kill -QUIT "$pid" 2>/dev/null || true
    done
    [ -n "${KEEP_TEST_DIR:-}" ] || $SUDO rm -rf "$work"
}
trap cleanup EXIT
# The tree without the test and benchmark outputs a previous run left.
tar -C "$top" --exclude='./tmp_check*' \
    --exclude=./bench/out --exclude=./results -cf - . | tar -C "$work" -xf -
$SUDO chown -R postgres "$work"

status=0
if ! as_postgres make -C "$work" -s PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config \
        installcheck ${PROVE_TESTS:+PROVE_TESTS="$PROVE_TESTS"} ${REGRESS:+REGRESS="$REGRESS"}; then
    status=1
    for d in "$work/regression.diffs" "$work/output_iso/regression.diffs"; do
        [ -f "$d" ] && cat "$d"
    done
    find "$work/tmp_check" -name '*.log' -path '*log*' 2>/dev/null | head -20 | while read -r f; do
        echo "==== $f"; tail -40 "$f"; done
fi
if ! as_postgres "$work/test/pgtap/run.sh"; then
    status=1
fi
if [ "$status" -eq 0 ]; then
    echo "all test suites passed"
fi
exit "$status"
