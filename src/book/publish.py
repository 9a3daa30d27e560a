"""Publish the site: every language's build, and the files at the site's root, swapped in
at once (the Makefile runs it once every language built cleanly).

    python -m book.publish <build folder>

Each language's site, ``<build>/lang/<folder>/html/``, becomes ``<build>/html/<folder>/``;
beside them, at the root:

- ``index.html``: the language chooser (``docs/index.html``);
- ``404.html``: the page hosts (GitHub Pages, Read the Docs) serve for any missing address
  (``docs/404.html``), its ``<base href>`` the site's path so that its links work at any
  depth; it sends a reader lost inside a language on to that language's 404 page;
- ``root.css``: the stylesheet of those two pages;
- ``sitemap.xml``: an index of each language's sitemap; ``robots.txt`` points crawlers at it;
- ``.nojekyll``: the site is served as it is (GitHub Pages would otherwise drop ``_static/``).

The two pages are Jinja templates that list ``languages`` (languages.py).  The site's URL
is conf.py's ``html_baseurl`` (so ``BOOK_BASEURL`` when it is set).
"""

import runpy
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import jinja2

from book.languages import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]


def write_root(site: Path, base: str) -> None:
    """The files at the root of ``site``, a site published at ``base``."""
    entries = "".join(f"  <sitemap><loc>{escape(base + language.folder)}/sitemap.xml</loc></sitemap>\n"
                      for language in LANGUAGES)
    (site / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</sitemapindex>\n", encoding="utf-8")
    (site / "robots.txt").write_text(f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n",
                                     encoding="utf-8")
    pages = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "docs"), autoescape=True,
                               undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    for name in ("index.html", "404.html"):
        page = pages.get_template(name).render(languages=LANGUAGES, base_path=urlsplit(base).path)
        (site / name).write_text(page, encoding="utf-8")
    shutil.copy2(ROOT / "docs" / "root.css", site / "root.css")
    (site / ".nojekyll").write_text("", encoding="utf-8")


def publish(build: Path) -> Path:
    """Assemble the whole site beside the published one, then swap it in."""
    site, new, old = build / "html", build / "html.new", build / "html.old"
    shutil.rmtree(new, ignore_errors=True)
    for language in LANGUAGES:
        shutil.copytree(build / "lang" / language.folder / "html", new / language.folder,
                        symlinks=True)
    base = runpy.run_path(str(ROOT / "conf.py"))["html_baseurl"].rstrip("/") + "/"
    write_root(new, base)
    shutil.rmtree(old, ignore_errors=True)
    if site.exists():
        site.rename(old)
    new.rename(site)
    shutil.rmtree(old, ignore_errors=True)
    return site


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m book.publish <build folder>")
    print(f"Built {publish(Path(sys.argv[1])) / 'index.html'}")
