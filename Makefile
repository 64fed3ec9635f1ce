# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export SOP_DATABASE_URL ?= sqlite:///$(CURDIR)/var/sop.db
PORT ?= 8000

.PHONY: install run test lint unit bench faults clean browser

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; v=sys.version_info; sys.exit(0 if (3,11)<=v[:2]<(3,13) else "need Python 3.11 or 3.12 (durable-rules does not import on 3.13); set PYTHON=/path/to/python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/sop db upgrade
	$(BIN)/sop demo load --size small --if-empty --port $(PORT)
	@echo "sop is in $(VENV)/, not on the PATH: type '. $(BIN)/activate' once per terminal, or '$(BIN)/sop ...'"
	$(BIN)/sop serve --host 127.0.0.1 --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Headless Chromium for the browser tests (tests/e2e/browser): Debian's package, driven by Playwright, whose own
# browser download is not reachable. Where it cannot be installed (no root, no apt-get) those tests skip and say so.
browser:
	@if [ -x /usr/bin/chromium ]; then echo "browser tests use $$(/usr/bin/chromium --version 2>/dev/null)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium) \
		|| echo "make browser: chromium could not be installed: the browser tests will be skipped" >&2; \
	else echo "make browser: no /usr/bin/chromium and no root apt-get: the browser tests will be skipped" >&2; fi

# pytest exits 5 when it collected no test: that must not pass for green.
test: lint browser
	$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: no tests ran" >&2; exit 1; fi; exit $$rc

unit: install
	$(BIN)/python -m pytest tests/unit -q

bench: install
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

# Faults injected under partner load into a plant served on a PostgreSQL of the bench's own (a few minutes;
# FAULTS_ARGS=--quick for a smoke run, --only kill_worker,db_restart for some). Exits 1 when a write is lost.
faults: install
	$(BIN)/python bench/faults.py $(FAULTS_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache *.egg-info
