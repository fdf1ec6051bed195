# The two commands: `make run` serves the API, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format schema bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# GraphiQL's scripts and styles, served by the server itself (ui/package.json pins them).
# Without npm the server still runs; its GraphiQL page then says how to install them.
UI_STAMP := ui/node_modules/.package-lock.json
$(UI_STAMP): ui/package.json ui/package-lock.json
	@if command -v npm >/dev/null; then \
	  (cd ui && npm ci --no-audit --no-fund --loglevel=error) || echo "npm ci failed: GraphiQL's files are not installed"; \
	else echo "npm not found: GraphiQL's files are not installed (see README)"; fi

## Serve GraphQL (and GraphiQL) at http://127.0.0.1:8000/graphql on the embedded SQLite database.
run: $(STAMP) $(UI_STAMP)
	$(BIN)/pjsip-graph serve

## Lint, type-check, then run every test on SQLite and PostgreSQL.
test: $(STAMP) $(UI_STAMP)
	$(BIN)/ruff check app tests bench migrations
	$(BIN)/ruff format --check app tests bench migrations
	$(BIN)/mypy app
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check app tests bench migrations

format: $(STAMP)
	$(BIN)/ruff check --fix app tests bench migrations
	$(BIN)/ruff format app tests bench migrations

## Regenerate schema.graphql from the code.
schema: $(STAMP)
	$(BIN)/pjsip-graph export-schema --output schema.graphql

## Benchmarks (not part of the test suite); see docs/performance.md.
bench: $(STAMP)
	$(BIN)/python bench/bench_core.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
