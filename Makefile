# The Burger Factory book: the usual Sphinx targets, for both languages at once.
#   make html      build _build/html/{zh,en}/ and the language chooser _build/html/index.html
#   make livehtml  live-reloading preview of one language: make livehtml lang=en
#   make doctest   docstring examples in src/ and Sphinx's doctest builder
#   make test      the whole test suite
#   make screenshots every station, zh and en, desktop and phone, in _build/screenshots/
#   make clean     remove _build/
# The first run creates .venv from requirements.txt; it is renewed when that file changes.

PYTHON     ?= python3
VENV       := .venv
BIN        := $(VENV)/bin
BUILD      := _build
# Each language: its folder under docs/ and its Sphinx language code.
LANGS      := zh:zh_CN en:en
lang       ?= zh
code        = $(patsubst $(lang):%,%,$(filter $(lang):%,$(LANGS)))
SPHINXOPTS ?=
# Warnings are errors: a page with a problem is never published.
SPHINX     := $(BIN)/sphinx-build -c . -W --keep-going -q $(SPHINXOPTS)
# Each language works in $(BUILD)/lang/<folder>/: html/, doctrees/, and MyST-NB's
# jupyter_execute/ and .jupyter_cache/ (the execution cache) beside them.
WORK        = $(BUILD)/lang

.PHONY: html livehtml doctest test bench screenshots clean venv

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	# Make src/ importable everywhere the venv's Python runs: pages' kernels, tests, doctests.
	$(BIN)/python -c "import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()['purelib'], 'burger-factory-src.pth').write_text(str(pathlib.Path('src').resolve()))"
	# The pages' kernels: no start-up chatter and no colour codes in tracebacks on the console.
	mkdir -p $(VENV)/etc/ipython
	# No history database either: a build's cells are not an interactive session.
	printf 'c.IPKernelApp.log_level = "ERROR"\nc.InteractiveShell.colors = "nocolor"\nc.HistoryManager.enabled = False\n' \
	  > $(VENV)/etc/ipython/ipython_kernel_config.py
	# matplotlib's font cache, built now: built by a page's kernel, it may warn on stderr.
	$(BIN)/python -c "import matplotlib.font_manager"
	touch $@

# The languages build side by side, each only if something it is made from changed; the
# published $(BUILD)/html/ is replaced only when every language built cleanly
# (docs/_ext/build_site.py).
html: $(VENV)/.installed
	@$(BIN)/python docs/_ext/build_site.py $(BUILD) $(LANGS) -- -c . -W --keep-going -q $(SPHINXOPTS)

PORT       ?= 8000
livehtml: $(VENV)/.installed
	$(BIN)/sphinx-autobuild --port $(PORT) -c . -D language=$(code) -d $(WORK)/$(lang)/doctrees-live \
	  --watch src --watch docs/_ext --watch docs/_static --watch docs/_templates \
	  docs/$(lang) $(WORK)/$(lang)/live

doctest: $(VENV)/.installed
	$(BIN)/python -m pytest -q --doctest-modules src
	@for pair in $(LANGS); do l=$${pair%%:*}; \
	  $(SPHINX) -b doctest -D language=$${pair#*:} -d $(WORK)/$$l/doctrees docs/$$l $(WORK)/$$l/doctest \
	  || exit 1; \
	done

# The tests are shared out between two processes (pytest-xdist), a file to a process, so
# that a file's costly builds (module fixtures) are made once.
test: $(VENV)/.installed
	$(BIN)/python -m pytest -n 2 --dist loadfile --doctest-modules src tests

# Build times and page weights against the benchmark's targets (figures, not pass/fail).
bench: $(VENV)/.installed
	$(BIN)/python tests/benchmark.py

# Pictures of the built pages, for a person to look at (the tests check the pages).
screenshots: html
	$(BIN)/python tests/screenshots.py $(BUILD)/html $(BUILD)/screenshots

clean:
	rm -rf $(BUILD)
