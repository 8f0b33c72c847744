# reminder-app: `make run` to try it, `make test` to check it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# requirements/runtime.txt (the app), sandbox.txt (+ the local sandbox), dev.txt (+ tests and
# tools; requirements.txt includes it). A stamp per set, named by a checksum of every file.
REQUIREMENTS := requirements.txt $(wildcard requirements/*.txt)
REQUIREMENTS_SUM := $(shell cat $(REQUIREMENTS) | cksum | cut -d' ' -f1)
RUN_STAMP := $(VENV)/.installed-run-$(REQUIREMENTS_SUM)
STAMP := $(VENV)/.installed-dev-$(REQUIREMENTS_SUM)
PORT ?= 5000
SANDBOX_PORT ?= 5001
HOST ?= 127.0.0.1

APP_URL := http://$(HOST):$(PORT)
SANDBOX_URL := http://$(HOST):$(SANDBOX_PORT)
# The app next to the local sandbox (each setting can still come from the environment).
RUN_ENV = PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-$(APP_URL)} \
	CLICKATELL_CONNECT_URL=$${CLICKATELL_CONNECT_URL:-$(SANDBOX_URL)/connect} \
	CLICKATELL_API_URL=$${CLICKATELL_API_URL:-$(SANDBOX_URL)} \
	CLICKATELL_PLATFORM_URL=$${CLICKATELL_PLATFORM_URL:-$(SANDBOX_URL)}

export FLASK_APP := wsgi

.PHONY: run test lint migrate seed sandbox demo-reset screenshots bench drills fuzz clean-venv

## `make run`: the app and the sandbox only.
$(RUN_STAMP): $(REQUIREMENTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/sandbox.txt
	rm -f $(VENV)/.installed-run-*
	touch $(RUN_STAMP)

## `make test` and the tools: everything (which includes what `make run` needs).
$(STAMP): $(REQUIREMENTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP) $(RUN_STAMP)

venv: $(STAMP)

migrate: $(RUN_STAMP)
	$(BIN)/flask db upgrade

## Seed the demo practice on an empty database (the sandbox must be running for its account).
seed: migrate
	$(RUN_ENV) $(BIN)/flask seed-demo

## The sandbox first (the demo's two Clickatell accounts live there), then the demo seed on an
## empty database, then the worker (it sends the reminders) and the app, each a process of
## its own as in production. Ctrl-C stops all three.
run: migrate
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/flask --app clickatell_sandbox run --host $(HOST) --port $(SANDBOX_PORT) & \
	$(BIN)/python scripts/wait_for_url.py $(SANDBOX_URL)/sandbox/ || exit 1; \
	$(RUN_ENV) $(BIN)/flask seed-demo || exit 1; \
	echo "App:                  $(APP_URL)"; \
	echo "Sandbox:              $(SANDBOX_URL)/sandbox/"; \
	echo "The patients' phones: $(SANDBOX_URL)/sandbox/phones"; \
	$(RUN_ENV) $(BIN)/flask worker & \
	$(RUN_ENV) $(BIN)/flask run --host $(HOST) --port $(PORT)

## Start the demo over: forget both SQLite databases (app and sandbox), seed again and run.
demo-reset:
	rm -f instance/reminder.db instance/reminder.db-wal instance/reminder.db-shm \
		instance/sandbox.db instance/sandbox.db-wal instance/sandbox.db-shm
	@echo "The demo's databases are deleted; starting over."
	$(MAKE) run

## The README's pictures (docs/screenshots/), from a freshly seeded demo in headless Chromium.
screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

sandbox: $(RUN_STAMP)
	$(BIN)/flask --app clickatell_sandbox run --host $(HOST) --port $(SANDBOX_PORT)

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP)
	$(BIN)/ruff check .
	@test -x /usr/bin/chromium || echo "Chromium is not installed at /usr/bin/chromium:" \
		"the browser tests (tests/browser) will be SKIPPED (apt-get install chromium)."
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# PostgreSQL for the drills and benchmarks: TEST_DATABASE_URL, else the local server if one
# answers. They only create (and drop) databases of their own on it.
DRILL_POSTGRES = $$(test -n "$$TEST_DATABASE_URL" && echo "$$TEST_DATABASE_URL" \
	|| $(BIN)/python scripts/postgres_url.py)

## Benchmarks (docs/performance.md): dispatch, the 9:00 peak, queueing alone, the claim's cost, due query,
## webhooks under gunicorn, a practice group's day (CI-sized: GROUP_DAY_SCALE), day view,
## patient picker.
bench: $(STAMP)
	$(BIN)/python bench/dispatch.py --count $${BENCH_COUNT:-2000} --rounds $${BENCH_ROUNDS:-5} \
		--concurrency 4
	TEST_DATABASE_URL=$(DRILL_POSTGRES) $(BIN)/python bench/peak.py --practices 40 \
		--per-practice 20 --rate 1
	TEST_DATABASE_URL=$(DRILL_POSTGRES) $(BIN)/python bench/queueing.py \
		--count $${BENCH_COUNT:-2000} --rounds 3
	TEST_DATABASE_URL=$(DRILL_POSTGRES) $(BIN)/python bench/claim_cost.py \
		--numbers 1,10,100,1000 --runs 30
	$(BIN)/python bench/due_query.py --rows $${BENCH_ROWS:-1000000}
	TEST_DATABASE_URL=$(DRILL_POSTGRES) $(BIN)/python bench/webhooks.py --requests 5000 --seconds 60
	TEST_DATABASE_URL=$(DRILL_POSTGRES) $(BIN)/python bench/group_day.py \
		--scale $${GROUP_DAY_SCALE:-0.01}
	$(BIN)/python bench/day_view.py --appointments 500 --runs 20
	$(BIN)/python bench/patient_picker.py --patients 5000 --runs 50

## Drills (tests/drills, marked slow): crash, provider faults, callbacks, restart. Those that
## need PostgreSQL skip without one. DRILL_ROUNDS / DRILL_SCALE make them shorter.
drills: $(STAMP)
	TEST_DATABASE_URL=$(DRILL_POSTGRES) $(BIN)/python -m pytest -m slow tests/drills -q -s \
		-p no:cacheprovider $(PYTEST_ARGS)

## The fuzzers (tests/fuzz) with many more examples than in `make test`.
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-2000} $(BIN)/python -m pytest tests/fuzz -q $(PYTEST_ARGS)

clean-venv:
	rm -rf $(VENV)
