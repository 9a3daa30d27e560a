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
            for tag, config in re.findall(r'(<section class="bf-panel"[^>]*data-config="([^"]*)")', html)]


@pytest.mark.sphinx("html", testroot="explorable")
def test_the_panel_is_hidden_until_its_script_runs_and_carries_its_config(app):
    app.build()
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    (tag, station), (_, replay) = panels(html)
    assert " hidden " in tag
    assert station["seed"] == explore.SEED and station["order"] == explore.order()
    assert station["knobs"] == ["w", "v", "x", "target"] and station["walk"] and not station["replay"]
    assert replay["knobs"] == ["w", "v", "x", "target", "lr"] and replay["replay"]
    assert (replay["seed"]["lr"], replay["tolerance"], replay["most"]) == (0.002, 0.01, explore.MOST)
    assert station["words"]["title"] == "Turn the knobs yourself"
    for knob in station["knobs"]:  # each knob: a labelled field and a named slider
        assert re.search(rf'<label for="bf-panel-0-{knob}">[^<]+</label><input type="text" id="bf-panel-0-{knob}"', html)
    assert html.count('class="bf-slider"') == 4 + 5


@pytest.mark.sphinx("html", testroot="explorable")
def test_the_formulas_are_math_with_the_numbers_marked_for_the_script(app):
    app.build()
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    formulas = re.findall(r'<p class="bf-formula">(.*?)</p>', html, flags=re.S)
    assert len(formulas) == 2
    assert "Loss" in formulas[0] and 'class="math' in formulas[0]
    marked = re.findall(r'data-quantity="(\w+)"', formulas[1])
    assert marked == ["dloss_dy", "v", "x", "dloss_dw"]
    assert 'class="bf-n bf-operand" data-quantity="v"' in formulas[1]  # in parentheses if negative


@pytest.mark.sphinx("html", testroot="explorable")
def test_only_a_page_with_a_panel_loads_its_script_and_the_cases_go_to_the_site(app):
    app.build()
    index = (app.outdir / "index.html").read_text(encoding="utf-8")
    plain = (app.outdir / "plain.html").read_text(encoding="utf-8")
    for name in ("factory-engine.js", "factory-panel.js", "factory-panel.css"):
        assert name in index and name not in plain, name
    assert re.search(r'<script defer="defer" src="_static/factory-engine\.js[^"]*"></script>\s*'
                     r'<script defer="defer" src="_static/factory-panel\.js', index)
    cases = json.loads((app.outdir / "_static" / "factory-cases.json").read_text(encoding="utf-8"))
    assert cases["index"]["cases"][0]["dloss_dw"] == 16.0
    assert [d["outcome"] for d in cases["index"]["descents"]] == ["filled"]
    assert "dloss_ddiff" not in index  # the page does not carry them


# The book's words (docs/locale/): the root is copied elsewhere to be built.
@pytest.mark.sphinx("html", testroot="explorable",
                    confoverrides={"language": "zh_CN", "locale_dirs": [str(ROOT / "docs" / "locale")]})
def test_the_panels_words_are_the_pages_language(app):
    app.build()
    (_, station), _ = panels((app.outdir / "index.html").read_text(encoding="utf-8"))
    assert station["words"]["title"] == "自己动手拧旋钮"
    untranslated = [key for key, text in station["words"].items()
                    if not re.search(r"[\u4e00-\u9fff]", text) and key != "step_axis"]
    assert untranslated == [], untranslated


@pytest.mark.sphinx("html", testroot="explorable", freshenv=True)
def test_a_mistake_in_the_directive_is_an_error_that_says_what_is_wrong(app, warning):
    app.build()
    errors = [line for line in warning.getvalue().splitlines() if "errors.ipynb" in line and "ERROR" in line]
    said = "\n".join(errors)
    assert "glue key 'nowhere' is not glued" in said
    assert "no formula dloss_dq" in said
    assert "a replay needs the page's learning rate" in said
    assert len(errors) == 3, said
