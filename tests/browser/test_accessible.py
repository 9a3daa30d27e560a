"""Every reader can use the site: no axe violation on any page, in either language, light
and dark, desktop and phone; nothing on a phone scrolls sideways; every name a screen reader
reads is in the page's language; and the keyboard reaches every control, visibly, on a
desktop and on a phone."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from chromium import PHONE
from project import FOLDERS, STATIONS, site_pages

from book.languages import LANGUAGES

# WCAG 2.0, 2.1 and 2.2, levels A and AA, and axe's best practices.
AXE_RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                    "wcag22a", "wcag22aa", "best-practice"]},
             "resultTypes": ["violations"]}
NUMBERED = [p for p in site_pages() if re.match(r"\w+/\d", p)]  # the stations and the epilogue


def violations(page) -> list[str]:
    found = Axe().run(page, options=AXE_RULES).response["violations"]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in found]


# How a page is looked at: a desktop in light mode, a phone in dark mode.  (Locale fr-FR: the
# root page would send zh and en readers on to their language; others see its chooser.)
LOOKS = {"desktop": {"color_scheme": "light", "locale": "fr-FR"},
         "phone": {"color_scheme": "dark", "locale": "fr-FR", **PHONE}}


@pytest.fixture(scope="module")
def looked() -> dict:
    """What each page showed in each look, by (path, look): see look."""
    return {}


@pytest.fixture
def look(open_page, looked):
    """look(path, device, what): what the page showed on the device: axe's violations ("axe"),
    the names ("names"), and on a phone how it reflows ("reflow", OVERFLOW).  A page is loaded
    once for all of them (the axe tests come first: axe runs only where they ask)."""
    def look(path: str, device: str, what: str):
        if what not in looked.get((path, device), {}):
            page, _ = open_page(path, **LOOKS[device])
            assert page.url.endswith(path), f"{path} went to {page.url}"
            looked[path, device] = {"names": names(page),
                                    **({"reflow": page.evaluate(OVERFLOW)} if device == "phone" else {}),
                                    **({"axe": violations(page)} if what == "axe" else {})}
        return looked[path, device][what]
    return look


@pytest.mark.parametrize("path", site_pages())
def test_no_axe_violation_on_a_desktop_in_light_mode(look, path):
    assert look(path, "desktop", "axe") == []


@pytest.mark.parametrize("path", NUMBERED)
def test_no_axe_violation_on_a_phone_in_dark_mode(look, path):
    assert look(path, "phone", "axe") == []


@pytest.mark.parametrize("path", NUMBERED[:2])
def test_no_axe_violation_on_a_desktop_in_dark_mode_chosen_by_the_reader(browser, server, path):
    context = browser.new_context(color_scheme="light")
    context.add_init_script("localStorage.setItem('theme', 'dark')")  # Furo keeps the choice there
    try:
        page = context.new_page()
        page.goto(f"{server}/{path}")
        assert page.evaluate("document.body.dataset.theme") == "dark"
        assert violations(page) == []
    finally:
        context.close()


# -- Reflow: a phone never scrolls sideways (WCAG 1.4.10) ----------------------------------------

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
  // every word of Latin letters in a heading on one line ("backpropagatio / n" was not)
  const brokenWords = [];
  for (const heading of document.querySelectorAll("article h1, article h2, article h3")) {
    const texts = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
    for (let text; (text = texts.nextNode());) {
      for (const word of text.data.matchAll(/[A-Za-z][\\w.()]*/g)) {
        const range = document.createRange();
        range.setStart(text, word.index);
        range.setEnd(text, word.index + word[0].length);
        if (new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1) brokenWords.push(word[0]);
      }
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, clientWidth: width,
          escaped: escaped.slice(0, 10), spilling, switchShown, brokenWords};
}"""


@pytest.mark.parametrize("path", site_pages())
def test_phone_never_scrolls_sideways(look, path):
    """Nothing is wider than a phone; wide code and formulas scroll in their own boxes; the
    language switch is in the first screen; no word of a heading is cut in two.  (The page's own scrollWidth is not enough: Furo
    clips what overflows its main column, so each element of the article is checked too.)"""
    seen = look(path, "phone", "reflow")
    assert seen["clientWidth"] == PHONE["viewport"]["width"], "no <meta name=viewport>?"
    assert seen["scrollWidth"] <= seen["clientWidth"], \
        f"{path} is {seen['scrollWidth']}px wide on a {seen['clientWidth']}px phone; " \
        f"past the edge: {seen['escaped']}"
    assert seen["escaped"] == [], f"{path}: past the phone's edge: {seen['escaped']}"
    assert seen["spilling"] == [], f"{path}: wide blocks that do not scroll: {seen['spilling']}"
    assert seen["switchShown"], f"{path}: the language switch is not in the phone's first screen"
    assert seen["brokenWords"] == [], f"{path}: words of its headings broken across lines: {seen['brokenWords']}"


# -- Names, in the page's language ---------------------------------------------------------

# What a screen reader names: controls, links, icons, figures, landmarks.
NAMED = {"link", "button", "img", "image", "checkbox", "searchbox", "textbox", "combobox",
         "navigation", "complementary", "region", "figure", "group", "banner", "contentinfo"}
