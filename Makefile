# 营商环境政策库 — the two commands a new user needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
SEEDS := fixtures/seeds

.PHONY: run test test-sqlite test-postgres postgres-deps queue-deps bench bench-docs load load-postgres setup install migrate seed index browser-deps lint format messages serve-production clean

# The task queue's worker (bulk imports, re-parsing, index repair) runs beside the server and
# stops with it.
run: setup ## Set up everything, start the job worker and serve on $(HOST):$(PORT) (SEEDS_ONLY=1: only the five seeds)
	@$(BIN)/python manage.py run_huey --quiet & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

test: test-sqlite test-postgres ## The same set-up, then the whole suite on SQLite and on PostgreSQL

test-sqlite: setup browser-deps queue-deps ## The whole suite on the embedded default (SQLite + Whoosh)
	$(BIN)/python -m pytest

# A throwaway cluster of Debian's PostgreSQL server on loopback (tests/postgres_cluster.py),
# deleted afterwards; the suite runs against it with DATABASE_URL set.
test-postgres: setup browser-deps postgres-deps queue-deps ## The whole suite on a local PostgreSQL server
	$(BIN)/python -m tests.postgres_cluster $(BIN)/python -m pytest

postgres-deps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else \
	    echo "PostgreSQL tests need: sudo apt-get install postgresql"; exit 1; \
	  fi; \
	fi

# A Redis server for the test of the task queue shared through Redis (started by the test on a
# free port). Without it (not root, no package source) that one test is skipped, saying why.
queue-deps:
	@if [ ! -x /usr/bin/redis-server ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null) \
	      || echo "could not install redis-server: the Redis queue test will be skipped"; \
	  else \
	    echo "the Redis queue test needs: sudo apt-get install redis-server (skipped without it)"; \
	  fi; \
	fi

# BENCH_RELEASES=3000 make bench scales the corpus (default 1000 releases, ≥ 15 M characters);
# a run at another size prints how latency grew between the two. BENCH_PEERS=substring_scan
# (or none, or a comma list) skips building the other peers' indexes, for large scaling runs.
bench: install ## Speed and recall at scale, against the peers; writes var/bench/latest.json
	$(BIN)/python -m pip install --quiet -e '.[bench]' || echo "xapian not installable: that peer is skipped"
	$(BIN)/python manage.py run_benchmark

bench-docs: install ## Rewrite the benchmark tables of README.md and docs/scaling.md from the stored runs
	$(BIN)/python manage.py run_benchmark --render

# A minute of searches, release pages and admin publishes against gunicorn on loopback, then
# the index checked against the database (LOAD_ARGS="--seconds 120 --users 40" to vary it).
load: install ## Load test (locust vs gunicorn); prints p95 per endpoint, 5xx count and drift
	$(BIN)/python -m pip install --quiet -e '.[load]'
	$(BIN)/python manage.py run_load_test $(LOAD_ARGS)

# The same against a throwaway local PostgreSQL server, with 8 staff publishing at once: the
# concurrent writers SQLite serialises.
load-postgres: install postgres-deps ## Load test on PostgreSQL with many concurrent publishers
	$(BIN)/python -m pip install --quiet -e '.[load,postgres]'
	$(BIN)/python -m tests.postgres_cluster sh -c \
	  '$(BIN)/python manage.py run_load_test --publishers 8 --database-url "$$DATABASE_URL" $(LOAD_ARGS)'

setup: install migrate seed index
	@$(BIN)/python manage.py ensure_admin

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

migrate: install
	$(BIN)/python manage.py migrate --noinput

# An index built by an older schema is rebuilt before anything is imported into it (an upgrade).
seed: migrate ## Import the seeds and the 72 national work reports, or with SEEDS_ONLY=1 the seeds alone (idempotent: duplicates are skipped)
	$(BIN)/python manage.py ensure_search_index
	$(BIN)/python manage.py import_releases --publish $(wildcard $(SEEDS)/*.txt) $(if $(SEEDS_ONLY),,fixtures/corpora/national-government-work-reports.jsonl)
	$(BIN)/python manage.py analyse_releases

index: seed ## Build the search index if it is missing or out of step (a no-op when it is right)
	$(BIN)/python manage.py ensure_search_index

# Real-browser tests drive Debian's chromium with CJK fonts (installed once, as root).
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else \
	    echo "browser tests need: sudo apt-get install chromium fonts-noto-cjk"; exit 1; \
	  fi; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install ## Rebuild the English translation catalogue (needs gettext)
	$(BIN)/python manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=var --ignore=tests
	$(BIN)/python manage.py compilemessages -l en -l zh_Hans --ignore=.venv

# With the production environment set (README "Deploying"): hashed static files, then gunicorn
# (gunicorn.conf.py) on $(HOST):$(PORT) unless PORTAL_BIND says otherwise.
serve-production: install ## Collect static files and serve with gunicorn (DJANGO_ENV=production)
	@test "$$DJANGO_ENV" = production || { echo 'set DJANGO_ENV=production and the rest (README: "Deploying")'; exit 1; }
	$(BIN)/python manage.py collectstatic --noinput
	@$(BIN)/python manage.py run_huey --quiet & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  PORTAL_BIND="$${PORTAL_BIND:-$(HOST):$(PORT)}" $(BIN)/gunicorn

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
