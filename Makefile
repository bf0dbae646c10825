# ecrlogin — the two set-up commands of the README are `make demo` and `make test`.
# Everything runs from the project's own virtual environment (.venv), made on first use from
# the lock (uv.lock) by uv, itself installed by exact version and hash (requirements-uv.txt).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TOOLS  := .tools
UV     := $(TOOLS)/bin/uv
# The Pythons the unit and robustness suites run under (`make matrix`); the e2e suite runs
# under $(PYTHON) only.
MATRIX ?= 3.11 3.12 3.13

# uv never downloads an interpreter: the machine's own are used (scripts/find-python).
export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1

.PHONY: help venv test unit e2e lint format provision demo bench clean lock matrix newest dist

help:
	@echo "make demo       stand up a local ECR, log in to it with ecrlogin, pull through Docker"
	@echo "make test       unit + end-to-end tests (end-to-end needs 'make provision' as root)"
	@echo "make lint       ruff + mypy --strict (also as win32 and darwin)"
	@echo "make bench      ecrlogin against the aws-cli pipeline (needs 'make provision')"
	@echo "make provision  install the Debian packages of the local ECR (root, apt)"
	@echo "make matrix     unit + robustness suites under Python $(MATRIX), from the lock"
	@echo "make newest     unit + robustness suites with the newest releases pyproject allows"
	@echo "make lock       re-resolve uv.lock to today's newest releases (on purpose, then commit)"
	@echo "make dist       sdist + wheel, checked, installed in a clean venv and run"

$(UV): requirements-uv.txt
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-uv.txt
	touch $@

# Exactly the versions in uv.lock (--locked: a lock that no longer matches pyproject is an error).
$(STAMP): pyproject.toml uv.lock $(UV)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --quiet --locked --extra dev --python $(PYTHON)
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

lock: $(UV)
	$(UV) lock --upgrade --python $(PYTHON)

# The unit and robustness suites (everything but e2e) under each Python of MATRIX, each in its
# own environment made from the same lock.
matrix: $(UV)
	@for v in $(MATRIX); do \
	  py=$$(scripts/find-python $$v) || exit 1; \
	  echo "== Python $$v ($$py)"; \
	  UV_PROJECT_ENVIRONMENT=.venv-$$v $(UV) sync --quiet --locked --extra dev --python $$py || exit 1; \
	  .venv-$$v/bin/python -m pytest -m "not e2e" -q -p no:cacheprovider || exit 1; \
	done

# The newest releases pyproject.toml's ranges allow for ecrlogin's own dependencies (and theirs:
# urllib3, jmespath, ...), the lock ignored for them; the test tools stay as locked. A new release
# that breaks ecrlogin is found here, by us, before a user installs it.
newest: $(UV)
	rm -rf .venv-newest
	UV_PROJECT_ENVIRONMENT=.venv-newest $(UV) sync --quiet --locked --extra dev --python $(PYTHON)
	VIRTUAL_ENV=.venv-newest $(UV) pip install --quiet --upgrade -e .
	@VIRTUAL_ENV=.venv-newest $(UV) pip list 2>/dev/null | grep -iE '^(botocore|click|docker|rich|pyyaml|dockerfile-parse|urllib3) '
	.venv-newest/bin/python -m pytest -m "not e2e" -q -p no:cacheprovider

# sdist + wheel, checked, installed into a clean venv with a current pip, and run from there.
dist: $(UV)
	rm -rf dist .venv-dist
	$(UV) build --quiet --python $(PYTHON) --out-dir dist
	$(UV) tool run --quiet --from 'twine==6.2.0' twine check --strict dist/*
	$(PYTHON) -m venv .venv-dist
	.venv-dist/bin/pip install --quiet --disable-pip-version-check --upgrade 'pip>=24'
	.venv-dist/bin/pip install --quiet --disable-pip-version-check dist/*.whl
	.venv-dist/bin/ecrlogin --version
	.venv-dist/bin/docker-credential-ecrlogin version

clean:
	rm -rf $(VENV) $(TOOLS) .venv-3.* .venv-newest .venv-dist dist .pytest_cache .mypy_cache .ruff_cache *.egg-info
