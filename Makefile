# Everything runs from a project-local .venv that `make` creates with pinned tools.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The lowest Poetry that pyproject.toml's dependencies allow (a unit test keeps them equal).
POETRY_FLOOR := 2.1.0
FLOOR_VENV := .venv-floor
FLOOR_STAMP := $(FLOOR_VENV)/.installed

.PHONY: install test test-unit test-e2e test-faults test-floor test-matrix test-pythons lint demo bench clean

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

# The whole suite on the oldest and newest Python the plugin allows (3.10, 3.13), each in its own
# cached venv .venv-pyX.Y holding the test tools, Poetry and the plugin: the `poetry` under test
# is that venv's (tests/support.py). PYTHONS names the interpreters; by default pyenv's.
PYENV_VERSIONS := $(or $(PYENV_ROOT),$(HOME)/.pyenv)/versions
PYTHON_OLDEST := $(lastword $(wildcard $(PYENV_VERSIONS)/3.10.*/bin/python3.10))
PYTHON_NEWEST := $(lastword $(wildcard $(PYENV_VERSIONS)/3.13.*/bin/python3.13))
PYTHONS ?= $(strip $(PYTHON_OLDEST) $(PYTHON_NEWEST))

test-pythons: $(STAMP)
ifeq ($(origin PYTHONS),file)
	$(if $(PYTHON_OLDEST),,@echo "test-pythons: no Python 3.10 under $(PYENV_VERSIONS): skipped")
	$(if $(PYTHON_NEWEST),,@echo "test-pythons: no Python 3.13 under $(PYENV_VERSIONS): skipped")
endif
	@if [ -z "$(PYTHONS)" ]; then \
		echo "test-pythons: nothing to run; name interpreters with" \
			"PYTHONS=\"/path/to/python3.10 /path/to/python3.13\""; \
		exit 0; \
	fi; \
	failed=""; \
	for python in $(PYTHONS); do \
		version=$$($$python -c 'import sys; print("%d.%d" % sys.version_info[:2])') || exit 1; \
		venv=.venv-py$$version; \
		if [ ! -f $$venv/.installed ] || [ requirements-dev.txt -nt $$venv/.installed ] \
				|| [ requirements-actionlint.txt -nt $$venv/.installed ] \
				|| [ pyproject.toml -nt $$venv/.installed ]; then \
			$$python -m venv --clear $$venv \
			&& $$venv/bin/python -m pip install --quiet --upgrade pip \
			&& $$venv/bin/python -m pip install --quiet -r requirements-dev.txt \
				-r requirements-actionlint.txt -e . \
			&& touch $$venv/.installed || exit 1; \
		fi; \
		echo "== Python $$version ($$python)"; \
		env -u RELEASE_TEST_POETRY $$venv/bin/pytest -n 2 --dist loadgroup $(PYTEST_ARGS) \
			|| failed="$$failed $$version"; \
	done; \
	if [ -n "$$failed" ]; then echo "test-pythons: failed on Python$$failed"; exit 1; fi

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
	rm -rf $(VENV) $(FLOOR_VENV) .venv-poetry-* .venv-py* .pytest_cache .mypy_cache .ruff_cache
