"""The built site in a real browser, page by page: Debian's Chromium, driven by Playwright,
reading the site from a static server on 127.0.0.1 (conftest.py).  Every page loads cleanly
from the site alone, every formula is rendered and every figure's labels drawn whole, the
language switch and the search work.  How the pages read on phones, in dark mode and in the
live preview: test_reading.py; whether every reader can use them: test_accessible.py.
(Pictures of the pages, for a person: `make screenshots`.)

"""

import functools
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from chromium import besides_left_behind
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from project import FOLDERS as LANGS
from project import QuietHandler, served

from book.languages import LANGUAGES
from project import HREFLANG, STATIONS, article_text, book_pages, site_pages
from project import built_page as built


# -- 1. Every page loads cleanly ----------------------------------------------------------------

@pytest.fixture(scope="module")
def seen() -> dict:
    """What each page showed, loaded once for the tests of sections 1 and 2, by path."""
    return {}


@pytest.fixture
def load(open_page, seen):
    """load(path): where the page ended, its problems, its formulas (COUNT_KATEX) and its
    figures' labels (PIECES), once it had nothing left to load.  (Locale fr-FR: the root
    page would send zh and en readers on; others see the chooser itself.)"""
    def load(path: str) -> dict:
        if path not in seen:
            page, problems = open_page(path, idle=True, locale="fr-FR")
            seen[path] = {"url": page.url, "problems": list(problems), "formulas": page.evaluate(COUNT_KATEX),
                          "pieces": page.evaluate(PIECES)}
        return seen[path]
    return load


@pytest.mark.parametrize("path", site_pages())
def test_page_loads_with_no_error_and_nothing_from_outside_the_site(load, path):
    """Until nothing is left to load: no console error, no failed request, nothing asked of
    any host but the site's.  (The pages share a browser that has seen only them: a file they
    share fails, if it does, on the first that asks for it.)"""
    loaded = load(path)
    assert loaded["url"].endswith(path), f"{path} went to {loaded['url']}"
    assert loaded["problems"] == [], f"{path}:\n  " + "\n  ".join(loaded["problems"])


@pytest.mark.parametrize("locale, lands_on", [
    ("zh-CN", "zh/index.html"), ("zh-TW", "zh/index.html"), ("en-GB", "en/index.html"),
    ("fr-FR", "index.html"),
])
def test_root_page_sends_readers_to_their_language(open_page, server, locale, lands_on):
    page, problems = open_page("index.html", fresh=True, locale=locale)
    assert page.url == f"{server}/{lands_on}"
    assert besides_left_behind(problems) == []


# -- 2. Every formula is rendered, every figure's labels drawn whole ----------------------

# What the page's source holds: the math wrappers in the built HTML.  Sphinx writes exactly one
# <span class="math"> per inline and one <div class="math"> per display formula, whatever the
# Markdown wrote ($...$, $$...$$, {math}, {glue-math}, amsmath, inside admonitions or tables),
# and does so before KaTeX is involved.  Counting `$` in docs/<lang>/<page>.md instead would
# miscount dollars in code cells, escaped `\$`, and miss the roles and directives.
COUNT_KATEX = """() => {
  const wrappers = [...document.querySelectorAll("article span.math, article div.math")];
  return {
    katex: document.querySelectorAll("article .katex").length,
    // a wrapper is rendered when it holds one KaTeX formula that takes up room on screen
    rendered: wrappers.filter(w => w.querySelectorAll(".katex").length === 1 && (() => {
      const box = w.querySelector(".katex-html").getBoundingClientRect();
      return box.width > 0 && box.height > 0; })()).length,
    errors: [...document.querySelectorAll(".katex-error")].map(e => e.title || e.textContent),
    fonts: [...document.fonts].filter(f => f.family.startsWith("KaTeX"))
                              .map(f => [f.family, f.status]),
  };
}"""


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("station", STATIONS)
def test_every_formula_is_rendered(site, load, lang, station):
    """Each formula of the page is a KaTeX formula on screen, drawn in KaTeX's fonts."""
    soup = BeautifulSoup(built(site, lang, station), "html.parser")
    expected = len(soup.select("article span.math, article div.math"))
    loaded = load(f"{lang}/{station}.html")
    seen = loaded["formulas"]
    assert seen["errors"] == [], f"KaTeX could not render: {seen['errors']}"
    assert seen["katex"] == seen["rendered"] == expected, \
        f"{lang}/{station}: {expected} formulas in the page, {seen['katex']} KaTeX elements, " \
        f"{seen['rendered']} rendered and visible"
    if expected:  # the formulas are drawn in KaTeX's own fonts, which all loaded
        assert any(status == "loaded" for _, status in seen["fonts"]), seen["fonts"]
        assert not [f for f in seen["fonts"] if f[1] == "error"], seen["fonts"]
    assert loaded["problems"] == []


