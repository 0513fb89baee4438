# Loket — the two commands of the README:
#   make demo   install, publish the example services, seed demo accounts and serve the app
#   make test   install what the tests need and run lint, types and the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# pytest processes for `make test` (pytest-xdist); `make test TEST_WORKERS=0` runs in one process
TEST_WORKERS ?= 2

.PHONY: install demo test lint typecheck pytest test-deps bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Loket needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/loket validate schemas/examples
	$(BIN)/loket demo

test-deps: $(STAMP)
	@bash tests/setup_browser.sh
	@bash tests/setup_services.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest --numprocesses=$(TEST_WORKERS) --dist=loadgroup --durations=25

test: test-deps lint typecheck pytest

bench: $(STAMP)
	@bash bench/setup_tools.sh
	$(BIN)/python bench/builder_bench.py
	$(BIN)/python bench/http_bench.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
