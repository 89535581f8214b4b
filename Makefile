# The two set-up commands of the README: `make demo` and `make test`.
# Both create .venv in the repo root when it is missing and install babelwire into it.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
DEMO_DB ?= demo.db

.PHONY: demo serve test lint install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# stamps re-run the install whenever pyproject.toml changes
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	rm -rf $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(DEMO_DB).vectors
	$(BIN)/babelwire ingest demo/corpus --db $(DEMO_DB)
	$(BIN)/babelwire stories --db $(DEMO_DB)
	@if [ -t 0 ]; then \
		echo "serving the demo on http://127.0.0.1:8000/ (Ctrl-C stops it)"; \
		$(BIN)/babelwire serve --db $(DEMO_DB); \
	else \
		echo "browse the demo: make serve  (http://127.0.0.1:8000/)"; \
	fi

serve: install
	$(BIN)/babelwire serve --db $(DEMO_DB)

test: install-test
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(DEMO_DB).vectors .pytest_cache .ruff_cache
