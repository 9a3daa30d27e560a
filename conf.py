"""Sphinx configuration for the Burger Factory book, shared by both languages.

Each language is its own Sphinx project under docs/<folder>/, built with this file:
``sphinx-build -c . -D language=zh_CN docs/zh _build/html/zh`` (the Makefile does it).
What differs between the languages is declared in ``book_languages`` below and applied
by the ``bilingual`` extension.
"""

import logging
import os
import sys
from pathlib import Path

# accessible-pygments (a Furo dependency) calls logging.basicConfig(level=INFO) when imported,
# which would print every library's INFO lines; configuring the root logger first prevents it.
logging.basicConfig(level=logging.WARNING)

ROOT = Path(__file__).parent.resolve()
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

project = "Burger Factory"
author = "The Burger Factory authors"
# copyright and html_title come from book_languages, in the page's language.

extensions = [
    "myst_nb",
    "sphinx.ext.doctest",
    "sphinx_copybutton",
    "sphinx_sitemap",  # sitemap.xml of each language
    "notfound.extension",  # 404.html whose links work at any depth (sphinx-notfound-page)
    "warm_kernels",  # pages' kernels forked from a process that has imported torch
    "execute_ahead",  # pages that need executing run side by side before they are read
    "whole_lines",  # a printed line stays one line, however the kernel's messages cut it
    "sphinxcontrib.katex",
    "katex_server",  # starts KaTeX's render server without a race
    "bilingual",  # per-language settings, language switch, twin checks, Open Graph tags
    "glue_math",  # live numbers inside formulas
    "zh_search",  # Chinese search that works in the browser on Sphinx 9.0
    "cjk_linebreaks",  # a line break inside a Chinese sentence is not a space
    "no_stale_pages",  # a page removed from the sources leaves the site too
    "details",  # exercise solutions folded in <details> until the reader opens them
    "take_home",  # each station as a Jupyter notebook and as its source, linked from the page
    "compiled_templates",  # the theme's templates compiled once, not in every build
]

# One entry per language: its source folder, its name in the switch, and its site strings.
book_languages = {
    "zh_CN": {
        "folder": "zh",
        "label": "中文",
        "title": "汉堡工厂：链式法则与反向传播",
        "copyright": "2026，汉堡工厂的作者们",
    },
    "en": {
        "folder": "en",
        "label": "English",
        "title": "The Burger Factory: the chain rule and backpropagation",
        "copyright": "2026, the Burger Factory authors",
    },
}

# -- Pages and execution ------------------------------------------------------------
exclude_patterns = ["jupyter_execute"]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
nb_execution_mode = "cache"  # an unchanged page is not executed again
# Each page's kernel is forked from a process that imported what the pages import, once per
# build (docs/_ext/warm_kernels): still a fresh kernel, without 2 s spent importing torch.
warm_kernel_modules = ["torch", "myst_nb.ext.glue", "graphviz", "matplotlib.figure",
                       "matplotlib.backends.backend_svg"]
execute_ahead_jobs = 3  # notebooks run side by side (docs/_ext/execute_ahead.py)
nb_execution_timeout = 60  # seconds per cell: a hanging cell fails the build
nb_execution_raise_on_error = False  # a failing cell is a warning, and warnings fail the build...
nb_execution_show_tb = True  # ...whose message shows the page, the cell and the traceback
nb_output_stderr = "error"  # anything on stderr is an error, never a published warning
nb_merge_streams = True

# This repository's packages that the pages import: a downloaded notebook carries their
# source (take_home.py), and a change to them runs every page again (bilingual.py).
take_home_packages = {"burger_factory": "src/burger_factory"}

# -- HTML -----------------------------------------------------------------------------
html_theme = "furo"
html_static_path = ["docs/_static"]
templates_path = ["docs/_templates"]
html_css_files = ["book.css", "reader.css"]  # reader.css: glossary terms, downloads
html_use_index = False  # the glossary is the book's index; a general index page adds nothing
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
locale_dirs = ["../locale"]  # relative to each language folder: Furo's strings in Chinese

# Math is rendered to HTML at build time: no JavaScript, no CDN, visible at first paint.
katex_prerender = True
katex_css_path = "katex/katex.min.css"

# Copy only the code: never the >>> prompts or the outputs.  Outputs are div.highlight too
# (MyST-NB marks their wrapper .output), so the selector leaves them without a button.
copybutton_selector = "div:not(.output) > div.highlight pre"
copybutton_exclude = ".linenos, .gp, .go"

# -- Where the book is published ----------------------------------------------------
# The site's root URL, where _build/html/ is served: canonical links, Open Graph tags,
# hreflang links and the sitemaps are made from it, and each language lives under
# <root><folder>/ (docs/_ext/bilingual.py).  Hosting sets BOOK_BASEURL: see
# .readthedocs.yaml and .github/workflows/pages.yml.
html_baseurl = os.environ.get("BOOK_BASEURL") or "https://burger-factory.example/"

# The repository the "edit this page" and "view source" links of every page point into
# (Furo's top-of-page buttons); each language adds its folder, docs/<folder>/.
html_theme_options = {
    "source_repository": "https://github.com/burger-factory/burger-factory/",
    "source_branch": "main",
}

# Sitemaps: one per language (bilingual.py gives each its URL), plus the index at the
# site's root that the Makefile writes (docs/_ext/site_root.py).
sitemap_url_scheme = "{link}"
sitemap_locales = [None]  # the languages are separate builds: no alternates guessed from locale_dirs
sitemap_excludes = ["search.html", "404.html"]

# The 404 page of each language is its page 404.md; its links start from the language's
# path on the site (bilingual.py sets notfound_urls_prefix from html_baseurl).
notfound_pagename = "404"
