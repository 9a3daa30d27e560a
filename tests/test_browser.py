"""The built site in a real browser: Debian's Chromium, driven by Playwright, reading the site
from a static server on 127.0.0.1.  Every page loads cleanly from the site alone, every formula
is rendered, the language switch and the search work, phones and dark mode stay readable.
(Pictures of the pages, for a person: `make screenshots`.)

Chromium must be installed (CI's .ci/run installs `chromium` and `fonts-noto-cjk`): without it
these tests fail, they are not skipped.
"""

import re
import shutil
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import CHROMIUM, LANGS, ROOT, STATIONS, article_text, copy_project, live_preview, served
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from twins import pages as source_pages

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

OTHER = {"zh": "en", "en": "zh"}
HTML_LANG = {"zh": "zh-CN", "en": "en"}


def book_pages(lang: str) -> list[str]:
    """The pages written for one language: one for each source page, as twins.py finds them."""
    return sorted(p.removesuffix(".md") for p in source_pages(ROOT / "docs" / lang))


# Every page of the site: the root language chooser, each language's own pages, and Sphinx's
# search page (no general index: conf.py's html_use_index).
SITE_PAGES = ["index.html", *(f"{lang}/{name}.html" for lang in LANGS
                              for name in [*book_pages(lang), "search"])]


# -- The server and the browser ---------------------------------------------------------------

@pytest.fixture(scope="session")
def server(site) -> str:
    """The built site, served as any static host would serve it: its base URL."""
    with served(site) as url:
        yield url


def launched(browser):
    """The browser; a test that needs it fails (is not skipped) when Chromium is missing."""
    if browser is None:
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: the browser tests need it "
                    "(on Debian/Ubuntu: apt-get install chromium fonts-noto-cjk, as .ci/run does)",
                    pytrace=False)
    return browser


@pytest.fixture(scope="session")
def shared_contexts(browser):
    """Browser contexts (think: browser profiles) shared by the tests that leave no state
    behind, one for each set of options, to save starting a fresh one for each page."""
    contexts = {}
    yield contexts
    for context in contexts.values():
        context.close()


@pytest.fixture
def open_page(browser, server, shared_contexts):
    """open_page(path, **context_options) -> (page, problems): the page, loaded with its fonts
    (and with nothing left to load, with idle=True), and a live list of everything that went
    wrong on it: console errors, uncaught exceptions, failed or refused requests, requests to
    any host but the local server.  fresh=True opens it in a new context: empty cache, no
    stored state."""
    opened = []

    def open_page(path: str, idle: bool = False, fresh: bool = False, **options):
        options = {**DESKTOP, **options}
        if fresh:
            context = launched(browser).new_context(**options)
            opened.append(context)
        else:
            key = repr(sorted(options.items()))
            context = shared_contexts.get(key) or shared_contexts.setdefault(
                key, launched(browser).new_context(**options))
        page = context.new_page()
        opened.append(page)
        problems = []
        page.on("console", lambda m: m.type == "error" and problems.append(
            f"console error: {m.text} (at {m.location.get('url')})"))
        page.on("pageerror", lambda e: problems.append(f"uncaught exception: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
        page.on("request", lambda r: urlsplit(r.url).hostname != "127.0.0.1" and problems.append(
            f"request to something other than the local server: {r.url}"))
        loading = set()  # requests still under way
        page.on("request", lambda r: loading.add(r))
        page.on("requestfinished", lambda r: loading.discard(r))
        page.on("requestfailed", lambda r: loading.discard(r))
        page.goto(f"{server}/{path}")
        page.evaluate("document.fonts.ready")  # every web font used has loaded (or failed)
        quiet = 0
        while idle and quiet < 3:  # nothing under way for 3 looks in a row, 50 ms apart
            page.wait_for_timeout(50)
            quiet = 0 if loading else quiet + 1
        return page, problems

    yield open_page
    for thing in reversed(opened):
        thing.close()


def besides_left_behind(problems: list[str]) -> list[str]:
    """The problems, less requests aborted because the reader left the page (a click to another
    page cancels what the old one was still loading, such as its favicon): no fault of the site.
    A file that is missing still shows, as an HTTP 404."""
    return [p for p in problems if not (p.startswith("request failed:") and "net::ERR_ABORTED" in p)]


def built(site: Path, lang: str, name: str) -> str:
    return (site / lang / f"{name}.html").read_text(encoding="utf-8")


# -- 1. Every page loads cleanly ----------------------------------------------------------------

@pytest.mark.parametrize("path", SITE_PAGES)
def test_page_loads_with_no_error_and_nothing_from_outside_the_site(open_page, path):
    """Until nothing is left to load: no console error, no failed request, nothing asked of
    any host but the site's.  (The pages share a browser that has seen only them: a file they
    share fails, if it does, on the first that asks for it.)"""
    # locale fr-FR: the root page would send zh and en readers on; others see the chooser itself.
    page, problems = open_page(path, idle=True, locale="fr-FR")
    assert page.url.endswith(path), f"{path} went to {page.url}"
    assert problems == [], f"{path}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("locale, lands_on", [
    ("zh-CN", "zh/index.html"), ("zh-TW", "zh/index.html"), ("en-GB", "en/index.html"),
    ("fr-FR", "index.html"),
])
def test_root_page_sends_readers_to_their_language(open_page, server, locale, lands_on):
    page, problems = open_page("index.html", fresh=True, locale=locale)
    assert page.url == f"{server}/{lands_on}"
    assert besides_left_behind(problems) == []


