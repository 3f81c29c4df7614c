# MECHATREC member directory. `make run` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Development defaults; production sets its own environment (README, "Production").
DEV_ENV := DEBUG=$${DEBUG:-True}
TEST_ENV := DEBUG=True SECRET_KEY=test-only-not-secret AXES_ENABLED=$${AXES_ENABLED:-True}

.PHONY: run test install install-dev migrate messages demo lint format serve bench audit screenshots backup restore clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Compile the committed .po catalogues (pure Python, no gettext needed).
messages: $(VENV)/.installed
	$(DEV_ENV) $(MANAGE) compile_translations

migrate: $(VENV)/.installed
	$(DEV_ENV) $(MANAGE) migrate --noinput

## Development server with demo data and a printed admin login.
run: messages migrate
	$(DEV_ENV) $(MANAGE) load_demo_data --if-empty
	$(DEV_ENV) $(MANAGE) ensure_manager
	$(DEV_ENV) $(MANAGE) runserver $(HOST):$(PORT)

## The whole suite against DATABASE_URL (SQLite when unset).
test: $(VENV)/.installed-dev messages
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## The benchmark of issue 8 (bench/README.md); BENCH_ARGS="--quick" for a smoke test.
bench: $(VENV)/.installed-dev
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
