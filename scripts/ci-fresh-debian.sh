#!/usr/bin/env bash
# Setup from zero, proven: a fresh Debian 12 (bookworm) chroot with only python3, make and git, the repository
# cloned into it, then `make test` (or the target given) run inside as root. Run as root on a Debian host:
#   bash scripts/ci-fresh-debian.sh [target ...]        (default target: test; e.g. `install services lint`)
# The chroot shares the host's network, so PostgreSQL and Redis of the host on 5432/6379 would answer instead of
# the chroot's own: with ISOLATE=1 (the default) the packages are installed first with the network, then the
# target runs in a network namespace of its own (loopback only, pip and apt already done).
# CHROOT (default /tmp/mutuelle-fresh-debian) is reused when it exists; KEEP=1 leaves it mounted.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
chroot_dir="${CHROOT:-/tmp/mutuelle-fresh-debian}"
targets=("${@:-test}")
[ "$(id -u)" = 0 ] || { echo "ci-fresh-debian: run as root (debootstrap, chroot)." >&2; exit 1; }
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null

if [ ! -x "$chroot_dir/usr/bin/apt-get" ]; then
    echo "### debootstrap --variant=minbase bookworm $chroot_dir"
    debootstrap --variant=minbase bookworm "$chroot_dir" http://deb.debian.org/debian >/dev/null
fi
cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf"
[ -f /etc/ssl/certs/ca-certificates.crt ] && mkdir -p "$chroot_dir/etc/ssl/certs" \
    && cp /etc/ssl/certs/ca-certificates.crt "$chroot_dir/etc/ssl/certs/ca-certificates.crt"  # an egress proxy's CA
for fs in proc dev dev/pts; do mountpoint -q "$chroot_dir/$fs" || mount --bind "/$fs" "$chroot_dir/$fs"; done
cleanup() { [ "${KEEP:-}" = 1 ] || for fs in dev/pts dev proc; do umount "$chroot_dir/$fs" 2>/dev/null || true; done; }
trap cleanup EXIT

inside() { chroot "$chroot_dir" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 bash -c "$1"; }

echo "### only python3, make and git"
inside "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 make git ca-certificates >/dev/null"
if [ -d "$chroot_dir/repo/.git" ]; then  # a reused chroot: the repository's current commit, its .venv kept
    git -C "$chroot_dir/repo" fetch -q "$root" HEAD && git -C "$chroot_dir/repo" reset -q --hard FETCH_HEAD
else
    git clone -q "$root" "$chroot_dir/repo"
fi

if [ "${ISOLATE:-1}" = 1 ]; then
    echo "### with the network: make install apt-deps, and the services' packages"
    # Packages must not start their services here, in the host's network (policy-rc.d), and the cluster takes
    # 5432 as on a fresh machine (pg_createcluster picks 5433 when it sees the host's 5432 taken).
    inside "printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d"
    inside "cd /repo && make install apt-deps && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >/dev/null"
    inside "for c in /etc/postgresql/*/main; do sed -i 's/^port = .*/port = 5432/' \$c/postgresql.conf; done; rm /usr/sbin/policy-rc.d"
    echo "### make ${targets[*]} in a network namespace of its own"
    unshare --net bash -c "ip link set lo up && chroot '$chroot_dir' /usr/bin/env -i HOME=/root \
        PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 bash -c 'cd /repo && make ${targets[*]}'"
else
    echo "### make ${targets[*]}"
    inside "cd /repo && make ${targets[*]}"
fi
