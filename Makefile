# ccctl — the two commands a newcomer needs are `make run` and `make test`.
# Both set up everything they need first (idempotently): Debian packages,
# the virtualenv, and the cached Asterisk 22 image (outside git).

SHELL   := /bin/bash
PYTHON  ?= python3
VENV    ?= .venv
PY      := $(VENV)/bin/python
CONFIG  ?= config/example/ccctl.yaml
STAMP   := $(VENV)/.ccctl-installed

.PHONY: run test deps sandbox softphone lint types unit bench down clean help

help:
	@echo "make run    — sandbox Asterisk 22 with the example contact center and the daemon (Ctrl-C stops)"
	@echo "make test   — lint, types and every test (real Asterisk included)"
	@echo "make bench  — benchmarks: figures and ratios against baselines"

deps: $(STAMP)
	@bash scripts/host-deps.sh

# The virtualenv is rebuilt when pyproject.toml changes.
$(STAMP): pyproject.toml
	@bash scripts/host-deps.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing Python packages into $(VENV) (log: $(VENV)/pip.log)"
	@{ $(PY) -m pip install --upgrade pip && $(PY) -m pip install -e '.[dev]'; } \
		> $(VENV)/pip.log 2>&1 || { tail -30 $(VENV)/pip.log; exit 1; }
	@touch $@

sandbox: deps
	@$(PY) -m ccctl pbx build

# The agents' WebRTC softphone: JsSIP from npm, bundled by esbuild into the
# static files the daemon serves (softphone.js for any page, mount.js for the
# agent desktop; not in git). Rebuilt only when the lock file
# or webui/ changes; node_modules/ is reinstalled only when the lock file does.
SOFTPHONE    := ccctl/web/static/softphone/softphone.js
NODE_STAMP   := node_modules/.ccctl-installed

softphone: $(SOFTPHONE)

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 18+ with npm" >&2; exit 1; }
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(SOFTPHONE): $(NODE_STAMP) $(wildcard webui/*.js)
	@npm run --silent build

lint: deps
	$(VENV)/bin/ruff check .

types: deps
	$(VENV)/bin/mypy

unit: deps
	$(VENV)/bin/pytest -m "not pbx"

test: deps sandbox softphone lint types
	$(VENV)/bin/pytest

run: deps sandbox softphone
	$(PY) -m ccctl pbx up $(CONFIG) --daemon

down: deps
	$(PY) -m ccctl pbx down

bench: deps sandbox
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache node_modules ccctl/web/static/softphone
