#!/bin/bash
# Runs the test suites with memory checking of every server process, and
# fails if any server reported a memory error or undefined behaviour.
#
# Why it exists: most of pg_global_tables' C code (the output plugin, the
# link workers, the launcher, the LWW trigger) runs only while
# regions replicate, inside server processes that the tests start
# themselves, in a server that is not instrumented (Debian's).  So the
# checker has to go into every server process the tests start: pg_regress's
# and pg_isolation_regress's temporary instances and each node of the TAP
# tests.  This script builds a private copy of the PostgreSQL 15 install
# whose `postgres` is a wrapper that starts the real server under the
# checker, puts that copy first for the tests (they find their binaries
# through it), and after the run reads every report the checker wrote.
#
#   --asan      (default) the extension built with clang
#               -fsanitize=address,undefined and assertions, Debian's
#               server with the ASan runtime preloaded: out-of-bounds
#               access to stack, globals and malloc'd blocks, use of freed
#               blocks, undefined behaviour, failed Assert()s in our code.
#               palloc'd chunks are not checked one by one (PostgreSQL
#               carves them out of malloc'd blocks).
#   --valgrind  Valgrind memcheck around a PostgreSQL 15 built once (and
#               cached) from Debian's source of the installed version, or
#               the newest source Debian serves, with USE_VALGRIND, so
#               palloc'd chunks are undefined until written and
#               inaccessible past their end and after pfree (or the reset
#               of their context): reads of uninitialized memory, also of
#               bytes sent to a peer or written to WAL, and out-of-bounds
#               or freed chunk access.  Some 50 to 100 times slower than
#               the plain tests.
#   --all       both, one after the other.
#
# Covers pg_regress (REGRESS in the Makefile), the isolation test, and the
# TAP tests in $PROVE_TESTS (default: 001 walk-through and 002 conflicts,
# and with ASan also 011 exactly-once apply across crashes).  REGRESS and
# PROVE_TESTS can be set as for scripts/test.sh.  The scratch directory,
# with the reports and the server logs, is kept when something failed, or
# always with MEMCHECK_KEEP=1 (its path is printed); MEMCHECK_CACHE says
# where the Valgrind build is cached.
#
# Run as root (or a user with sudo) on Debian 12; the tests run as the
# postgres OS user in a scratch copy of the tree, on throwaway clusters.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
modes=()
for arg in "$@"; do
    case "$arg" in
        --asan) modes+=(asan) ;;
        --valgrind) modes+=(valgrind) ;;
        --all) modes=(asan valgrind) ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown argument: $arg (see $0 --help)" >&2; exit 2 ;;
    esac
done
[ "${#modes[@]}" -gt 0 ] || modes=(asan)

# The TAP tests of each mode unless PROVE_TESTS says (set and empty: none).
# Under Valgrind, 011's three 50,000-row transactions would take hours.
tap_asan="test/t/001_walkthrough.pl test/t/002_conflicts.pl test/t/011_exactly_once_apply.pl"
tap_valgrind="test/t/001_walkthrough.pl test/t/002_conflicts.pl"
pgbin=/usr/lib/postgresql/15/bin
pgconfig=$pgbin/pg_config
clang_rt=/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux
port=56432    # pg_regress's temporary instances (it moves on if this is taken)

if [ "$(id -u)" -eq 0 ]; then
    SUDO=
    as_postgres() { runuser -u postgres -- "$@"; }
else
    SUDO=sudo
    as_postgres() { sudo -u postgres "$@"; }
fi

#### Dependencies: the test suite's, and the checkers'
scripts/install-deps.sh
packages=(clang-14 llvm-14 valgrind gcc make)
if [[ " ${modes[*]} " == *" valgrind "* ]]; then
    # Building the Valgrind server: Debian's source and the headers of the
    # libraries the installed server was configured with.
    packages+=(dpkg-dev pkg-config libicu-dev libssl-dev libxml2-dev libpam0g-dev
        libkrb5-dev libldap-dev liblz4-dev libzstd-dev libsystemd-dev zlib1g-dev)
fi
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi

