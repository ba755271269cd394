#!/usr/bin/env bash
# Debian packages the test suite needs: the system Chromium for the browser tests (never a downloaded
# browser), fonts for Arabic PDFs, the PostgreSQL client tools for backup/restore, gettext for catalogues.
set -eu
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v pg_dump >/dev/null || need+=(postgresql-client)
command -v redis-cli >/dev/null || need+=(redis-tools)
command -v msgfmt >/dev/null || need+=(gettext)
[ -f /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf ] || need+=(fonts-noto-core)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
    echo "ERROR: missing Debian packages: ${need[*]} (run: sudo apt-get install ${need[*]})" >&2
    exit 1
fi
echo "Installing Debian packages: ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
