"""The setup scripts behind `make run` and `make test`, branch by branch, against fake system commands.

Each test runs the real script with a PATH holding only a few real tools and fakes of python, apt-get, psql,
pg_ctlcluster, redis-cli…, whose state lives in files of the test's own folder: no real package is installed and no
real service is touched.
"""

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ["bash", "cat", "cp", "grep", "ls", "mkdir", "rm", "sed", "seq", "sleep", "touch", "chmod", "dirname"]
TRUST_LINE = "host all postgres 127.0.0.1/32 trust"


class Machine:
    """A fake machine: `bin/` is the whole PATH, `state/` holds what the fakes did."""

    def __init__(self, base: Path, *, root: bool = True) -> None:
        self.base, self.bin, self.state = base, base / "bin", base / "state"
        self.bin.mkdir()
        self.state.mkdir()
        for tool in TOOLS:
            os.symlink(shutil.which(tool), self.bin / tool)
        self.fake("id", f'echo {0 if root else 1000}')
        self.fake("apt-get", 'echo "$*" >> "$STATE/apt-get.log"; for p in "$@"; do touch "$STATE/installed-$p"; done')

    def fake(self, name: str, body: str) -> Path:
        path = self.bin / name
        path.write_text(f"#!{shutil.which('bash')}\n{body}\n")
        path.chmod(0o755)
        return path

    def has(self, name: str) -> bool:
        return (self.state / name).exists()

    def run(self, script: str, *args: str, **env: str) -> subprocess.CompletedProcess:
        environment = {"PATH": str(self.bin), "STATE": str(self.state), "APT_GET": str(self.bin / "apt-get"),
                       "SERVICES_WAIT": "2", **env}
        return subprocess.run([shutil.which("bash"), str(ROOT / "scripts" / script), *args], env=environment,
                              capture_output=True, text=True, timeout=60, cwd=self.base)


# ---------------------------------------------------------------- scripts/ensure-venv.sh

WORKING_VENV_PYTHON = 'case "$*" in "-m pip --version") echo "pip 24";; *) exit 0;; esac'


@pytest.fixture
def venv_machine(tmp_path) -> Machine:
    machine = Machine(tmp_path)
    machine.bin.joinpath("venv-python").write_text(f"#!{shutil.which('bash')}\n{WORKING_VENV_PYTHON}\n")
    machine.bin.joinpath("venv-python").chmod(0o755)
    # python3 without python3-venv until apt-get has "installed" it; creating a venv may be made to fail.
    machine.fake("python3", """case "$*" in
  "-c import sys; sys.exit(sys.version_info < (3, 11))") exit 0;;
  "-c import ensurepip, venv") [ -e "$STATE/installed-python3-venv" ] || [ -e "$STATE/has-venv" ];;
  "-m venv "*) mkdir -p "$3/bin"; cp "$(dirname "$0")/venv-python" "$3/bin/python"; echo "$3" >> "$STATE/created"
               [ ! -e "$STATE/venv-creation-fails" ];;
  *) exit 0;;
esac""")
    return machine


def test_a_good_venv_is_left_as_it_is(venv_machine):
    venv_machine.state.joinpath("has-venv").touch()
    assert venv_machine.run("ensure-venv.sh", str(venv_machine.bin / "python3"), ".venv").returncode == 0
    assert venv_machine.has("created")
    result = venv_machine.run("ensure-venv.sh", str(venv_machine.bin / "python3"), ".venv")
    assert result.returncode == 0 and result.stdout == ""
    assert venv_machine.state.joinpath("created").read_text().count(".venv") == 1


def test_a_venv_left_without_pip_is_removed_and_made_again(venv_machine):
    venv_machine.state.joinpath("has-venv").touch()
    broken = venv_machine.base / ".venv" / "bin"
    broken.mkdir(parents=True)
    broken.joinpath("python").write_text("#!/bin/sh\necho 'No module named pip' >&2; exit 1\n")
    broken.joinpath("python").chmod(0o755)
    broken.joinpath("leftover").touch()
    result = venv_machine.run("ensure-venv.sh", str(venv_machine.bin / "python3"), ".venv")
    assert result.returncode == 0, result.stderr
    assert ".venv is broken" in result.stdout and "making it again" in result.stdout
    assert not broken.joinpath("leftover").exists()
    assert "pip" in subprocess.run([broken / "python", "-m", "pip", "--version"], capture_output=True,
                                   text=True).stdout


def test_as_root_a_missing_python3_venv_is_installed_with_apt_get(venv_machine):
    result = venv_machine.run("ensure-venv.sh", str(venv_machine.bin / "python3"), ".venv")
    assert result.returncode == 0, result.stderr
    assert "installing the Debian package python3-venv" in result.stdout
    apt_log = venv_machine.state.joinpath("apt-get.log").read_text()
    assert "install -y -qq --no-install-recommends python3-venv" in apt_log
    assert (venv_machine.base / ".venv" / "bin" / "python").exists()


def test_without_root_a_missing_python3_venv_is_named_and_nothing_is_left_behind(tmp_path):
    machine = Machine(tmp_path, root=False)
    machine.fake("python3", 'case "$*" in "-c import ensurepip, venv") exit 1;; *) exit 0;; esac')
    result = machine.run("ensure-venv.sh", str(machine.bin / "python3"), ".venv")
    assert result.returncode == 1
    assert "sudo apt-get install python3-venv" in result.stderr
    assert not machine.has("apt-get.log") and not (tmp_path / ".venv").exists()


