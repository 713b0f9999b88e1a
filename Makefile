# One task runner, a few recipes. `make test` is what CI runs (.ci/run).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup system-packages run test lint

# The virtual environment, rebuilt when the dependencies change.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

run: setup
	$(BIN)/targets catalogue

lint: setup
	$(BIN)/ruff check .

# PostgreSQL for the store tests, installed with apt when missing.
system-packages:
	./scripts/system-packages.sh

test: lint system-packages
	$(BIN)/pytest
