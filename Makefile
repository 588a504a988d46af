# confsite — developer and CI entry points.
#
#   make site    venv + install, then build the bundled content/ into site/
#   make serve   preview with live reload (http://127.0.0.1:8000/tin/)
#   make test    venv + npm tools, then the whole pytest suite (architecture contract included)
#   make test-fast  the stage tests alone, without browser/tool/kill/slow ones (seconds)
#   make bench   benchmarks/bench.py
#   make fuzz    the hostile-input property tests; HYPOTHESIS_PROFILE=long make fuzz for the long run
#   make clean   remove build outputs and caches; `make distclean` also drops .venv and node_modules
#
# Debian packages the tests need are installed by `.ci/run` (see README.md).

SHELL := /bin/bash
.DEFAULT_GOAL := site

PYTHON      ?= python3
VENV        := .venv
PY          := $(VENV)/bin/python
PIP_STAMP   := $(VENV)/.confsite-installed
NPM_STAMP   := node_modules/.confsite-npm-ci
PYTEST_ARGS ?=
BENCH_ARGS  ?=

.PHONY: site serve test test-fast bench fuzz clean distclean venv npm

# --- Python: a venv, reinstalled only when pyproject.toml changes --------------

$(PY):
	$(PYTHON) -m venv $(VENV)

$(PIP_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --disable-pip-version-check --quiet -e '.[test]'
	touch $@

venv: $(PIP_STAMP)

# --- npm: axe-core and vnu-jar from the committed lock file --------------------
# --ignore-scripts: vnu-jar's postinstall would try to download a JDK from GitHub;
# the tests use Debian's Java and the vnu.jar shipped inside the package.

$(NPM_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

npm: $(NPM_STAMP)

# --- Targets -----------------------------------------------------------------

site: venv
	$(PY) -m generator build

serve: venv
	$(PY) -m generator serve

test: venv npm
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: venv
	$(PY) -m pytest -q -m "not slow" $(PYTEST_ARGS)

bench: venv
	$(PY) benchmarks/bench.py $(BENCH_ARGS)

# Property tests of hostile and broken content. CI runs them inside `make test` with the
# bounded `ci` profile; HYPOTHESIS_PROFILE=long runs 20 000 examples per property.
fuzz: venv
	$(PY) -m pytest tests/test_fuzz_input.py $(PYTEST_ARGS)

clean:
	rm -rf site site.* .site.* .confsite-cache benchmarks/out .pytest_cache .hypothesis build *.egg-info
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules
