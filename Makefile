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

PELICANOPTS ?=
# make test: two pytest-xdist workers (this is a 2-core machine), one test file per worker
# at a time, so a module's fixtures (a fixture site, one vnu run) are made once.
TEST_WORKERS ?= 2

.PHONY: help install html clean serve devserver publish rsync_upload \
	test lint bench newpost vendor mutation

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
	@echo 'make clean             remove output/'
	@echo 'make rsync_upload      publish, then rsync to SSH_USER@SSH_HOST:SSH_TARGET_DIR'

$(SITE_STAMP): requirements.txt constraints.txt plugins/faq_citations/pyproject.toml
	@test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	# Our citation plugin, installed as any other site installs it (editable, so edits apply).
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps -e plugins/faq_citations
	@touch $@

$(TEST_STAMP): $(SITE_STAMP) requirements-test.txt
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt -c constraints.txt
	@touch $@

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

test: $(TEST_STAMP) $(VENDOR_STAMP)
	$(PYTHON) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

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

bench: $(TEST_STAMP)
	$(PYTHON) -m tools.bench $(BENCH_ARGS)

newpost: $(SITE_STAMP)
	@$(PYTHON) -m tools.newpost "$(TITLE)"
