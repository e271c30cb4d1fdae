# Store Steward — two commands: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: demo test venv system-deps lint typecheck migrations-check pytest pytest-postgres lock bench clean

## Set up and start the product on SQLite with the demo data set.
demo: venv system-deps
	$(PY) manage.py migrate --noinput
	$(VENV)/bin/steward demo load
	@scripts/demo.sh

## Set up and run every check.
test: venv system-deps lint typecheck migrations-check pytest pytest-postgres

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

venv: $(STAMP)

## System packages the product needs (a CJK font for PDFs, Chromium for browser tests).
system-deps:
	@scripts/system-deps.sh

lint: venv
	$(PY) -m ruff check steward tests bench
	$(PY) -m ruff format --check steward tests bench

typecheck: venv
	$(PY) -m mypy steward

migrations-check: venv
	$(PY) manage.py makemigrations --check --dry-run

# pytest exits 5 when it collects no tests; make treats every non-zero exit as a failure.
pytest: venv
	$(PY) -m pytest

pytest-postgres: venv
	@if [ "$${CI:-}" = "true" ]; then \
		scripts/ensure-postgres.sh && \
		DATABASE_URL=$(PG_URL) $(PY) -m pytest; \
	else \
		echo "pytest on PostgreSQL runs when CI=true (make pytest-postgres CI=true to run it here)"; \
	fi

## Re-pin every dependency from pyproject.toml into requirements.lock.
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
	.lockenv/bin/pip freeze --exclude-editable | grep -v '^store-steward' > requirements.lock
	rm -rf .lockenv

## Benchmarks (not part of make test; figures go to docs/performance.md).
bench: venv
	$(PY) -m pytest bench/importing -p no:cacheprovider --benchmark-only -o testpaths=bench
	/usr/bin/time -v $(PY) -m bench.signals.run --repeat 3
	STEWARD_VAR_DIR=/tmp/steward-sigbench $(PY) -m bench.signals.daily_db --shops 1000 --campaigns 100 --sinking 10

clean:
	rm -rf $(VENV) var/test.sqlite3