# Names that are names in every language: software, people, and the quantity the book calls Loss.
PROPER = {"PyTorch", "Jupyter", "MyST", "Sphinx", "Furo", "KaTeX", "GitHub", "Python",
          "pradyunsg", "Loss", *(language.name for language in LANGUAGES)}


def names(page) -> list[tuple[str, str]]:
    """(role, name) of everything named in the page's accessibility tree (Playwright's)."""
    tree = page.locator("body").aria_snapshot()
    return [(role, name) for role, name in re.findall(r'^\s*- (\w+) "((?:[^"\\]|\\.)*)"', tree, flags=re.M)
            if role in NAMED]


def english_words(name: str) -> list[str]:
    """Words of English in a name: not code (a dot, a bracket, a digit, camelCase), not a
    letter standing for a quantity, not a proper name."""
    tokens = re.findall(r"[\w.()@’'-]+", re.sub(r"[\u3000-\u9fff\uff00-\uffef]", " ", name))
    return [t for t in tokens if re.fullmatch(r"[A-Za-z’'-]{3,}", t) and t not in PROPER]


@pytest.mark.parametrize("device", LOOKS)
@pytest.mark.parametrize("path", [p for p in site_pages() if p.startswith("zh/")])
def test_a_chinese_page_names_nothing_in_english(look, path, device):
    english = [(role, name) for role, name in look(path, device, "names") if english_words(name)]
    assert english == [], f"{path}: named in English: {english}"


@pytest.mark.parametrize("device", LOOKS)
@pytest.mark.parametrize("path", [p for p in site_pages() if p.startswith("en/")])
def test_an_english_page_names_nothing_in_chinese(look, path, device):
    chinese = [(role, name) for role, name in look(path, device, "names")
               if re.search(r"[\u4e00-\u9fff]", name) and name not in PROPER]
    assert chinese == [], f"{path}: named in Chinese: {chinese}"


# -- The keyboard -------------------------------------------------------------------------------

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const style = getComputedStyle(e), box = e.getBoundingClientRect();
  const shown = (el) => { for (; el; el = el.parentElement) { const s = getComputedStyle(el);
    if (s.visibility === "hidden" || s.display === "none" || +s.opacity === 0) return false; } return true; };
  // The cue may be drawn on the element or, for a focused checkbox Furo hides, on its button.
  const cue = (s) => (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";
  return {
    what: e.tagName.toLowerCase() + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\\s+/).join(".") : ""),
    name: (e.getAttribute("aria-label") || e.textContent || e.value || "").trim().slice(0, 40),
    shown: shown(e) && box.width > 0 && box.height > 0,
    onScreen: box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
    cue: cue(style),
    inDrawer: Boolean(e.closest(".sidebar-drawer")),
  };
}"""


def tab_through(page, most: int = 400) -> list[dict]:
    """Every stop of the Tab key, from the top of the page round to the first again."""
    page.evaluate("document.activeElement && document.activeElement.blur(); scrollTo(0, 0)")
    stops = []
    for _ in range(most):
        page.keyboard.press("Tab")
        here = page.evaluate(FOCUSED)
        if here is None or (stops and here == stops[0]):
            break
        stops.append(here)
    return stops


def reached(stops, what: str) -> bool:
    return any(what in stop["what"] for stop in stops)


@pytest.mark.parametrize("folder", FOLDERS)
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_keyboard_reaches_every_control_visibly(browser, server, folder, device):
    # Less motion: a focused element is then in view at once (no smooth scrolling to it).
    context = browser.new_context(reduced_motion="reduce",
                                  **(PHONE if device == "phone" else {"viewport": {"width": 1280, "height": 900}}))
    page = context.new_page()
    try:
        page.goto(f"{server}/{folder}/{STATIONS[4]}.html")  # code, copy buttons, solutions
        stops = tab_through(page)
        hidden = [s for s in stops if not (s["shown"] and s["onScreen"] and s["cue"])]
        assert hidden == [], f"focus on something unseen, or without a visible cue: {hidden[:5]}"
        assert any(s["name"] == LANGUAGES[1 - FOLDERS.index(folder)].name for s in stops), "no language switch"
        for what in ("button.theme-toggle", "button.copybtn", "summary"):
            assert reached(stops, what), f"the keyboard does not reach {what}"
        if device == "desktop":
            assert reached(stops, "input.sidebar-search") and any(s["inDrawer"] for s in stops)
        else:
            # The navigation is off screen: none of its links, but the menu button, which opens it.
            assert not any(s["inDrawer"] for s in stops), "a closed drawer's links take focus"
            assert reached(stops, "button.nav-overlay-icon") and reached(stops, "button.toc-overlay-icon")
            page.focus("button.nav-overlay-icon")
            page.keyboard.press("Enter")
            opened = tab_through(page)
            assert any(s["inDrawer"] and s["shown"] for s in opened), "the menu did not open from the keyboard"
            assert reached(opened, "input.sidebar-search")
            page.keyboard.press("Escape")
            assert page.evaluate("document.getElementById('__navigation').checked") is False
    finally:
        context.close()
