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

.PHONY: run test install install-dev lint migrations-check pytest deploy-check worker clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install-dev
	$(VENV)/bin/ruff check .

migrations-check: install-dev
	DJANGO_SETTINGS_MODULE=fairtrade.settings.test $(PY) manage.py makemigrations --check --dry-run

pytest: install-dev
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test: lint migrations-check pytest

deploy-check:
	bash deploy/check.sh

worker: install
	$(VENV)/bin/celery -A fairtrade worker --loglevel=INFO

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
