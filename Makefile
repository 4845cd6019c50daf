# Pathways: everyday commands. `make run` serves the demo, `make test` runs the test suite.
#
# Everything runs inside .venv, created with python3 -m venv. The project is (re)installed into it
# only when pyproject.toml changes, tracked by the stamp file .venv/.installed.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
RUFF := $(VENV)/bin/ruff
LINT_IMPORTS := $(VENV)/bin/lint-imports
PYTEST := $(VENV)/bin/pytest
STAMP := $(VENV)/.installed
MANAGE := $(PY) manage.py

HOST ?= 127.0.0.1
PORT ?= 8000
# Extra arguments for pytest, e.g. make test PYTEST_ARGS="-k enrolment -x"
PYTEST_ARGS ?=
TEST_SETTINGS ?= demo_site.settings.test
SCREENSHOTS ?= docs/screenshots
NODE_STAMP := node_modules/.installed

# System packages the tests need: Chromium for the browser tests, fonts and WeasyPrint's libraries
# for certificate PDFs, pdftotext to read them back, gettext for compilemessages; and npm (checked
# by command, as Node may come from elsewhere) to install axe-core for the accessibility tests and
# the reference credential verifier.
APT_PACKAGES := chromium fonts-noto-core fonts-noto-cjk fonts-dejavu-core poppler-utils gettext zbar-tools \
	libpango-1.0-0 libpangoft2-1.0-0

.PHONY: help install run test system-deps node-deps compilemessages messages lint format \
	migrations-check worker scheduler bench screenshots clean distclean serve

help:
	@echo "make run               install, migrate, seed demo data, serve http://$(HOST):$(PORT)"
	@echo "make serve             the production profile on this machine: gunicorn, DEBUG off"
	@echo "make test              run the test suite (PYTEST_ARGS=\"-k foo\" to pass options)"
	@echo "make lint              ruff check, ruff format --check and the import contracts"
	@echo "make format            apply ruff fixes and formatting"
	@echo "make migrations-check  fail if a model change has no migration"
	@echo "make messages          update the translation catalogues (then: make compilemessages)"
	@echo "make worker            run the background task worker for TASKS_BACKEND (PROFILE=serve: make serve's)"
	@echo "make scheduler         queue the periodic tasks when due (retention purge, notices due by time)"
	@echo "make bench             run the benchmarks in bench/ (certificates, queries, employer API)"
	@echo "make screenshots       phone-width screenshots of the main pages into $(SCREENSHOTS)"
	@echo "make clean             remove caches and build output (distclean: also .venv and db)"

# --- environment ---------------------------------------------------------------------------------

# Debian's python3 has no venv module until python3-venv is installed; add it when we can.
$(PY):
	@$(PYTHON) -m venv $(VENV) || { \
		rm -rf $(VENV); \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "python3 -m venv failed; installing python3-venv"; \
			pyver=$$($(PYTHON) -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")'); \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get update -qq && { apt-get install -y -qq python$$pyver-venv \
				|| apt-get install -y -qq python3-venv; } \
			&& $(PYTHON) -m venv $(VENV); \
		else \
			echo "python3 -m venv failed: install your distribution's python3-venv package" >&2; \
			false; \
		fi; \
	}

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# axe-core for the accessibility tests and Digital Bazaar's reference verifier for the credential
# tests, at the versions package-lock.json pins; again when the lock changes. Without npm (or the
# registry) it warns, and those tests are skipped saying why.
$(NODE_STAMP): package.json package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "WARNING: npm is missing: the accessibility (axe) and reference verifier tests will be skipped" >&2; \
	elif npm ci --no-audit --no-fund; then \
		touch $@; \
	else \
		echo "WARNING: npm ci failed: the accessibility (axe) and reference verifier tests will be skipped" >&2; \
	fi

node-deps: $(NODE_STAMP)

# Installs what is missing, only as root on a system with apt-get; otherwise just warns, so the
# tests that need these packages can say what they lack.
system-deps:
	@missing=""; \
	if ! command -v chromium >/dev/null 2>&1; then missing="chromium"; fi; \
	if ! command -v npm >/dev/null 2>&1; then missing="$$missing npm"; fi; \
	for pkg in $(filter-out chromium,$(APT_PACKAGES)); do \
		if ! dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q "install ok installed"; then \
			missing="$$missing $$pkg"; \
		fi; \
	done; \
	missing="$${missing# }"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing system packages: $$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		{ apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; } \
			|| echo "WARNING: could not install $$missing; some tests may fail or be skipped" >&2; \
	else \
		echo "WARNING: missing system packages ($$missing); install them as root with apt-get" >&2; \
	fi

# Compiles the catalogues (each app's <app>/locale/ and the project's locale/) into the .mo files
# Django reads; .venv, node_modules and setuptools' build/ are never walked. The .mo files are
# committed, so without GNU gettext this only warns.
compilemessages: $(STAMP)
	@if ! command -v msgfmt >/dev/null 2>&1; then \
		echo "WARNING: msgfmt (GNU gettext) is missing: translations not recompiled" >&2; \
	elif [ -n "$$(find . -path ./$(VENV) -prune -o -path ./node_modules -prune -o \
			-path ./build -prune -o -type d -name locale -print -quit)" ]; then \
		$(MANAGE) compilemessages --ignore '$(VENV)' --ignore node_modules --ignore build; \
	fi

# Updates the catalogues from the code after strings change: each app's own, and the project's
# for frontend_templates/. Then translate what is new or fuzzy and run make compilemessages.
LOCALES ?= es
LOCALE_APPS := lms/core lms/accounts lms/safety lms/security lms/notices lms/privacy courses cohorts mentoring \
	certificates/issuance certificates/credentials certificates/employers certificates/sharing api
messages: $(STAMP)
	@for dir in $(LOCALE_APPS) frontend_templates; do \
		[ "$$dir" = frontend_templates ] || mkdir -p "$$dir/locale"; \
		echo "$$dir"; \
		( cd "$$dir" && $(CURDIR)/$(PY) $(CURDIR)/manage.py makemessages \
			$(addprefix -l ,$(LOCALES)) --ignore '*/migrations/*' ) || exit 1; \
	done

# --- running -------------------------------------------------------------------------------------

# HOST and PORT go to the settings too: without PATHWAYS_BASE_URL, QR codes and printed links
# point at the address served here (demo_site/settings/base.py, served_address).
run: $(STAMP) compilemessages
	$(MANAGE) migrate --no-input
	HOST=$(HOST) PORT=$(PORT) $(MANAGE) seed_demo
	HOST=$(HOST) PORT=$(PORT) $(MANAGE) runserver $(HOST):$(PORT)

# The production profile on this machine (see the README's deployment guide): the production
# settings with DEBUG off, static files collected and served by WhiteNoise, then gunicorn's web
# processes (deploy/gunicorn.conf.py; WEB_CONCURRENCY of them) on http://$(HOST):$(PORT). It uses
# DATABASE_URL, CACHE_URL, TASKS_BACKEND and the storage settings from the environment (unset:
# SQLite, a cache per process, tasks queued in the database for `make worker`, the local disk).
# SERVE_SECRET is a development secret published here, for this machine only: a real deployment
# sets its own SECRET_KEY and serves over HTTPS. PATHWAYS_SERVE_HTTP=1 allows plain http, and
# only for 127.0.0.1 and localhost.
SERVE_SECRET ?= local-serve-only-secret-published-in-the-makefile-never-deploy-it-0123456789
SERVE_ENV = DJANGO_SETTINGS_MODULE=demo_site.settings.production SECRET_KEY='$(SERVE_SECRET)' \
	ALLOWED_HOSTS=127.0.0.1,localhost PATHWAYS_SERVE_HTTP=1 \
	PATHWAYS_TRUSTED_PROXY_COUNT=$${PATHWAYS_TRUSTED_PROXY_COUNT:-0} HOST=$(HOST) PORT=$(PORT)
serve: $(STAMP) compilemessages
	$(SERVE_ENV) $(MANAGE) collectstatic --no-input --verbosity 0
	$(SERVE_ENV) $(MANAGE) migrate --no-input
	$(SERVE_ENV) BIND=$(HOST):$(PORT) exec $(VENV)/bin/gunicorn --config deploy/gunicorn.conf.py

# The background worker the task backend (TASKS_BACKEND) needs: the database worker, which waits
# out database outages and queues again what a killed worker left running (lms/core/task_workers.py);
# RQ's worker for the Redis queues; nothing with the immediate backend (`make run`'s), which says
# so. The scheduler queues the periodic tasks (retention purge, overdue check-ins, notices due by
# time) when due (`manage.py pathways_schedule --list` shows when). Both must see the same settings
# as the web processes: next to `make serve`, run them with PROFILE=serve.
WORKER_ENV = $(if $(filter serve,$(PROFILE)),$(SERVE_ENV),)
worker: $(STAMP)
	$(WORKER_ENV) $(MANAGE) pathways_worker

scheduler: $(STAMP)
	$(WORKER_ENV) $(MANAGE) pathways_schedule

# --- checks --------------------------------------------------------------------------------------

test: $(STAMP) system-deps node-deps compilemessages
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(PYTEST) $(PYTEST_ARGS)

lint: $(STAMP)
	$(RUFF) check .
	$(RUFF) format --check --output-format concise .
	$(LINT_IMPORTS)

format: $(STAMP)
	$(RUFF) check --fix --exit-zero .
	$(RUFF) format .

migrations-check: $(STAMP)
	$(MANAGE) makemigrations --check --dry-run

bench: $(STAMP)
	$(PY) bench/run.py
	$(PY) bench/page_queries.py
	$(PY) bench/api_bench.py
	$(PY) bench/hasher_bench.py

# The phone-width screenshots the README shows (tests/browser/test_screenshots.py, skipped in an
# ordinary test run). Commit the images it writes.
screenshots: $(STAMP) system-deps
	PATHWAYS_SCREENSHOTS=$(SCREENSHOTS) DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) \
		$(PYTEST) -m screenshots tests/browser/test_screenshots.py $(PYTEST_ARGS)

# --- tidying -------------------------------------------------------------------------------------

clean:
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -print0 | xargs -0 rm -rf
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache .import_linter_cache .grimp_cache test-results

distclean: clean
	rm -rf $(VENV) node_modules db.sqlite3 db.sqlite3-wal db.sqlite3-shm
