# H2O Allegiant — two commands: `make run` and `make test`.
#
#   make run     venv + requirements, translations, migrations, demo data, then
#                daphne on $(HOST):$(PORT) (+ a Celery worker when REDIS_URL is set)
#   make test    venv + dev requirements, translations, the whole pytest suite
#                (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set, SQLite otherwise)
#   make bench   the benchmarks (bench/dashboard.py, engine.py, proposal.py)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-n0 -k dashboard"`.
PYTEST_ARGS ?=
WORKER_CONCURRENCY ?= 2

.PHONY: install install-dev messages migrate demo pdf-libs run test bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# pip is quick when everything is already installed, so no stamp files: a
# requirement added by a colleague is picked up by the next make.
install: $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt

install-dev: $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt

# The compiled catalogues are committed too, so a machine without GNU gettext
# still gets both languages.
messages: install
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(BIN)/python manage.py compilemessages --ignore=.venv -v 0; \
	else \
		echo "msgfmt (GNU gettext) not found: using the committed .mo catalogues"; \
	fi

migrate: install
	$(BIN)/python manage.py migrate --noinput -v 0

demo: migrate
	$(BIN)/python manage.py demo

# WeasyPrint (the proposal PDFs) needs Pango: installed with apt-get when it is
# missing and we are root, else a hint (the rest of the site works without it).
pdf-libs:
	@if ! $(PYTHON) -c "import ctypes.util, sys; sys.exit(not ctypes.util.find_library('pangoft2-1.0'))"; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0; \
		else \
			echo "  PDFs need Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"; \
		fi; \
	fi

# The worker (with -B: the beat that reaps phase runs whose worker died) runs
# in the background of the same shell; the trap stops it when daphne exits
# (Ctrl-C included).
run: messages demo pdf-libs
	@echo ""
	@echo "  H2O Allegiant: http://$(HOST):$(PORT)/"
	@echo "  Demo login:    demo@h2o.example / h2o-demo-2025"
	@if [ -n "$$REDIS_URL" ]; then echo "  Celery worker: started (REDIS_URL is set)"; else echo "  Phases run in-process (REDIS_URL not set)"; fi
	@echo ""
	@set -e; worker=""; \
	if [ -n "$$REDIS_URL" ]; then \
		mkdir -p var; \
		$(BIN)/celery -A h2o worker -B -s var/celerybeat-schedule --loglevel=info \
			--concurrency=$(WORKER_CONCURRENCY) & worker=$$!; \
	fi; \
	trap 'if [ -n "$$worker" ]; then kill $$worker 2>/dev/null; wait $$worker 2>/dev/null; fi' EXIT INT TERM; \
	$(BIN)/daphne -b $(HOST) -p $(PORT) h2o.asgi:application

test: install-dev messages
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install-dev
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/proposal.py
