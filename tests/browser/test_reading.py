"""How the built site reads in a real browser (Debian's Chromium, driven by Playwright; see
conftest.py): on a phone, in dark mode, in a Chinese font, and in an author's live preview.
(That nothing on a phone scrolls sideways: test_accessible.py, as WCAG's reflow; that the
figures' labels are drawn whole: test_pages.py.)
"""

import re
import shutil

import pytest
from chromium import DESKTOP, PHONE, live_preview
from project import FOLDERS as LANGS
from project import STATIONS, copy_project

# -- Phones and dark mode ------------------------------------------------------------------------

# Each run of Chinese characters in a table's headers, with the number of lines it is drawn on.
HEADER_WORDS = """() => [...document.querySelectorAll("article th")].flatMap(th => {
  const texts = document.createTreeWalker(th, NodeFilter.SHOW_TEXT), words = [];
  for (let text; (text = texts.nextNode());) {
    for (const run of text.data.matchAll(/[\\u4e00-\\u9fff]+/g)) {
      const range = document.createRange();
      range.setStart(text, run.index);
      range.setEnd(text, run.index + run[0].length);
      words.push([run[0], new Set([...range.getClientRects()].map(r => Math.round(r.top))).size]);
    }
  }
  return words;
})"""


def test_on_a_phone_no_chinese_table_header_breaks_inside_a_word(open_page):
    """局部导数 on one line, not a character a line: the table scrolls in its box instead."""
    seen = []
    for station in STATIONS:
        page, _ = open_page(f"zh/{station}.html", **PHONE)
        seen += [(station, word, lines) for word, lines in page.evaluate(HEADER_WORDS)]
    assert seen, "no Chinese table header on any station: nothing was checked"
    assert [s for s in seen if s[2] > 1] == [], "words broken across lines"


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
    context = browser.new_context(**DESKTOP, color_scheme=dark["color_scheme"])
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
    cdp.detach()  # the tab is shared
    assert any(re.search(r"CJK|Hei|Song|Kai|Ming|WenQuanYi|PingFang|YaHei|SC\b", f["familyName"])
               for f in fonts), f"the Chinese title is drawn with {fonts}: is a CJK font installed?"


def test_livehtml_shows_a_saved_edit_by_itself(browser, clean_copy, tmp_path):
    """`make livehtml lang=en`: an author saves a page and the open browser shows the edit,
    without a reload by hand (how fast: `make bench`)."""
    copy = copy_project(tmp_path)
    work = clean_copy / "_build" / "lang" / "en"  # start from a built language, as an author does
    shutil.copytree(work / ".jupyter_cache", copy / "_build" / "lang" / "en" / ".jupyter_cache")
    with live_preview(copy, "en", browser.new_page(), STATIONS[0]) as page:
        source = copy / "docs" / "en" / f"{STATIONS[0]}.md"
        words = "A sentence saved while the preview was open."
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("\n## ", f"\n{words}\n\n## ", 1), encoding="utf-8")
        page.wait_for_function(f"document.body.innerText.includes({words!r})", timeout=120_000)
        page.close()
