# The Burger Factory book: the usual Sphinx targets, for both languages at once.
#   make html      build _build/html/{zh,en}/ and the language chooser _build/html/index.html
#   make livehtml  live-reloading preview of one language: make livehtml lang=en
#   make doctest   docstring examples in src/ and Sphinx's doctest builder
#   make test      the whole test suite
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

.PHONY: html livehtml doctest test bench clean venv

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	# Make src/ importable everywhere the venv's Python runs: pages' kernels, tests, doctests.
	$(BIN)/python -c "import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()['purelib'], 'burger-factory-src.pth').write_text(str(pathlib.Path('src').resolve()))"
	# The pages' kernels: no start-up chatter and no colour codes in tracebacks on the console.
	mkdir -p $(VENV)/etc/ipython
	printf 'c.IPKernelApp.log_level = "ERROR"\nc.InteractiveShell.colors = "nocolor"\n' \
	  > $(VENV)/etc/ipython/ipython_kernel_config.py
	# matplotlib's font cache, built now: built by a page's kernel, it may warn on stderr.
	$(BIN)/python -c "import matplotlib.font_manager"
	touch $@

# The languages build side by side; the published $(BUILD)/html/ is replaced only when every
# language built cleanly, so a failed build leaves the last good site where it was.  A failed
# language forgets its doctrees: Sphinx would otherwise not re-read (nor re-run) a page whose
# source did not change, and the next build would pass with the broken page in it.
html: $(VENV)/.installed
	@pids=""; for pair in $(LANGS); do l=$${pair%%:*}; \
	  { $(SPHINX) -b html -D language=$${pair#*:} -d $(WORK)/$$l/doctrees docs/$$l $(WORK)/$$l/html \
	    || { rm -rf $(WORK)/$$l/doctrees; exit 1; }; } & \
	  pids="$$pids $$!"; \
	done; \
	failed=0; for p in $$pids; do wait $$p || failed=1; done; \
	if [ $$failed -ne 0 ]; then echo "make html: build failed; $(BUILD)/html/ was left as it was." >&2; exit 1; fi
	@rm -rf $(BUILD)/html.new && mkdir -p $(BUILD)/html.new
	@for pair in $(LANGS); do l=$${pair%%:*}; cp -a $(WORK)/$$l/html $(BUILD)/html.new/$$l; done
	@cp docs/index.html $(BUILD)/html.new/index.html
	@$(BIN)/python docs/_ext/site_root.py $(BUILD)/html.new  # sitemap index, robots.txt, 404.html
	@rm -rf $(BUILD)/html.old; [ ! -d $(BUILD)/html ] || mv $(BUILD)/html $(BUILD)/html.old
	@mv $(BUILD)/html.new $(BUILD)/html && rm -rf $(BUILD)/html.old
	@echo "Built $(BUILD)/html/index.html"

livehtml: $(VENV)/.installed
	$(BIN)/sphinx-autobuild -c . -D language=$(code) -d $(WORK)/$(lang)/doctrees-live \
	  --watch src --watch docs/_ext --watch docs/_static --watch docs/_templates \
	  docs/$(lang) $(WORK)/$(lang)/live

doctest: $(VENV)/.installed
	$(BIN)/python -m pytest -q --doctest-modules src
	@for pair in $(LANGS); do l=$${pair%%:*}; \
	  $(SPHINX) -b doctest -D language=$${pair#*:} -d $(WORK)/$$l/doctrees docs/$$l $(WORK)/$$l/doctest \
	  || exit 1; \
	done

test: $(VENV)/.installed
	$(BIN)/python -m pytest --doctest-modules src tests

# Build times and page weights against the benchmark's targets (figures, not pass/fail).
bench: $(VENV)/.installed
	$(BIN)/python tests/benchmark.py

clean:
	rm -rf $(BUILD)
