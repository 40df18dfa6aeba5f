# Set-up and everyday commands. `make demo` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3.11
UV_VERSION := 0.13.8
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
VENV_BIN := .venv/bin
GRAPHIQL_DIR := api/static/graphiql
GRAPHIQL_ASSETS := $(GRAPHIQL_DIR)/graphiql.min.js
HUB := $(VENV_BIN)/hub
SEED ?= 42

PG_BIN := /usr/lib/postgresql/15/bin
# Superset has its own virtualenv: it pins SQLAlchemy<2 and pandas<2.2 (superset/requirements.lock)
SUPERSET_VENV := .superset-venv

.PHONY: superset-install superset graphiql-assets bench-postgraphile-install
.PHONY: install install-system demo serve test test-scale test-fast simulate ingest bench-ingest bench-build clean help

help:
	@echo "make demo   - install, simulate demo data, build the hub (ingest, dbt, quality gate, publish),"
	@echo "              then serve the API (GraphiQL) and the Dagster UI and print a demo key"
	@echo "make serve  - serve what is already built"
	@echo "make superset - provision and serve the Superset dashboards (beside make serve, port 8088)"
	@echo "make test   - install and run the test suite"
	@echo "make test-scale - the whole-build and whole-engine tests (CI runs them after make test)"

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

install: .venv/.installed $(GRAPHIQL_ASSETS)

# System packages the tests and the demo need, from Debian's registry (skipped when present).
install-system:
	@if [ ! -x $(PG_BIN)/initdb ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null; \
	fi
	@# field-alert PDFs (WeasyPrint): pango, and a CJK font for the Chinese fault texts
	@if ! ldconfig -p | grep -q libpangoft2-1.0 || ! fc-list :lang=zh | grep -q .; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-noto-cjk >/dev/null; \
	fi
	@# the dashboards' browser test drives Debian's Chromium (never a downloaded browser)
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

# Superset in its own virtualenv from the lock file; quick when already installed.
$(SUPERSET_VENV)/.installed: $(UV) superset/requirements.lock
	@[ -x $(SUPERSET_VENV)/bin/python ] || $(UV) venv --python $(PYTHON) $(SUPERSET_VENV)
	$(UV) pip sync --python $(SUPERSET_VENV)/bin/python superset/requirements.lock
	@touch $@

superset-install: $(SUPERSET_VENV)/.installed

# Provision Superset (admin user, dashboards from code) over the built hub and serve it on :8088.
superset: install superset-install
	scripts/superset.sh

# GraphiQL's page loads React and GraphiQL from files the API serves itself (api/static/graphiql/),
# never from a CDN: an offline contact center gets a working page. They are installed from the
# npm registry at the versions of api/static/graphiql/package-lock.json (npm ci checks the
# hashes), like the Python packages from PyPI; the repository holds only the lock and our code.
$(GRAPHIQL_ASSETS): $(GRAPHIQL_DIR)/package.json $(GRAPHIQL_DIR)/package-lock.json
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	cp $(GRAPHIQL_DIR)/package.json $(GRAPHIQL_DIR)/package-lock.json "$$tmp"/ && \
	npm ci --prefix "$$tmp" --ignore-scripts --no-audit --no-fund --silent && \
	m="$$tmp/node_modules" && \
	cp "$$m/react/umd/react.production.min.js" "$$m/react-dom/umd/react-dom.production.min.js" \
	   "$$m/graphiql/graphiql.min.css" $(GRAPHIQL_DIR)/ && \
	cp "$$m/react/LICENSE" $(GRAPHIQL_DIR)/LICENSE.react && cp "$$m/react-dom/LICENSE" $(GRAPHIQL_DIR)/LICENSE.react-dom && \
	cp "$$m/graphiql/LICENSE" $(GRAPHIQL_DIR)/LICENSE.graphiql && \
	cp "$$m/graphiql/graphiql.min.js" $(GRAPHIQL_ASSETS) && \
	echo "GraphiQL assets installed in $(GRAPHIQL_DIR)"

graphiql-assets: $(GRAPHIQL_ASSETS)

simulate: install
	$(HUB) simulate --scale demo --seed $(SEED)

ingest: install
	$(HUB) ingest

demo: install superset-install
	$(HUB) simulate --scale demo --seed $(SEED)
	$(HUB) build
	@echo
	@echo "Demo data is in var/: landing files, truth/, warehouse.duckdb (raw, staging, marts), serving.db."
	@echo "Try also: $(HUB) identity evaluate; $(HUB) quarantine"
	scripts/serve.sh

# Serve what is already built (API, GraphiQL, Dagster UI) with a fresh demo key.
serve: install
	scripts/serve.sh

test: install install-system superset-install
	$(VENV_BIN)/pytest -n 2 --dist loadgroup --durations=25 -m "not scale"

# Whole-build and whole-engine tests (Spark, a Dagster deployment on PostgreSQL, rebuilds after
# erasure and write-backs): CI runs them after `make test`.
test-scale: install install-system superset-install bench-postgraphile-install
	$(VENV_BIN)/pytest -n 2 --dist loadgroup --durations=25 -m scale

test-fast: install
	$(VENV_BIN)/pytest -x -q -m "not slow"

bench-ingest: install
	$(VENV_BIN)/python bench/ingest.py --scale bench

# Needs landing files of `hub simulate --scale bench` in BENCH_DIR (bench-ingest leaves them there).
BENCH_DIR ?= var/bench-bench
bench-build: install
	$(VENV_BIN)/python bench/build.py --data-dir $(BENCH_DIR)

# PostGraphile for `bench/api.py --postgraphile`, from the npm registry at the versions of
# bench/postgraphile/package-lock.json (only the bench and its scale smoke test need it).
bench-postgraphile-install: bench/postgraphile/node_modules/.installed

bench/postgraphile/node_modules/.installed: bench/postgraphile/package.json bench/postgraphile/package-lock.json
	cd bench/postgraphile && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

clean:
	rm -rf var .pytest_cache transforms/target transforms/logs
