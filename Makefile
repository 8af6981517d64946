# The two commands a newcomer needs: `make demo` and `make test`. CI runs `make lint` first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: demo test lint format-check bench venv clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "govan needs python3 >= 3.11; found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --config-settings editable_mode=compat -e '.[test,lint]'
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/govan demo

test: $(STAMP)
	$(BIN)/python -m pytest

# The house rules (pyproject.toml has the why of each setting). mypy must be clean on core/
# and flows/; db/ is reported, not enforced, while issue 14's problem-codes branch rewrites it.
# `format-check` joins lint once the lead has formatted the tree (end of issue 14).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy core flows
	@echo "mypy db/ (reported, not enforced yet):"
	@$(BIN)/mypy db || echo "mypy db/: the findings above do not fail lint yet (issue 14)"

format-check: $(STAMP)
	$(BIN)/ruff format --check .

# Every benchmark in bench/, written to docs/benchmarks.md (needs mosquitto and mosquitto-clients).
bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
