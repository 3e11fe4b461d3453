# ccctl — the two commands a newcomer needs are `make run` and `make test`.
# Both set up everything they need first (idempotently): Debian packages,
# the virtualenv, and the cached Asterisk 22 image (outside git).

SHELL   := /bin/bash
PYTHON  ?= python3
VENV    ?= .venv
PY      := $(VENV)/bin/python
CONFIG  ?= config/example/ccctl.yaml
STAMP   := $(VENV)/.ccctl-installed

.PHONY: run test deps sandbox lint types unit bench down clean help

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

lint: deps
	$(VENV)/bin/ruff check .

types: deps
	$(VENV)/bin/mypy

unit: deps
	$(VENV)/bin/pytest -m "not pbx"

test: deps sandbox lint types
	$(VENV)/bin/pytest

run: deps sandbox
	$(PY) -m ccctl pbx up $(CONFIG) --daemon

down: deps
	$(PY) -m ccctl pbx down

bench: deps sandbox
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
