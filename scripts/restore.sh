#!/usr/bin/env bash
# make restore FILE=backups/<timestamp>.dump: restores a `make backup` dump.
#   - into RESTORE_DATABASE_URL's database when it is set (created when it does not exist yet): the safe way to
#     check a backup or to rebuild beside the live database;
#   - else into DATABASE_URL's database, replacing what is there (pg_restore --clean --if-exists). That asks for
#     the database name on a terminal; without a terminal it needs RESTORE_YES=1.
set -euo pipefail

die() { echo "restore: ERROR: $*" >&2; exit 1; }

file="${1:-}"
[ -n "$file" ] || die "say which dump to restore: make restore FILE=backups/<timestamp>.dump"
[ -f "$file" ] || die "no such file: $file"
command -v pg_restore >/dev/null || die "pg_restore is not installed (Debian: apt-get install postgresql-client)."
pg_restore --list "$file" >/dev/null 2>&1 || die "$file is not a pg_dump custom-format archive (made by make backup)."

target="${RESTORE_DATABASE_URL:-${DATABASE_URL:-}}"
[ -n "$target" ] || die "set DATABASE_URL (restore over it) or RESTORE_DATABASE_URL (restore into another database)."
case "$target" in
    postgres://*|postgresql://*) ;;
    *) die "the target is not a PostgreSQL URL (${target%%://*}://...): only PostgreSQL can be restored." ;;
esac

# Split the URL into the database name and the same server's maintenance database (python3: no URL parsing in bash).
read -r dbname maintenance < <(python3 - "$target" <<'PY'
import sys
from urllib.parse import unquote, urlsplit, urlunsplit
parts = urlsplit(sys.argv[1])
name = unquote(parts.path.lstrip("/"))
if not name:
    sys.exit("restore: ERROR: the URL names no database")
print(name, urlunsplit(parts._replace(path="/postgres")))
PY
)

exists="$(psql --no-password --dbname="$maintenance" -Atc \
    "SELECT 1 FROM pg_database WHERE datname = '${dbname//\'/\'\'}'")" \
    || die "cannot reach the PostgreSQL server of the target database."

if [ "$exists" != "1" ]; then
    [ -n "${RESTORE_DATABASE_URL:-}" ] || die "database $dbname does not exist."
    echo "restore: creating database $dbname"
    psql --no-password --dbname="$maintenance" -qc "CREATE DATABASE \"${dbname//\"/\"\"}\"" \
        || die "could not create database $dbname."
elif [ "${RESTORE_YES:-}" != "1" ]; then
    if [ -t 0 ]; then
        echo "restore: this REPLACES the contents of database '$dbname' with $file."
        read -r -p "Type the database name to go on: " answer
        [ "$answer" = "$dbname" ] || die "not confirmed; nothing was changed."
    else
        die "database $dbname exists and would be replaced; set RESTORE_YES=1 to confirm without a terminal."
    fi
fi

# One transaction: a restore that fails half-way leaves the database as it was.
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --single-transaction \
    --no-password --dbname="$target" "$file" \
    || die "pg_restore failed (see above); the database was left as it was."
echo "restore: $file restored into database $dbname"
