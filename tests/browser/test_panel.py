"""The panels where a reader turns the knobs (src/book/explorable.py, docs/_static/factory-*.js),
in Chromium, used as a reader uses them: typing into the fields, clicking, pressing keys.
Every number a panel shows (in the station's graph, its formulas, station 5's table, the
steps of the backward pass, the epilogue's replay) is torch's, for every case the build had
torch compute (_static/factory-cases.json), within 1e-9 and written as the book writes it."""

import functools
import json
from html import unescape
import math
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import torch
import torch_factory
from chromium import PHONE, besides_left_behind
from project import FOLDERS, truths

from burger_factory import explore
from burger_factory.graph import trace

PANELS = ("1-factory", "3-error-and-backprop", "4-pytorch-backward", "5-backward-by-hand")
WALKS = PANELS[1:]
CJK = re.compile(r"[\u4e00-\u9fff]")

# Every number in the article that a panel wrote, by what it is (data-quantity); and what a
# reader sees of the panel.
SHOWN = """() => {
  const shown = {};
  for (const e of document.querySelectorAll("article [data-quantity]")) {
    if (e.closest("[hidden]") || !e.getClientRects().length) continue;
    (shown[e.dataset.quantity] ||= []).push(e.textContent);
  }
  return shown;
}"""


@pytest.fixture
def open_page(open_page):
    """Pages opened as for a reader who asked for less motion (book.css then scrolls at once):
    Playwright waits for what it clicks to stop moving, and Furo's smooth scroll to each
    button the tests click took over a second."""
    return functools.partial(open_page, reduced_motion="reduce")


@pytest.fixture(scope="module")
def cases(site) -> dict:
    """What torch computed for each page's panel when the site was built."""
    return {folder: json.loads((site / folder / "_static" / "factory-cases.json").read_text(encoding="utf-8"))
            for folder in FOLDERS}


def torch_case(**knobs) -> dict:
    """A case torch computes now, for knobs no build computed."""
    return explore.factory_case(**knobs)


def wrong(shown: dict[str, list[str]], case: dict) -> list:
    """The numbers shown that are not torch's within 1e-9, or not written as the book writes
    them (Python's format(x, ".10g"))."""
    truth, bad = truths(case), []
    for key, texts in shown.items():
        if key.startswith("replay_"):
            continue
        if key not in truth:
            bad.append((key, texts, "no such quantity"))
            continue
        want = truth[key]
        for text in texts:
            value = float(text)
            if not (value == want or math.isclose(value, want, rel_tol=1e-9)) or text != format(want + 0.0, ".10g"):
                bad.append((key, text, want))
    return bad


def trouble(problems: list[str]) -> list[str]:
    """What went wrong on the page (console errors, failed requests...), less the request for
    the page's icon that Chromium drops when the panel changes the address: no fault of it."""
    return besides_left_behind(problems)


def field(page, knob: str):
    return page.locator(f'.bf-knob[data-knob="{knob}"] .bf-field')


def type_knobs(page, knobs: dict):
    """Each knob typed into its field, as a reader types a number (if the field does not
    hold that number already)."""
    for knob, value in knobs.items():
        if field(page, knob).input_value() != repr(value):
            field(page, knob).fill(repr(value))


# Many cases in one go: in the page, each knob's field gets the case's number and the events
# that typing it and leaving the field fire (input, change); then what the panel shows.
# (Typing into a field itself: the tests of bad input, of the address and of the keyboard.)
SWEEP = f"""(cases) => cases.map((knobs) => {{
  for (const [knob, text] of Object.entries(knobs)) {{
    const field = document.querySelector(`.bf-knob[data-knob="${{knob}}"] .bf-field`);
    if (field.value === text) continue;
    field.value = text;
    for (const type of ["input", "change"]) field.dispatchEvent(new Event(type, {{bubbles: true}}));
  }}
  return ({SHOWN})();
}})"""


