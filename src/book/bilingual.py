"""One book, two languages: the settings of each, the language switch, and the links that
tie each page to its translations.

Each language is its own Sphinx build of ``docs/<folder>/`` (``-D language=<code>``, see
``languages.py``).  ``html_baseurl`` in conf.py is the site's root; each language is
published under ``<root><folder>/``, and its canonical links, Open Graph tags, sitemap,
404 page and "edit this page" links are set up for that here, with ``hreflang`` links to
its twins.
"""

import re
from html import escape, unescape
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

from docutils import nodes
from sphinx.errors import ConfigError

from book.languages import LANGUAGES, by_code


def apply_language(app, config):
    """Settings that depend on the language (``-D`` overrides are only known now)."""
    try:
        book = by_code(config.language)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    if Path(app.srcdir).name != book.folder:
        raise ConfigError(f"{app.srcdir} must be built with its own language, not "
                          f"-D language={config.language} (that one is docs/{book.folder})")
    config.html_title, config.copyright = book.title, book.copyright
    site = config.html_baseurl.rstrip("/") + "/"  # conf.py's: the site's root
    config.html_context = {**config.html_context, "book_site_url": site}
    config.html_baseurl = f"{site}{book.folder}/"  # this language's: canonical links, sitemap
    # The 404 page is served at any missing address: its links start from the site's path.
    config.notfound_urls_prefix = urlsplit(config.html_baseurl).path
    # Furo's "edit this page" / "view source": the repository (conf.py) + this language's folder.
    if config.html_theme == "furo":
        config.html_theme_options = {**config.html_theme_options,
                                     "source_directory": f"docs/{book.folder}/"}


def add_switch(app, pagename, templatename, context, doctree):
    """Template context for the link to this page in each other language."""
    up = "../" * (pagename.count("/") + 1)
    if pagename == app.config.notfound_pagename:  # served at any depth: from the site's path
        up = urlsplit(context["book_site_url"]).path
    context["book_translations"] = [
        {"lang": language.hreflang, "label": language.name,
         "href": f"{up}{language.folder}/{pagename}.html"}
        for language in LANGUAGES if language.code != app.config.language]


def add_alternates(app, pagename, templatename, context, doctree):
    """<link rel="alternate" hreflang=...> to this page in every language (itself included,
    as search engines ask), and x-default: the root language chooser for the home page, the
    English page otherwise.  Only for pages with a source (every one has a twin)."""
    if pagename not in app.env.found_docs or app.env.metadata[pagename].get("nosearch"):
        return  # search, the 404 page: nothing to index
    site, uri = context["book_site_url"], app.builder.get_target_uri(pagename)
    links = {language.hreflang: f"{site}{language.folder}/{uri}" for language in LANGUAGES}
    links["x-default"] = site if pagename == app.config.root_doc else links.get("en", site)
    context["metatags"] += "".join(f'\n<link rel="alternate" hreflang="{lang}" href="{href}" />'
                                   for lang, href in links.items())


def description(metatags: str) -> str | None:
    """The page's <meta name="description"> (its front matter's html_meta), as text."""
    found = re.search(r'<meta\s+content="([^"]*)"\s+name="description"|<meta\s+name="description"\s+content="([^"]*)"', metatags)
    return unescape(found.group(1) or found.group(2)) if found else None


def add_open_graph(app, pagename, templatename, context, doctree):
    """Open Graph tags, so a shared link shows the page's title, address and its own
    description (the front matter's html_meta), in the page's language."""
    if pagename not in app.env.titles:
        return
    tags = {"og:title": app.env.titles[pagename].astext(), "og:type": "website",
            "og:url": app.config.html_baseurl + app.builder.get_target_uri(pagename),
            "og:site_name": app.config.html_title,
            "og:description": description(context.get("metatags") or "")}
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


def write_sitemap(app, exception):
    """This language's sitemap.xml: every page with a source, but the 404 page.  (From the
    whole environment, whichever pages this build wrote; sorted, so builds agree.)"""
    if exception is not None or app.builder.format != "html":
        return
    uris = sorted(app.builder.get_target_uri(doc) for doc in app.env.found_docs
                  if doc != app.config.notfound_pagename)
    urls = "".join(f"  <url><loc>{xml_escape(app.config.html_baseurl + uri)}</loc></url>\n"
                   for uri in uris)
    Path(app.outdir, "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n',
        encoding="utf-8")


def setup(app):
    app.connect("config-inited", apply_language)
    app.connect("html-page-context", add_switch)
    app.connect("html-page-context", add_alternates)
    app.connect("html-page-context", add_open_graph)
    app.connect("doctree-resolved", absolute_links_on_404)
    app.connect("build-finished", write_sitemap)
    # env_version: a change here that pages show (links, head tags) rebuilds every page.
    return {"env_version": 4, "parallel_read_safe": True, "parallel_write_safe": True}
