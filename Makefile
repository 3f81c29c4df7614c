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
# Two workers: the suite is mostly waiting on the database. PYTEST_JOBS= runs it serially.
PYTEST_JOBS ?= -n 2
TEST_ENV := DEBUG=True SECRET_KEY=test-only-not-secret AXES_ENABLED=$${AXES_ENABLED:-True}

.PHONY: run test install install-dev node migrate messages demo lint format serve bench soak audit screenshots backup restore clean leaflet

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

## Node quality tools pinned in package-lock.json: the W3C Nu validator (tests) and Lighthouse.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
node: node_modules/.package-lock.json

## Leaflet (the map page) is pinned in package.json; its dist files are committed in
## static/vendor/leaflet/ so CI and production need no npm. This refreshes them after an upgrade.
leaflet: node
	mkdir -p static/vendor/leaflet
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map \
		node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images \
		node_modules/leaflet/LICENSE static/vendor/leaflet/

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
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_JOBS) $(PYTEST_ARGS)

## Lighthouse (mobile) on home, directory and a profile of a production-settings server with
## the demo data; prints the four scores and fails below target. Needs Chromium (README).
audit: $(VENV)/.installed-dev messages node
	$(PY) -m tools.audit

## Screenshots of home, a filtered directory, a profile and the membership page at 375 and 1280 px → docs/screenshots/.
screenshots: $(VENV)/.installed-dev messages
	$(PY) -m tools.screenshots

## Production: gunicorn with the environment's settings (README, "Production"); DEBUG stays as set
## there, so never True. Checks the deployment, migrates and collects static files first.
serve: messages
	$(MANAGE) check --deploy --fail-level WARNING
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	exec $(VENV)/bin/gunicorn --config gunicorn.conf.py

## Database dump + media + manifest as one .tar.gz in BACKUP_DIR (var/backups by default).
backup: $(VENV)/.installed
	$(MANAGE) backup

## Restore a backup into the (new, empty) database of DATABASE_URL: make restore FILE=path.tar.gz
restore: $(VENV)/.installed
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/mechatrec-....tar.gz"; exit 2; }
	$(MANAGE) restore "$(FILE)"

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## The benchmark of issue 8 (bench/README.md); BENCH_ARGS="--quick" for a smoke test.
bench: $(VENV)/.installed-dev
	$(PY) bench/run.py $(BENCH_ARGS)
	$(PY) bench/http_cache.py

## Faults under load: PostgreSQL restarted, Redis stopped, a worker killed (bench/soak.py).
soak: $(VENV)/.installed-dev messages
	$(PY) bench/soak.py $(SOAK_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache node_modules