def enter(page, cases: list[dict]) -> list[dict]:
    """What the panel shows for each case, its knobs entered in the page one case after another."""
    return page.evaluate(SWEEP, [{knob: repr(value) for knob, value in case["knobs"].items()} for case in cases])


def config(page) -> dict:
    return page.locator("section.bf-panel").evaluate("s => JSON.parse(s.dataset.config)")


def torch_order() -> list[str]:
    """The nodes of the factory's backward pass, in the order torch's engine runs them."""
    t = torch_factory.run(**explore.SEED, dtype=torch.float64)
    run = trace(t["Loss"], t)
    t["Loss"].backward()
    return [node for node, *_ in run.visits]


# -- Every case, every number ------------------------------------------------------------------

def test_every_case_entered_in_station_5_shows_torchs_numbers_everywhere(open_page, cases):
    """The 100+ cases, one after the other: the graph, the formulas and the table."""
    page, problems = open_page("en/5-backward-by-hand.html")
    every = cases["en"]["5-backward-by-hand"]["cases"]
    assert len(every) > 100
    places = {"figure": "#fig-walk-graph [data-quantity]", "formulas": ".bf-formulas [data-quantity]",
              "table": "#backward-table table [data-quantity]"}
    for case, shown in zip(every, enter(page, every), strict=True):
        assert wrong(shown, case) == [], case["knobs"]
    counts = {name: page.locator(selector).count() for name, selector in places.items()}
    assert counts == {"figure": 14, "formulas": 10, "table": 17}, counts
    assert trouble(problems) == []


@pytest.mark.parametrize("lang", FOLDERS)
@pytest.mark.parametrize("station", PANELS)
def test_the_named_cases_show_torchs_numbers_on_every_panel(open_page, cases, lang, station):
    """The seed, w = 4, zeros, negative, fractional and large knobs, an order already met."""
    page, problems = open_page(f"{lang}/{station}.html")
    named = [c for c in cases[lang][station]["cases"] if c["knobs"] in explore.NAMED]
    assert len(named) == len(explore.NAMED)
    graph = config(page)["graph"]
    for case, shown in zip(named, enter(page, named), strict=True):
        assert wrong(shown, case) == [], case["knobs"]
        for key in graph.get("values", {}):  # each box of the graph shows the value of its quantity
            assert key in shown, f"{station}: the graph's {key} is not rewritten"
    assert trouble(problems) == []


def test_with_the_books_knobs_the_graph_says_what_the_build_drew(open_page, site):
    for station, figure in (("1-factory", "fig-factory-graph"), ("5-backward-by-hand", "fig-walk-graph")):
        page, _ = open_page(f"en/{station}.html")
        live = page.locator(f"#{figure} svg").text_content()
        built = re.search(rf'id="{figure}">.*?(<svg.*?</svg>)', (site / "en" / f"{station}.html").read_text(encoding="utf-8"), re.S).group(1)
        assert live == unescape(re.sub(r"<[^>]+>", "", built)), station


# -- Stepping through the backward pass ----------------------------------------------------------

# What a step shows: the parts lit up (a graph's node, a row of station 5's table), and the
# numbers; WALK: each of so many more steps, taken with the Next button, and what it shows.
STEP = f"""() => ({{
  lit: [...document.querySelectorAll(".bf-now")].map(e => e.dataset.node || e.tagName),
  shown: ({SHOWN})(),
}})"""
WALK = f"""(steps) => Array.from({{length: steps}}, () => {{
  document.querySelector(".bf-walk .bf-next").click();
  return {{said: document.querySelector(".bf-walk .bf-walk-step").innerText, ...({STEP})()}};
}})"""


