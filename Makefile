# `make run` and `make test` set everything up on a machine that has only Python.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium

.PHONY: install chromium run ingest embed test screenshots lint format bench clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

# Debian's Chromium for the browser tests in tests/e2e, installed when missing if we are root (as on CI).
# Otherwise those tests are skipped, and say why.
chromium:
	@test -x $(CHROMIUM) || [ "$$(id -u)" != 0 ] || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@test -x $(CHROMIUM) || echo "No $(CHROMIUM): the browser tests will be skipped (sudo apt-get install chromium)"

ingest: install
	$(PY) -m app ingest

# Meaning-based search: `serve` also starts this in the background when vectors are missing.
embed: install
	$(PY) -m app embed

run: ingest
	$(PY) -m app serve

test: install chromium
	$(PY) -m pytest

# PNGs of the main pages, desktop and phone, for the README; Chinese text needs a CJK font.
screenshots: install chromium
	@fc-list :lang=zh 2>/dev/null | grep -q . || apt-get install -y -qq fonts-noto-cjk >/dev/null
	$(PY) tests/e2e/screenshots.py docs/screenshots

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