def test_a_failed_creation_leaves_no_half_made_venv(venv_machine):
    venv_machine.state.joinpath("has-venv").touch()
    venv_machine.state.joinpath("venv-creation-fails").touch()
    result = venv_machine.run("ensure-venv.sh", str(venv_machine.bin / "python3"), ".venv")
    assert result.returncode == 1 and "could not create a working virtualenv" in result.stderr
    assert not (venv_machine.base / ".venv").exists()


def test_a_python_older_than_3_11_is_refused_by_name(tmp_path):
    machine = Machine(tmp_path)
    machine.fake("python3", 'case "$*" in "--version") echo "Python 3.9.2";; "-c import sys"*) exit 1;; *) exit 0;; '
                            'esac')
    result = machine.run("ensure-venv.sh", str(machine.bin / "python3"), ".venv")
    assert result.returncode == 1 and "Python 3.9.2" in result.stderr and "3.11 or newer" in result.stderr


# ---------------------------------------------------------------- scripts/ensure-services.sh

def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def services_machine(tmp_path) -> Machine:
    """A Debian PostgreSQL 15 cluster, stopped, whose pg_hba.conf asks for a password over TCP; Redis answering."""
    machine = Machine(tmp_path)
    hba = tmp_path / "etc" / "15" / "main" / "pg_hba.conf"
    hba.parent.mkdir(parents=True)
    hba.write_text("local all postgres peer\nhost all all 127.0.0.1/32 scram-sha-256\n")
    machine.fake("pg_isready", '[ -e "$STATE/pg-running" ]')
    machine.fake("pg_ctlcluster", 'echo "$*" >> "$STATE/pg_ctlcluster.log"\ncase "$3 $4" in\n'
                                  '"main start") [ ! -e "$STATE/pg-running" ] && touch "$STATE/pg-running";;\n'
                                  '"main reload") cp "$PG_ETC/15/main/pg_hba.conf" "$STATE/loaded-hba";;\nesac')
    # psql logs in when the loaded pg_hba.conf trusts postgres on 127.0.0.1 (or the fake server has that password).
    machine.fake("psql", f'[ -e "$STATE/pg-running" ] && {{ grep -q "^{TRUST_LINE}" "$STATE/loaded-hba" 2>/dev/null'
                         ' || [[ "$*" == *postgres://tester:secret@* ]]; }')
    machine.fake("redis-cli", "echo PONG")
    return machine


def _services(machine: Machine, **env: str) -> subprocess.CompletedProcess:
    return machine.run("ensure-services.sh", PG_PORT=str(_closed_port()), PG_ETC=str(machine.base / "etc"), **env)


def test_a_cluster_it_starts_gets_a_trust_rule_for_the_test_login_and_says_so(services_machine):
    result = _services(services_machine)
    assert result.returncode == 0, result.stderr
    hba = services_machine.base / "etc" / "15" / "main" / "pg_hba.conf"
    lines = hba.read_text().splitlines()
    assert lines[1:3] == [TRUST_LINE, "host all postgres ::1/128 trust"]  # above the scram rule: first match wins
    assert "host all all 127.0.0.1/32 scram-sha-256" in lines
    assert f"added a trust rule for user postgres from 127.0.0.1 and ::1 at the top of {hba}" in result.stdout
    assert "15 main reload" in services_machine.state.joinpath("pg_ctlcluster.log").read_text()
    assert "services: PostgreSQL and Redis are up" in result.stdout

    again = _services(services_machine)
    assert again.returncode == 0 and "trust rule" not in again.stdout
    assert hba.read_text().count(TRUST_LINE) == 1


def test_a_cluster_it_did_not_start_is_never_changed_and_the_fix_is_printed(services_machine):
    services_machine.state.joinpath("pg-running").touch()
    hba = services_machine.base / "etc" / "15" / "main" / "pg_hba.conf"
    before = hba.read_text()
    result = _services(services_machine)
    assert result.returncode == 1
    assert "cannot log in without a password" in result.stderr
    assert TRUST_LINE in result.stderr and "DATABASE_URL=postgres://user:password@" in result.stderr
    assert hba.read_text() == before


def test_a_role_with_a_password_in_database_url_is_the_test_login(services_machine):
    services_machine.state.joinpath("pg-running").touch()
    result = _services(services_machine, DATABASE_URL="postgres://tester:secret@127.0.0.1:5432/mutuelle")
    assert result.returncode == 0, result.stderr
    assert "trust" not in result.stdout


def test_as_root_a_missing_postgresql_is_installed_then_started(services_machine):
    pg_ctlcluster = services_machine.bin / "pg_ctlcluster"
    pg_ctlcluster.rename(services_machine.base / "pg_ctlcluster")
    package = services_machine.base / "pg_ctlcluster"
    services_machine.fake("apt-get", f'echo "$*" >> "$STATE/apt-get.log"; [ "$1" = install ] && '
                                     f'cp "{package}" "$(dirname "$0")/pg_ctlcluster"; true')
    result = _services(services_machine)
    assert result.returncode == 0, result.stderr
    assert "Installing the Debian package postgresql" in result.stdout
    assert "install -y -qq postgresql" in services_machine.state.joinpath("apt-get.log").read_text()
    assert services_machine.has("pg-running")


def test_postgresql_that_cannot_be_had_is_a_clear_error(tmp_path):
    machine = Machine(tmp_path, root=False)
    machine.fake("pg_isready", "exit 1")
    machine.fake("redis-cli", "echo PONG")
    result = machine.run("ensure-services.sh", PG_PORT=str(_closed_port()), PG_ETC=str(tmp_path / "none"))
    assert result.returncode == 1 and "PostgreSQL could not be started" in result.stderr
    assert not machine.has("apt-get.log")  # not root: nothing installed