# -- 2. Every formula is rendered ------------------------------------------------------------

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
def test_every_formula_is_rendered(site, open_page, lang, station):
    """Each formula of the page is a KaTeX formula on screen, drawn in KaTeX's fonts."""
    soup = BeautifulSoup(built(site, lang, station), "html.parser")
    expected = len(soup.select("article span.math, article div.math"))
    page, problems = open_page(f"{lang}/{station}.html")
    seen = page.evaluate(COUNT_KATEX)
    assert seen["errors"] == [], f"KaTeX could not render: {seen['errors']}"
    assert seen["katex"] == seen["rendered"] == expected, \
        f"{lang}/{station}: {expected} formulas in the page, {seen['katex']} KaTeX elements, " \
        f"{seen['rendered']} rendered and visible"
    if expected:  # the formulas are drawn in KaTeX's own fonts, which all loaded
        assert any(status == "loaded" for _, status in seen["fonts"]), seen["fonts"]
        assert not [f for f in seen["fonts"] if f[1] == "error"], seen["fonts"]
    assert problems == []


# -- 3. The language switch --------------------------------------------------------------------

@pytest.mark.parametrize("name", book_pages("zh"))
def test_language_switch_goes_to_the_same_page_in_the_other_language_and_back(
        open_page, server, name):
    """A click on the switch opens this page in the other language; a click there, back:
    both twins' switches, tried.  (The en pages are zh's: test_twin_pages.  On phones the
    switch is on screen too: see test_phone_never_scrolls_sideways.)"""
    lang = LANGS[0]
    page, problems = open_page(f"{lang}/{name}.html")
    for there in (OTHER[lang], lang):
        switch = page.locator("p.book-lang-switch a")
        assert switch.count() == 1, f"{page.url} has {switch.count()} language switches"
        switch.click()
        page.wait_for_url(f"{server}/{there}/{name}.html", wait_until="domcontentloaded")
        assert page.locator("html").get_attribute("lang") == HTML_LANG[there]
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
    """The search page finishes and lists (at least) every station whose text has the term."""
    expected = {s for s in STATIONS if discusses(article_text(built(site, lang, s)), query)}
    assert expected, f"no {lang} station mentions {query!r}: nothing to search for"
    # fresh: a search leaves its terms in localStorage, for the next page to highlight
    page, problems = open_page(f"{lang}/search.html?q={quote(query)}", fresh=True)
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
    assert problems == []


