# confsite — developer and CI entry points.
#
#   make site    venv + install, then build the bundled content/ into site/
#   make serve   preview with live reload (http://127.0.0.1:8000/tin/)
#   make test    venv + npm tools, then the whole pytest suite (architecture contract included)
#   make test-fast  the stage tests alone, without browser/tool/kill/slow ones (seconds)
#   make test-latest   the suite on the newest versions pyproject.toml allows (.venv-latest)
#   make lock    refresh requirements/lock.txt: newest allowed versions, with hashes
#   make bench   benchmarks/bench.py: confsite beside Hugo, Pelican and Eleventy (10,000 and 50,000 articles)
#   make bench-peers  install Pelican (benchmarks/.venv-peers) and Eleventy (benchmarks/peers) for it
#   make fuzz    the hostile-input property tests; HYPOTHESIS_PROFILE=long make fuzz for the long run
#   make messages  extract the command line's messages (N_ calls), merge them into the
#                .po catalogues and compile them (docs/messages.md)
#   make clean   remove build outputs and caches; `make distclean` also drops .venv and node_modules
#
# Debian packages the tests need are installed by `.ci/run` (see README.md).

SHELL := /bin/bash
.DEFAULT_GOAL := site

PYTHON      ?= python3
VENV        := .venv
PY          := $(VENV)/bin/python
PIP_STAMP   := $(VENV)/.confsite-installed
LOCK        := requirements/lock.txt
LATEST      := .venv-latest
LOCK_VENV   := .venv-lock
LOCK_ARGS   ?= --upgrade
PIP_TOOLS   := pip-tools==7.6.2
NPM_STAMP   := node_modules/.confsite-npm-ci
PYTEST_ARGS ?=
BENCH_ARGS  ?=

.PHONY: site serve test test-fast test-latest lock bench bench-peers bench-peers-lock fuzz messages clean distclean venv npm

# --- Python: a venv with the exact versions of the lock file ---------------------
# Every runtime and test dependency (and setuptools, to install confsite itself) comes
# from requirements/lock.txt, checked against its hashes; confsite is then installed
# editable without resolving anything. pyproject.toml keeps the ranges for people who
# `pip install` the package; `make lock` turns them into the lock file.

$(PY):
	$(PYTHON) -m venv $(VENV)

$(PIP_STAMP): pyproject.toml $(LOCK) | $(PY)
	$(PY) -m pip install --disable-pip-version-check --quiet --require-hashes --no-deps -r $(LOCK)
	$(PY) -m pip install --disable-pip-version-check --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip check --disable-pip-version-check
	touch $@

# Refresh the lock: the newest versions pyproject.toml allows, with the hashes of all their
# files (every platform). `make lock LOCK_ARGS=` keeps the current pins and only adds what
# pyproject.toml newly asks for. Review the diff and commit it.
lock:
	test -x $(LOCK_VENV)/bin/pip-compile || { $(PYTHON) -m venv $(LOCK_VENV) && \
	  $(LOCK_VENV)/bin/python -m pip install --disable-pip-version-check --quiet '$(PIP_TOOLS)'; }
	$(LOCK_VENV)/bin/pip-compile --quiet $(LOCK_ARGS) --generate-hashes --all-extras --all-build-deps \
	  --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --output-file $(LOCK) pyproject.toml

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

# The suite on the newest versions pyproject.toml allows, in a venv of its own, so that a
# library release that changes behaviour is caught here before an editor installs it.
# Upgrades on every run; the versions it tested are printed first.
test-latest: npm
	test -x $(LATEST)/bin/python || $(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --disable-pip-version-check --quiet --upgrade --upgrade-strategy eager \
	  setuptools -e '.[test]'
	$(LATEST)/bin/python -m pip freeze --disable-pip-version-check --exclude-editable | tr '\n' ' '; echo
	$(LATEST)/bin/python -m pytest $(PYTEST_ARGS)

# --- Benchmark peers: the generators confsite is compared with -----------------
# Each in an environment of its own, never the project's: Pelican (with Markdown) in a venv
# from the pinned, hashed benchmarks/peers-requirements.txt, Eleventy 3 from the committed
# npm lock file in benchmarks/peers/. Hugo is Debian's package. `make bench-peers-lock`
# refreshes the Pelican pins from benchmarks/peers-requirements.in (review the diff).

PEERS_VENV      := benchmarks/.venv-peers
PEERS_REQ       := benchmarks/peers-requirements.txt
PEERS_PY_STAMP  := $(PEERS_VENV)/.confsite-peers-installed
PEERS_NPM_STAMP := benchmarks/peers/node_modules/.confsite-npm-ci

$(PEERS_PY_STAMP): $(PEERS_REQ)
	test -x $(PEERS_VENV)/bin/python || $(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/python -m pip install --disable-pip-version-check --quiet --require-hashes --no-deps -r $(PEERS_REQ)
	$(PEERS_VENV)/bin/python -m pip check --disable-pip-version-check
	touch $@

$(PEERS_NPM_STAMP): benchmarks/peers/package.json benchmarks/peers/package-lock.json
	cd benchmarks/peers && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

bench-peers: $(PEERS_PY_STAMP) $(PEERS_NPM_STAMP)

bench-peers-lock:
	test -x $(LOCK_VENV)/bin/pip-compile || { $(PYTHON) -m venv $(LOCK_VENV) && \
	  $(LOCK_VENV)/bin/python -m pip install --disable-pip-version-check --quiet '$(PIP_TOOLS)'; }
	cd benchmarks && ../$(LOCK_VENV)/bin/pip-compile --quiet --upgrade --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links --output-file peers-requirements.txt peers-requirements.in

# 10,000 articles side by side with the peers, then 50,000 (confsite, and Hugo when it is
# quick); BENCH_ARGS="--quick" for 1,000 articles without the 50,000 (see bench.py --help).
bench: venv bench-peers
	$(PY) benchmarks/bench.py $(BENCH_ARGS)

# Property tests of hostile and broken content. CI runs them inside `make test` with the
# bounded `ci` profile; HYPOTHESIS_PROFILE=long runs 20 000 examples per property.
fuzz: venv
	$(PY) -m pytest tests/test_fuzz_input.py $(PYTEST_ARGS)

# The command line's messages: English ids from N_() calls → generator/core/locale/cli.pot →
# generator/core/locale/<lang>/LC_MESSAGES/cli.po (translate the new entries) → cli.mo; and the
# theme's generator/render/locale/vi.po → vi.mo (what a build reads).
messages: venv
	$(VENV)/bin/pybabel extract -F babel.cfg --no-default-keywords -k N_ --no-location --sort-output \
		--omit-header -o generator/core/locale/cli.pot .
	$(VENV)/bin/pybabel update -D cli -i generator/core/locale/cli.pot -d generator/core/locale --width 100 \
		--ignore-obsolete --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -D cli -d generator/core/locale --statistics
	$(VENV)/bin/pybabel compile -l vi -i generator/render/locale/vi.po -o generator/render/locale/vi.mo --statistics

clean:
	rm -rf site site.* .site.* .confsite-cache benchmarks/out .pytest_cache .hypothesis build *.egg-info
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(LATEST) $(LOCK_VENV) node_modules $(PEERS_VENV) benchmarks/peers/node_modules
