# Distretto — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
# The suite runs on every core (pytest-xdist); `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n auto
PORT ?= 8000

.PHONY: run test lint format migrations-check install browser demo messages clean stack stack-stop stack-smoke drill login-cost bench assets lighthouse

$(PY):
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12) and "Python >= 3.12 is required (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

# Browser tests drive Debian's Chromium; install it when missing and we are allowed to.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: browser tests will be skipped (apt-get install chromium)"; fi; }

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

# Links in mails point at the address actually served, unless SITE_URL is set.
run: demo
	SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}" $(PY) manage.py runserver $(HOST):$(PORT)

test: install browser
	$(PY) -m pytest $(PYTEST_ARGS)

# The production stack on this machine (nginx + TLS, two app servers, worker, PostgreSQL,
# Redis, S3-compatible storage), state in .stack/: see README "Production".
stack:
	bash deploy/stack/up.sh

stack-stop:
	bash deploy/stack/down.sh

# Start the stack, a few requests through nginx, stop it (CI runs this).
stack-smoke:
	bash deploy/stack/smoke.sh

# Fault drills under load against the stack (started if needed; left running): see README
# "Fault drills". Takes about 5 minutes; exits non-zero if a write or a mail was lost or doubled.
drill:
	$(PY) deploy/drill/drill.py

# Do logins starve page requests? sync vs threaded workers, measured on loopback (README).
login-cost: install
	$(PY) deploy/loadtest/login_cost.py

# Bootstrap Italia reduced to what the portal uses (assets/ -> static/bootstrap-italia/, Sass
# and esbuild from npm). The result is committed: run this after changing assets/ or using a
# new Bootstrap Italia component or icon (tests/distretto/test_assets.py says when).
assets: node_modules/.installed
	node assets/build.mjs

# Lighthouse (npm, mobile preset, Chromium) on home, catalogue, a service page and the
# partners list, against gunicorn with collected static files on loopback: prints a table and
# writes lighthouse-results.json; exits non-zero when a target of issue 10 is missed.
lighthouse: install browser
	CHROME_PATH="$${CHROME_PATH:-$$(command -v chromium)}" $(PY) deploy/lighthouse/lighthouse.py

# Extract the strings to translate into locale/it and compile them (needs GNU gettext).
MESSAGE_IGNORES := --ignore=.venv --ignore=node_modules --ignore=tests --ignore=staticfiles --ignore=test-artefacts
messages: install
	$(PY) manage.py makemessages -l it --no-obsolete $(MESSAGE_IGNORES)
	$(PY) manage.py compilemessages -l it $(MESSAGE_IGNORES)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) node_modules staticfiles test-artefacts

# Load test on loopback (see deploy/bench/run.py): a throwaway PostgreSQL unless DATABASE_URL
# is set, generated districts of 500 and 50,000 services (BENCH_SIZE=small: 500 and 5,000),
# gunicorn as in production, wrk; prints a table and writes bench-results.json.
BENCH_SIZE ?= full
bench: install
	BENCH_SIZE=$(BENCH_SIZE) $(PY) deploy/bench/run.py
