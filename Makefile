# ecrlogin — the two set-up commands of the README are `make demo` and `make test`.
# Everything runs from the project's own virtual environment (.venv), made on first use.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: help venv test unit e2e lint format provision demo bench clean

help:
	@echo "make demo       stand up a local ECR, log in to it with ecrlogin, pull through Docker"
	@echo "make test       unit + end-to-end tests (end-to-end needs 'make provision' as root)"
	@echo "make lint       ruff + mypy --strict (also as win32 and darwin)"
	@echo "make bench      ecrlogin against the aws-cli pipeline (needs 'make provision')"
	@echo "make provision  install the Debian packages of the local ECR (root, apt)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]' --config-settings editable_mode=compat
	touch $@

venv: $(STAMP)

test: venv
	$(PY) -m pytest

unit: venv
	$(PY) -m pytest -m "not e2e"

e2e: venv
	$(PY) -m pytest -m e2e

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	# the package must also type-check as Windows and macOS see it (no fcntl, no os.fchown …)
	$(VENV)/bin/mypy --strict --platform win32 ecrlogin
	$(VENV)/bin/mypy --strict --platform darwin ecrlogin

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

provision:
	scripts/provision-system

demo: provision venv
	$(PY) -m tests.localecr demo

bench: venv
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
