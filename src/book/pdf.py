"""The book as PDF: each language of the built site as one book, printed by Chromium.

    python -m book.pdf <built site> <out folder>      (make pdf: _build/html -> _build/pdf)

writes ``<out>/burger-factory-<folder>.pdf`` for each language (languages.py), A4:

- a title page: the book's title, and the site it was built from, with the date of the
  sources (``SOURCE_DATE_EPOCH``, else the newest commit's date; none outside a git checkout),
  never the day it was printed, so that the same sources give the same book;
- the home page's introduction;
- a contents page: every page of the home page's toctrees, in their order and under their
  captions, with the page number each starts on;
- those pages, each as print.css prints it (solutions open, no site chrome), its page
  numbers in the footer (pdf.css).

How: one HTML document per language is assembled from the built pages' ``<article>``\\ s, with
the site's stylesheets, so that formulas and figures look as they do on the site.  Each
page's ids are prefixed with its name so that they stay unique in the book, and links
between its pages point inside it.  Chromium prints it once, to learn where each chapter
starts (the PDF's named destinations, read with pypdf: a contents entry links to its
chapter), and again with those numbers written into its contents, until they hold.
"""

import os
import re
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from bs4 import BeautifulSoup
from pypdf import PdfReader, PdfWriter

from book.languages import LANGUAGES, Language

# Debian's headless shell (or CHROMIUM=<path>), run as the browser tests run it
# (tests/chromium.py): no sandbox, nothing from the network.
HEADLESS_SHELL = Path("/usr/bin/chromium-headless-shell")
CHROMIUM = Path(os.environ.get("CHROMIUM", HEADLESS_SHELL))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
NO_CHROMIUM = (f"make pdf: Chromium prints the books, and there is none at {CHROMIUM} (Debian: "
               "apt-get install chromium-headless-shell fonts-noto-cjk; elsewhere: CHROMIUM=<path>)")
STYLESHEET = Path(__file__).with_name("pdf.css")


