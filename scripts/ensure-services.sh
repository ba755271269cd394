#!/usr/bin/env bash
# Makes sure the test suite's real services answer on 127.0.0.1: PostgreSQL :5432 and Redis :6379.
# Starts them when they are installed but stopped; fails with a clear message when one cannot be had.
set -u

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

wait_for() {  # name, check function
    for _ in $(seq 1 30); do "$2" && return 0; sleep 1; done
    return 1
}

if ! pg_up; then
    echo "PostgreSQL is not answering on 127.0.0.1:5432; starting it..."
    if ! command -v pg_ctlcluster >/dev/null && [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    if command -v pg_ctlcluster >/dev/null; then
        for version in $(ls /etc/postgresql 2>/dev/null); do
            pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
        done
    fi
    wait_for PostgreSQL pg_up || {
        echo "ERROR: PostgreSQL could not be started on 127.0.0.1:5432 (trust auth for user postgres needed)." >&2
        exit 1
    }
fi

if ! redis_up; then
    echo "Redis is not answering on 127.0.0.1:6379; starting it..."
    if ! command -v redis-server >/dev/null && [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    fi
    if command -v redis-server >/dev/null; then
        mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
            --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null 2>&1 \
        || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    fi
    wait_for Redis redis_up || { echo "ERROR: Redis could not be started on 127.0.0.1:6379." >&2; exit 1; }
fi

psql -h 127.0.0.1 -U postgres -Atc "select 1" postgres >/dev/null 2>&1 || {
    echo "ERROR: PostgreSQL answers but user postgres cannot log in over TCP without a password (trust auth)." >&2
    exit 1
}
echo "services: PostgreSQL and Redis are up on 127.0.0.1."
