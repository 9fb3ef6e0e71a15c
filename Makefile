# Pelican site: the targets follow pelican-quickstart's Makefile, plus test,
# lint, bench and newpost. Every target sets up what it needs: the virtualenv
# is (re)built from the pinned requirements when it is missing or stale.

PY ?= python3
VENV ?= .venv
PYTHON := $(VENV)/bin/python
PELICAN := $(PYTHON) -m tools.build

BASEDIR := $(CURDIR)
INPUTDIR := $(BASEDIR)/content
OUTPUTDIR ?= $(BASEDIR)/output
CONFFILE := $(BASEDIR)/pelicanconf.py
PUBLISHCONF := $(BASEDIR)/publishconf.py

BIND ?= 127.0.0.1
PORT ?= 8000
SSH_HOST ?= localhost
SSH_PORT ?= 22
SSH_USER ?= root
SSH_TARGET_DIR ?= /var/www

SITE_STAMP := $(VENV)/.site-installed
TEST_STAMP := $(VENV)/.test-installed
VENDOR_STAMP := tools/vendor/.fetched
# MkDocs and Zensical with the plugin, in a virtualenv of their own (requirements-docs.txt
# says why); tests/sites/test_ext_sites.py builds the sites in tests/ext_sites/ with it.
DOCS_VENV ?= .venv-docs
DOCS_STAMP := $(DOCS_VENV)/.docs-installed

# CI (.ci/run sets LOCKED=1) installs the hashed lock files, every download checked
# against its sha256 (--require-hashes); locally the exact pins with constraints. The
# lock files are made from those pins by `make lock`. Local plugin folders are installed
# editable in a pip call of their own (an editable folder has no hash).
ifeq ($(LOCKED),1)
SITE_REQUIREMENTS := --require-hashes -r requirements.lock
TEST_REQUIREMENTS := --require-hashes -r requirements-test.lock
DOCS_REQUIREMENTS := --require-hashes -r requirements-docs.lock
else
SITE_REQUIREMENTS := -r requirements.txt -c constraints.txt
TEST_REQUIREMENTS := -r requirements-test.txt -c constraints.txt
DOCS_REQUIREMENTS := -r requirements-docs.txt -c constraints-docs.txt
endif
PIP_QUIET := --quiet --disable-pip-version-check
LOCAL_PLUGINS := -e plugins/faq_citations
PIP_COMPILE = $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links

