"""One book, two languages: per-language settings, the language switch, twin checks.

``conf.py`` declares ``book_languages`` (language code -> folder, switch label, title);
each build passes ``-D language=<code>`` and the folder ``docs/<folder>`` as its sources.
``html_baseurl`` in conf.py is the site's root; each language is published under
``<root><folder>/``, and its canonical links, Open Graph tags, sitemap, 404 page and
"edit this page" links are set up for that here, with ``hreflang`` links to its twins.
"""

import shutil
from fnmatch import fnmatch
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from docutils import nodes
from jupyter_cache import get_cache
from sphinx.errors import ConfigError
from sphinx.util import logging

import twins
from code_version import code_version

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
    # Where this language is published: the site's root (conf.py's html_baseurl) + folder.
    site = config.html_baseurl.rstrip("/") + "/"
    config.book_site_url = site
    config.html_baseurl = f"{site}{book['folder']}/"  # canonical links and the sitemap
    # The 404 page is served at any missing address: its links start from the site's path.
    config.notfound_urls_prefix = urlsplit(config.html_baseurl).path
    # "Edit this page" / "view source": the repository (conf.py) + this language's folder.
    config.html_theme_options = {**config.html_theme_options,
                                 "source_directory": f"docs/{book['folder']}/"}
    # MyST-NB keeps executed notebooks and their cache beside the output folder, so each
    # language (built into _build/lang/<folder>/html) has its own.  It recognises a page's
    # outputs by the page's code; they also depend on the packages the pages import from
    # this repository (take_home_packages), so each version of those has a cache of its
    # own, and the others are dropped.  Created up front: parallel readers would race to
    # create its database.
    if not config.nb_execution_cache_path:
        caches = Path(app.outdir).parent / ".jupyter_cache"
        version = code_version([Path(app.confdir, p) for p in config.take_home_packages.values()])
        for old in caches.glob("*"):
            if old.name != version:
                shutil.rmtree(old) if old.is_dir() else old.unlink()
        config.nb_execution_cache_path = str(caches / version)
    get_cache(config.nb_execution_cache_path)


def check_twins(app, env, docnames):
    """Fail the build (a warning, and warnings are errors) when a page lacks its
    translation, or when a page about to be read and its twin differ in code.  A page left
    unread was checked when it was last read: a change to it or its twin makes a build
    read the changed twin (and a failed build reads every page again: build_site.py)."""
    docs = Path(app.srcdir).parent
    folders = {code: docs / book["folder"] for code, book in app.config.book_languages.items()}
    names = {Path(env.doc2path(docname)).relative_to(app.srcdir).as_posix() for docname in docnames}
    for problem in twins.mismatches(folders, names):
        logger.warning(problem, type="book", subtype="twins")


def add_switch(app, pagename, templatename, context, doctree):
    """Template context for the link to this page in each other language."""
    up = "../" * (pagename.count("/") + 1)
    if pagename == app.config.notfound_pagename:  # served at any depth: from the site's path
        up = urlsplit(app.config.book_site_url).path
    context["book_translations"] = [
        {"lang": code.replace("_", "-"), "label": book["label"],
         "href": f"{up}{book['folder']}/{pagename}.html"}
        for code, book in app.config.book_languages.items()
        if code != app.config.language
    ]


def add_alternates(app, pagename, templatename, context, doctree):
    """<link rel="alternate" hreflang=...> to this page in every language (itself included,
    as search engines ask), and x-default: the root language chooser for the home page, the
    English page otherwise.  Only for pages with a source (every one has a twin)."""
    if pagename not in app.env.found_docs or app.env.metadata[pagename].get("nosearch"):
        return  # search, genindex, the 404 page: nothing to index
    site, uri = app.config.book_site_url, app.builder.get_target_uri(pagename)
    links = {code.replace("_", "-"): f"{site}{book['folder']}/{uri}"
             for code, book in app.config.book_languages.items()}
    links["x-default"] = site if pagename == app.config.root_doc else links.get("en", site)
    context["metatags"] += "".join(f'\n<link rel="alternate" hreflang="{lang}" href="{href}" />'
                                   for lang, href in links.items())


class _MetaDescription(HTMLParser):
    def __init__(self):
        super().__init__()
        self.content = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("name") == "description" and self.content is None:
            self.content = attrs.get("content")


def add_open_graph(app, pagename, templatename, context, doctree):
    """Open Graph tags, so a shared link shows the page's title, address and its own
    description (the front matter's html_meta), in the page's language."""
    if pagename not in app.env.titles:
        return
    parser = _MetaDescription()
    parser.feed(context.get("metatags") or "")
    tags = {"og:title": app.env.titles[pagename].astext(), "og:type": "website",
            "og:url": app.config.html_baseurl + app.builder.get_target_uri(pagename),
            "og:site_name": app.config.html_title, "og:description": parser.content}
    context["metatags"] += "".join(f'\n<meta property="{name}" content="{escape(value)}" />'
                                   for name, value in tags.items() if value)


def absolute_links_on_404(app, doctree, docname):
    """The 404 page is served at any missing address, so the links in its text start from
    the site's path (sphinx-notfound-page does the same for the theme's links)."""
    if docname != app.config.notfound_pagename or app.builder.format != "html":
        return
    for ref in doctree.findall(nodes.reference):
        uri = ref.get("refuri", "")
        if uri and not uri.startswith(("#", "/")) and "://" not in uri:
            ref["refuri"] = app.config.notfound_urls_prefix + uri


def complete_sitemap(app, exception):
    """Every page in the language's sitemap, written in this build or not: sphinx-sitemap
    lists only the pages a build writes, so an incremental build would publish a partial
    sitemap (jdillard/sphinx-sitemap#13).  Sorted, so that every build lists them alike."""
    queue = getattr(app, "sitemap_links", None)  # sphinx-sitemap's, set on the application
    if exception is not None or app.builder.format != "html" or queue is None:
        return
    links = {}
    while not queue.empty():
        link, lastmod = queue.get_nowait()
        links[link] = lastmod
    for docname in app.env.found_docs:
        link = app.builder.get_target_uri(docname)
        if not any(fnmatch(link, pattern) for pattern in app.config.sitemap_excludes):
            links.setdefault(link, None)
    for link in sorted(links):
        queue.put((link, links[link]))


def setup(app):
    app.add_config_value("book_languages", {}, "env", types=[dict])
    app.add_config_value("book_site_url", "", "html", types=[str])  # set by apply_language
    app.connect("config-inited", apply_language)
    app.connect("env-before-read-docs", check_twins)
    app.connect("html-page-context", add_switch)
    app.connect("html-page-context", add_alternates)
    app.connect("html-page-context", add_open_graph)
    app.connect("doctree-resolved", absolute_links_on_404)
    app.connect("build-finished", complete_sitemap, priority=400)  # before sphinx-sitemap's
    # env_version: a change here that pages show (links, head tags) rebuilds every page.
    return {"env_version": 3, "parallel_read_safe": True, "parallel_write_safe": True}
