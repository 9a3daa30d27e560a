"""One book, two languages: per-language settings, the language switch, twin checks.

``conf.py`` declares ``book_languages`` (language code -> folder, switch label, title);
each build passes ``-D language=<code>`` and the folder ``docs/<folder>`` as its sources.
"""

from pathlib import Path

from jupyter_cache import get_cache
from sphinx.errors import ConfigError
from sphinx.util import logging

import twins

logger = logging.getLogger(__name__)


def apply_language(app, config):
    """Settings that depend on the language (``-D`` overrides are only known now)."""
    books = config.book_languages
    if config.language not in books:
        raise ConfigError(f"language {config.language!r} is not one of book_languages: {sorted(books)}")
    book = books[config.language]
    folder = Path(app.srcdir).name
    if folder != book["folder"]:
        raise ConfigError(f"{app.srcdir} must be built with its own language, not "
                          f"-D language={config.language} (that one is docs/{book['folder']})")
    config.html_title = book["title"]
    config.copyright = book["copyright"]
    # MyST-NB keeps executed notebooks and their cache beside the output folder, so each
    # language (built into _build/lang/<folder>/html) has its own.  Create the cache up
    # front: parallel readers would race to create its database.
    get_cache(config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache")
    if config.language.startswith("zh"):
        # Sphinx's default re-reads jieba's whole dictionary as a user dictionary (~1.3 s).
        config.html_search_options = {"dict": ""}


def check_twins(app):
    """Fail the build (a warning, and warnings are errors) when a page lacks its
    translation or the twins' code differs."""
    docs = Path(app.srcdir).parent
    folders = {code: docs / book["folder"] for code, book in app.config.book_languages.items()}
    for problem in twins.mismatches(folders):
        logger.warning(problem, type="book", subtype="twins")


def add_switch(app, pagename, templatename, context, doctree):
    """Template context for the link to this page in each other language."""
    up = "../" * (pagename.count("/") + 1)
    context["book_translations"] = [
        {"lang": code.replace("_", "-"), "label": book["label"],
         "href": f"{up}{book['folder']}/{pagename}.html"}
        for code, book in app.config.book_languages.items()
        if code != app.config.language
    ]


def setup(app):
    app.add_config_value("book_languages", {}, "env", types=[dict])
    app.connect("config-inited", apply_language)
    app.connect("builder-inited", check_twins)
    app.connect("html-page-context", add_switch)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
