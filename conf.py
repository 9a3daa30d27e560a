"""Sphinx configuration of the Burger Factory book, shared by both languages.

Each language is a Sphinx project of its own, ``docs/<folder>/``, built with this file:
``sphinx-build -c . -D language=zh_CN docs/zh _build/lang/zh/html`` (the Makefile does
it).  The languages are listed once, in ``src/book/languages.py``; what differs between
them is set from that list by the ``book.bilingual`` extension.
"""

import os

project = "Burger Factory"
author = "The Burger Factory authors"
# copyright and html_title: in the page's language (src/book/languages.py).

extensions = [
    # Sphinx's own
    "sphinx.ext.doctest",
    # Other projects'
    "myst_nb",  # pages are notebooks in Markdown, executed at build time; glue
    "sphinxcontrib.katex",  # formulas rendered at build time
    "sphinx_copybutton",  # copy buttons that copy code, not outputs
    "notfound.extension",  # a 404 page whose links work at any address (sphinx-notfound-page)
    # This book's (src/book/)
    "book.bilingual",  # per-language settings, the language switch, hreflang, Open Graph, sitemap
    "book.twins",  # every page has its twin, with the same code
    "book.glue_math",  # live numbers inside formulas
    "book.cjk_linebreaks",  # a line break inside a Chinese sentence is not a space
    "book.details",  # exercise solutions folded until the reader opens them
    "book.accessible",  # the theme's markup mended for keyboards and screen readers
    "book.take_home",  # each station as a Jupyter notebook and as its source
    "book.explorable",  # a station's panel: the reader turns the knobs, its numbers follow
    "book.stylesheets",  # the pages load the CSS the book uses (MyST-NB's, without ANSI colours)
    "book.stale_pages",  # a page removed from the sources leaves the site
    "book.patches",  # workarounds of upstream bugs, each named
    # Speed only (src/warm_kernels/): kernels forked from a process that imported torch
    "warm_kernels",
]

# -- Pages and their execution -----------------------------------------------------
exclude_patterns = ["jupyter_execute"]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
nb_execution_mode = "cache"  # a page whose code did not change is not executed again
nb_execution_timeout = 60  # seconds per cell: a hanging cell fails the build
nb_execution_raise_on_error = False  # a failing cell is a warning, and warnings fail the build,
nb_execution_show_tb = True  # whose message shows the page, the cell and the traceback
nb_output_stderr = "error"  # anything on stderr is an error, never a published warning
nb_merge_streams = True
# This repository's packages that the pages import: a downloaded notebook carries their source.
take_home_packages = ["burger_factory"]

# -- HTML --------------------------------------------------------------------------
html_theme = "furo"
html_static_path = ["docs/_static"]
templates_path = ["docs/_templates"]
html_css_files = [
    "book.css",
    "reader.css",  # glossary terms, downloads, solutions
    ("print.css", {"media": "print"}),  # printing a page gives the page (and the PDF books)
]
html_js_files = ["print-solutions.js"]  # solutions print open in every browser
html_use_index = False  # the glossary is the book's index
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
locale_dirs = ["../locale"]  # relative to each language's folder: Furo's strings in Chinese
html_search_options = {"dict": ""}  # Chinese: jieba's own dictionary, not loaded twice

# Math is rendered to HTML at build time: no JavaScript, no CDN, visible at first paint.
katex_prerender = True
katex_css_path = "katex/katex.min.css"

# Copy only the code: never the >>> prompts or the outputs.  Outputs are div.highlight too
# (MyST-NB marks their wrapper .output), so the selector leaves them without a button.
copybutton_selector = "div:not(.output) > div.highlight pre"
copybutton_exclude = ".linenos, .gp, .go"

# -- Where the book is published ---------------------------------------------------
# The site's root URL, where _build/html/ is served: canonical links, Open Graph tags,
# hreflang links and the sitemaps are made from it, and each language lives under
# <root><folder>/.  Hosts set BOOK_BASEURL: see .readthedocs.yaml and .github/workflows/.
html_baseurl = os.environ.get("BOOK_BASEURL") or "https://burger-factory.example/"

# The repository of the "edit this page" and "view source" links (Furo's buttons); each
# language adds its folder, docs/<folder>/.
html_theme_options = {
    "source_repository": "https://github.com/burger-factory/burger-factory/",
    "source_branch": "main",
}

notfound_pagename = "404"  # each language's 404.md
