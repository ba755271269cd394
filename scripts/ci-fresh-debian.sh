#!/usr/bin/env bash
# Setup from zero, proven: a fresh Debian 12 (bookworm) chroot with only python3 and make (plus the CA
# certificates), the repository cloned into it at one commit, then `make test` (or the targets given) run inside
# as root. Everything else (the venv, the Python packages from PyPI, Chromium, PostgreSQL, Redis, fonts...) is
# installed by `make` itself, as on a newcomer's machine. Run as root on a Debian host:
#   bash scripts/ci-fresh-debian.sh [target ...]        (default target: test; e.g. `install services lint`)
# The chroot runs in a network namespace of its own (NETNS, default mutuelle-ci): its PostgreSQL and Redis listen on
# the namespace's own 127.0.0.1:5432/6379 and never meet the host's. A veth pair and a NAT rule (iptables
# MASQUERADE, IPv4 forwarding on for the run) give it the way out to the Debian mirror and PyPI; all of it, and the
# processes left in the namespace, are removed at the end. The host's CA bundle is trusted inside (an egress proxy's
# CA on a CI machine), for apt and pip.
#   REPO (default this repository) and REF (default HEAD): what is cloned. CHROOT (default /tmp/mutuelle-fresh-debian)
#   is reused when it exists (its .venv kept: FRESH=1 removes it first); KEEP=1 leaves it mounted. CI_NET (default
#   10.231.0) is the /30 of the veth pair.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
repo="${REPO:-$root}"
ref="${REF:-HEAD}"
chroot_dir="${CHROOT:-/tmp/mutuelle-fresh-debian}"
ns="${NETNS:-mutuelle-ci}"
net="${CI_NET:-10.231.0}"
veth_host="${ns:0:8}-h" veth_ns="${ns:0:8}-n"
targets=("${@:-test}")
[ "$(id -u)" = 0 ] || { echo "ci-fresh-debian: run as root (debootstrap, chroot, network namespace)." >&2; exit 1; }
host_pkgs=()
command -v debootstrap >/dev/null || host_pkgs+=(debootstrap)
command -v iptables >/dev/null || host_pkgs+=(iptables)
[ ${#host_pkgs[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${host_pkgs[@]}" >/dev/null

if [ "${FRESH:-}" = 1 ]; then rm -rf "$chroot_dir/repo"; fi
if [ ! -x "$chroot_dir/usr/bin/apt-get" ]; then
    echo "### debootstrap --variant=minbase bookworm $chroot_dir"
    debootstrap --variant=minbase bookworm "$chroot_dir" http://deb.debian.org/debian >/dev/null
fi

# The resolver: the host's, unless it is a local stub (systemd-resolved), which the namespace cannot reach.
resolv=/etc/resolv.conf
grep -q '^nameserver 127\.' "$resolv" && [ -f /run/systemd/resolve/resolv.conf ] && resolv=/run/systemd/resolve/resolv.conf
cp "$resolv" "$chroot_dir/etc/resolv.conf"
# The host's CA bundle, kept by update-ca-certificates inside (a local CA) and named to pip.
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    mkdir -p "$chroot_dir/usr/local/share/ca-certificates" "$chroot_dir/etc/ssl/certs"
    cp /etc/ssl/certs/ca-certificates.crt "$chroot_dir/usr/local/share/ca-certificates/host-bundle.crt"
    cp /etc/ssl/certs/ca-certificates.crt "$chroot_dir/etc/ssl/certs/ca-certificates.crt"
    printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' > "$chroot_dir/etc/pip.conf"
fi

# The network namespace: veth pair, default route through the host, NAT out.
fwd_was="$(cat /proc/sys/net/ipv4/ip_forward)"
nat_rule=(POSTROUTING -t nat -s "$net.0/30" ! -o "$veth_host" -j MASQUERADE)
cleanup() {
    set +e
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null; done  # the chroot's PostgreSQL, Redis...
    sleep 2
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    if [ "${KEEP:-}" != 1 ]; then
        for fs in dev/shm dev/pts dev sys proc; do mountpoint -q "$chroot_dir/$fs" && umount -l "$chroot_dir/$fs"; done
    fi
    iptables -D "${nat_rule[@]}" 2>/dev/null
    iptables -D FORWARD -i "$veth_host" -j ACCEPT 2>/dev/null
    iptables -D FORWARD -o "$veth_host" -j ACCEPT 2>/dev/null
    ip netns del "$ns" 2>/dev/null
    ip link del "$veth_host" 2>/dev/null
    echo "$fwd_was" > /proc/sys/net/ipv4/ip_forward
}
trap cleanup EXIT
ip netns del "$ns" 2>/dev/null || true
ip link del "$veth_host" 2>/dev/null || true
ip netns add "$ns"
ip link add "$veth_host" type veth peer name "$veth_ns"
ip link set "$veth_ns" netns "$ns"
ip addr add "$net.1/30" dev "$veth_host" && ip link set "$veth_host" up
ip netns exec "$ns" ip addr add "$net.2/30" dev "$veth_ns"
ip netns exec "$ns" ip link set "$veth_ns" up
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" ip route add default via "$net.1"
echo 1 > /proc/sys/net/ipv4/ip_forward
iptables -A "${nat_rule[@]}"
iptables -I FORWARD -i "$veth_host" -j ACCEPT
iptables -I FORWARD -o "$veth_host" -j ACCEPT

mountpoint -q "$chroot_dir/proc" || mount -t proc proc "$chroot_dir/proc"
mountpoint -q "$chroot_dir/sys" || mount -t sysfs sysfs "$chroot_dir/sys"
mountpoint -q "$chroot_dir/dev" || mount --bind /dev "$chroot_dir/dev"
mountpoint -q "$chroot_dir/dev/pts" || mount --bind /dev/pts "$chroot_dir/dev/pts"
mountpoint -q "$chroot_dir/dev/shm" || mount -t tmpfs -o size=1g shm "$chroot_dir/dev/shm"  # Chromium's memory

inside() {
    ip netns exec "$ns" chroot "$chroot_dir" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 bash -c "$1"
}

echo "### only python3 and make (and the CA certificates)"
inside "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    python3 make ca-certificates >/dev/null && update-ca-certificates >/dev/null"
# REF as the full commit id (a short id cannot be fetched); a ref that cannot be had stops the run, never tests
# whatever commit a reused chroot held before.
commit=$(git -C "$repo" rev-parse --verify "$ref^{commit}") || { echo "ci-fresh-debian: no commit $ref in $repo" >&2; exit 1; }
[ -d "$chroot_dir/repo/.git" ] || git clone -q "$repo" "$chroot_dir/repo"  # a reused chroot keeps its .venv
git -C "$chroot_dir/repo" fetch -q "$repo" "$commit" && git -C "$chroot_dir/repo" reset -q --hard "$commit" \
    || { echo "ci-fresh-debian: could not check out $commit" >&2; exit 1; }
echo "### commit $(git -C "$chroot_dir/repo" log -1 --format='%h %s' | cut -c1-100)"
inside "command -v psql redis-server chromium pg_ctlcluster >/dev/null && echo 'note: service packages already in this reused chroot' || true"
echo "### make ${targets[*]}   (network namespace $ns, $(ip netns exec "$ns" ip -4 -br addr show "$veth_ns" | awk '{print $3}'))"
start=$(date +%s)
inside "cd /repo && make ${targets[*]}"
echo "### make ${targets[*]} passed in a fresh Debian chroot in $(( ($(date +%s) - start) / 60 )) min"
