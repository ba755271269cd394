#!/usr/bin/env bash
# make backup: a compressed, restorable copy (pg_dump custom format) of DATABASE_URL's PostgreSQL database,
# written to backups/<UTC timestamp>.dump (BACKUP_DIR to change the folder). Restore with `make restore FILE=...`.
# The dump holds members' health data (law 09-08): it is written readable by its owner only.
set -euo pipefail

die() { echo "backup: ERROR: $*" >&2; exit 1; }

url="${DATABASE_URL:-}"
[ -n "$url" ] || die "DATABASE_URL is not set. Point it at the PostgreSQL database to back up, e.g.
  DATABASE_URL=postgres://user:password@host:5432/mutuelle make backup"
case "$url" in
    postgres://*|postgresql://*) ;;
    *) die "DATABASE_URL is not a PostgreSQL URL (${url%%://*}://...). make backup only backs up PostgreSQL; with the
  development SQLite file, stop the server and copy var/mutuelle.sqlite3 instead." ;;
esac
command -v pg_dump >/dev/null || die "pg_dump is not installed (Debian: apt-get install postgresql-client)."

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${BACKUP_DIR:-$root/backups}"
umask 077
mkdir -p "$dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
file="$dir/$stamp.dump"
[ -e "$file" ] && file="$dir/$stamp-$$.dump"
partial="$file.partial"
trap 'rm -f "$partial"' EXIT

# Custom format: compressed, and pg_restore can restore it whole or in part, into a database of any name.
pg_dump --format=custom --compress=6 --no-password --dbname="$url" --file="$partial" \
    || die "pg_dump failed (see above); no backup was written."
pg_restore --list "$partial" >/dev/null || die "the dump just written cannot be read back; no backup was kept."
mv "$partial" "$file"
trap - EXIT
echo "backup: wrote $file ($(du -h "$file" | cut -f1))"
