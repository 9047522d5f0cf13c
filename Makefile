# SCC Dispatch. `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LOCAL_ENV := DJANGO_DEBUG=1 SCC_DYNAMODB_HOST=http://127.0.0.1:8001 SCC_EMAIL_BACKEND=$${SCC_EMAIL_BACKEND:-file} \
	SCC_PUBLIC_URL=$${SCC_PUBLIC_URL:-http://127.0.0.1:8000} \
	AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=$${AWS_REGION:-us-east-1}
STAGE ?= staging

.PHONY: install install-browser run test test-fast screenshots lint format openapi bench soak package deploy-staging promote logs check-deploy-env clean

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

# Every screen the browser tests visit, as PNGs in var/screenshots/ (README "make screenshots").
screenshots: install install-browser
	@rm -rf var/screenshots
	SCC_SCREENSHOT_DIR=$(CURDIR)/var/screenshots $(PY) -m pytest -m browser $(PYTEST_ARGS)
	@echo "==> $$(ls var/screenshots | wc -l) screenshots in var/screenshots/"

# Everything but the slow tiers (browser, fuzz, wire, zappa, soak: see pyproject.toml), in under a minute.
test-fast: install
	$(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# docs/openapi.yaml -> scc/openapi.json, the copy the app serves at /api/openapi.json (no YAML parser on Lambda).
openapi: install
	$(PY) docs/build_openapi.py

bench: install
	$(PY) -m bench $(BENCH)

# 8 workers mixing payment-log, notify, void and waiver signing on one event (RELIABILITY.md),
# then the long profiles of the stored-shapes fuzz (tests/test_stored_shapes.py; make test runs 60),
# of the hostile requests at every URL (tests/test_hostile_requests.py; make test runs 250) and of
# schemathesis against every API operation (tests/test_api_schemathesis.py; make test runs 12 each).
SOAK_SECONDS ?= 30
SHAPES_EXAMPLES ?= 1000
REQUESTS_EXAMPLES ?= 5000
INPUT_EXAMPLES ?= 500
API_FUZZ_EXAMPLES ?= 300
soak: install
	$(PY) -W ignore -m tests.soak $(SOAK_SECONDS) 8
	SCC_SHAPES_EXAMPLES=$(SHAPES_EXAMPLES) $(PY) -m pytest -p no:cacheprovider -q tests/test_stored_shapes.py
	SCC_REQUESTS_EXAMPLES=$(REQUESTS_EXAMPLES) $(PY) -m pytest -p no:cacheprovider -p no:logging -q -s tests/test_hostile_requests.py
	SCC_INPUT_EXAMPLES=$(INPUT_EXAMPLES) $(PY) -m pytest -p no:cacheprovider -q tests/test_hostile_input.py tests/test_payment_log_fuzz.py
	SCC_API_FUZZ_EXAMPLES=$(API_FUZZ_EXAMPLES) $(PY) -m pytest -p no:cacheprovider -q tests/test_api_schemathesis.py
	@cat var/api-fuzz.json

# Deploying (README "Deploying"). Zappa zips the virtualenv it runs in, so the zip is
# built from a runtime-only venv: requirements.txt plus zappa (its handler), never the dev tools.
LAMBDA_VENV := var/lambda/venv
ZAPPA := $(LAMBDA_VENV)/bin/zappa
ZIP = dist/lambda-$(STAGE).zip
DEPLOY_LOG ?= var/deploy
# `zappa package` needs credentials to exist, not to work: it never calls AWS.
OFFLINE_AWS := AWS_ACCESS_KEY_ID=$${AWS_ACCESS_KEY_ID:-offline} AWS_SECRET_ACCESS_KEY=$${AWS_SECRET_ACCESS_KEY:-offline} \
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-west-2}
ZAPPA_ENV := VIRTUAL_ENV=$(CURDIR)/$(LAMBDA_VENV) PATH=$(CURDIR)/$(LAMBDA_VENV)/bin:$$PATH

# The zip's bytecode must come from the Python of its Lambda runtime (zappa_settings.json "runtime"),
# so this venv is made with that Python; deploy/bytecode.py refuses to compile with any other.
LAMBDA_PYTHON ?= $(shell sed -n 's/.*"runtime": *"\(python[0-9.]*\)".*/\1/p' zappa_settings.json | head -n 1)

$(LAMBDA_VENV)/.installed: requirements.txt requirements-dev.txt
	@echo "==> Runtime-only venv for the Lambda zip in $(LAMBDA_VENV)"
	@test -x $(LAMBDA_VENV)/bin/python || $(LAMBDA_PYTHON) -m venv $(LAMBDA_VENV)
	@$(LAMBDA_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt \
		"$$(grep -E '^zappa==' requirements-dev.txt)"
	@touch $@

# The static manifest goes into the zip (cold starts never fetch it); written offline. Then bytecode
# for the runtime's Python, and the check runs the zip as Lambda would, against dynalite (node_modules).
package: $(LAMBDA_VENV)/.installed node_modules/.installed
	@echo "==> Static manifest (offline collectstatic)"
	@$(LAMBDA_VENV)/bin/python deploy/static_manifest.py
	@mkdir -p dist
	@echo "==> zappa package $(STAGE) -> $(ZIP)"
	@rm -f $(ZIP)
	@# -j also skips Zappa's PyPI version check: packaging stays offline.
	@$(ZAPPA_ENV) $(OFFLINE_AWS) $(ZAPPA) package $(STAGE) -j -o $(ZIP) >var/zappa-package.log 2>&1 \
		|| { cat var/zappa-package.log; exit 1; }
	@$(LAMBDA_VENV)/bin/python deploy/stamp_version.py $(ZIP)
	@$(LAMBDA_VENV)/bin/python deploy/bytecode.py $(ZIP) $(STAGE)
	@$(LAMBDA_VENV)/bin/python deploy/check_package.py $(ZIP) $$($(LAMBDA_VENV)/bin/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])") $(STAGE)

# Needs AWS credentials and, in the environment: SCC_STATIC_BUCKET, SCC_STATIC_DOMAIN,
# SCC_DISTRIBUTION_ID, SCC_PUBLIC_URL (the CloudFront URL, e.g. https://dispatch.example.com).
# The steps, the promotion gate and var/deploy/history.log live in deploy/release.py.
RELEASE = $(LAMBDA_VENV)/bin/python -m deploy.release --log-dir $(DEPLOY_LOG)
PROMOTE_MIN_MINUTES ?= 10
MINUTES ?= 60

deploy-staging: check-deploy-env $(LAMBDA_VENV)/.installed
	@$(RELEASE) deploy staging

# Production gets HEAD only after staging proved it: smoke check passed for HEAD, live for
# PROMOTE_MIN_MINUTES, no Lambda Errors or Function URL 5xx since. FORCE=1 overrides (loud, recorded).
promote: check-deploy-env $(LAMBDA_VENV)/.installed
	@$(RELEASE) promote --min-minutes $(PROMOTE_MIN_MINUTES) $(if $(filter 1 yes true,$(FORCE)),--force)

# A stage's errors since its deploy and what it logged in the last MINUTES (default 60).
logs: $(LAMBDA_VENV)/.installed
	@$(RELEASE) logs $(STAGE) --minutes $(MINUTES)

check-deploy-env:
	@for v in SCC_STATIC_BUCKET SCC_STATIC_DOMAIN SCC_DISTRIBUTION_ID SCC_PUBLIC_URL; do \
		test -n "$${!v}" || { echo "Set $$v (README \"Deploying\")."; exit 1; }; done

clean:
	rm -rf $(VENV) node_modules dist var/staticfiles