@pytest.mark.parametrize("lang", FOLDERS)
@pytest.mark.parametrize("station", WALKS)
def test_the_step_through_walks_torchs_order_and_says_each_step_in_the_pages_language(
        open_page, cases, lang, station):
    page, problems = open_page(f"{lang}/{station}.html")
    case = next(c for c in cases[lang][station]["cases"] if c["knobs"]["w"] == -1.5)
    type_knobs(page, case["knobs"])
    setting = config(page)
    walk = page.locator(".bf-walk")
    said = walk.locator(".bf-walk-step")
    assert said.get_attribute("aria-live") == "polite"
    before = said.inner_text()
    walk.locator(".bf-next").click()  # a reader's click; then the other steps in the page
    steps = [{"said": said.inner_text(), **page.evaluate(STEP)},
             *page.evaluate(WALK, len(setting["order"]) - 1)]
    order, texts, graph = torch_order(), [], setting["graph"]
    for visit, step in zip(setting["order"], steps, strict=True):
        text, lit = step["said"], step["lit"]
        assert text != before
        before = text
        texts.append(text)
        assert bool(CJK.search(text)) == (lang == "zh"), text
        if graph:
            kind = "values" if visit["node"] == "AccumulateGrad" else "machines"
            assert graph[kind][visit["at"]] in lit, (visit, lit)
        if station == "5-backward-by-hand":
            assert lit.count("TR") == max(1, len(visit["to"])), lit
        assert wrong(step["shown"], case) == []
    named = [re.search(r"PowBackward0|SubBackward0|MulBackward0|AccumulateGrad", t).group(0) for t in texts]
    assert named == order, "the steps are not in the order torch ran the nodes"
    # upstream × local = product, with the live numbers: machine B's step, to v
    assert re.search(r"-23 × \(?-3\)? = 69", texts[2].replace("\n", " ")), texts[2]
    walk.locator(".bf-previous").click()
    assert said.inner_text() == texts[-2]
    assert trouble(problems) == []


# -- The epilogue: gradient descent, replayed ------------------------------------------------------

@pytest.mark.parametrize("lang", FOLDERS)
def test_the_epilogue_replays_torchs_descent_for_every_learning_rate(open_page, cases, lang):
    page, problems = open_page(f"{lang}/6-the-factory-learns.html")
    descents = cases[lang]["6-the-factory-learns"]["descents"]
    assert {d["outcome"] for d in descents} == {"filled", "unfinished", "diverged"}
    outcome, chart = page.locator(".bf-outcome"), page.locator(".bf-chart")
    for run in descents:
        type_knobs(page, run["knobs"])
        shown = {k: [float(t) for t in v] for k, v in page.evaluate(SHOWN).items()}
        w, v, y, loss = run["history"][-1]
        truth = {"replay_steps": run["steps"], "replay_loss": loss}
        if run["outcome"] == "diverged":  # how far the loss grew
            truth["replay_loss0"] = run["history"][0][3]
        else:  # where the knobs ended
            truth.update(replay_w=w, replay_v=v, replay_y=y)
        assert set(shown) == set(truth), (run["knobs"], shown)
        for key, want in truth.items():
            assert key in shown and all(math.isclose(s, want, rel_tol=1e-9) for s in shown[key]), (run["knobs"], key, shown.get(key), want)
        assert outcome.is_visible() and bool(CJK.search(outcome.inner_text())) == (lang == "zh")
        curves = chart.locator("polyline")
        if run["outcome"] == "diverged":  # said so, and nothing drawn
            assert not chart.is_visible() and curves.count() == 0
        else:
            assert chart.is_visible() and curves.count() == 3
            for steps, points in curves.evaluate_all("ls => ls.map(l => [l.dataset.steps, l.getAttribute('points')])"):
                xy = [tuple(map(float, p.split(","))) for p in points.split()]
                assert int(steps) == len(run["history"]) and all(map(math.isfinite, sum(xy, ())))
                # every step drawn while there is room for it; a long run: of each few steps
                # the lowest and the highest (an oscillation stays one)
                assert len(xy) == len(run["history"]) if len(run["history"]) <= 160 else len(xy) <= 2 * 160 + 2
                assert [x for x, _ in xy] == sorted(x for x, _ in xy)
    assert trouble(problems) == []


