"""The files at the root of the published site, beside the language chooser: run by the
Makefile on the site it is assembling (``python docs/_ext/site_root.py <site folder>``).

- ``sitemap.xml``: a sitemap index listing each language's sitemap (``<folder>/sitemap.xml``,
  written by sphinx-sitemap);
- ``robots.txt``: points crawlers at that index;
- ``404.html``: ``docs/404.html``, the page hosts (GitHub Pages, Read the Docs) serve for
  any missing address, with its ``<base href>`` set to the site's path so that its links
  work at any depth; it sends a reader lost inside a language to that language's 404 page;
- ``root.css``: the stylesheet of those two pages (``docs/root.css``);
- ``.nojekyll``: the site is served as it is (GitHub Pages would otherwise drop ``_static/``).

The site's URL is conf.py's ``html_baseurl`` (so ``BOOK_BASEURL`` when it is set).
"""

import runpy
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[2]


def main(site: Path, conf: dict | None = None) -> None:
    """Write the root files into ``site``; ``conf``: conf.py's settings, if already read."""
    conf = conf or runpy.run_path(str(ROOT / "conf.py"))
    base = conf["html_baseurl"].rstrip("/") + "/"
    folders = [book["folder"] for book in conf["book_languages"].values()]

    entries = "".join(f"  <sitemap><loc>{escape(base + folder)}/sitemap.xml</loc></sitemap>\n"
                      for folder in folders)
    (site / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</sitemapindex>\n", encoding="utf-8")
    (site / "robots.txt").write_text(f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n",
                                     encoding="utf-8")

    page = (ROOT / "docs" / "404.html").read_text(encoding="utf-8")
    placeholder = '<base href="/">'
    if page.count(placeholder) != 1:
        sys.exit(f"docs/404.html must hold {placeholder} once: its links start from there")
    (site / "404.html").write_text(
        page.replace(placeholder, f'<base href="{escape(urlsplit(base).path)}">'), encoding="utf-8")
    shutil.copy2(ROOT / "docs" / "root.css", site / "root.css")
    (site / ".nojekyll").write_text("", encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_dir():
        sys.exit("usage: site_root.py <folder of the assembled site>")
    main(Path(sys.argv[1]))
