#!/usr/bin/env bash
# make install (run by make run and make test): a working virtualenv in .venv, whatever state the machine is in.
#   - .venv whose python cannot run pip (python3-venv was missing when it was made, or the system Python changed):
#     removed and made again, said in the output;
#   - Python without a working venv module (Debian ships ensurepip in the python3-venv package): as root the package
#     is installed like the other Debian packages (scripts/ensure-apt.sh), otherwise a clear error naming it;
#   - a failed creation leaves no half-made .venv behind (it would be taken for a good one next time).
# Usage: ensure-venv.sh PYTHON VENV. APT_GET overrides the apt-get command (the tests of this script use a fake one).
set -u

python="${1:-python3}"
venv="${2:-.venv}"
apt_get="${APT_GET:-apt-get}"

say() { echo "venv: $*"; }
die() { echo "venv: ERROR: $*" >&2; exit 1; }

venv_works() { [ -x "$venv/bin/python" ] && "$venv/bin/python" -m pip --version >/dev/null 2>&1; }
venv_module_works() { "$python" -c "import ensurepip, venv" >/dev/null 2>&1; }

venv_works && exit 0

if [ -e "$venv" ]; then
    say "$venv is broken (its python cannot run pip); removing it and making it again."
    rm -rf "$venv"
fi

command -v "$python" >/dev/null 2>&1 || die "$python not found. Install Python 3.11 or newer (Debian: apt-get install python3 python3-venv)."
"$python" -c "import sys; sys.exit(sys.version_info < (3, 11))" \
    || die "$python is $("$python" --version 2>&1); Mutuelle needs Python 3.11 or newer (PYTHON=python3.12 make ...)."

if ! venv_module_works; then
    if [ "$(id -u)" != 0 ]; then
        die "$python cannot create virtualenvs: the Debian package python3-venv is missing (run: sudo apt-get install python3-venv)."
    fi
    say "$python cannot create virtualenvs; installing the Debian package python3-venv."
    "$apt_get" update -qq && DEBIAN_FRONTEND=noninteractive "$apt_get" install -y -qq --no-install-recommends python3-venv >/dev/null \
        || die "apt-get could not install python3-venv."
    venv_module_works || die "python3-venv is installed but $python still cannot create virtualenvs (is $python Debian's python3?)."
fi

say "creating $venv with $python"
if ! "$python" -m venv "$venv" || ! venv_works; then
    rm -rf "$venv"
    die "could not create a working virtualenv in $venv with $python."
fi
