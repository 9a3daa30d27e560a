"""The book on paper: a page as a reader's browser prints it (print.css), and each language
as one PDF book (`make pdf`, src/book/pdf.py).  Both are printed by Chromium, and read back
with pypdf.

Texts are compared without whitespace (lines wrap anywhere), and Chinese with one allowance:
where Noto CJK draws an ideograph with the glyph of a radical that looks the same (一 and ⼀,
长 and ⻓), Chromium's PDF maps the glyph to the radical and gives the ideograph in an
/ActualText span, which PDF viewers read and pypdf does not.  NFKC turns most radicals back
into their ideographs; any radical left may stand for any ideograph.
"""

import io
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from project import FOLDERS, ROOT, STATIONS, built_page, make
from pypdf import PdfReader

from book.languages import LANGUAGES

TITLES = {language.folder: language.title for language in LANGUAGES}
RADICAL = "[\u2e80-\u2fdf]"


def flat(text: str) -> str:
    """Text as compared: NFKC, no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def pattern(expected: str) -> str:
    """A regular expression for ``expected`` in a flat PDF text."""
    return "".join(f"(?:{re.escape(c)}|{RADICAL})" if "\u4e00" <= c <= "\u9fff" else re.escape(c)
                   for c in flat(expected))


def shows(text: str, expected: str) -> bool:
    return re.search(pattern(expected), text) is not None


def read_pages(pdf) -> list[tuple[str, list[str]]]:
    """Each page (of a file or bytes): its text, flattened, and its footer, what is written
    below the text (the bottom margin, 22 mm, 62 pt)."""
    reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf)
    pages = []
    for page in reader.pages:
        footer = []
        text = page.extract_text(visitor_text=lambda text, cm, tm, font, size: footer.append(text.strip())
                                 if text.strip() and tm[4] * cm[1] + tm[5] * cm[3] + cm[5] < 50 else None)
        pages.append((flat(text), footer))
    return pages


def page_texts(pdf) -> list[str]:
    """Each page's text (a file or bytes), flattened."""
    return [text for text, _ in read_pages(pdf)]


# Each exercise solution's words: its text outside the summary and outside formulas (whose
# extracted text depends on KaTeX's fonts), in runs long enough to be the solution's own.
SOLUTION_WORDS = """() => [...document.querySelectorAll("article details")].map(details => {
  const runs = [];
  const walker = document.createTreeWalker(details, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest("summary, .katex")) continue;
    if (node.textContent.trim().length >= 4) runs.push(node.textContent);
  }
  return runs;
})"""


def solution_words(html: str) -> list[list[str]]:
    """SOLUTION_WORDS, read from a built page's HTML."""
    article = BeautifulSoup(html, "html.parser").find("article")
    solutions = []
    for details in article.find_all("details"):
        for hidden in details.select("summary, .katex"):
            hidden.decompose()
        solutions.append([run for run in details.find_all(string=True) if len(run.strip()) >= 4])
    return solutions


# -- A page, printed by the reader's browser ----------------------------------------------------

# The site around the article, which paper has no use for: what it says on this page.
CHROME = {
    "skip to content": ".skip-to-content",
    "language switch": ".book-lang-switch",
    "take-home downloads": ".book-take-home",
    "back to top": ".back-to-top",
    "previous/next page": ".related-pages a",
    "footer": ".bottom-of-page .copyright",
    "sidebar's title": ".sidebar-brand-text",
    "page's contents, beside it": ".toc-title",
}


def printed(page) -> str:
    """The page as Chromium prints it on A4, its text flattened."""
    return "".join(page_texts(page.pdf(format="A4")))


@pytest.fixture(scope="module")
def on_paper() -> dict:
    """What each page printed, by path: see print_page."""
    return {}


@pytest.fixture
def print_page(open_page, on_paper):
    """print_page(path): the page's site chrome and its solutions' words, as the screen shows
    them; its title; its text as Chromium prints it; and whether its solutions were folded
    again after printing.  Printed once for the tests that ask."""
    def print_page(path: str) -> dict:
        if path not in on_paper:
            page, _ = open_page(path)
            on_paper[path] = {
                "chrome": {name: page.locator(selector).all_text_contents() for name, selector in CHROME.items()},
                "solutions": page.evaluate(SOLUTION_WORDS),
                "title": page.locator("article h1").text_content().rstrip("¶#"),
                "text": printed(page),
                "folded": page.evaluate("[...document.querySelectorAll('details')].every(d => !d.open)"),
            }
        return on_paper[path]
    return print_page


