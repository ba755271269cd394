#!/usr/bin/env bash
# Makes sure the test suite's real services answer on 127.0.0.1: PostgreSQL :5432 and Redis :6379, and that the
# test login (user postgres over TCP, no password: mutuelle/settings_test.py) works.
# Starts them when they are installed but stopped (installs them as root when missing). On a cluster this script
# started, a fresh Debian cluster asks for a password over TCP (scram-sha-256): the script then adds a trust rule
# for user postgres from 127.0.0.1 and ::1 at the top of pg_hba.conf, reloads, and says so. A cluster it did not
# start is never reconfigured: it fails with the lines to add instead.
# PG_PORT, REDIS_PORT, PG_ETC, APT_GET and SERVICES_WAIT are overridable (the tests of this script run it against fakes).
set -u

pg_port="${PG_PORT:-5432}"
redis_port="${REDIS_PORT:-6379}"
pg_etc="${PG_ETC:-/etc/postgresql}"
apt_get="${APT_GET:-apt-get}"
trust_rules="host all postgres 127.0.0.1/32 trust
host all postgres ::1/128 trust"
started_pg=""
installed_pg=""

pg_up() { pg_isready -q -h 127.0.0.1 -p "$pg_port" 2>/dev/null || (exec 3<>"/dev/tcp/127.0.0.1/$pg_port") 2>/dev/null; }
pg_login() {  # the test login: DATABASE_URL's role when set (on its server's postgres database), else postgres
    if [ -n "${DATABASE_URL:-}" ]; then psql -w -Atc "select 1" "${DATABASE_URL%/*}/postgres" >/dev/null 2>&1
    else psql -h 127.0.0.1 -p "$pg_port" -U postgres -w -Atc "select 1" postgres >/dev/null 2>&1; fi
}
redis_up() { redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null | grep -q PONG; }

wait_for() {  # check function; SERVICES_WAIT seconds at most
    for _ in $(seq 1 "${SERVICES_WAIT:-30}"); do "$1" && return 0; sleep 1; done
    return 1
}

apt_install() {
    "$apt_get" update -qq && DEBIAN_FRONTEND=noninteractive "$apt_get" install -y -qq "$@" >/dev/null
}

if ! pg_up; then
    echo "PostgreSQL is not answering on 127.0.0.1:$pg_port; starting it..."
    if ! command -v pg_ctlcluster >/dev/null && [ "$(id -u)" = 0 ]; then
        echo "Installing the Debian package postgresql"
        apt_install postgresql && installed_pg=1
    fi
    if command -v pg_ctlcluster >/dev/null; then
        for version in $(ls "$pg_etc" 2>/dev/null); do
            # A cluster the package's installation already started is ours too.
            if pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || [ -n "$installed_pg" ]; then
                started_pg="$started_pg $version"
            fi
        done
    fi
    wait_for pg_up || {
        echo "ERROR: PostgreSQL could not be started on 127.0.0.1:$pg_port (as root this script installs and starts" \
             "it: run 'sudo make test', or start it yourself)." >&2
        exit 1
    }
fi

if ! pg_login; then
    if [ -z "$started_pg" ]; then
        echo "ERROR: PostgreSQL answers on 127.0.0.1:$pg_port but user postgres cannot log in without a password." >&2
        echo "  Either add these lines at the top of the cluster's pg_hba.conf and reload it (a test machine only):" >&2
        echo "$trust_rules" | sed 's/^/    /' >&2
        echo "  or give the tests a role with a password: DATABASE_URL=postgres://user:password@127.0.0.1:$pg_port/mutuelle make test" >&2
        exit 1
    fi
    for version in $started_pg; do
        hba="$pg_etc/$version/main/pg_hba.conf"
        [ -f "$hba" ] || continue
        if ! grep -q "^host all postgres 127.0.0.1/32 trust" "$hba"; then
            { echo "# Added by mutuelle scripts/ensure-services.sh: the test suite logs in as postgres without a password."
              echo "$trust_rules"
              cat "$hba"; } > "$hba.mutuelle" && cat "$hba.mutuelle" > "$hba" && rm -f "$hba.mutuelle"
        fi
        pg_ctlcluster --skip-systemctl-redirect "$version" main reload >/dev/null 2>&1 || true
        echo "PostgreSQL $version: added a trust rule for user postgres from 127.0.0.1 and ::1 at the top of $hba" \
             "(the test login); remove those lines to undo."
    done
    wait_for pg_login || {
        echo "ERROR: PostgreSQL answers but user postgres still cannot log in over TCP without a password." >&2
        exit 1
    }
fi

if ! redis_up; then
    echo "Redis is not answering on 127.0.0.1:$redis_port; starting it..."
    if ! command -v redis-server >/dev/null && [ "$(id -u)" = 0 ]; then
        echo "Installing the Debian package redis-server"
        apt_install redis-server
    fi
    if command -v redis-server >/dev/null; then
        mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$redis_port" --save "" --appendonly no \
            --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null 2>&1 \
        || redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no >/dev/null
    fi
    wait_for redis_up || { echo "ERROR: Redis could not be started on 127.0.0.1:$redis_port." >&2; exit 1; }
fi

echo "services: PostgreSQL and Redis are up on 127.0.0.1."
