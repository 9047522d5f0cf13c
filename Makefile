# SCC Dispatch. `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LOCAL_ENV := DJANGO_DEBUG=1 SCC_DYNAMODB_HOST=http://127.0.0.1:8001 SCC_EMAIL_BACKEND=$${SCC_EMAIL_BACKEND:-file} \
	AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=$${AWS_REGION:-us-east-1}
STAGE ?= staging

.PHONY: install install-browser run test lint format bench package clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@echo "==> Python dependencies into $(VENV)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	@echo "==> dynalite (npm ci)"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Browser tests drive Debian's Chromium; Playwright cannot download browsers here.
install-browser:
	@if [ ! -x /usr/lib/chromium/chromium ]; then \
		echo "==> Installing Debian's chromium"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	fi

run: install
	@mkdir -p var/dynamodb var/outbox
	@set -euo pipefail; \
	node node_modules/dynalite/cli.js --host 127.0.0.1 --port 8001 --path var/dynamodb >var/dynalite.log 2>&1 & \
	DYNALITE=$$!; trap 'kill $$DYNALITE 2>/dev/null; wait $$DYNALITE 2>/dev/null' EXIT INT TERM; \
	for i in $$(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/8001) 2>/dev/null && break; sleep 0.1; done; \
	echo "==> dynalite on 127.0.0.1:8001 (data in var/dynamodb/)"; \
	$(LOCAL_ENV) $(PY) manage.py dynamodb_setup; \
	$(LOCAL_ENV) $(PY) manage.py seed_demo; \
	echo "==> Serving http://127.0.0.1:8000 (Ctrl-C stops the app and dynalite)"; \
	$(LOCAL_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: install install-browser
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	$(PY) -m bench $(BENCH)

clean:
	rm -rf $(VENV) node_modules dist var/staticfiles
