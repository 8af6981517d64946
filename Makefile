# The two commands a newcomer needs: `make demo` and `make test`. CI runs `make lint` first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every runtime, test and lint dependency at the exact version CI runs (`make lock` remakes it).
LOCK := requirements.lock
PIP := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: demo test lint lock bench venv clean messages

$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "govan needs python3 >= 3.11; found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --constraint $(LOCK) --config-settings editable_mode=compat -e '.[test,lint]'
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/govan demo

test: $(STAMP)
	$(BIN)/python -m pytest

# The house rules (pyproject.toml has the why of each setting): ruff's rules and its formatter
# everywhere, mypy strict on core/, flows/, db/ and planning/.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy core flows db planning

# Resolve pyproject.toml's ranges afresh in a scratch venv and pin what came into $(LOCK).
# Then run `make lint test` before committing the new lock.
lock:
	@scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
	if [ ! -e build ]; then trap 'rm -rf "$$scratch" build' EXIT; fi && \
	$(PYTHON) -m venv "$$scratch/venv" && \
	"$$scratch/venv/bin/python" -m pip install --quiet --disable-pip-version-check '.[test,lint]' && \
	{ echo "# Exact versions of every dependency of govan[test,lint], used as pip constraints by the"; \
	  echo "# Makefile. Made by \`make lock\` with $$("$$scratch/venv/bin/python" -V); edit pyproject.toml, not this."; \
	  "$$scratch/venv/bin/python" -m pip freeze --disable-pip-version-check | grep -iv '^govan[= @]'; } > $(LOCK)

# Every benchmark in bench/, written to docs/benchmarks.md (needs mosquitto and mosquitto-clients).
bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# The UI's messages (tui/i18n.py): collect them from the code into tui/locale/govan.pot and
# merge new or changed ones into each language's .po; translate those, then commit both.
# The build compiles the .po files too (setup.py), so an install needs no step of its own.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-default-keywords -k t -k N_ -k pt:1c,2 -k NC_:1c,2 \
		--no-location --sort-output --project govan -o tui/locale/govan.pot .
	$(BIN)/pybabel update -i tui/locale/govan.pot -d tui/locale -D govan --width 120 --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d tui/locale -D govan
