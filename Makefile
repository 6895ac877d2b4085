# Lærevakt: `make run` starts the platform with a demo organisation, `make test` runs every test.
# Both set up a virtual environment in .venv first, so a fresh machine needs only Python 3.11.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# The plugins shipped in plugins/ (each a distribution of its own, installed editable beside lms).
PLUGINS := $(patsubst %/pyproject.toml,%,$(wildcard plugins/*/pyproject.toml))
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard lms/translations/*/LC_MESSAGES/messages.po \
	plugins/*/*/translations/*/LC_MESSAGES/messages.po))

.PHONY: install chromium ralph wrk run test lint format bench bench-smoke screenshots translations

install: $(INSTALLED) $(CATALOGUES)

$(INSTALLED): pyproject.toml $(PLUGINS:%=%/pyproject.toml)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[postgres,serve,test]" $(PLUGINS:%=-e %)
	touch $@

%.mo: %.po $(INSTALLED)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

run: install
	$(BIN)/lms db upgrade
	$(BIN)/lms modules sync
	$(BIN)/lms demo --if-empty
	LMS_SCHEDULER=true $(BIN)/gunicorn --workers 1 --threads 8 --bind 127.0.0.1:5000 --access-logfile - "lms:create_app()"

chromium:
	scripts/ensure-chromium

ralph:
	scripts/ensure-ralph

wrk:
	scripts/ensure-wrk

test: install chromium ralph
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -o lms/translations/messages.pot .
	$(BIN)/pybabel update -i lms/translations/messages.pot -d lms/translations --no-fuzzy-matching

# PNGs of home, a card, feedback, the done page and the presenter view in build/screenshots/.
screenshots: install chromium
	$(BIN)/python scripts/screenshots.py

# Every script directly in bench/ is a benchmark (what they share is in bench/support/).
BENCHES := $(wildcard bench/*.py)

bench: install ralph wrk
	@for script in $(BENCHES); do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Every benchmark at a tiny size (about a minute in all): proves each still runs, its figures mean nothing.
bench-smoke: install ralph wrk
	@for script in $(BENCHES); do echo "== $$script"; LMS_BENCH_SMOKE=1 $(BIN)/python $$script || exit 1; done