@pytest.mark.parametrize("lang", FOLDERS)
def test_a_printed_page_shows_no_site_chrome(print_page, lang):
    """Only the article prints: Furo's "skip to content" link (which printed over the text
    of every sheet), navigation, the language switch, downloads and footer do not."""
    seen = print_page(f"{lang}/1-factory.html")
    chrome, text = seen["chrome"], seen["text"]
    assert all(chrome.values()), f"not on the page any more: {[n for n, t in chrome.items() if not t]}"
    assert shows(text, seen["title"])
    printed_chrome = [name for name, texts in chrome.items() if any(shows(text, t) for t in texts)]
    assert printed_chrome == [], f"{lang}/1-factory.html prints the site's {printed_chrome}"


@pytest.mark.parametrize("lang", FOLDERS)
def test_a_printed_page_shows_every_solution(print_page, lang):
    """The exercises' solutions, folded on screen, print open."""
    seen = print_page(f"{lang}/1-factory.html")
    solutions = seen["solutions"]
    assert len(solutions) >= 2 and all(solutions), "the page's solutions were not found"
    missing = [run for runs in solutions for run in runs if not shows(seen["text"], run)]
    assert missing == [], f"{lang}/1-factory.html prints without its solutions' {missing}"
    assert seen["folded"], "printing left the solutions open on screen"


def test_solutions_print_open_without_the_stylesheet_too(browser, server):
    """Where print.css cannot open them (browsers without ::details-content: Chromium before
    131, others), print-solutions.js opens the solutions for printing, and folds them after."""
    context = browser.new_context()
    page = context.new_page()
    page.route("**/print.css*", lambda route: route.abort())
    page.goto(f"{server}/en/1-factory.html")
    solutions = page.evaluate(SOLUTION_WORDS)
    text = printed(page)
    folded = page.evaluate("[...document.querySelectorAll('details')].every(d => !d.open)")
    context.close()
    assert [run for runs in solutions for run in runs if not shows(text, run)] == []
    assert folded, "printing left the solutions open on screen"


def test_a_printed_page_shows_an_external_links_address(open_page):
    """On paper a link cannot be followed: an external link's address follows its text.  A
    link inside the site does not (the book's pages have no external link yet: one is added
    to the page, as Sphinx writes them)."""
    page, _ = open_page("en/1-factory.html")
    address = "https://pytorch.org/docs/stable/autograd.html"
    page.evaluate(f"""document.querySelector("article section > p:not([class])").insertAdjacentHTML("beforeend",
        ' <a class="reference external" href="{address}">PyTorch autograd</a>')""")
    internal = page.locator("article a.reference.internal[href*='glossary.html']").first
    internal_text, internal_href = internal.text_content(), internal.get_attribute("href")
    text = printed(page)
    page.reload()  # (the tab is shared: the page as it was)
    assert shows(text, f"PyTorch autograd ({address})")
    assert shows(text, internal_text)
    assert not shows(text, internal_href), "an internal link's address is printed"


def test_printed_code_wraps_instead_of_running_off_the_paper(open_page):
    """Code lines longer than the paper is wide wrap: none is cut at the page's edge."""
    page, _ = open_page("en/1-factory.html", viewport={"width": 480, "height": 900})
    page.emulate_media(media="print")
    cut = page.evaluate("""[...document.querySelectorAll("article pre")]
        .filter(pre => pre.scrollWidth > pre.clientWidth + 1).map(pre => pre.textContent.slice(0, 60))""")
    page.emulate_media(media="screen")
    assert cut == [], f"code cut at the paper's edge: {cut}"


# -- make pdf: each language as one book --------------------------------------------------------

def toctree(lang: str) -> list[str]:
    """The pages of docs/<lang>/index.md's toctrees, in order."""
    source = (ROOT / "docs" / lang / "index.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```\{toctree\}\n(.*?)```", source, flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines()
            if line.strip() and not line.startswith(":")]


def page_title(site: Path, lang: str, name: str) -> str:
    h1 = BeautifulSoup(built_page(site, lang, name), "html.parser").select_one("article h1")
    return h1.get_text(" ", strip=True).rstrip("¶#").strip()