# -- The state in the address ---------------------------------------------------------------------

def test_the_knobs_live_in_the_address_through_a_reload_and_the_language_switch(open_page, server, cases):
    page, problems = open_page("en/3-error-and-backprop.html?w=4&v=2&x=2&target=10")
    assert [field(page, k).input_value() for k in ("w", "v", "x", "target")] == ["4", "2", "2", "10"]
    w4 = next(c for c in cases["en"]["3-error-and-backprop"]["cases"] if c["knobs"] == {**explore.SEED, "w": 4.0})
    assert wrong(page.evaluate(SHOWN), w4) == []
    field(page, "v").fill("5")  # the address follows once the reader pauses
    page.wait_for_function("new URLSearchParams(location.search).get('v') === '5'")
    asked = {k: v[0] for k, v in parse_qs(urlsplit(page.evaluate("location.href")).query).items()}
    assert asked == {"w": "4", "v": "5", "x": "2", "target": "10"}
    page.reload()
    assert [field(page, k).input_value() for k in ("w", "v")] == ["4", "5"]
    truth = torch_case(w=4.0, v=5.0, x=2.0, target=10.0)
    assert wrong(page.evaluate(SHOWN), truth) == []
    switch = page.locator("p.book-lang-switch a")
    assert parse_qs(urlsplit(switch.get_attribute("href")).query) == parse_qs(urlsplit(page.evaluate("location.href")).query)
    switch.click()
    page.wait_for_url(re.compile(r"/zh/3-error-and-backprop\.html\?"))
    page.wait_for_selector("section.bf-panel:not([hidden])")
    assert [field(page, k).input_value() for k in ("w", "v")] == ["4", "5"]
    assert wrong(page.evaluate(SHOWN), truth) == []
    assert trouble(problems) == []


def test_reset_returns_to_the_books_factory_and_a_plain_address(open_page, cases):
    page, problems = open_page("zh/5-backward-by-hand.html?w=-1&target=3")
    seed = cases["zh"]["5-backward-by-hand"]["cases"][0]
    assert seed["knobs"] == explore.SEED
    assert wrong(page.evaluate(SHOWN), torch_case(w=-1.0, v=2.0, x=2.0, target=3.0)) == []
    page.locator(".bf-reset").click()
    assert [field(page, k).input_value() for k in ("w", "v", "x", "target")] == ["3", "2", "2", "10"]
    assert wrong(page.evaluate(SHOWN), seed) == []
    assert page.evaluate("location.search") == ""
    assert "?" not in page.locator("p.book-lang-switch a").get_attribute("href")
    assert trouble(problems) == []


# -- Bad input ------------------------------------------------------------------------------------

BAD = ["", "abc", "1e400", "NaN"]


@pytest.mark.parametrize("lang", FOLDERS)
def test_bad_input_in_a_field_is_said_on_the_field_and_the_numbers_stay(open_page, cases, lang):
    page, problems = open_page(f"{lang}/5-backward-by-hand.html")
    good = {**explore.SEED, "w": 4.0}
    type_knobs(page, good)
    before = page.evaluate(SHOWN)
    error = page.locator('.bf-knob[data-knob="w"] .bf-error')
    for text in [*BAD, "1e200"]:  # 1e200 is a number, but the loss overflows a double
        field(page, "w").fill(text)
        field(page, "w").press("Enter")
        assert error.is_visible(), text
        message = error.inner_text()
        assert message and bool(CJK.search(message)) == (lang == "zh"), (text, message)
        assert field(page, "w").get_attribute("aria-invalid") == "true"
        assert field(page, "w").get_attribute("aria-describedby") == error.get_attribute("id")
        assert page.evaluate(SHOWN) == before, f"{text!r} changed the numbers"
    field(page, "w").fill("4.5")
    assert not error.is_visible() and field(page, "w").get_attribute("aria-invalid") is None
    assert wrong(page.evaluate(SHOWN), torch_case(**{**good, "w": 4.5})) == []
    assert trouble(problems) == [], "a mistake of the reader's is no error of the page's"