# A figure's line of text drawn in pieces (around a subscript: y, target, ) = 4): where each
# piece ends in the reader's font, and where the next piece on its line begins.
PIECES = """() => {
  const pieces = [];
  for (const group of document.querySelectorAll(".bf-figure svg g")) {
    const texts = [...group.children].filter(e => e.tagName === "text");
    for (let i = 0; i + 1 < texts.length; i++) {
      const [a, b] = [texts[i], texts[i + 1]], at = (e, name) => +e.getAttribute(name);
      if (at(b, "x") > at(a, "x") && Math.abs(at(b, "y") - at(a, "y")) < at(a, "font-size") / 2)
        pieces.push([a.textContent, a.getEndPositionOfChar(a.getNumberOfChars() - 1).x,
                     at(b, "x"), b.textContent]);
    }
  }
  return pieces;
}"""



@pytest.mark.parametrize("lang", LANGS)
def test_no_piece_of_a_figure_label_runs_into_the_next(load, lang):
    """Graphviz places the pieces of a line by its estimate of the font's widths; drawn in
    the font the reader's browser has, each piece still ends before the next begins."""
    pieces = [(path, *piece) for path in site_pages() if path.startswith(f"{lang}/")
              for piece in load(path)["pieces"]]
    assert pieces, "no figure line is drawn in pieces: nothing was checked"
    overruns = [(path, text, round(end - start, 1), then)
                for path, text, end, start, then in pieces if end > start + 0.5]
    assert overruns == [], f"pieces running into the next by so many pixels: {overruns}"


# -- 3. The language switch --------------------------------------------------------------------

@pytest.mark.parametrize("name", [*book_pages("zh"), "search"])
def test_language_switch_goes_to_the_same_page_in_the_other_language_and_back(
        open_page, server, name):
    """A click on the switch opens this page in the other language; a click there, back:
    both twins' switches, tried.  (The en pages are zh's: test_twin_pages.  On phones the
    switch is on screen too: test_accessible.py, test_phone_never_scrolls_sideways.)"""
    lang, other = LANGS
    page, problems = open_page(f"{lang}/{name}.html")
    for there in (other, lang):
        switch = page.locator("p.book-lang-switch a")
        assert switch.count() == 1, f"{page.url} has {switch.count()} language switches"
        switch.click()
        page.wait_for_url(f"{server}/{there}/{name}.html", wait_until="domcontentloaded")
        assert page.locator("html").get_attribute("lang") == HREFLANG[there]
    assert besides_left_behind(problems) == []


# -- 4. Search, in the browser -----------------------------------------------------------------

def discusses(text: str, query: str) -> bool:
    """Whether the text holds the query's words, in order (any spacing or punctuation between)."""
    return re.search(r"\W+".join(map(re.escape, query.split())), text, re.I) is not None