# PostgreSQL 15 built once (cached) from Debian's source with USE_VALGRIND
# and installed into a directory of its own: Debian's directory layout and
# patches, so it is relocatable like Debian's and has the same settings.
# The source of the installed version if Debian still serves it, else the
# newest one it does (bookworm's 15.18 when only the binaries of a security
# update are mirrored); the extension, the tests and pg_regress then all use
# that build, headers and PGXS included, so the versions match.
cache_root=${MEMCHECK_CACHE:-${HOME:-/root}/.cache/pg_global_tables-memcheck}
build_valgrind_pg() {
    local installed build version
    installed=$(dpkg-query -W -f='${Version}' postgresql-15)
    for d in "$cache_root/postgres-$installed-valgrind" "$cache_root"/postgres-*-valgrind; do
        if [ -f "$d/done" ]; then pgvg=$d; return 0; fi
    done
    if ! apt-get source --print-uris postgresql-15 >/dev/null 2>&1; then
        $SUDO tee /etc/apt/sources.list.d/pg-global-tables-memcheck-src.sources >/dev/null <<'EOS'
# Added by pg_global_tables' scripts/memcheck.sh: Debian's source packages.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
        $SUDO apt-get update -qq
    fi
    build=$(mktemp -d /tmp/pg_global_tables-pgbuild.XXXXXX)
    cd "$build"
    for version in "$installed" $(apt-cache showsrc postgresql-15 |
            sed -n 's/^Version: //p' | sort -rV); do
        apt-get source -qq "postgresql-15=$version" >/dev/null 2>&1 && break
        rm -rf ./*
    done
    ls -d postgresql-15-*/ >/dev/null 2>&1 ||
        { echo "apt-get source postgresql-15 failed" >&2; exit 1; }
    cd postgresql-15-*/
    version=$(dpkg-parsechangelog -S Version)
    pgvg=$cache_root/postgres-$version-valgrind
    echo "building PostgreSQL $version with USE_VALGRIND into $pgvg (once, about 15 minutes)"
    # Debian's configuration (pg_config --configure) without the procedural
    # languages, JIT, NLS and probes, which the tests do not use.
    ./configure -q --build=x86_64-linux-gnu --prefix=/usr \
        --includedir=/usr/include/postgresql/ --sysconfdir=/etc/postgresql-common \
        --datarootdir=/usr/share/ --datadir=/usr/share/postgresql/15 \
        --bindir=/usr/lib/postgresql/15/bin --libdir=/usr/lib/x86_64-linux-gnu/ \
        --libexecdir=/usr/lib/postgresql/ --mandir=/usr/share/postgresql/15/man \
        --docdir=/usr/share/doc/postgresql-doc-15 \
        --with-extra-version=" (Debian $version)" --enable-thread-safety \
        --enable-debug --disable-rpath --with-uuid=e2fs --with-gnu-ld \
        --with-pgport=5432 --with-system-tzdata=/usr/share/zoneinfo \
        --with-openssl --with-pam --with-libxml --with-gssapi --with-ldap \
        --with-icu --with-lz4 --with-zstd --with-systemd --enable-tap-tests \
        CFLAGS="-g -O1 -fno-omit-frame-pointer" CPPFLAGS="-DUSE_VALGRIND" >/dev/null
    rm -rf "$pgvg"
    {
        nice -n 10 make -s -j"$(nproc)" &&
        nice -n 10 make -s -j"$(nproc)" -C contrib/test_decoding &&
        nice -n 10 make -s -j"$(nproc)" -C src/test/isolation &&
        make -s install DESTDIR="$pgvg/inst" &&
        make -s -C contrib/test_decoding install DESTDIR="$pgvg/inst" &&
        make -s -C src/test/isolation install DESTDIR="$pgvg/inst"
    } >"$build/make.log" 2>&1 || { tail -40 "$build/make.log"; echo "(in $build)"; exit 1; }
    cp src/tools/valgrind.supp "$pgvg/valgrind.supp"
    touch "$pgvg/done"
    cd "$top"
    rm -rf "$build"
}

work=$(mktemp -d /tmp/pg_global_tables-memcheck.XXXXXX)
cleanup() {
    local rc=$?
    # Stop any cluster a failed test left behind, then remove the copy
    # unless something failed.
    for pid in $(find "$work" -name postmaster.pid -exec head -1 {} \; 2>/dev/null); do
        $SUDO kill -QUIT "$pid" 2>/dev/null || true
    done
    if [ -n "${MEMCHECK_KEEP:-}" ] || [ "$rc" -ne 0 ]; then
        echo "kept $work (reports in */reports, server logs in */src)"
    else
        $SUDO rm -rf "$work"
    fi
}
trap cleanup EXIT

