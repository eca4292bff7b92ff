# CVPath: two commands matter. `make demo` runs the product; `make test` runs the checks.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help setup demo test lint typecheck pytest test-pg15 db-stop bench clean infra-tools requirements requirements-check

VENV := .venv
BIN := $(VENV)/bin
TOOLS := .cvpath/tools
UV_VERSION := 0.13.8
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Folders that hold code mypy checks.
CODE_DIRS := layers/cvpath/cvpath local functions/render functions/agents functions/pipeline \
	functions/telemetry functions/api functions/admin
# SAM CLI and cfn-lint live in their own environment: SAM pins many packages of its own.
SAM_VERSION := 1.170.0
CFN_LINT_SERVERLESS_VERSION := 0.3.6
SAM_TOOLS := $(TOOLS)/sam
# `sam build` needs the Lambda runtime's python3.12 on PATH (pyenv keeps it here).
export PYENV_VERSION ?= 3.11.7:3.12.1:3.13.0

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

demo: setup  ## start the local database, migrate, tailor the bundled sample CV to the sample job
	$(BIN)/cvpath db migrate
	$(BIN)/cvpath tailor --cv examples/sample_cv.pdf --job examples/sample_job.txt --out out/demo \
	  --cover-letter pdf

infra-tools: $(SAM_TOOLS)/bin/sam  ## SAM CLI + cfn-lint (serverless rules) in .cvpath/tools/sam

$(SAM_TOOLS)/bin/sam:
	@echo "setup: installing SAM CLI $(SAM_VERSION) and cfn-lint-serverless into $(SAM_TOOLS) (about 2 min, once)"
	@PY=$$(local/find-python) && "$$PY" -m venv $(SAM_TOOLS) && \
	  $(SAM_TOOLS)/bin/pip install --quiet --disable-pip-version-check \
	    aws-sam-cli==$(SAM_VERSION) cfn-lint-serverless==$(CFN_LINT_SERVERLESS_VERSION) 2>&1 \
	  | grep -v "is ignored: it is neither a file nor a directory" || true
	@test -x $(SAM_TOOLS)/bin/sam

requirements: setup  ## regenerate the Lambda requirements.txt files from uv.lock
	UV=$(UV) local/lambda-requirements write

requirements-check: setup  ## fail when a Lambda requirements.txt is stale against uv.lock
	UV=$(UV) local/lambda-requirements check

lint: setup  ## ruff check, ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup  ## mypy on the code folders
	$(BIN)/mypy $(CODE_DIRS)

pytest: setup infra-tools  ## the whole pytest suite (embedded PostgreSQL 18 unless DATABASE_URL is set)
	$(BIN)/pytest

test-pg15: setup  ## the database tests again, on the Debian PostgreSQL 15 cluster
	local/test-pg15

test: setup infra-tools requirements-check lint typecheck pytest test-pg15  ## everything: lint, types, pytest (with sam validate/build), PostgreSQL 15

bench: setup  ## benchmarks (print figures; not timed tests)
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

db-stop: setup  ## stop the embedded PostgreSQL
	$(BIN)/cvpath db stop

clean:  ## remove the venv and local state (stops the embedded PostgreSQL first)
	-@[ -x $(BIN)/cvpath ] && $(BIN)/cvpath db stop
	rm -rf $(VENV) .cvpath .pytest_cache .mypy_cache .ruff_cache
