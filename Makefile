# The two set-up commands (docs/contract.md): `make run` and `make test`. Each makes .venv when missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SAMPLE := data/sample
DEV := DEBUG=1

.PHONY: run serve test test-postgres lint bench system-deps messages

# Debian packages the tests need: chromium for the browser tests (never a downloaded browser:
# no `playwright install`), gettext's msgfmt for translations, redis-server for the shared-cache test.
# Installed only when missing.
SYSTEM_PACKAGES := chromium gettext redis-server

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.installed

system-deps:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/msgfmt ] && [ -x /usr/bin/redis-server ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	echo "Installing $(SYSTEM_PACKAGES) with apt-get"; \
	$$SUDO apt-get update && \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(SYSTEM_PACKAGES)

run: $(VENV)/.installed
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py import_ctgov $(SAMPLE)
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

# Production: DEBUG off, gunicorn with gunicorn.conf.py (workers from the CPU count, JSON access log on stdout),
# static files collected with content hashes and served by whitenoise with far-future cache headers.
# Needs SECRET_KEY and ALLOWED_HOSTS (and DATABASE_URL for PostgreSQL); see docs/deploy.md.
serve: $(VENV)/.installed
	@test -n "$$SECRET_KEY" || { echo 'make serve: set SECRET_KEY (e.g. python3 -c "import secrets; print(secrets.token_urlsafe(50))") and ALLOWED_HOSTS' >&2; exit 2; }
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/gunicorn --config gunicorn.conf.py

# Tests run in one worker per core (pytest-xdist); each worker has its own test database.
test: $(VENV)/.installed-dev system-deps
	$(PY) -m pytest --numprocesses=auto

test-postgres: $(VENV)/.installed-dev system-deps
	scripts/with-postgres.sh $(PY) -m pytest --numprocesses=auto

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(DEV) $(PY) manage.py check
	$(DEV) $(PY) manage.py makemigrations --check --dry-run

bench: $(VENV)/.installed-dev
	$(PY) bench/import_bench.py
	scripts/with-postgres.sh $(PY) bench/import_bench.py
	$(PY) bench/load_bench.py

# After changing interface text: collect it into the zh_Hans catalogue, translate the new entries, then compile.
messages: $(VENV)/.installed-dev system-deps
	$(DEV) $(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench
	msgfmt --check -o locale/zh_Hans/LC_MESSAGES/django.mo locale/zh_Hans/LC_MESSAGES/django.po
