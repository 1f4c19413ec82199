# allnav — see README.md. Every target builds .venv/ from the locked dependencies first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# the compiled hot path (mypyc: karyotype engine, case loading, evaluators); rebuilt when a source changes, used
# only while every compiled source matches (allnav.accel)
ACCEL := $(VENV)/allnav-accel/manifest.json

.PHONY: install accel run test lint typecheck unit bench clean lock

install: $(STAMP) $(ACCEL)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

$(ACCEL): $(STAMP) $(wildcard src/allnav/*/*.py)
	$(BIN)/python -m allnav.accel build --optional

accel: $(STAMP)
	$(BIN)/python -m allnav.accel build

run: install
	ALLNAV_ENV=development $(BIN)/allnav serve --demo

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

# The suite runs the pure-Python modules (so that coverage sees them); tests/accel checks that the compiled
# build, which is required here, gives the same results (karyotype features on every corpus string, assessment
# bytes on every case file and 1,500 variants). A second pass runs the whole suite again on the compiled build,
# the one users get.
unit: install
	ALLNAV_ACCEL=0 ALLNAV_ACCEL_REQUIRED=1 $(BIN)/pytest --cov --cov-report=term
	ALLNAV_ACCEL_REQUIRED=1 $(BIN)/pytest

test: lint typecheck unit

bench: install
	$(BIN)/python benchmarks/run.py
	ALLNAV_ACCEL=0 $(BIN)/python benchmarks/assess_bench.py --file-cases 2000
	$(BIN)/python benchmarks/assess_bench.py --jobs 1,2
	$(BIN)/python benchmarks/load_bench.py

lock:
	$(PY) -m venv /tmp/allnav-lock && /tmp/allnav-lock/bin/pip install --quiet pip-tools
	/tmp/allnav-lock/bin/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links --output-file requirements.lock requirements-dev.in
	sed -i "/^-e /d" requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
