# Mutuelle: two commands for a newcomer (see README).
#   make run    installs, migrates, loads the demo data, serves on http://127.0.0.1:8000 (SQLite, tasks in-process)
#   make test   installs, makes sure PostgreSQL and Redis are up, runs ruff, the import-cycle check, the
#               file-size check, mypy, the migration check and pytest
#   make bench  benchmarks (figures as ratios against a baseline measured in the same run)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install test services apt-deps lint bench backup restore clean messages

$(STAMP): pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# The venv is checked on every run (a .venv left without pip by a missing python3-venv is made again), then the
# stamp is looked at by a fresh make, after the check may have removed it.
install:
	@bash scripts/ensure-venv.sh "$(PYTHON)" "$(VENV)"
	@$(MAKE) --no-print-directory -s $(STAMP)

run: install
	@bash scripts/ensure-apt.sh pdf
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(PY) manage.py seed_demo --with-claims
	DEBUG=$${DEBUG:-true} STAFF_OTP_REQUIRED=$${STAFF_OTP_REQUIRED:-false} \
	PAYMENT_DEBTOR_IBAN=$${PAYMENT_DEBTOR_IBAN:-MA10007640000123456789012345} $(PY) manage.py runserver $(HOST):$(PORT)

apt-deps:
	@bash scripts/ensure-apt.sh

services:
	@bash scripts/ensure-services.sh

lint: install
	$(VENV)/bin/ruff check .
	$(PY) scripts/import_cycles.py
	$(PY) scripts/file_sizes.py
	$(VENV)/bin/mypy
	DJANGO_SETTINGS_MODULE=mutuelle.settings_test $(PY) manage.py makemigrations --check --dry-run

test: install apt-deps services lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: install services
	$(PY) -m bench $(BENCH_ARGS)
	$(PY) -m bench.load $(LOAD_ARGS)

messages: install  # refresh the ar/fr catalogues from the code, then compile them (see README, Translations)
	DEBUG=true $(PY) manage.py makemessages -l ar -l fr --add-location=file --ignore='.venv/*' --ignore='var/*' --ignore='static/vendor/*' --ignore='bench/*' --ignore='tests/*' --ignore='test-artifacts/*'
	DEBUG=true $(PY) manage.py compilemessages -l ar -l fr --ignore='.venv/*'
	-$(PY) scripts/po_status.py

backup:
	@bash scripts/backup.sh

restore:
	@bash scripts/restore.sh "$(FILE)"

clean:
	rm -rf $(VENV) var