# -- 5. Phones and dark mode ---------------------------------------------------------------------

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const inside = r => r.left >= -0.5 && r.right <= width + 0.5;
  const name = e => e.tagName.toLowerCase() + (e.className && typeof e.className === "string"
    ? "." + e.className.trim().split(/\\s+/).join(".") : "") + ` "${e.textContent.trim().slice(0, 40)}"`;
  const clips = e => getComputedStyle(e).overflowX !== "visible";
  const escaped = [];  // article elements past the screen's edge, not inside a box that scrolls
  for (const el of document.querySelectorAll("article *")) {
    const r = el.getBoundingClientRect();
    if (!r.width || inside(r)) continue;
    let box = el.parentElement;
    while (box && box.tagName !== "ARTICLE" && !clips(box)) box = box.parentElement;
    if (!box || box.tagName === "ARTICLE" || !inside(box.getBoundingClientRect()))
      escaped.push(name(el));
  }
  // wide code and formulas: their own box must scroll, not spill over
  const spilling = [...document.querySelectorAll(
      "article pre, article div.math, article .katex-display > .katex > .katex-html")]
    .filter(e => e.scrollWidth > e.clientWidth + 1
                 && !["auto", "scroll"].includes(getComputedStyle(e).overflowX))
    .map(name);
  // the language switch, where there is one, in the first screen and within its width
  const sw = document.querySelector("p.book-lang-switch a");
  const switchBox = sw && sw.getBoundingClientRect();
  const switchShown = !sw || (inside(switchBox) && switchBox.top >= 0 && switchBox.bottom <= innerHeight
                              && document.elementFromPoint(switchBox.x + 2, switchBox.y + 2) === sw);
  return {scrollWidth: document.documentElement.scrollWidth, clientWidth: width,
          escaped: escaped.slice(0, 10), spilling, switchShown};
}"""


@pytest.mark.parametrize("path", SITE_PAGES)
def test_phone_never_scrolls_sideways(open_page, path):
    """Nothing is wider than a phone; wide code and formulas scroll in their own boxes; the
    language switch is in the first screen.  (The page's own scrollWidth is not enough: Furo
    clips what overflows its main column, so each element of the article is checked too.)"""
    page, _ = open_page(path, locale="fr-FR", **PHONE)
    seen = page.evaluate(OVERFLOW)
    assert seen["clientWidth"] == PHONE["viewport"]["width"], "no <meta name=viewport>?"
    assert seen["scrollWidth"] <= seen["clientWidth"], \
        f"{path} is {seen['scrollWidth']}px wide on a {seen['clientWidth']}px phone; " \
        f"past the edge: {seen['escaped']}"
    assert seen["escaped"] == [], f"{path}: past the phone's edge: {seen['escaped']}"
    assert seen["spilling"] == [], f"{path}: wide blocks that do not scroll: {seen['spilling']}"
    assert seen["switchShown"], f"{path}: the language switch is not in the phone's first screen"


# The colours a reader sees: any CSS colour drawn on a canvas, backgrounds composited from the
# page's root down to the element, then WCAG's contrast ratio.
CONTRAST = """() => {
  const ctx = document.createElement("canvas").getContext("2d", {willReadFrequently: true});
  const rgba = css => {
    ctx.clearRect(0, 0, 1, 1); ctx.fillStyle = "#0000"; ctx.fillStyle = css; ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data; return [d[0], d[1], d[2], d[3] / 255];
  };
  const over = ([r, g, b, a], below) => [r * a + below[0] * (1 - a), g * a + below[1] * (1 - a),
                                         b * a + below[2] * (1 - a)];
  const background = el => {
    const chain = [];
    for (let e = el; e; e = e.parentElement) chain.unshift(getComputedStyle(e).backgroundColor);
    return chain.reduce((below, css) => over(rgba(css), below), [255, 255, 255]);
  };
  const luminance = rgb => {
    const [r, g, b] = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = el => {
    const bg = background(el), fg = over(rgba(getComputedStyle(el).color), bg);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    return (hi + 0.05) / (lo + 0.05);
  };
  const measure = selector => [...document.querySelectorAll(selector)]
    .filter(e => e.textContent.trim())
    .map(e => [e.tagName.toLowerCase() + "." + e.className + " " + JSON.stringify(e.textContent.trim().slice(0, 30)),
               contrast(e)]);
  return {
    page: luminance(background(document.body)),
    // code: each block's text and every highlighted token in it (inputs and outputs alike)
    code: measure("article div.highlight pre, article div.highlight pre span"),
    formulas: measure("article .katex"),
  };
}"""


@pytest.mark.parametrize("dark", [
    pytest.param({"color_scheme": "dark"}, id="system-prefers-dark"),
    pytest.param({"color_scheme": "light", "theme": "dark"}, id="reader-chose-dark"),
])
def test_code_and_formulas_are_readable_in_dark_mode(browser, server, dark):
    """Every code block (each token of it) and every formula of every station has a contrast
    of at least 4.5 (WCAG AA) against what is behind it, in either way of asking for dark."""
    context = launched(browser).new_context(**DESKTOP, color_scheme=dark["color_scheme"])
    if "theme" in dark:  # Furo keeps the reader's choice in localStorage "theme" (furo.js)
        context.add_init_script(f"localStorage.setItem('theme', '{dark['theme']}')")
    page = context.new_page()
    blocks = formulas = 0
    try:
        for lang in LANGS:
            for station in STATIONS:
                page.goto(f"{server}/{lang}/{station}.html")
                seen = page.evaluate(CONTRAST)
                assert seen["page"] < 0.1, f"{lang}/{station} is not dark (luminance {seen['page']})"
                for kind in ("code", "formulas"):
                    dim = [(what, round(c, 2)) for what, c in seen[kind] if c < 4.5]
                    assert dim == [], f"{lang}/{station}: {kind} below contrast 4.5: {dim[:8]}"
                blocks += len(seen["code"])
                formulas += len(seen["formulas"])
    finally:
        context.close()
    assert blocks and formulas, "no code or no formula on any station: nothing was checked"


def test_chinese_is_drawn_with_a_chinese_font(open_page):
    """Not with boxes: the system has a CJK font (CI installs fonts-noto-cjk)."""
    page, _ = open_page(f"zh/{STATIONS[0]}.html")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    h1 = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "article h1"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": h1})["fonts"]
    assert any(re.search(r"CJK|Hei|Song|Kai|Ming|WenQuanYi|PingFang|YaHei|SC\b", f["familyName"])
               for f in fonts), f"the Chinese title is drawn with {fonts}: is a CJK font installed?"


def test_livehtml_shows_a_saved_edit_by_itself(browser, clean_copy, tmp_path):
    """`make livehtml lang=en`: an author saves a page and the open browser shows the edit,
    without a reload by hand (how fast: `make bench`)."""
    copy = copy_project(tmp_path)
    work = clean_copy / "_build" / "lang" / "en"  # start from a built language, as an author does
    shutil.copytree(work / ".jupyter_cache", copy / "_build" / "lang" / "en" / ".jupyter_cache")
    with live_preview(copy, "en", launched(browser).new_page(), STATIONS[0]) as page:
        source = copy / "docs" / "en" / f"{STATIONS[0]}.md"
        words = "A sentence saved while the preview was open."
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("\n## ", f"\n{words}\n\n## ", 1), encoding="utf-8")
        page.wait_for_function(f"document.body.innerText.includes({words!r})", timeout=120_000)
        page.close()