# A copy of the PostgreSQL 15 install that the server finds its files
# relative to (Debian's binaries are relocatable): programs copied, library
# and share files linked, pg_global_tables' own files installed by the
# instrumented build.  Its bin/postgres is the wrapper written by the caller.
make_install_tree() {
    local inst=$1 f
    local bin=$inst/usr/lib/postgresql/15/bin lib=$inst/usr/lib/postgresql/15/lib
    local share=$inst/usr/share/postgresql/15
    mkdir -p "$bin" "$lib" "$share/extension"
    cp -a "$pgbin/." "$bin/"
    for f in /usr/lib/postgresql/15/lib/*; do
        [ "$(basename "$f")" = pg_global_tables.so ] || ln -s "$f" "$lib/"
    done
    for f in /usr/share/postgresql/15/*; do
        [ "$(basename "$f")" = extension ] || ln -s "$f" "$share/"
    done
    for f in /usr/share/postgresql/15/extension/*; do
        case "$(basename "$f")" in pg_global_tables[.-]*) ;; *) ln -s "$f" "$share/extension/" ;; esac
    done
}

# Server log lines that mean a process died or asserted, whatever the checker.
crash_pattern='terminated by signal (4|6|7|8|11)|TRAP: |PANIC: '

run_mode() {
    local mode=$1 dir=$work/$1 started=$SECONDS
    local src=$dir/src inst=$dir/inst reports=$dir/reports
    local bin=$inst/usr/lib/postgresql/15/bin config destdir
    mkdir -p "$src" "$reports"
    echo "==== $mode: building"
    # The files the tests use, from the working tree (as scripts/test.sh).
    cp -a "$top/Makefile" "$top"/*.control.in "$top/src" "$top/sql" "$top/expected" \
        "$top/test" "$src/"
    local cflags="-g -O1 -fno-omit-frame-pointer -fno-strict-aliasing -fwrapv"
    if [ "$mode" = asan ]; then
        # Debian's install; the extension's files go into the copy.
        make_install_tree "$inst"
        config=$pgconfig destdir=$inst
        # Assertions in our own code too: Debian's server exports
        # ExceptionalCondition whatever its build.
        cflags="$cflags -fsanitize=address,undefined -DUSE_ASSERT_CHECKING -Wno-ignored-attributes"
        make -s -C "$src" PG_CONFIG=$config clean
        # Without Debian's _FORTIFY_SOURCE: its checks abort before ASan reports.
        make -s -C "$src" PG_CONFIG=$config with_llvm=no CC=clang-14 CFLAGS="$cflags" \
            CPPFLAGS="-D_GNU_SOURCE -I/usr/include/libxml2" \
            >"$dir/build.log" 2>&1 || { cat "$dir/build.log"; exit 1; }
        gcc -shared -fPIC -O2 -o "$inst/asan_shim.so" "$top/test/memcheck/asan_shim.c"
        mv "$bin/postgres" "$bin/postgres.bin"
        cat >"$bin/postgres" <<EOF
#!/bin/sh
# Every server process (they are forked from this one) runs with ASan/UBSan.
export LD_PRELOAD="$clang_rt/libclang_rt.asan-x86_64.so $inst/asan_shim.so"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:disable_coredump=1:detect_stack_use_after_return=1:strict_string_checks=1:log_path=$reports/asan"
export UBSAN_OPTIONS="print_stacktrace=1:log_path=$reports/asan"
export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
export LIBC_FATAL_STDERR_=1
exec "$bin/postgres.bin" "\$@"
EOF
        export PG_TEST_TIMEOUT_DEFAULT=${PG_TEST_TIMEOUT_DEFAULT:-360}
    else
        # The Valgrind build, whole: its pg_config, PGXS and test programs.
        cp -a "$pgvg/inst/." "$inst/"
        cp "$pgvg/valgrind.supp" "$inst/valgrind.supp"    # PostgreSQL's own
        config=$bin/pg_config destdir=
        make -s -C "$src" PG_CONFIG=$config clean
        make -s -C "$src" PG_CONFIG=$config with_llvm=no CFLAGS="$cflags" \
            >"$dir/build.log" 2>&1 || { cat "$dir/build.log"; exit 1; }
        mv "$bin/postgres" "$bin/postgres.bin"
        # A build older than Debian's 15.19 has no output_plugin_libraries
        # (and needs none: any plugin may load).
        "$bin/postgres.bin" --describe-config | grep -q '^output_plugin_libraries' ||
            sed -i '/^output_plugin_libraries/d' "$src/test/pg_global_tables.conf"
        cat >"$bin/postgres" <<EOF
#!/bin/sh
# Every server process (they are forked from this one: memcheck follows a
# fork without --trace-children) runs under memcheck; initdb's bootstrap and
# single-user runs and version checks, which never load the extension, do not.
export LIBC_FATAL_STDERR_=1
case "\$1" in
    -V|--version|--boot|--single|--describe-config|--check|-C)
        exec "$bin/postgres.bin" "\$@" ;;
esac
exec valgrind --quiet --tool=memcheck --trace-children=no --track-origins=yes \\
    --num-callers=40 --leak-check=no --error-limit=no \\
    --gen-suppressions=all --suppressions="$inst/valgrind.supp" \\
    --log-file="$reports/valgrind.%p.log" "$bin/postgres.bin" -c jit=off "\$@"
EOF
        export PG_TEST_TIMEOUT_DEFAULT=${PG_TEST_TIMEOUT_DEFAULT:-1800}
    fi
    chmod +x "$bin/postgres"
    make -s -C "$src" PG_CONFIG=$config with_llvm=no ${destdir:+DESTDIR="$destdir"} install >/dev/null
    $SUDO chown postgres "$work"
    $SUDO chown -R postgres "$dir"

    local tap_default=tap_$mode notap=
    local tap=${PROVE_TESTS-${!tap_default}}
    [ -n "$tap" ] || notap=TAP_TESTS=
    echo "==== $mode: pg_regress ($REGRESS_LIST), isolation, TAP (${tap:-none})"
    # bindir points pg_regress, pg_isolation_regress and the TAP tests'
    # PATH at the wrapper; PGCTLTIMEOUT lets pg_ctl wait for a slow start.
    if ! as_postgres env PATH="$bin:$PATH" PGCTLTIMEOUT="$PG_TEST_TIMEOUT_DEFAULT" \
            PG_TEST_TIMEOUT_DEFAULT="$PG_TEST_TIMEOUT_DEFAULT" \
            nice -n 10 make -C "$src" -s PG_CONFIG=$config bindir="$bin" \
            EXTRA_REGRESS_OPTS="--port=$port" REGRESS="$REGRESS_LIST" \
            PROVE_TESTS="$tap" $notap installcheck; then
        status=1
        echo "==== $mode: a test failed"
        for d in "$src/regression.diffs" "$src/output_iso/regression.diffs"; do
            [ -f "$d" ] && cat "$d"
        done
    fi

    # Every report the checker wrote, and every crash or assertion failure
    # in a server log.
    local found=0 f
    for f in $(find "$reports" -type f -size +0 | sort); do
        # Valgrind's own warnings ("--pid--") are not reports ("==pid==").
        if [ "$mode" = valgrind ] && ! grep -q '^==[0-9]*==' "$f"; then
            echo "==== $mode: warnings only in $f: $(sort -u "$f" | head -3)"
            continue
        fi
        found=1
        echo "==== $mode report: $f ($(grep -c -E '^==[0-9]+== [A-Z][a-z]|ERROR: AddressSanitizer|runtime error' "$f") errors; the first 150 lines)"
        head -150 "$f"
    done
    while IFS= read -r f; do
        [ -n "$f" ] || continue
        found=1
        echo "==== $mode: crash or assertion in $f"
        grep -E -B2 -A8 "$crash_pattern" "$f" | head -60
    done < <(find "$src" -name '*.log' -path '*log*' -exec grep -l -E "$crash_pattern" {} + 2>/dev/null)
    if [ "$found" -eq 1 ]; then
        status=1
        echo "==== $mode: memory errors or crashes reported (above)"
    else
        echo "==== $mode: no memory error, undefined behaviour or crash reported"
    fi
    echo "==== $mode: $((SECONDS - started)) s"
}

REGRESS_LIST=${REGRESS:-$(sed -n 's/^REGRESS = //p' Makefile)}
status=0
for m in "${modes[@]}"; do
    if [ "$m" = valgrind ]; then build_valgrind_pg; fi
    run_mode "$m"
done
exit "$status"
