"""book.explorable: the factory-panel directive writes a panel, hidden until its script runs,
from what the page glued (burger_factory.explore.panel): its config, its words in the page's
language, its formulas with their numbers marked; only a page with a panel loads its script;
the cases go into the site, not the page; a mistake in the directive is an error that says
what is wrong.

The root's notebooks are already executed: their code cell glued explore.panel(...) as the
book's pages do (display=False)."""

import json
import re

import pytest
from project import ROOT

from burger_factory import explore


def panels(html: str) -> list[tuple[str, dict]]:
    """(opening tag, config) of each panel of a built page."""
    import html as markup

    return [(tag, json.loads(markup.unescape(config)))
            for tag, config in re.findall(r"(<section class=\"bf-panel\"[^>]*data-config='([^']*)')", html)]


@pytest.mark.sphinx("html", testroot="explorable")
def test_the_panel_is_hidden_until_its_script_runs_and_carries_its_config(app):
    app.build()
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    (tag, station), (_, replay) = panels(html)
    assert " hidden " in tag
    assert station["seed"] == explore.SEED and station["order"] == explore.order()
    assert station["knobs"] == ["w", "v", "x", "target"] and replay["knobs"] == ["w", "v", "x", "target", "lr"]
    assert (replay["seed"]["lr"], replay["tolerance"], replay["most"]) == (0.002, 0.01, explore.MOST)
    assert '<p class="bf-panel-title" id="bf0-title">Turn the knobs yourself</p>' in html
    assert set(station["words"]) == {"empty", "nan", "large", "overflow",  # what the script says
                                     "walk_intro", "step", "machine", "pass", "store"}
    assert {"filled", "unfinished", "diverged", "chart"} <= set(replay["words"])
    for knob in station["knobs"]:  # each knob: a labelled field and a named slider
        assert re.search(rf'<label for="bf0-{knob}">[^<]+</label><input type="text" id="bf0-{knob}"', html)
    assert html.count('class="bf-slider"') == 4 + 5
    assert html.count('class="bf-walk-step" aria-live="polite"') == 1 and html.count('class="bf-chart"') == 1


@pytest.mark.sphinx("html", testroot="explorable")
def test_the_formulas_have_their_numbers_marked_for_the_script(app):
    app.build()
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    formulas = re.findall(r'<p class="bf-formula">(.*?)</p>', html, flags=re.S)
    assert len(formulas) == 2
    assert formulas[0].startswith("Loss = (<i>y</i> − <i>y</i><sub>target</sub>)² <span class=\"bf-numbers\">= (")
    marked = re.findall(r'data-quantity="(\w+)"', formulas[1])
    assert marked == ["dloss_dy", "v", "x", "dloss_dw"]
    assert 'class="bf-n bf-op" data-quantity="v"' in formulas[1]  # in parentheses if negative


@pytest.mark.sphinx("html", testroot="explorable")
def test_only_a_page_with_a_panel_loads_its_script_and_the_cases_go_to_the_site(app):
    app.build()
    index = (app.outdir / "index.html").read_text(encoding="utf-8")
    plain = (app.outdir / "plain.html").read_text(encoding="utf-8")
    for name in ("factory-engine.js", "factory-replay.js", "factory-panel.js", "factory-panel.css"):
        assert name in index and name not in plain, name
    scripts = re.findall(r'<script defer="defer" src="_static/(factory-[\w-]+\.js)', index)
    assert scripts == ["factory-engine.js", "factory-replay.js", "factory-panel.js"]  # in this order
    cases = json.loads((app.outdir / "_static" / "factory-cases.json").read_text(encoding="utf-8"))
    assert cases["index"]["cases"][0]["dloss_dw"] == 16.0
    assert [d["outcome"] for d in cases["index"]["descents"]] == ["filled"]
    assert "dloss_ddiff" not in index  # the page does not carry them


# The book's words (docs/locale/): the root is copied elsewhere to be built.
@pytest.mark.sphinx("html", testroot="explorable",
                    confoverrides={"language": "zh_CN", "locale_dirs": [str(ROOT / "docs" / "locale")]})
def test_the_panels_words_are_the_pages_language(app):
    app.build()
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    (_, station), (_, replay) = panels(html)
    assert '<p class="bf-panel-title" id="bf0-title">自己动手拧旋钮</p>' in html
    said = {**station["words"], **replay["words"]}
    untranslated = [key for key, text in said.items() if not re.search(r"[\u4e00-\u9fff]", text)]
    assert untranslated == [], untranslated
    markup = re.sub(r"data-config='[^']*'|<[^>]+>", " ", re.search(r'<section class="bf-panel".*?</section>', html, re.S).group(0))
    english = [w for w in re.findall(r"[A-Za-z]{3,}", markup) if w not in ("Loss", "target", "PyTorch")]
    assert english == [], english


@pytest.mark.sphinx("html", testroot="explorable", freshenv=True)
def test_a_mistake_in_the_directive_is_an_error_that_says_what_is_wrong(app, warning):
    app.build()
    errors = [line for line in warning.getvalue().splitlines() if "errors.ipynb" in line and "ERROR" in line]
    said = "\n".join(errors)
    assert "glue key 'nowhere' is not glued" in said
    assert "no formula dloss_dq" in said
    assert "a replay needs the page's learning rate" in said
    assert len(errors) == 3, said