PELICANOPTS ?=
# make test: two pytest-xdist workers (this is a 2-core machine), each test handed to the
# first free worker in the order tests/conftest.py sets (long layers first); the tests of
# a file with a module-scoped fixture (a fixture site, one vnu run) stay on one worker.
TEST_WORKERS ?= 2
# The tests write many small files (fixture-site builds, the real site's output, copies):
# in memory where the machine has a tmpfs at /dev/shm with at least 2 GB free (a container's
# is often 64 MB); TEST_TMPDIR= keeps the default.
TEST_TMPDIR ?= $(shell df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 && $$4 > 2000000 {print "/dev/shm"}')

.PHONY: help install html clean serve devserver publish rsync_upload \
	test lint bench newpost vendor lock sources check mutation

help:
	@echo 'make serve             build the site and serve it on http://$(BIND):$(PORT)/'
	@echo 'make devserver         rebuild on every change, reload the browser'
	@echo 'make test              run the whole test suite (PYTEST_ARGS="-m unit" for the fast layer)'
	@echo 'make mutation          mutation-test the plugin against its unit tests (score per file)'
	@echo 'make html              build into output/ (fails on any author mistake)'
	@echo 'make publish           build with publishconf.py (fails on warnings too)'
	@echo 'make lint              ruff, template lint, content report'
	@echo 'make bench             page weight and build-speed benchmarks'
	@echo 'make newpost TITLE="…" scaffold a new article'
	@echo 'make sources Q="…"     find a source the site has: key, authors, year, title, DOI, use'
	@echo 'make check FILE=…      one file: words, reading grades, sources, FAQ, review, links'
	@echo 'make lock              regenerate the hashed lock files CI installs from the pins'
	@echo 'make clean             remove output/'
	@echo 'make rsync_upload      publish, then rsync to SSH_USER@SSH_HOST:SSH_TARGET_DIR'

$(SITE_STAMP): requirements.txt constraints.txt requirements.lock plugins/faq_citations/pyproject.toml
	@test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install $(PIP_QUIET) $(SITE_REQUIREMENTS)
	$(PYTHON) -m pip install $(PIP_QUIET) --no-deps $(LOCAL_PLUGINS)
	@touch $@

$(TEST_STAMP): $(SITE_STAMP) requirements-test.txt requirements-test.lock
	$(PYTHON) -m pip install $(PIP_QUIET) $(TEST_REQUIREMENTS)
	@touch $@

$(DOCS_STAMP): requirements-docs.txt constraints-docs.txt requirements-docs.lock plugins/faq_citations/pyproject.toml
	@test -x $(DOCS_VENV)/bin/python || $(PY) -m venv $(DOCS_VENV)
	$(DOCS_VENV)/bin/python -m pip install $(PIP_QUIET) $(DOCS_REQUIREMENTS)
	$(DOCS_VENV)/bin/python -m pip install $(PIP_QUIET) --no-deps $(LOCAL_PLUGINS)
	@touch $@

# Regenerate the hashed lock files from the pins (needs the package index).
lock: $(TEST_STAMP)
	$(PIP_COMPILE) -c constraints.txt -o requirements.lock requirements.txt
	$(PIP_COMPILE) -c constraints.txt -o requirements-test.lock requirements.txt requirements-test.txt
	$(PIP_COMPILE) -c constraints-docs.txt -o requirements-docs.lock requirements-docs.txt

$(VENDOR_STAMP): tools/fetch_vendor.py | $(SITE_STAMP)
	$(PYTHON) -m tools.fetch_vendor
	@touch $@

install: $(SITE_STAMP)

vendor: $(VENDOR_STAMP)

html: $(SITE_STAMP)
	$(PELICAN) -s $(CONFFILE) -o $(OUTPUTDIR) --fatal errors $(PELICANOPTS)

clean:
	rm -rf $(OUTPUTDIR) $(BASEDIR)/.output-*

serve: html
	$(VENV)/bin/pelican -l $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) -b $(BIND) -p $(PORT)

devserver: $(SITE_STAMP)
	$(PYTHON) -m tools.devserver --bind $(BIND) --port $(PORT)

publish: $(SITE_STAMP)
	$(PELICAN) -s $(PUBLISHCONF) -o $(OUTPUTDIR) --fatal warnings $(PELICANOPTS)

rsync_upload: publish
	rsync -e "ssh -p $(SSH_PORT)" -P -rvzc --include tags --cvs-exclude --delete \
		"$(OUTPUTDIR)"/ "$(SSH_USER)@$(SSH_HOST):$(SSH_TARGET_DIR)"

test: $(TEST_STAMP) $(DOCS_STAMP) $(VENDOR_STAMP)
	$(if $(TEST_TMPDIR),TMPDIR=$(TEST_TMPDIR)) DOCS_VENV=$(abspath $(DOCS_VENV)) $(PYTHON) -m pytest -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder $(PYTEST_ARGS)

# Mutation testing (mutmut 3, settings in pyproject.toml [tool.mutmut]) of the plugin's
# modules against the unit tests; prints the score per file. Results stay in
# .mutation/: running it again re-tests only what changed (MUTATION_ARGS=--fresh: all).
mutation: $(TEST_STAMP)
	$(PYTHON) -m tools.mutation --max-children $(TEST_WORKERS) $(MUTATION_ARGS)

lint: $(TEST_STAMP)
	$(PYTHON) -m ruff check plugins tools tests pelicanconf.py publishconf.py
	$(PYTHON) -m djlint theme/templates --lint
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(PYTHON) -m tools.content_report
	$(PYTHON) -m tools.sources --uncited

bench: $(TEST_STAMP)
	$(PYTHON) -m tools.bench $(BENCH_ARGS)

newpost: $(SITE_STAMP)
	@$(PYTHON) -m tools.newpost "$(TITLE)"

sources: $(SITE_STAMP)
	@$(PYTHON) -m tools.sources "$(Q)"

check: $(TEST_STAMP)
	@$(PYTHON) -m tools.check "$(FILE)"