def source_date(site: Path) -> str | None:
    """The date of the sources: SOURCE_DATE_EPOCH (reproducible-builds.org), else the newest
    commit's (YYYY-MM-DD); None outside a git checkout."""
    if epoch := os.environ.get("SOURCE_DATE_EPOCH"):
        return datetime.fromtimestamp(int(epoch), timezone.utc).strftime("%Y-%m-%d")
    try:
        log = subprocess.run(["git", "log", "-1", "--format=%cs"], cwd=site, capture_output=True,
                             text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return log.stdout.strip() or None


def read(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def chapter(folder: Path, name: str, names: set[str]):
    """The article of page ``name``, ready to join the book, and its title."""
    article = read(folder / f"{name}.html").find("article")
    article.attrs = {"id": name, "class": "book-chapter"}
    for tag in article.find_all(True):
        # Ids stay unique in the book: prefixed by the page's name (SVG's references too).
        if "id" in tag.attrs:
            tag["id"] = f"{name}--{tag['id']}"
        for key, value in list(tag.attrs.items()):
            if isinstance(value, str) and "url(#" in value:
                tag[key] = re.sub(r"url\(#([^)]+)\)", rf"url(#{name}--\1)", value)
        for key in ("href", "xlink:href"):
            if key not in tag.attrs or "://" in tag[key]:
                continue  # (an external link stays as it is, and print.css shows its address)
            path, _, fragment = tag[key].partition("#")
            page = path.removesuffix(".html") if path else name
            if page in names:
                tag[key] = f"#{page}--{fragment}" if fragment else f"#{page}"
            elif tag.name == "a":
                tag.unwrap()  # a page outside the book (a download, the other language): text
    heading = article.find("h1")
    for link in heading.select("a.headerlink"):
        link.decompose()
    return article, heading.get_text(" ", strip=True)


BLANK = "\N{FIGURE SPACE}" * 3  # as wide as a page number (tabular figures)


def contents(toctrees: list[tuple[str, list[str]]], titles: dict[str, str]) -> str:
    """The contents: each toctree's pages under its caption, each a link to its page, with
    a blank as wide as its page number (NUMBER_CONTENTS writes the numbers in)."""
    html = []
    for caption, names in toctrees:
        html.append(f'<p class="caption">{escape(caption)}</p><ol>')
        for name in names:
            html.append(f'<li><a href="#{name}"><span>{escape(titles[name])}</span>'
                        f'<span class="page-number">{BLANK}</span></a></li>')
        html.append("</ol>")
    return "".join(html)


def assemble(site: Path, language: Language, date: str | None):
    """The book's HTML (its contents' page numbers blank), and the chapters' names."""
    folder = site / language.folder
    home = read(folder / "index.html")
    # The book's pages: the home page's toctrees, each under its caption.
    toctrees = []
    for toctree in home.select("article .toctree-wrapper"):
        caption = toctree.select_one(".caption-text")
        toctrees.append((caption.get_text(strip=True) if caption else "",
                         [link["href"].removesuffix(".html")
                          for link in toctree.select("a.reference.internal")]))
    names = [name for _, names in toctrees for name in names]
    chapters = [chapter(folder, name, set(names)) for name in names]
    titles = {name: title for name, (_, title) in zip(names, chapters)}

    # The home page's introduction, without its title (the title page's) or its toctrees
    # (the contents').
    introduction = home.find("article")
    introduction.attrs = {"class": "book-introduction"}
    for tag in introduction.select("h1, .toctree-wrapper, .book-lang-switch"):
        tag.decompose()

    # The site's stylesheets, from where they are (so that KaTeX's finds its fonts).
    links = home.head.select('link[rel="stylesheet"]')
    for link in links:
        link["href"] = (folder / link["href"].partition("?")[0]).as_uri()
    head = "".join(str(tag) for tag in [*links, *home.head.find_all("style")])
    head += f'<link rel="stylesheet" href="{STYLESHEET.as_uri()}">'
    site_url = home.head.select_one('link[rel="canonical"]')["href"].removesuffix("index.html")
    built = (language.built_from_on if date else language.built_from).format(site=site_url, date=date)
    body = "".join(str(article) for article, _ in chapters)

    html = f"""<!doctype html>
<html lang="{language.hreflang}"><head><meta charset="utf-8"><title>{escape(language.title)}</title>
{head}</head>
<body><div class="page"><div class="main"><div class="content"><div class="article-container">
<section class="book-title-page"><h1>{escape(language.title)}</h1><p>{escape(built)}</p></section>
{introduction}
<nav class="book-contents"><h1>{escape(language.contents)}</h1>{contents(toctrees, titles)}</nav>
{body}
</div></div></div></div></body></html>"""
    return html, names


# The contents' page numbers, written into the loaded book between two prints.
NUMBER_CONTENTS = """pages => { for (const [name, number] of Object.entries(pages))
  document.querySelector(`.book-contents a[href="#${name}"] .page-number`).textContent = number; }"""


def print_book(page, out: Path, final: bool) -> dict[str, int]:
    """The loaded book printed to ``out``; the page (from 1) where each chapter starts.  Only
    a final print is tagged (what screen readers read): the others only tell where pages
    break, which tags do not change."""
    page.pdf(path=out, prefer_css_page_size=True, print_background=True, outline=True,
             tagged=final)
    reader = PdfReader(out)
    return {name.lstrip("/"): reader.get_destination_page_number(destination) + 1
            for name, destination in reader.named_destinations.items()}


def set_metadata(path: Path, title: str, date: str | None) -> None:
    """The PDF's title, the book's; its dates, the sources' (Chromium writes the moment it
    printed: the same sources would never give the same file)."""
    writer = PdfWriter(clone_from=path)
    info = {key: value for key, value in writer.metadata.items()
            if key not in ("/CreationDate", "/ModDate")}
    info["/Title"] = title
    if date:
        info["/CreationDate"] = info["/ModDate"] = "D:" + date.replace("-", "") + "000000Z"
    writer.metadata = info
    writer.write(path)


def build(site: Path, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    site = site.resolve()  # (its files are linked as file: URIs)
    out.mkdir(parents=True, exist_ok=True)
    date = source_date(site)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for language in LANGUAGES:
            html, names = assemble(site, language, date)
            path = out / f"burger-factory-{language.folder}.pdf"
            with tempfile.TemporaryDirectory() as temporary:
                source = Path(temporary) / "book.html"
                source.write_text(html, encoding="utf-8")
                page = browser.new_page()
                page.goto(source.as_uri())
                page.evaluate("document.fonts.ready")
                pages = {}
                for _ in range(3):  # the numbers found are the numbers printed: done
                    found = print_book(page, path, final=bool(pages))
                    found = {name: found[name] for name in names}
                    if found == pages:
                        break
                    pages = found
                    page.evaluate(NUMBER_CONTENTS, pages)
                else:
                    raise RuntimeError(f"{path}: the contents' page numbers do not settle: {pages}")
                page.close()
            set_metadata(path, language.title, date)
            written.append(path)
        browser.close()
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m book.pdf <built site> <out folder>", file=sys.stderr)
        return 2
    if not CHROMIUM.is_file():
        print(NO_CHROMIUM, file=sys.stderr)
        return 1
    for path in build(Path(argv[0]), Path(argv[1])):
        print(f"Built {path} ({len(PdfReader(path).pages)} pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
