# The two commands: `make run` serves the API and the web admin, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format schema bench clean ui ui-dev codegen

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The browser side (ui/package.json pins it): GraphiQL's scripts and styles, and the web
# admin's sources and tools. Without npm the server still runs the API; its GraphiQL page
# and its admin page then say how to install what is missing.
NO_NODE := Node.js 20 and npm are needed for the web admin and GraphiQL (Debian: apt-get install nodejs npm); the API is served without them
UI_STAMP := ui/node_modules/.package-lock.json
$(UI_STAMP): ui/package.json ui/package-lock.json
	@if command -v npm >/dev/null; then \
	  (cd ui && npm ci --no-audit --no-fund --loglevel=error) || echo "npm ci failed: the browser files are not installed"; \
	else echo "$(NO_NODE)"; fi

# The web admin's build (ui/dist, served at /), remade when a source is newer than it.
UI_SOURCES := $(shell find ui/src -type f 2>/dev/null) ui/index.html ui/vite.config.ts ui/tsconfig.json
UI_BUILD := ui/dist/index.html
$(UI_BUILD): $(UI_SOURCES) ui/package.json ui/package-lock.json | $(UI_STAMP)
	@if command -v npm >/dev/null && [ -f $(UI_STAMP) ]; then \
	  (cd ui && npm run --silent build) || echo "the web admin did not build: the API is served without it"; \
	else echo "$(NO_NODE)"; fi

## Serve the web admin at http://127.0.0.1:8000/ and GraphQL (and GraphiQL) at /graphql on the embedded SQLite database.
run: $(STAMP) $(UI_STAMP) $(UI_BUILD)
	$(BIN)/pjsip-graph serve

## Build the web admin (ui/dist); `make ui-dev` serves it with hot reload on :5173 against `make run`.
ui: $(UI_BUILD)

ui-dev: $(UI_STAMP)
	cd ui && npx vite

## Regenerate the admin's GraphQL types (ui/src/api/generated.ts) from schema.graphql and its operations.
codegen: $(UI_STAMP)
	cd ui && npm run codegen

## Lint, type-check, then run every test on SQLite and PostgreSQL (with the admin's unit and browser tests).
test: $(STAMP) $(UI_STAMP) $(UI_BUILD)
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