@pytest.mark.parametrize("text", BAD)
def test_bad_input_in_the_address_is_said_on_the_field_and_the_books_numbers_stay(open_page, cases, text):
    page, problems = open_page(f"en/3-error-and-backprop.html?w={text}&v=5")
    error = page.locator('.bf-knob[data-knob="w"] .bf-error')
    assert error.is_visible() and field(page, "w").input_value() == text
    assert field(page, "v").input_value() == "5"
    assert wrong(page.evaluate(SHOWN), torch_case(**{**explore.SEED, "v": 5.0})) == []
    assert trouble(problems) == []


# -- Without JavaScript ---------------------------------------------------------------------------

@pytest.mark.parametrize("station", [*PANELS, "6-the-factory-learns"])
def test_without_javascript_the_page_is_the_static_page(open_page, site, station):
    page, problems = open_page(f"en/{station}.html", java_script_enabled=False)
    assert page.locator("section.bf-panel").count() == 1
    assert not page.locator("section.bf-panel").is_visible()
    assert page.locator("article [data-quantity]").evaluate_all("es => es.filter(e => e.getClientRects().length).length") == 0
    html = (site / "en" / f"{station}.html").read_text(encoding="utf-8")
    for svg in page.locator("article .bf-figure svg").all():  # the figures as the build drew them
        assert svg.evaluate("s => s.outerHTML.length") > 0
        assert svg.text_content() in unescape(re.sub(r"<[^>]+>", "", html))
    assert trouble(problems) == []


# -- Keyboard and phone -----------------------------------------------------------------------------

def test_the_keyboard_reaches_and_operates_every_control_of_the_panel(browser, server):
    from browser.test_accessible import tab_through

    context = browser.new_context(reduced_motion="reduce", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server}/en/5-backward-by-hand.html")
        stops = [s for s in tab_through(page) if "bf-" in s["what"]]
        seen = [s["what"].split(".")[-1] for s in stops]
        assert seen == ["bf-field", "bf-slider"] * 4 + ["bf-reset", "bf-previous", "bf-next"], seen
        assert all(s["shown"] and s["onScreen"] and s["cue"] for s in stops), stops
        slider = page.locator('.bf-knob[data-knob="w"] .bf-slider')
        slider.focus()
        page.keyboard.press("ArrowRight")
        assert field(page, "w").input_value() == "3.1"
        assert wrong(page.evaluate(SHOWN), torch_case(**{**explore.SEED, "w": 3.1})) == []
        page.locator(".bf-next").focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Space")
        assert page.locator(".bf-walk-step").inner_text().startswith("Step 2 of 6")
        page.locator(".bf-reset").focus()
        page.keyboard.press("Enter")
        assert field(page, "w").input_value() == "3"
    finally:
        context.close()


@pytest.mark.parametrize("lang", FOLDERS)
@pytest.mark.parametrize("station", ["5-backward-by-hand", "6-the-factory-learns"])
def test_on_a_phone_the_panel_fits_the_screen_even_with_long_numbers(open_page, lang, station):
    page, problems = open_page(f"{lang}/{station}.html", **PHONE)
    type_knobs(page, {"w": 123456.789, "v": -0.000123456, "x": 7.25, "target": 1e12})
    if station == "5-backward-by-hand":
        for _ in range(3):
            page.locator(".bf-next").click()
    width = PHONE["viewport"]["width"]
    outside = page.locator("section.bf-panel").evaluate(
        "(s, width) => [s, ...s.querySelectorAll('*')].filter(e => { const r = e.getBoundingClientRect();"
        " return r.width && (r.left < -0.5 || r.right > width + 0.5); }).map(e => e.className.baseVal ?? e.className)",
        width)
    assert outside == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert trouble(problems) == []
