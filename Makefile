# Two entry points for a fresh machine with Python 3.11:
#   make report   install, then write the China–Russia report (from the embedded pack)
#   make test     install with test tools, then run the whole test suite
#   make serve    install, then serve the dashboard on http://127.0.0.1:8000/
PYTHON ?= python3.11
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: report serve test lint install lock clean fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

report: install
	$(BIN)/dyadwatch report CHN RUS --out report-out

# The dashboard on http://127.0.0.1:8000/ (PORT=8001 make serve for another port).
PORT ?= 8000
serve: install
	$(BIN)/dyadwatch serve --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

test: install
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest

# The whole mutation fuzz: 200 seeded cases per loader (tests/test_fuzz.py; CI runs 25).
fuzz: install
	DYADWATCH_FUZZ_CASES=200 $(BIN)/pytest -q -s -m slow tests/test_fuzz.py

# Refresh requirements.lock after changing dependencies in pyproject.toml.
lock:
	rm -rf /tmp/dyadwatch-lock && $(PYTHON) -m venv /tmp/dyadwatch-lock
	/tmp/dyadwatch-lock/bin/pip install --quiet ".[test]"
	/tmp/dyadwatch-lock/bin/pip freeze --exclude dyadwatch | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) report-out .pytest_cache
