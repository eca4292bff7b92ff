# CVPath: two commands matter. `make demo` runs the product; `make test` runs the checks.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help setup demo test lint typecheck pytest test-pg15 db-stop bench clean

VENV := .venv
BIN := $(VENV)/bin
TOOLS := .cvpath/tools
UV_VERSION := 0.13.8
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Folders that hold code mypy checks (functions/ joins once it has Python in it).
CODE_DIRS := layers/cvpath/cvpath local functions/render functions/agents

help:  ## list the targets
	@grep -E '^[a-z0-9-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

# uv from PATH when it has the pinned version, else a private copy in .cvpath/tools.
UV := $(shell command -v uv >/dev/null 2>&1 && [ "$$(uv --version | cut -d' ' -f2)" = "$(UV_VERSION)" ] && command -v uv || echo $(TOOLS)/bin/uv)

$(TOOLS)/bin/uv:
	@echo "setup: installing uv $(UV_VERSION) into $(TOOLS)"
	@PY=$$(local/find-python) && "$$PY" -m venv $(TOOLS) && $(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

setup: $(if $(filter $(TOOLS)/bin/uv,$(UV)),$(TOOLS)/bin/uv)  ## build .venv from uv.lock (idempotent)
	@PY=$$(local/find-python) && echo "setup: .venv with $$("$$PY" --version) ($$PY)" && \
	  $(UV) sync --locked --quiet --python "$$PY"
	@local/system-deps

demo: setup  ## start the local database, migrate, run the main job
	$(BIN)/cvpath db migrate
	$(BIN)/cvpath db status

lint: setup  ## ruff check, ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup  ## mypy on the code folders
	$(BIN)/mypy $(CODE_DIRS)

pytest: setup  ## the whole pytest suite (embedded PostgreSQL 18 unless DATABASE_URL is set)
	$(BIN)/pytest

test-pg15: setup  ## the database tests again, on the Debian PostgreSQL 15 cluster
	local/test-pg15

test: setup lint typecheck pytest test-pg15  ## setup, lint, typecheck, pytest, then the PostgreSQL 15 run

bench: setup  ## benchmarks (print figures; not timed tests)
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

db-stop: setup  ## stop the embedded PostgreSQL
	$(BIN)/cvpath db stop

clean:  ## remove the venv and local state (stops the embedded PostgreSQL first)
	-@[ -x $(BIN)/cvpath ] && $(BIN)/cvpath db stop
	rm -rf $(VENV) .cvpath .pytest_cache .mypy_cache .ruff_cache
