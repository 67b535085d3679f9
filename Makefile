# Crime Watch bot. `make run` and `make test` each work from a fresh clone: they create the
# virtual environment in .venv and install the project into it first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install run test lint bench clean

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(BIN)/.installed

run: install
	@test -f .env || { cp .env.example .env; echo "Created .env from .env.example: put your TELEGRAM_BOT_TOKEN in it."; }
	$(BIN)/crimewatch run

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot core notifiers scheduler storage
	$(BIN)/lint-imports

bench: install
	$(BIN)/python -m bench.broadcast
	$(BIN)/python -m bench.ceiling
	$(BIN)/python -m bench.kill9
	$(BIN)/python -m bench.crimedata

clean:
	rm -rf $(VENV) build *.egg-info
