#!/usr/bin/env bash
# Developer entry points for the sale_incentive addon: `make run`, `make test`,
# `make reset`.  Odoo 18 is a prerequisite (an importable `odoo` package), like
# for every Odoo addon; PostgreSQL is found the libpq way (PG* environment,
# local socket) or, failing that, a private cluster is started in .dev/pg.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODULE=sale_incentive
STATE="$ROOT/.dev"
PY=${PYTHON:-python3}
DB_RUN=${DB:-sale_incentive}
PG_PORT_PRIVATE=${SALE_INCENTIVE_PG_PORT:-54329}
HTTP_PORT=${HTTP_PORT:-8069}

say() { printf '[sale_incentive] %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

find_odoo() {
    local ver
    if ! ver=$("$PY" -c 'import odoo.release as r; print(r.version_info[0])' 2>/dev/null); then
        die "Odoo is not importable by '$PY'. Install Odoo 18 first, one of the official ways:
  - the Odoo 18 packages from https://nightly.odoo.com (deb/rpm), or
  - a source checkout of https://github.com/odoo/odoo (branch 18.0) with
    'pip install -r requirements.txt' and 'pip install -e .' (or a .pth file),
see https://www.odoo.com/documentation/18.0/administration/on_premise.html"
    fi
    [ "$ver" = 18 ] || die "Odoo $ver found; this addon needs Odoo 18."
    ODOO_ADDONS=$("$PY" -c 'import os, odoo; print(os.path.join(os.path.dirname(odoo.__file__), "addons"))')
    # Expose this checkout to Odoo as `sale_incentive`, whatever the clone folder.
    mkdir -p "$STATE/addons"
    ln -sfn "$ROOT" "$STATE/addons/$MODULE"
    ADDONS_PATH="$ODOO_ADDONS,$STATE/addons"
}

pg_ok() { psql -d postgres -Atc 'select rolcreatedb or rolsuper from pg_roles where rolname = current_user' 2>/dev/null | grep -q t; }

pg_bindir() {
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir
    else
        ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
    fi
}

# Sets PGHOST/PGPORT/PGUSER for Odoo and psql. PG_STARTED=1 when we started a cluster.
find_postgres() {
    PG_STARTED=0
    if command -v psql >/dev/null 2>&1 && pg_ok; then
        return
    fi
    local bin
    bin=$(pg_bindir)
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
        if [ "${CI:-}" = true ] && [ "$(id -u)" = 0 ]; then
            say "installing PostgreSQL from the distribution (CI)"
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
            bin=$(pg_bindir)
        else
            die "No reachable PostgreSQL server (libpq environment or local socket) and no PostgreSQL binaries to start one. Install PostgreSQL (e.g. apt-get install postgresql) or set PGHOST/PGPORT/PGUSER."
        fi
    fi
    local data="$STATE/pg" run=()
    mkdir -p "$data"
    if [ "$(id -u)" = 0 ]; then
        # PostgreSQL refuses to run as root: the private cluster belongs to `postgres`.
        id postgres >/dev/null 2>&1 || useradd --system --home "$data" postgres
        if ! runuser -u postgres -- test -x "$STATE" 2>/dev/null; then
            # the checkout is not reachable by `postgres` (e.g. under /root):
            # keep the cluster in a private folder of /tmp instead
            data="/tmp/sale_incentive_pg_$(printf '%s' "$ROOT" | md5sum | cut -c1-8)"
            mkdir -p "$data"
            say "the checkout is not readable by postgres; private cluster in $data"
        fi
        chown postgres "$data"
        chmod 700 "$data"
        run=(runuser -u postgres -- env --chdir=/)
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
        say "creating a private PostgreSQL cluster in $data"
        "${run[@]}" "$bin/initdb" -D "$data" -U odoo --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    export PGHOST="$data" PGPORT="$PG_PORT_PRIVATE" PGUSER=odoo
    if ! "${run[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        "${run[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
            -o "-k $data -p $PG_PORT_PRIVATE -c listen_addresses='' -c fsync=off -c full_page_writes=off" \
            start >/dev/null
        PG_STARTED=1
    fi
    PG_STOP=("${run[@]}" "$bin/pg_ctl" -D "$data" -m fast stop)
}

odoo() { "$PY" -m odoo "$@"; }

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

db_exists() { psql -d postgres -Atc "select 1 from pg_database where datname = '$1'" | grep -q 1; }

drop_db() {
    dropdb --if-exists "$1" >/dev/null 2>&1 || true
    rm -rf "$STATE/data/filestore/$1"
}

cmd_run() {
    find_odoo
    find_postgres
    if ! db_exists "$DB_RUN"; then
        say "creating database '$DB_RUN' with $MODULE and its demo data (first run takes a few minutes)"
        odoo -d "$DB_RUN" --addons-path="$ADDONS_PATH" --data-dir="$STATE/data" \
            -i "$MODULE" --stop-after-init --log-level=warn
    else
        say "reusing database '$DB_RUN' (make reset drops it); updating $MODULE"
        odoo -d "$DB_RUN" --addons-path="$ADDONS_PATH" --data-dir="$STATE/data" \
            -u "$MODULE" --stop-after-init --log-level=warn
    fi
    cat >&2 <<EOF
[sale_incentive] Odoo is starting on http://127.0.0.1:$HTTP_PORT  (Ctrl-C stops it)
[sale_incentive] database: $DB_RUN
[sale_incentive] demo logins (login / password):
    admin / admin        administrator: configures plans, sees everything
    incentive_manager / incentive_manager   sales manager: team lines, targets, approvals
    incentive_rep / incentive_rep           sales rep: own commissions only
    incentive_accountant / incentive_accountant   accountant: settle, validate, post, pay
    (every login and what to look at first: README.md, "Demo company")
EOF
    odoo -d "$DB_RUN" --addons-path="$ADDONS_PATH" --data-dir="$STATE/data" \
        --http-interface=127.0.0.1 --http-port="$HTTP_PORT" --db-filter="^$DB_RUN\$"
}

cmd_reset() {
    find_postgres
    drop_db "$DB_RUN"
    say "database '$DB_RUN' dropped; 'make run' creates it again"
}

# Exit status 1 if the log has a failed test or an ERROR/CRITICAL line.
check_log() {
    local log=$1 label=$2 bad
    bad=$(grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log" || true)
    if [ -n "$bad" ]; then
        say "$label: ERROR/CRITICAL lines in the Odoo log:"
        printf '%s\n' "$bad" | head -n 40 >&2
        return 1
    fi
}

cmd_test() {
    find_odoo
    find_postgres
    mkdir -p "$STATE/logs"
    local suffix log log_demo rc=0 port tags
    suffix="$(date +%s)_$$"
    TEST_DB="${MODULE}_test_$suffix"
    TEST_DB_DEMO="${MODULE}_demo_$suffix"
    local db=$TEST_DB db_demo=$TEST_DB_DEMO
    log="$STATE/logs/test.log"
    log_demo="$STATE/logs/install_demo.log"
    tags=${TEST_TAGS:-/$MODULE}
    trap 'drop_db "$TEST_DB"; drop_db "$TEST_DB_DEMO"; if [ "$PG_STARTED" = 1 ]; then "${PG_STOP[@]}" >/dev/null 2>&1 || true; fi' EXIT
    local t0=$SECONDS
    say "installing $MODULE without demo data in '$db' and running its tests ($tags)"
    port=$(free_port)
    odoo -d "$db" --addons-path="$ADDONS_PATH" --data-dir="$STATE/data" \
        -i "$MODULE" --without-demo=all --test-enable --test-tags="$tags" \
        --stop-after-init --http-interface=127.0.0.1 --http-port="$port" \
        --log-level=info --max-cron-threads=0 >"$log" 2>&1 || rc=1
    check_log "$log" "tests" || rc=1
    local summary passed failed errors total
    summary=$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$log" | tail -n 1 || true)
    if [ -z "$summary" ]; then
        say "no test summary in the Odoo log ($log)"
        tail -n 30 "$log" >&2
        failed=0; errors=1; total=1; rc=1
    else
        read -r failed _ errors _ _ total _ <<<"$summary"
        [ "$total" -gt 0 ] || { say "no test ran"; rc=1; }
    fi
    grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ INFO .*odoo.modules.module: [a-z_]+: [0-9]+ tests' "$log" | sed 's/.*module: /  /' >&2 || true

    if [ -z "${SKIP_DEMO:-}" ]; then
        say "checking that $MODULE installs with demo data in '$db_demo' (and TestDemoCompany, TestDemoTours on it)"
        port=$(free_port)
        odoo -d "$db_demo" --addons-path="$ADDONS_PATH" --data-dir="$STATE/data" \
            -i "$MODULE" --stop-after-init --http-port="$port" --http-interface=127.0.0.1 \
            --test-enable --test-tags="/$MODULE:TestDemoCompany,/$MODULE:TestDemoTours" \
            --log-level=info --max-cron-threads=0 >"$log_demo" 2>&1 || rc=1
        check_log "$log_demo" "install with demo data" || rc=1
        grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$log_demo" | tail -n 1 | sed 's/^/  demo database: /' >&2 || true
    fi
    # a skipped test is a defect here (e.g. no Chromium for the tours)
    local skipped
    skipped=$(grep -cE "INFO .*odoo\.addons\.$MODULE\.[a-z_.]+: skipped " "$log" || true)
    if [ "$skipped" -gt 0 ]; then
        say "$skipped test(s) skipped:"
        grep -E "odoo\.addons\.$MODULE\.[a-z_.]+: skipped " "$log" | sed 's/.*: skipped/  skipped/' >&2
        rc=1
    fi
    passed=$((total - failed - errors - skipped))
    say "test log: $log; took $((SECONDS - t0)) s"
    echo "$passed passed, $((failed + errors + skipped)) failed"
    return $rc
}

# Benchmarks on a throwaway database (figures are printed, never asserted).
# OCA commission 18.0, for the benchmark only: never a dependency of the
# module, installed with pip --no-deps into .dev/oca (not committed) and only
# into the benchmark's own database.  Sets OCA_ADDONS, or OCA_REASON.
find_oca() {
    local target="$STATE/oca/pkgs"
    OCA_ADDONS="" OCA_REASON=""
    if [ ! -d "$target/odoo/addons/sale_commission_oca" ]; then
        say "fetching OCA commission 18.0 from PyPI into $target (benchmark only)"
        "$PY" -m pip install --quiet --no-deps --target "$target" \
            'odoo-addon-commission-oca==18.0.*' 'odoo-addon-account-commission-oca==18.0.*' \
            'odoo-addon-sale-commission-oca==18.0.*' >"$STATE/logs/bench_oca_pip.log" 2>&1 || true
    fi
    if [ -d "$target/odoo/addons/sale_commission_oca" ]; then
        OCA_ADDONS="$target/odoo/addons"
    else
        OCA_REASON="pip could not fetch odoo-addon-sale-commission-oca 18.0 (see $STATE/logs/bench_oca_pip.log)"
    fi
}

bench_install() { # db addons-path modules log
    odoo -d "$1" --addons-path="$2" --data-dir="$STATE/data" -i "$3" --without-demo=all \
        --stop-after-init --max-cron-threads=0 --log-level=warn >"$STATE/logs/$4" 2>&1
}

cmd_bench() {
    find_odoo
    find_postgres
    mkdir -p "$STATE/logs"
    find_oca
    local stamp
    stamp="$(date +%s)_$$"
    BENCH_PLAIN="${MODULE}_bench_plain_$stamp"
    BENCH_DB="${MODULE}_bench_$stamp"
    BENCH_OCA=""
    trap 'drop_db "$BENCH_PLAIN"; drop_db "$BENCH_DB"; [ -z "$BENCH_OCA" ] || drop_db "$BENCH_OCA"; if [ "$PG_STARTED" = 1 ]; then "${PG_STOP[@]}" >/dev/null 2>&1 || true; fi' EXIT
    say "installing plain Odoo, $MODULE and OCA commission in three databases (logs: $STATE/logs/bench_*.log)"
    bench_install "$BENCH_PLAIN" "$ODOO_ADDONS" sale_management,account bench_plain.log
    bench_install "$BENCH_DB" "$ADDONS_PATH" "$MODULE" bench_install.log
    if [ -n "$OCA_ADDONS" ]; then
        BENCH_OCA="${MODULE}_bench_oca_$stamp"
        if ! bench_install "$BENCH_OCA" "$ODOO_ADDONS,$OCA_ADDONS" \
            sale_management,sale_commission_oca bench_oca.log; then
            OCA_REASON="installing sale_commission_oca failed (see $STATE/logs/bench_oca.log)"
            drop_db "$BENCH_OCA"
            BENCH_OCA=""
        fi
    fi
    say "benchmark (BENCH_SCALE=${BENCH_SCALE:-full}${BENCH_MILLION:+, with 1,000,000 lines})"
    "$PY" "$ROOT/tools/bench.py" --plain "$BENCH_PLAIN" --si "$BENCH_DB" \
        --oca "$BENCH_OCA" --oca-reason "$OCA_REASON" --addons-path "$ADDONS_PATH" \
        --oca-addons "$OCA_ADDONS" --scale "${BENCH_SCALE:-full}" ${BENCH_MILLION:+--million}
}

case "${1:-}" in
run) cmd_run ;;
test) cmd_test ;;
reset) cmd_reset ;;
bench) cmd_bench ;;
*) die "usage: tools/dev.sh run|test|reset|bench" ;;
esac
