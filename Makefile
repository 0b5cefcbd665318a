# FundLens: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.DEFAULT_GOAL := help
.PHONY: help run test browser java spark refresh app demo-data lint format bench bench-scale screenshots docs report-images clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: $(VENV)/.installed ## install, build the demo warehouse and demo users, start the app on 127.0.0.1:8501
	$(BIN)/fundlens refresh
	$(BIN)/fundlens users demo
	$(BIN)/fundlens app

test: $(VENV)/.installed-dev ## install with the dev extras and run the whole test suite
	$(BIN)/pytest

browser: ## install Debian's Chromium for the browser tests (root; they are skipped without it)
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

java: ## install Debian's Java 17 for the Spark engine (root; the Spark tests skip without it)
	@dpkg -s openjdk-17-jre-headless >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }

spark: $(VENV)/.installed-spark ## install the Spark extra (pyspark, dbt-spark) next to the dev extras

refresh: $(VENV)/.installed ## rebuild and publish the demo warehouse
	$(BIN)/fundlens refresh

app: $(VENV)/.installed ## start the app on the published warehouse
	$(BIN)/fundlens app

demo-data: $(VENV)/.installed ## regenerate the demo CSVs in seeds/
	$(BIN)/fundlens generate --preset demo --out seeds

lint: $(VENV)/.installed-dev ## ruff and sqlfluff
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
	FUNDLENS_DB_PATH=$$(mktemp -d)/lint.duckdb $(BIN)/sqlfluff lint models macros tests/dbt analyses

format: $(VENV)/.installed-dev ## format Python and SQL in place
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: $(VENV)/.installed-dev ## run the benchmarks (they print ratios; not part of the tests)
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_performance.py
	@if test -e $(VENV)/.installed-spark; then $(BIN)/python benchmarks/bench_spark.py; \
	else echo "bench_spark skipped: run make spark first"; fi
	$(BIN)/python benchmarks/bench_app.py
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_sql.py

screenshots: $(VENV)/.installed-dev ## render the README's screenshots into docs/img/ (needs make browser)
	$(BIN)/python scripts/screenshots.py

PRESET ?= medium
bench-scale: $(VENV)/.installed ## generate PRESET (demo|medium|large|xlarge) and time a refresh against DuckDB's load floor
	$(BIN)/python benchmarks/bench_scale.py --preset $(PRESET)

docs: $(VENV)/.installed ## generate the dbt docs site into target/ (from a copy: readers keep reading)
	@test -e .fundlens/warehouse.duckdb || { echo "Nothing published yet: run make refresh first."; exit 1; }
	tmp=$$(mktemp -d) && cp -L .fundlens/warehouse.duckdb $$tmp/docs.duckdb && \
	FUNDLENS_DB_PATH=$$tmp/docs.duckdb $(BIN)/dbt docs generate --profiles-dir . --project-dir .; \
	status=$$?; rm -rf $$tmp; exit $$status

report-images: $(VENV)/.installed-dev ## render the first pages of a demo LP report into docs/img/
	$(BIN)/python scripts/report_pages.py

clean: ## remove the virtualenv, the demo home and dbt's target/
	rm -rf $(VENV) .fundlens target logs

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "FundLens needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-spark: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev,spark]'
	touch $@ $(VENV)/.installed-dev $(VENV)/.installed
