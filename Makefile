# FairTradeWorker: `make run` serves the site, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
# Links in emails and redirects point at the site being served (core.links).
SITE_URL ?= http://127.0.0.1:$(PORT)
export SITE_URL

.PHONY: run test install install-dev lint bandit migrations-check pytest deploy-check worker clean loadtest stress

# Installs go through uv (pinned, from PyPI, into the same .venv): it resolves and downloads
# in parallel, so a fresh clone's first `make run` answers in well under 90 s instead of ~5
# minutes of pip. pip is the fallback if uv cannot be installed.
UV_VERSION := 0.13.8
UV := $(VENV)/bin/uv
INSTALL = $(UV) pip install --quiet --python $(PY)

$(UV):
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check uv==$(UV_VERSION) || true

$(VENV)/.installed: requirements.txt | $(UV)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	if [ -x $(UV) ]; then $(INSTALL) -r requirements.txt; else $(PIP) install --quiet --disable-pip-version-check -r requirements.txt; fi
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	if [ -x $(UV) ]; then $(INSTALL) -r requirements-dev.txt; else $(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt; fi
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The demo data loads while the server starts (SQLite in WAL mode takes both at once), so
# the first page answers as soon as the migrations are in.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo & $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install-dev
	$(VENV)/bin/ruff check .

# Static security checks of the shipped code (config: [tool.bandit] in pyproject.toml).
bandit: install-dev
	$(VENV)/bin/bandit -q -c pyproject.toml -r .

migrations-check: install-dev
	DJANGO_SETTINGS_MODULE=fairtrade.settings.test $(PY) manage.py makemigrations --check --dry-run

pytest: install-dev
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test: lint bandit migrations-check pytest

deploy-check:
	bash deploy/check.sh

# Load tests (never part of `make test`): start the production-like stack, seed 100,000 jobs
# if missing, run Locust, write loadtest/reports/<timestamp>-<mode>/summary.md (README, Performance).
USERS ?= 500
DURATION ?= 5m
STRESS_USERS ?= 2000
# Conditions of the run, written into the report (e.g. NOTE="idle machine").
NOTE ?=
loadtest: install-dev
	$(PY) loadtest/run.py loadtest --users $(USERS) --duration $(DURATION) --note "$(NOTE)"

stress: install-dev
	$(PY) loadtest/run.py stress --users $(STRESS_USERS) --note "$(NOTE)"

worker: install
	$(VENV)/bin/celery -A fairtrade worker --loglevel=INFO

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