@pytest.fixture(scope="module")
def books(site, tmp_path_factory) -> dict[str, Path]:
    """Both PDF books, as `make pdf` makes them from the site (this checkout's book.pdf, even
    where the venv's editable install points at another checkout's src/)."""
    out = tmp_path_factory.mktemp("pdf")
    result = subprocess.run([sys.executable, "-m", "book.pdf", str(site), str(out)],
                            capture_output=True, text=True, timeout=600,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert result.returncode == 0, result.stdout + result.stderr
    return {lang: out / f"burger-factory-{lang}.pdf" for lang in FOLDERS}


@pytest.fixture(scope="module")
def book_pages(books) -> dict[str, list[tuple[str, list[str]]]]:
    """Each book's pages, read once: their text and their footer."""
    return {lang: read_pages(path) for lang, path in books.items()}


@pytest.fixture(scope="module")
def book_texts(book_pages) -> dict[str, list[str]]:
    return {lang: [text for text, _ in pages] for lang, pages in book_pages.items()}


@pytest.mark.parametrize("lang", FOLDERS)
def test_the_book_opens_with_its_title_page(book_texts, lang):
    assert shows(book_texts[lang][0], TITLES[lang]), f"burger-factory-{lang}.pdf: no title page"


@pytest.mark.parametrize("lang", FOLDERS)
def test_the_contents_give_each_page_of_the_book_the_page_it_starts_on(site, book_texts, lang):
    """The contents name every page of the toctree, in its order (the stations, the
    epilogue, the glossary), each with the number of the page where its title appears first
    after the contents."""
    texts = book_texts[lang]
    names = toctree(lang)
    assert [n for n in STATIONS if n not in names] == [] and "glossary" in names
    titles = [page_title(site, lang, name) for name in names]
    contents = next((i for i, text in enumerate(texts) if all(shows(text, t) for t in titles)), None)
    assert contents is not None, f"burger-factory-{lang}.pdf: no contents page names {titles}"
    listed = [re.search(pattern(title) + r"(\d+)", texts[contents]) for title in titles]
    assert all(listed), f"burger-factory-{lang}.pdf's contents give no page to " \
                        f"{[t for t, found in zip(titles, listed) if not found]}"
    assert sorted(listed, key=lambda found: found.start()) == listed, "not in the toctree's order"
    for title, found in zip(titles, listed):
        first = next((i + 1 for i in range(contents + 1, len(texts)) if shows(texts[i], title)), None)
        assert int(found[1]) == first, \
            f"the contents put {title} on page {found[1]}; it is on page {first}"


@pytest.mark.parametrize("lang", FOLDERS)
def test_every_page_but_the_title_page_is_numbered_in_its_footer(book_pages, lang):
    unnumbered = [(number, footer) for number, (_, footer) in enumerate(book_pages[lang], start=1)
                  if footer != ([] if number == 1 else [str(number)])]
    assert unnumbered == [], f"burger-factory-{lang}.pdf, pages and their footers: {unnumbered}"


@pytest.mark.parametrize("lang", FOLDERS)
def test_the_book_has_no_blank_page(book_texts, lang):
    blank = [i + 1 for i, text in enumerate(book_texts[lang]) if not text.strip("0123456789")]
    assert blank == [], f"burger-factory-{lang}.pdf: blank pages {blank}"


@pytest.mark.parametrize("lang", FOLDERS)
def test_the_book_shows_every_solution(site, book_texts, lang):
    text = "".join(book_texts[lang])
    missing = [run for station in STATIONS for runs in solution_words(built_page(site, lang, station))
               for run in runs if not shows(text, run)]
    assert missing == [], f"burger-factory-{lang}.pdf lacks these solutions' words: {missing}"


@pytest.mark.parametrize("lang", FOLDERS)
def test_links_between_pages_stay_inside_the_book(books, lang):
    """A link to another page of the book (the contents', a glossary term's) goes to its
    place in the PDF; none leads to a file, which a reader of the PDF does not have."""
    reader = PdfReader(books[lang])
    links = [annotation.get_object() for page in reader.pages for annotation in page.get("/Annots", [])]
    inside = [str(link["/Dest"]) for link in links if "/Dest" in link]
    assert len(inside) > len(toctree(lang)), f"burger-factory-{lang}.pdf: too few links inside: {inside}"
    assert [d for d in inside if d not in reader.named_destinations] == []
    outside = [str(link["/A"].get("/URI")) for link in links if "/A" in link]
    assert [uri for uri in outside if not uri.startswith("https://")] == []


def test_the_chinese_book_embeds_a_cjk_font(books):
    """Chinese is drawn with a CJK font carried in the file, not left to the reader's machine.
    (Chromium embeds Noto CJK, whose outlines are CFF, as Type 3 fonts: glyph drawings.)"""
    reader = PdfReader(books["zh"])
    cjk, not_embedded = set(), set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font
                          else font).get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            name = str(descriptor.get("/FontName", font.get("/BaseFont", "")))
            embedded = font["/Subtype"] == "/Type3" or any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            if not embedded:
                not_embedded.add(name)
            elif "CJK" in name:
                cjk.add(name.partition("+")[2])
    assert cjk, "burger-factory-zh.pdf embeds no CJK font"
    assert not_embedded == set(), f"fonts not embedded: {not_embedded}"


def test_without_chromium_make_pdf_says_how_to_install_it(clean_copy):
    result = make("pdf", clean_copy, env={"CHROMIUM": "/nonexistent/chromium",
                                          "PYTHONPATH": str(clean_copy / "src")})
    assert result.returncode != 0
    said = [line for line in result.stderr.splitlines() if not line.startswith("make: ***")]
    assert len(said) == 1 and "apt-get install chromium-headless-shell fonts-noto-cjk" in said[0], result.stderr
    assert "Traceback" not in result.stdout + result.stderr
