# allnav — see README.md. Every target builds .venv/ from the locked dependencies first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint typecheck unit bench clean lock

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: install
	ALLNAV_ENV=development $(BIN)/allnav serve --demo

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest --cov --cov-report=term

test: lint typecheck unit

bench: install
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/assess_bench.py
	$(BIN)/python benchmarks/load_bench.py

lock:
	$(PY) -m venv /tmp/allnav-lock && /tmp/allnav-lock/bin/pip install --quiet pip-tools
	/tmp/allnav-lock/bin/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links --output-file requirements.lock requirements-dev.in
	sed -i "/^-e /d" requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
