# `make run` and `make test` set everything up on a machine that has only Python.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: install run ingest test lint format bench clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

ingest: install
	$(PY) -m app ingest

run: ingest
	$(PY) -m app serve

test: install
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check app tests bench
	$(PY) -m ruff format --check app tests bench

format: install
	$(PY) -m ruff format app tests bench
	$(PY) -m ruff check --fix app tests bench

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) data/kb.sqlite3 .pytest_cache
