# The two commands: `make demo` and `make test`. Everything they need is installed from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Python keeps what it compiles (__pycache__, ignored by git) even where the machine sets PYTHONDONTWRITEBYTECODE, as
# CI's does: without it every process compiled the portal's modules again and pytest rewrote every test module's
# asserts again (collecting the suite: 27 s of CPU cold, 12 s warm), in each of the suite's workers, and each
# `manage.py` process the tests start (28 in tests/test_command_failures_at_terminal.py alone) took 3.4 s of CPU, not 2.6.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: demo test install lint check pytest system-deps axe lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $(STAMP)

install: $(STAMP)

## demo: install, migrate, load the demo organisation, start the task worker and serve on http://127.0.0.1:8000
# The address it serves on is the one the printed sign-ins and the emails' links use (`make demo PORT=8765`).
demo: export PORTAL_BASE_URL = http://$(HOST):$(PORT)
demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@# Loading queues a few hundred of Wagtail's search-index and reference-index updates; the worker would print two
	@# lines for each and push the sign-ins above off the screen, so they are run here first, quietly.
	@# Today's reminder run is queued too, as production's cron queues it each morning (docs/deploy.md): without one,
	@# HR's pages would rightly say that no reminder run has finished. Its emails are written to a file in
	@# var/demo-mail/, not printed over the sign-ins.
	@$(BIN)/python manage.py send_reminders > /dev/null
	@echo "Indexing the demo's pages for search and sending today's reminders to var/demo-mail/ (about half a minute)..."
	@EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend \
	  $(BIN)/python manage.py db_worker --batch --no-startup-delay --verbosity 0
	@echo "Starting the task worker and the server on http://$(HOST):$(PORT)/ (Ctrl+C stops both)"
	@# What the CMS schedules goes live within a minute, as production's cron does it every ten, and the reminder run
	@# is queued every hour, on the loop's 60th minute (each reminder goes once, ever: a run finds only what fell due
	@# since the last one).
	@$(BIN)/python manage.py db_worker & worker=$$!; \
	(minutes=0; while sleep 60; do \
	  $(BIN)/python manage.py publish_scheduled > /dev/null; minutes=$$((minutes + 1)); \
	  [ $$((minutes % 60)) -ne 0 ] || $(BIN)/python manage.py send_reminders > /dev/null; \
	done) & publisher=$$!; \
	trap 'kill $$worker $$publisher 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

## test: lint, the import-layer contract, checks, migrations check, the whole pytest suite including browser tests
test: install system-deps axe lint check pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# The apps' layers point downward (the contract is in pyproject.toml).
	$(BIN)/lint-imports --no-cache

# What production settings refuse to start without, for the checks below: stand-ins, not secrets.
DEPLOY_ENV := DJANGO_SETTINGS_MODULE=portal.settings.production ALLOWED_HOSTS=training.example.nhs.uk \
  DATABASE_URL=postgres://portal_app@127.0.0.1:5432/portal \
  PORTAL_BASE_URL=https://training.example.nhs.uk \
  SECRET_KEY=check-deploy-only-$$RANDOM-not-a-real-key-0123456789abcdefghij \
  PORTAL_RECEIPT_KEY=check-deploy-only-$$RANDOM-not-a-real-receipt-key-0123456789 \
  PORTAL_RECEIPT_DIR=/nonexistent/receipts PORTAL_RECEIPT_EMAIL=ledger-receipts@example.nhs.uk \
  PORTAL_ORGANISATION_NAME='NHS Example Trust' DEFAULT_FROM_EMAIL=training-portal@example.nhs.uk

check: install
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(DEPLOY_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING
	@# The release step: static files collected, hashed and compressed exactly as production serves them.
	static=$$(mktemp -d) && $(DEPLOY_ENV) STATIC_ROOT=$$static \
	  $(BIN)/python manage.py collectstatic --noinput --verbosity 0 && \
	  ! grep -rl --include='*.css' 'assets.nhs.uk' $$static && rm -rf $$static

pytest: install system-deps axe
	@# One worker per core (pytest-xdist). A test that flushes the tables (the browser tests among them) may run before
	@# others on its worker: pytest groups the tests that share the session's browser, ahead of pytest-django's order. So
	@# the rows migrations made are put back after each flush (tests/conftest.py, _migration_rows_keep).
	@# The screenshots' folder is named whether pytest passes or fails (a failed journey's screenshots help most); the
	@# recipe still ends with pytest's exit status.
	@$(BIN)/python -m pytest -q -n auto --dist load; status=$$?; \
	echo "Screenshots of the manager's team page and HR's organisation report, 1280 and 375 px wide (the browser journeys in tests/browser/test_at_a_glance_journeys.py write them): $(CURDIR)/var/screenshots/"; \
	exit $$status

# Browser tests drive Debian's chromium; PDF tests read text back with poppler's pdftotext.
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing chromium and poppler-utils from Debian"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
	  else \
	    echo "The tests need Debian's chromium and poppler-utils. Install them: sudo apt-get install chromium poppler-utils"; \
	    exit 1; \
	  fi; \
	fi

# axe-core, from the npm package, is injected into pages by the browser tests.
axe: node_modules/axe-core/axe.min.js

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --silent
	touch $@

# Re-resolve the pinned versions after changing pyproject.toml.
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) node_modules var db.sqlite3
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
