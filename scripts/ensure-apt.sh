#!/usr/bin/env bash
# Debian packages the test suite needs: the system Chromium for the browser tests (never a downloaded
# browser), fonts and Pango for the PDFs (WeasyPrint), poppler-utils to read them back (pdftotext), the
# PostgreSQL client tools for backup/restore, gettext for catalogues.
# `ensure-apt.sh pdf` (make run): only what the PDFs need; without root it warns instead of failing, since the
# demo serves every page but the PDF downloads without them.
set -eu
mode=${1:-all}
need=()
if [ "$mode" != pdf ]; then
    command -v chromium >/dev/null || need+=(chromium)
    command -v pg_dump >/dev/null || need+=(postgresql-client)
    command -v redis-cli >/dev/null || need+=(redis-tools)
    command -v msgfmt >/dev/null || need+=(gettext)
fi
[ -f /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf ] || need+=(fonts-noto-core)
# PDFs (mutuelle/pdf.py): WeasyPrint lays them out with Pango/HarfBuzz; the PDF test reads them with pdftotext.
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || need+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b)
[ "$mode" = pdf ] || command -v pdftotext >/dev/null || need+=(poppler-utils)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ] && [ "$mode" = pdf ]; then
    echo "WARNING: PDFs (attestation, receipts) need Debian packages: ${need[*]} (run: sudo apt-get install ${need[*]})" >&2
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "ERROR: missing Debian packages: ${need[*]} (run: sudo apt-get install ${need[*]})" >&2
    exit 1
fi
echo "Installing Debian packages: ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
