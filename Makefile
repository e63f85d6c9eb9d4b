# Orientation pour tous — the two commands of the README, and the operators' helpers.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Seen by every command make runs: SITE_URL, the links of e-mails, follows the port served.
export PORT
WEB_WORKERS ?= 2
# make test runs the suite on one process per core, at most 4 (pytest-xdist); each test module
# stays on one process, so the data it loads once (module_data) is loaded once
TEST_PROCESSES ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$(( n > 4 ? 4 : n )))
OPEN_DATA ?= ../shared/data

.PHONY: run worker test test-telephony test-production bench-production bench-task-queue bench-killed-worker install install-dev quality lock bench-import-reference bench-import bench-search bench-relevance bench-telephony bench-sync dev clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 est requis (trouvé : " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-base: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@ $(VENV)/.installed-base

install: $(VENV)/.installed-base
install-dev: $(VENV)/.installed-dev

## make run: install, migrate the database under var/, load data, serve http://127.0.0.1:$(PORT)
run: install
	mkdir -p var/db
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py bootstrap_data
	scripts/vendor_js.sh
	$(BIN)/python manage.py collectstatic --noinput -v 0
	@echo "Orientation pour tous : http://127.0.0.1:$(PORT)/ (et le worker des tâches de fond)"
	$(BIN)/python manage.py run_worker --interval 5 & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --config config/gunicorn.py config.wsgi:application --bind 127.0.0.1:$(PORT) --workers $(WEB_WORKERS) --access-logfile -

## make worker: the background worker alone (scheduled imports, e-mails), for a host without the web
worker: install
	$(BIN)/python manage.py run_worker

## make dev: the same with Django's auto-reloading development server
dev: install-dev
	mkdir -p var/db
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py bootstrap_data
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## make test: quality gate, then the whole test suite (DATABASE_URL=postgres://… for PostgreSQL):
## the telephony tests (make test-telephony), then all the others
test: install-dev quality
	scripts/browser.sh
	scripts/test_tools.sh
	scripts/vendor_js.sh
	$(MAKE) --no-print-directory test-telephony
	redis=$$(scripts/redis.sh start) && REDIS_TEST_URL=$$redis $(BIN)/python -m pytest --ignore=tests/telephony \
	  -n $(TEST_PROCESSES) --dist loadfile --durations=15 $(PYTEST_ARGS)
	@case "$$DATABASE_URL" in postgres*) $(MAKE) --no-print-directory test-production ;; \
	  *) echo "make test-production: in the PostgreSQL pass (DATABASE_URL=\$$(scripts/postgres.sh start) make test), as CI does" ;; esac

## make test-production: the whole topology (PostgreSQL primary and replica, Redis, two web hosts,
## HAProxy) under 90 s of Locust visitors, with a host killed, the replica stopped, every host
## restarted and an import published; fails on any failed request or lost write
test-production: install-dev
	scripts/test_tools.sh
	db=$$(scripts/postgres.sh start) && redis=$$(scripts/redis.sh start) && \
	  $(BIN)/python -m bench.production --database "$$db" --redis "$$redis"

## make bench-production: the same for longer on the 230,000-action feed, and one host alone for the ratio
bench-production: install-dev
	scripts/test_tools.sh
	db=$$(scripts/postgres.sh start) && redis=$$(scripts/redis.sh start) && \
	  $(BIN)/python -m bench.production --database "$$db" --redis "$$redis" --seconds 180 --actions 230000 --bench

## make bench-killed-worker: gunicorn's workers killed at random under load, with gunicorn alone and
## with the platform's one-write responses: the responses cut after their headers
bench-killed-worker: install
	$(BIN)/python -m bench.killed_worker

## make bench-task-queue: the task queue on PostgreSQL (the platform's) against Redis (RQ): tasks a
## second with two workers, each run once, and the delay from enqueueing to start
bench-task-queue: install-dev
	db=$$(scripts/postgres.sh start) && redis=$$(scripts/redis.sh start) && \
	  $(BIN)/python -m bench.task_queue --database "$$db" --redis "$$redis"

## make test-telephony: real SIP calls (sipp) through Kamailio and the routing endpoint, on loopback
test-telephony: install-dev
	scripts/telephony.sh
	$(BIN)/python -m pytest tests/telephony

quality: install-dev
	mkdir -p var/db
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy orientation config
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run

## make lock: refresh the pinned versions from requirements/*.in
lock: $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/base.txt requirements/base.in
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/dev.txt requirements/dev.in

## make bench-import-reference: time and peak memory of each reference import step
bench-import-reference: install
	$(BIN)/python -m bench.import_reference $(OPEN_DATA)

## make bench-import: the LHEO import at national scale (230,000 generated actions)
bench-import: install
	$(BIN)/python -m bench.import_lheo $(OPEN_DATA) $(if $(ACTIONS),--actions $(ACTIONS))

## make bench-search: the search engine alone and through HTTP (gunicorn, 2 workers), on the 230,000-action feed
bench-search: install
	$(BIN)/python -m bench.search $(OPEN_DATA) $(if $(ACTIONS),--actions $(ACTIONS))

## make bench-sync: a re-user's full sync of the 230,000 actions through the API, then an incremental one
bench-sync: install
	$(BIN)/python -m bench.sync $(OPEN_DATA) $(if $(ACTIONS),--actions $(ACTIONS))

## make bench-relevance: hit rate in the top 3 and mean reciprocal rank of queries typed as people type, both engines
bench-relevance: install-dev
	$(BIN)/python -m bench.relevance $(OPEN_DATA)

## make bench-telephony: sipp at 50 new calls a second for 60 s through Kamailio and the service (2 web workers)
bench-telephony: install
	scripts/telephony.sh
	$(BIN)/python -m bench.telephony $(if $(RATE),--rate $(RATE)) $(if $(DURATION),--seconds $(DURATION))

clean:
	rm -rf var/static var/bench
