# Everything runs from a project-local .venv that `make` creates with pinned tools.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The lowest Poetry that pyproject.toml's dependencies allow (a unit test keeps them equal).
POETRY_FLOOR := 2.1.0
FLOOR_VENV := .venv-floor
FLOOR_STAMP := $(FLOOR_VENV)/.installed

.PHONY: install test test-unit test-e2e test-faults test-floor test-matrix lint demo bench clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements-dev.txt requirements-actionlint.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -e .
	$(BIN)/python -m pip install --quiet -r requirements-actionlint.txt
	$(BIN)/python tools/actionlint.py install
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/pytest -n 4 --dist loadgroup $(PYTEST_ARGS)

test-unit: $(STAMP)
	$(BIN)/pytest tests/unit $(PYTEST_ARGS)

test-e2e: $(STAMP)
	$(BIN)/pytest -n 4 --dist loadgroup tests/e2e $(PYTEST_ARGS)

# The end-to-end tests that inject faults (dead, slow or refusing servers, Ctrl-C, timeouts).
test-faults: $(STAMP)
	$(BIN)/pytest -n 4 --dist loadgroup -m faults tests/e2e $(PYTEST_ARGS)

# The whole release (and the version rules) on the lowest allowed Poetry, in its own venv; the
# test tools come from .venv, the `poetry` under test from $(FLOOR_VENV).
$(FLOOR_STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(FLOOR_VENV)
	$(FLOOR_VENV)/bin/python -m pip install --quiet "poetry==$(POETRY_FLOOR)" -e .
	touch $(FLOOR_STAMP)

test-floor: $(STAMP) $(FLOOR_STAMP)
	RELEASE_TEST_POETRY=$(CURDIR)/$(FLOOR_VENV)/bin/poetry $(BIN)/pytest -n 2 --dist loadgroup -m floor tests/e2e $(PYTEST_ARGS)

# The whole release on the newest patch of every Poetry minor the plugin allows (the list from
# the package index and pyproject.toml: tools/poetry_matrix.py), each in its own cached venv.
test-matrix: $(STAMP)
	@set -e; for version in $$($(BIN)/python tools/poetry_matrix.py); do \
		venv=.venv-poetry-$$version; \
		if [ ! -f $$venv/.installed ]; then \
			$(PYTHON) -m venv $$venv; \
			$$venv/bin/python -m pip install --quiet "poetry==$$version" -e .; \
			touch $$venv/.installed; \
		fi; \
		echo "== Poetry $$version"; \
		RELEASE_TEST_POETRY=$(CURDIR)/$$venv/bin/poetry $(BIN)/pytest -q -n 2 --dist loadgroup \
			-m floor tests/e2e $(PYTEST_ARGS); \
	done

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

demo: $(STAMP)
	$(BIN)/python demo/run_demo.py

bench: $(STAMP)
	$(BIN)/python benchmarks/compare.py > benchmarks/RESULTS.md
	cat benchmarks/RESULTS.md

clean:
	rm -rf $(VENV) $(FLOOR_VENV) .venv-poetry-* .pytest_cache .mypy_cache .ruff_cache
