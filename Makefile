# The two set-up commands (DESIGN.md): `make run` and `make test`. Each makes .venv when missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SAMPLE := data/sample
DEV := DEBUG=1

.PHONY: run test test-postgres lint bench

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py import_ctgov $(SAMPLE)
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

test: $(VENV)/.installed-dev
	$(PY) -m pytest

test-postgres: $(VENV)/.installed-dev
	scripts/with-postgres.sh $(PY) -m pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(DEV) $(PY) manage.py check
	$(DEV) $(PY) manage.py makemigrations --check --dry-run

bench: $(VENV)/.installed-dev
	$(PY) bench/import_bench.py
	scripts/with-postgres.sh $(PY) bench/import_bench.py
