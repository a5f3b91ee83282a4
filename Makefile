# H2O Allegiant — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: venv install install-dev messages run test

venv: $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt

install-dev: $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt

messages: install
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0

run: messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo
	@echo ""
	@echo "  H2O Allegiant is running at http://$(HOST):$(PORT)/"
	@echo "  Demo login: demo@h2o.example / h2o-demo-2025"
	@echo ""
	@if [ -n "$$REDIS_URL" ]; then \
		$(BIN)/celery -A h2o worker --loglevel=info & \
		trap 'kill $$!' EXIT; \
		$(BIN)/daphne -b $(HOST) -p $(PORT) h2o.asgi:application; \
	else \
		$(BIN)/daphne -b $(HOST) -p $(PORT) h2o.asgi:application; \
	fi

test: install-dev
	$(BIN)/pytest
