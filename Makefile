# reminder-app: `make run` to try it, `make test` to check it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
PORT ?= 5000
SANDBOX_PORT ?= 5001
HOST ?= 127.0.0.1

export FLASK_APP := wsgi

.PHONY: run test lint migrate seed sandbox clean-venv

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

migrate: $(STAMP)
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed-demo

## Start the Clickatell sandbox and the app together; Ctrl-C stops both.
run: seed
	@echo "App:     http://$(HOST):$(PORT)"
	@echo "Sandbox: http://$(HOST):$(SANDBOX_PORT)/sandbox/"
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/flask --app clickatell_sandbox run --host $(HOST) --port $(SANDBOX_PORT) & \
	SCHEDULER_ENABLED=$${SCHEDULER_ENABLED:-1} PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)} \
	CLICKATELL_CONNECT_URL=$${CLICKATELL_CONNECT_URL:-http://$(HOST):$(SANDBOX_PORT)/connect} \
	CLICKATELL_API_URL=$${CLICKATELL_API_URL:-http://$(HOST):$(SANDBOX_PORT)} \
	$(BIN)/flask run --host $(HOST) --port $(PORT)

sandbox: $(STAMP)
	$(BIN)/flask --app clickatell_sandbox run --host $(HOST) --port $(SANDBOX_PORT)

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean-venv:
	rm -rf $(VENV)