@pytest.mark.parametrize("lang, query", [
    ("zh", "链式法则"), ("zh", "反向传播"), ("zh", "误差"), ("zh", "梯度"),
    ("en", "chain rule"), ("en", "backpropagation"), ("en", "gradient"),
])
def test_search_lists_the_stations_that_discuss_a_term(site, open_page, lang, query):
    """The search page finishes and lists (at least) every station whose text has the term,
    each quoted from its own text (docs/_static/search-summaries.js)."""
    expected = {s for s in STATIONS if discusses(article_text(built(site, lang, s)), query)}
    assert expected, f"no {lang} station mentions {query!r}: nothing to search for"
    # apart: a search leaves its terms in localStorage, for the next page to highlight
    page, problems = open_page(f"{lang}/search.html?q={quote(query)}", apart="search")
    try:  # the search ends by writing its summary; a broken one stays on "Searching..."
        page.wait_for_function(
            "document.querySelector('#search-results p.search-summary')?.textContent.trim()",
            timeout=15_000)
        stuck = None
    except PlaywrightTimeoutError:
        stuck = page.locator("#search-results h2").all_inner_texts()
    assert stuck is None, \
        f"the {lang} search for {query!r} never finished (still {stuck}); problems: {problems}"
    hrefs = page.locator("#search-results ul.search li > a").evaluate_all(
        "links => links.map(a => new URL(a.href).pathname)")
    found = {Path(h).stem for h in hrefs}
    assert expected <= found, f"{lang} search for {query!r} missed {sorted(expected - found)}"
    # Each result quotes its page's own text: each formula once, no language switch.
    quotes = page.locator("#search-results ul.search li").evaluate_all(
        "items => items.map(li => [new URL(li.querySelector('a').href).pathname,"
        "                          li.querySelector('p.context')?.textContent ?? ''])")
    for path, quoted in quotes:
        said = squashed(quoted.strip().removeprefix("...").removesuffix("..."))
        assert said in squashed(page_text(site, lang, Path(path).stem)), \
            f"the {lang} search for {query!r} quotes {path} as {quoted!r}, which is not its text"
    assert problems == []


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@functools.cache  # (the same few pages, parsed once for all the searches)
def page_text(site: Path, lang: str, name: str) -> str:
    """A page's own main text: each formula once, as screen readers read it (KaTeX's MathML,
    not also the HTML drawn on screen); no language switch, no headings' link symbols."""
    main = BeautifulSoup(built(site, lang, name), "html.parser").select_one('[role="main"]')
    for other in main.select(".katex-html, .book-lang-switch, .headerlink, script, style"):
        other.decompose()
    return main.get_text()


# -- 5. Lost readers ---------------------------------------------------------------------------

NOT_FOUND = {language.folder: language.not_found for language in LANGUAGES}  # = each 404.md's title


def test_a_reader_lost_inside_a_language_lands_on_its_404_page(site, browser):
    """As GitHub Pages and Read the Docs do: any missing address is answered with the root
    404.html, which sends a reader lost under zh/ or en/ on to that language's 404 page."""
    class Host(QuietHandler):
        def send_error(self, code, message=None, explain=None):
            if code != 404:
                return super().send_error(code, message, explain)
            body = (site / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with served(site, Host) as server:
        page = browser.new_page()
        for lang in LANGS:
            page.goto(f"{server}/{lang}/no-such-station.html")
            page.wait_for_url(f"{server}/{lang}/404.html")
            assert page.locator("article h1").inner_text().strip().rstrip("#¶").strip() == NOT_FOUND[lang]
            assert page.locator("html").get_attribute("lang") == HREFLANG[lang]
        page.goto(f"{server}/no-such-page.html")  # outside both languages: the chooser
        assert page.url == f"{server}/no-such-page.html"
        assert page.locator('a[href="zh/index.html"]').count() == 1
        page.locator('a[href="en/index.html"]').click()
        page.wait_for_url(f"{server}/en/index.html")
        page.close()
