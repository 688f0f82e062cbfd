# OpenREM: the two commands of the README.
#   make demo   set up and start the system on SQLite with generated demo data
#   make test   run every check and test (SQLite and PostgreSQL, conformance)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= $(abspath ../shared)
PG_URL ?= postgres://postgres@127.0.0.1:5432/openrem
DEMO_PORT ?= 8000

.PHONY: demo test venv messages lint unit unit-parser unit-sqlite unit-pg browser conformance wheelhouse fuzz

$(BIN)/openrem: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(BIN)/openrem

venv: $(BIN)/openrem

# Compile the translation catalogues (src/openrem/locale) when GNU gettext is installed;
# the committed .mo files serve machines without it.
messages: venv
	command -v msgfmt >/dev/null && cd src/openrem && $(CURDIR)/$(BIN)/openrem compilemessages -v0 || true

demo: venv messages
	$(BIN)/openrem migrate --noinput -v0
	$(BIN)/openrem demo --port $(DEMO_PORT)

lint: venv
	$(BIN)/ruff check src tests benchmarks tools
	PYTHONPATH=src $(BIN)/mypy

# The database tests run twice, on SQLite and on PostgreSQL, each pass with a data folder of its own.
DB_TESTS := tests --ignore=tests/dicom --ignore=tests/skin --ignore=tests/browser
PARALLEL := $(MAKE) --no-print-directory -k -j3 --output-sync=target

unit: venv messages
	$(PARALLEL) unit-pg unit-sqlite unit-parser

unit-parser: venv
	$(BIN)/python -m pytest tests/dicom tests/skin -p no:django

unit-sqlite: venv
	OPENREM_DATA=$(CURDIR)/data/test-sqlite DATABASE_URL=sqlite:///$(CURDIR)/data/test-sqlite.sqlite3 \
	  $(BIN)/python -m pytest $(DB_TESTS)

unit-pg: venv
	OPENREM_DATA=$(CURDIR)/data/test-pg DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest $(DB_TESTS)

# Browser tests: headless Chromium (Debian's /usr/bin/chromium) through Playwright, once, on SQLite.
# Screenshots land in test-artifacts/screenshots/.
browser: venv messages
	OPENREM_DATA=$(CURDIR)/data/test-browser DATABASE_URL=sqlite:///$(CURDIR)/data/test-browser.sqlite3 \
	  $(BIN)/python -m pytest tests/browser

conformance: venv
	OPENREM_SHARED=$(SHARED) $(BIN)/python tools/run_conformance.py

# Fuzzing: 500 mutated sample files imported into a scratch SQLite database (tools/fuzz.py,
# docs/robustness.md); fails on an uncaught exception, a hang, a partial study or a stored NaN/inf.
fuzz: venv
	OPENREM_SHARED=$(SHARED) $(BIN)/python tools/fuzz.py --count 500 --seed 1

# Every check: lint first, then the test groups side by side (each group's output is printed when it ends;
# most of their time is spent waiting on subprocesses, servers and the network, not on the 2 cores).
test: lint messages
	$(PARALLEL) unit-pg unit-sqlite browser unit-parser conformance fuzz

# Offline installation: every wheel OpenREM needs (and OpenREM itself) in ./wheelhouse; copy the folder to
# the server and run: pip install --no-index --find-links=wheelhouse openrem (docs/install-linux.md).
wheelhouse: venv
	rm -rf wheelhouse
	$(BIN)/pip wheel -q --wheel-dir wheelhouse .
	@ls wheelhouse | wc -l | xargs echo "wheels in ./wheelhouse:"
