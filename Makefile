# Interview Kit: `make run` serves the app, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3
# Seconds a request may take before gunicorn restarts its worker (a 2,000-row admin import
# takes about 10 s to confirm).
TIMEOUT ?= 60

.PHONY: help install install-test run demo serve migrate bank login test test-fast test-browser lint typecheck migrations-check format bench bench-scale fixture check-compose clean

help:
	@echo "make run      set up (venv, deps, migrate, bank, login) and serve on http://$(HOST):$(PORT)"
	@echo "make demo     a simulated organisation (demo.sqlite3): loops, co-scored interviews, decisions; serves it"
	@echo "make serve    production: DEBUG=false, collectstatic, check --deploy, gunicorn (needs SECRET_KEY)"
	@echo "make test     run the whole test suite, browser journeys included (DATABASE_URL picks PostgreSQL; default SQLite)"
	@echo "make lint     ruff check and format check"
	@echo "make typecheck  mypy with django-stubs (strict on services, reports, charts, auto-compose, the guide parser)"
	@echo "make migrations-check  fail when a model change has no migration"
	@echo "make bench    performance figures (query counts and timings on a large bank; the measures pages at 5,000 interviews)"
	@echo "make bench-scale  the figures at 100,000 questions, under load, and a locust load test"
	@echo "make fixture  regenerate fixtures/questionbank.json from the guide and its guidance"

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate requirements.lock pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

install: $(VENV)/.installed

# The browser tests' front-end dependency (axe-core), installed as package-lock.json pins it.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is missing: apt-get install -y npm" >&2; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

install-test: install node_modules/.installed

migrate: install
	$(PY) manage.py migrate --noinput

bank: migrate
	$(PY) manage.py load_bank

login: migrate
	$(PY) manage.py ensure_login --host $(HOST) --port $(PORT)

run: bank login
	$(PY) manage.py runserver $(HOST):$(PORT)

# A simulated organisation in its own SQLite database (the real one is untouched): the bank,
# simulate_hiring with a fixed seed (its truth in demo-truth.json), the logins it prints.
DEMO_DB ?= demo.sqlite3
DEMO_SEED ?= 13
DEMO_CANDIDATES ?= 300
DEMO_PASSWORD ?= interview-kit-demo
DEMO_ENV := DATABASE_URL=sqlite:///$(abspath $(DEMO_DB))

demo: install
	rm -f $(DEMO_DB)
	$(DEMO_ENV) $(PY) manage.py migrate --noinput -v0
	$(DEMO_ENV) $(PY) manage.py load_bank
	$(DEMO_ENV) $(PY) manage.py simulate_hiring --seed $(DEMO_SEED) --candidates $(DEMO_CANDIDATES) \
		--interviewers 12 --questions-per-interview 6 --co-scored-share 0.3 \
		--password $(DEMO_PASSWORD) --truth-out demo-truth.json
	$(DEMO_ENV) $(PY) manage.py ensure_login --host $(HOST) --port $(PORT)
	$(DEMO_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

# Production as the README's "Production" section has it: the environment says the rest
# (SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, the HTTPS settings).
serve: export DEBUG = false
serve: bank login
	@test -n "$$SECRET_KEY" || { echo "make serve: set SECRET_KEY (see README, Production)"; exit 1; }
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py check --deploy --fail-level ERROR
	$(BIN)/gunicorn config.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--timeout $(TIMEOUT) --access-logfile -

# Unit and page tests in parallel, then the browser journeys on their own: they wait on a live
# server and Chromium, and sharing two cores with CPU-bound property tests makes them flaky.
test: install-test
	$(PY) -m pytest -n auto -m "not browser" $(PYTEST_ARGS)
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

test-browser: install-test
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy with django-stubs over the project; strict on the modules listed in pyproject.toml.
typecheck: install
	$(BIN)/mypy .

# The models and the migrations agree: no change waits for a migration.
migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(PY) bench/run.py

# The scale figures (100,000 questions, load tests): meant for PostgreSQL, e.g.
# DATABASE_URL=postgres://postgres@127.0.0.1:5432/interviewkit make bench-scale
bench-scale: install
	$(PY) bench/run.py --scale

fixture: install
	rm -f /tmp/interview-kit-fixture.sqlite3
	DATABASE_URL=sqlite:////tmp/interview-kit-fixture.sqlite3 $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=sqlite:////tmp/interview-kit-fixture.sqlite3 $(PY) manage.py import_guide fixtures/llm_guide.txt -v0
	DATABASE_URL=sqlite:////tmp/interview-kit-fixture.sqlite3 $(PY) manage.py dumpdata \
		questionbank.Level questionbank.Topic questionbank.Question \
		--natural-foreign --natural-primary --indent 1 -o fixtures/questionbank.json
	rm -f /tmp/interview-kit-fixture.sqlite3

check-compose: install
	$(PY) -c "import compose, pathlib, subprocess, sys; \
		binary = pathlib.Path(compose.__file__).parent / 'docker-compose'; \
		sys.exit(subprocess.call([str(binary), '-f', 'docker-compose.yml', 'config', '--quiet']))"

clean:
	rm -rf $(VENV) staticfiles
