# Crime Watch bot. `make run` and `make test` each work from a fresh clone: they create the
# virtual environment in .venv and install the project into it first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install run sandbox browser test lint bench clean

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(BIN)/.installed

# With a bot token in .env (or the environment), the service; without one, the sandbox, which
# runs the same service against a local Telegram and SMS provider with a web chat.
run: install
	@test -f .env || { cp .env.example .env; echo "Created .env from .env.example: put your TELEGRAM_BOT_TOKEN in it to go live."; }
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ] || grep -Eq '^[[:space:]]*TELEGRAM_BOT_TOKEN[[:space:]]*=[[:space:]]*[^[:space:]#]' .env; then \
		exec $(BIN)/crimewatch run; \
	else \
		echo "No TELEGRAM_BOT_TOKEN in .env: starting the sandbox (a local Telegram and SMS provider with a web chat)."; \
		echo "To go live, put your bot's token from @BotFather in .env as TELEGRAM_BOT_TOKEN and run make run again."; \
		exec $(BIN)/crimewatch sandbox; \
	fi

sandbox: install
	$(BIN)/crimewatch sandbox

# The browser tests drive Debian's chromium (no browser is ever downloaded), with Noto's emoji
# font for the screenshots: installed here when missing and this is a Debian-like machine where
# we are root; otherwise the tests say so.
BROWSER_PACKAGES := chromium fonts-noto-color-emoji
browser:
	@if command -v chromium >/dev/null 2>&1 && dpkg -s fonts-noto-color-emoji >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests (apt-get, a few minutes)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null \
			|| echo "make: could not install chromium: the browser tests will be skipped"; \
	elif ! command -v chromium >/dev/null 2>&1; then \
		echo "make: chromium is not installed and cannot be here (that needs root and apt-get):"; \
		echo "      the browser tests will be skipped; install Debian's chromium package to run them"; \
	fi

test: install browser
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
