# Greenroom: `make run` installs everything and starts the app; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/greenroom/web/static/vendor
# Debian packages: espeak-ng is the fallback interviewer voice; the browser tests need Chromium.
RUN_DEBS := espeak-ng
TEST_DEBS := chromium fonts-dejavu-core
PYTEST_ARGS ?=

.PHONY: run install test lint typecheck pytest assets clean help

help:
	@echo "make run   install everything and start Greenroom at http://127.0.0.1:8000"
	@echo "make test  install dev dependencies; run lint, types and the whole test suite"

run: install
	@echo "==> [4/4] Starting Greenroom (data in ./var)"
	@GREENROOM_LOG_JSON=$${GREENROOM_LOG_JSON:-false} $(BIN)/greenroom serve

install: $(VENV)/.installed-run assets
	@true

$(VENV)/bin/python:
	@echo "==> Creating the Python environment in $(VENV)"
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/python
	@echo "==> [1/4] System packages"
	@./scripts/ensure-debs.sh $(RUN_DEBS)
	@echo "==> [2/4] Python packages (first run takes a few minutes)"
	@$(BIN)/pip install --progress-bar on -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	@echo "==> [1/4] System packages"
	@./scripts/ensure-debs.sh $(RUN_DEBS) $(TEST_DEBS)
	@echo "==> [2/4] Python packages with development tools"
	@$(BIN)/pip install --progress-bar on -e '.[dev]'
	@touch $@ $(VENV)/.installed-run

assets: $(VENDOR)/.installed

$(VENDOR)/.installed: package.json package-lock.json
	@echo "==> [3/4] Front-end libraries from npm"
	@npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@mkdir -p $(VENDOR)/swagger-ui
	@cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	@cp node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/chart.umd.min.js
	@cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/swagger-ui/
	@touch $@

test: $(VENV)/.installed-dev assets
	@echo "==> [4/4] Lint, types and tests"
	@$(MAKE) --no-print-directory lint typecheck pytest

lint:
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache .mypy_cache .ruff_cache
