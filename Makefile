# One task runner, a few recipes. `make test` is what CI runs (.ci/run).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup system-packages run run-published test lint screenshots bench loadtest

# The virtual environment, rebuilt when the dependencies change.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

# The dashboard on the embedded default: SQLite with demo data (loading it again is a no-op).
DEMO_DATABASE := sqlite:///$(CURDIR)/data/demo.sqlite
run: setup
	$(BIN)/targets --database $(DEMO_DATABASE) demo
	$(BIN)/targets --database $(DEMO_DATABASE) serve

# The dashboard on the real published figures of data/published/ alone (no demo data).
PUBLISHED_DATABASE := sqlite:///$(CURDIR)/data/published.sqlite
run-published: setup
	$(BIN)/targets --database $(PUBLISHED_DATABASE) published
	$(BIN)/targets --database $(PUBLISHED_DATABASE) serve

screenshots: setup system-packages
	$(BIN)/python scripts/screenshots.py

lint: setup
	$(BIN)/ruff check .

# PostgreSQL for the store tests, installed with apt when missing.
system-packages:
	./scripts/system-packages.sh

test: lint system-packages
	$(BIN)/pytest

# The national-scale benchmark and the load test (docs/benchmarks.md); not part of `make test`.
bench: setup system-packages
	$(BIN)/python -m benchmarks --json docs/benchmarks.json

LOADTEST_DATABASE := sqlite:////tmp/targets-loadtest/demo.sqlite
loadtest: setup
	mkdir -p /tmp/targets-loadtest && rm -f /tmp/targets-loadtest/demo.sqlite*
	$(BIN)/targets --database $(LOADTEST_DATABASE) demo
	$(BIN)/python -m benchmarks.loadtest --database $(LOADTEST_DATABASE) --json docs/loadtest.json
