"""A station's panel: the reader turns the knobs, and the station's numbers follow.

A page glues what its panel needs (``burger_factory.explore.panel``, computed by torch in a
hidden cell) and places the panel where it belongs::

    ```{factory-panel} factory_panel
    :figure: fig-blame-graph
    :formulas: loss dloss_dy dloss_dv dloss_dw
    :walk:
    ```

The panel's words are the page's language (``sphinx.locale._``: docs/locale/).  Its markup
is hidden until its script runs (docs/_static/factory-panel.js, with the engine,
factory-engine.js, and factory-panel.css, on the pages that have a panel only), so that
without JavaScript the page is the book's static page.  The script recomputes the factory
for the reader's knobs and rewrites the numbers of the ``figure`` (drawn by
``burger_factory.pictures``: its boxes keep their Graphviz names), of the ``formulas`` (in
the panel) and of the ``table`` of the backward pass (an element holding station 5's);
with ``walk`` it steps through the backward pass in the order torch ran it, with ``replay``
it replays the epilogue's gradient descent.  The cases torch computed for the page go to
``_static/factory-cases.json``, for the tests: the page does not grow by them.
"""

import html
import json
import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from myst_nb.core.variables import RetrievalError
from myst_nb.ext.glue.utils import retrieve_glue_data
from sphinx.locale import _
from sphinx.util.docutils import SphinxDirective

CASES = "factory-cases.json"
PANEL = "application/vnd.burger-factory.panel+json"  # what explore.panel(...) glues

# Each formula a panel may show, as HTML: {key} is a number the script writes, {(key)} one
# it puts in parentheses when negative.
D = "∂Loss/∂"
FORMULAS = {
    "u": "<i>u</i> = <i>w</i> · <i>x</i> = {w} × {(x)} = {u}",
    "y": "<i>y</i> = <i>v</i> · <i>u</i> = {v} × {(u)} = {y}",
    "loss": "Loss = (<i>y</i> − <i>y</i><sub>target</sub>)² = ({y} − {(target)})² = {loss}",
    "dloss_dy": f"{D}<i>y</i> = 2(<i>y</i> − <i>y</i><sub>target</sub>) = 2 · ({{y}} − {{(target)}}) = {{dloss_dy}}",
    "dloss_dv": f"{D}<i>v</i> = {D}<i>y</i> · ∂<i>y</i>/∂<i>v</i> = {{dloss_dy}} · {{(u)}} = {{dloss_dv}}",
    "dloss_du": f"{D}<i>u</i> = {D}<i>y</i> · ∂<i>y</i>/∂<i>u</i> = {{dloss_dy}} · {{(v)}} = {{dloss_du}}",
    "dloss_dw": f"{D}<i>w</i> = {D}<i>y</i> · ∂<i>y</i>/∂<i>u</i> · ∂<i>u</i>/∂<i>w</i> = {{dloss_dy}} · {{(v)}} · {{(x)}} = {{dloss_dw}}",
}
# The knobs: the key the URL and the engine use, and each slider's range (a typed number
# may lie outside it).
KNOBS = {"w": (-5, 10, 0.1), "v": (-5, 10, 0.1), "x": (0, 10, 0.1), "target": (-20, 100, 0.5),
         "lr": (0.0005, 0.05, 0.0005)}


def words() -> dict[str, str]:
    """The panel's words, in the page's language ({name}: what the script puts in)."""
    return {
        "title": _("Turn the knobs yourself"),
        "intro": _("Change a knob or the order: this panel, and the graph drawn on this page, "
                   "follow at once, computed in your browser as PyTorch computes them. "
                   "The text around keeps the book's factory."),
        "intro_no_graph": _("Change a knob or the order: this panel follows at once, computed "
                            "in your browser as PyTorch computes it. The text around keeps the "
                            "book's factory."),
        "intro_replay": _("Change the starting knobs, the order or the learning rate: gradient "
                          "descent runs again in your browser, as the loop above runs it in "
                          "PyTorch, and the curves are drawn again."),
        "w": _("w, machine A's knob"),
        "v": _("v, machine B's knob"),
        "x": _("x, beef (kg)"),
        "target": _("order, y_target"),
        "lr": _("learning rate"),
        "slider": _("{knob}: slider"),
        "reset": _("Back to the book's factory"),
        "empty": _("Enter a number."),
        "nan": _("“{text}” is not a number: write digits, such as 2.5, -3 or 1e6."),
        "large": _("{text} is too large: the page computes with numbers up to about 1.8e308."),
        "overflow": _("With this value the factory's numbers grow past what the page can "
                      "compute with (about 1.8e308): the figures keep the last good knobs."),
        "walk": _("Step through the backward pass"),
        "previous": _("Previous step"),
        "next": _("Next step"),
        "walk_intro": _("Press “Next step” to follow the gradients from the loss back to "
                        "the knobs, node by node, in the order PyTorch ran them."),
        "step": _("Step {i} of {n}:"),
        "machine": _("{node}, which made {at}, receives {grad}."),
        "pass": _("To {to}: {upstream} × {local} = {product}."),
        "store": _("{node} stores {grad} in {knob}.grad."),
        "filled": _("The order is filled after {steps} steps: w = {w}, v = {v}, and the "
                    "factory makes {y} burgers (loss {loss})."),
        "unfinished": _("After {steps} steps the order is still not filled: the factory makes "
                        "{y} burgers (loss {loss}), with w = {w} and v = {v}."),
        "diverged": _("This learning rate is too large: each step overshoots, and by step "
                      "{steps} the loss has grown from {loss0} to {loss}, more than a million "
                      "times over. Gradient descent diverges: no curve to draw. Try a smaller "
                      "learning rate."),
        "chart": _("The replay, step by step: the loss goes from {loss0} to {loss} in {steps} "
                   "steps; below it, knobs w and v."),
        "step_axis": _("step"),
    }


def formula_html(template: str) -> str:
    """A formula whose numbers are spans the script fills: {key}, {(key)}; the part with the
    numbers in one piece, for a narrow screen to put under the rest."""
    def span(match: re.Match) -> str:
        operand = match.group(1).startswith("(")
        return f'<span class="bf-n{" bf-op" if operand else ""}" data-quantity="{match.group(1).strip("()")}"></span>'
    cut = template.rindex(" = ", 0, template.index("{"))
    return re.sub(r"\{(\(?\w+\)?)\}", span, f'{template[:cut]} <span class="bf-numbers">{template[cut + 1:]}</span>')


class FactoryPanel(SphinxDirective):
    required_arguments = 1  # the glue key of the page's explore.panel(...)
    option_spec = {"figure": directives.unchanged, "formulas": directives.unchanged,
                   "table": directives.unchanged, "walk": directives.flag,
                   "replay": directives.flag}

    def run(self):
        key = self.arguments[0]
        try:
            glued = retrieve_glue_data(self.state.document, key).data
        except RetrievalError:
            raise self.error(f"factory-panel: glue key {key!r} is not glued by any cell of this page")
        data = json.loads(glued.get(PANEL, "null"))
        if not isinstance(data, dict) or "seed" not in data:
            raise self.error(f"factory-panel: {key!r} is not an explore.panel(...) (no JSON with a seed)")
        formulas = self.options.get("formulas", "").split()
        unknown = [f for f in formulas if f not in FORMULAS]
        if unknown:
            raise self.error(f"factory-panel: no formula {', '.join(unknown)}; "
                             f"known: {', '.join(FORMULAS)}")
        replay = "replay" in self.options
        if replay and "lr" not in data["seed"]:
            raise self.error("factory-panel: a replay needs the page's learning rate: "
                             "explore.panel(..., lr=lr, tolerance=tolerance)")
        page = self.env.factory_cases.setdefault(self.env.docname, {"cases": [], "descents": []})
        page["cases"] += data["cases"]
        page["descents"] += data["descents"]

        ident = f"bf{self.env.new_serialno('factory-panel')}"
        said = words()
        knobs = [k for k in KNOBS if k in data["seed"] and (k != "lr" or replay)]
        walk = "walk" in self.options
        config = {key: data[key] for key in ("seed", "graph", "order", "most", "limit", "tolerance") if key in data}
        config.update(figure=self.options.get("figure"), table=self.options.get("table"), knobs=knobs,
                      words={k: said[k] for k in ["empty", "nan", "large", "overflow"]
                             + (["walk_intro", "step", "machine", "pass", "store"] if walk else [])
                             + (["filled", "unfinished", "diverged", "chart", "step_axis"] if replay else [])})
        text = {k: html.escape(v) for k, v in said.items()}
        intro = text["intro_replay"] if replay else text["intro"] if config["figure"] else text["intro_no_graph"]
        out = [f'<section class="bf-panel" id="{ident}" hidden aria-labelledby="{ident}-title" data-config=\''
               + html.escape(json.dumps(config, ensure_ascii=False, separators=(",", ":")), quote=False).replace("'", "&#x27;")
               + "'>", f'<p class="bf-panel-title" id="{ident}-title">{text["title"]}</p>',
               f'<p class="bf-panel-intro">{intro}</p><div class="bf-knobs">']
        for knob in knobs:
            low, high, step = KNOBS[knob]
            field = f"{ident}-{knob}"
            out.append(f'<div class="bf-knob" data-knob="{knob}"><label for="{field}">{text[knob]}</label>'
                       f'<input type="text" id="{field}" class="bf-field" autocomplete="off" '
                       f'aria-describedby="{field}-error"><input type="range" class="bf-slider" min="{low}" '
                       f'max="{high}" step="{step}" aria-label="{html.escape(said["slider"].format(knob=said[knob]))}">'
                       f'<p class="bf-error" id="{field}-error" hidden></p></div>')
        out.append(f'</div><div class="bf-buttons"><button type="button" class="bf-reset">{text["reset"]}</button></div>')
        if formulas:
            out += ['<div class="bf-formulas">', *(f'<p class="bf-formula">{formula_html(FORMULAS[f])}</p>' for f in formulas), "</div>"]
        if walk:
            out += [f'<div class="bf-walk" role="group" aria-labelledby="{ident}-walk">',
                    f'<p class="bf-walk-title" id="{ident}-walk">{text["walk"]}</p><div class="bf-buttons">'
                    f'<button type="button" class="bf-previous">{text["previous"]}</button>'
                    f'<button type="button" class="bf-next">{text["next"]}</button></div>',
                    '<p class="bf-walk-step" aria-live="polite"></p></div>']
        if replay:
            out += ['<p class="bf-outcome" aria-live="polite"></p>',
                    '<svg class="bf-chart" role="img" viewBox="0 0 640 330"></svg>']
        return [nodes.raw("", "\n".join([*out, "</section>"]) + "\n", format="html")]


def init_cases(app, env, docnames):
    if not hasattr(env, "factory_cases"):
        env.factory_cases = {}


def purge_cases(app, env, docname):
    getattr(env, "factory_cases", {}).pop(docname, None)


def merge_cases(app, env, docnames, other):
    env.factory_cases.update({d: c for d, c in getattr(other, "factory_cases", {}).items() if d in docnames})


def add_scripts(app, pagename, templatename, context, doctree):
    """The panel's script, engine and style: on the pages that have a panel only (and the
    replay's on the page that has a replay)."""
    page = getattr(app.env, "factory_cases", {}).get(pagename)
    if page is not None:
        for script in ("factory-engine.js", *(["factory-replay.js"] if page["descents"] else []), "factory-panel.js"):
            app.add_js_file(script, defer="defer")
        app.add_css_file("factory-panel.css")


def write_cases(app, exception):
    """The cases each page's panel is checked against, as torch computed them, by page."""
    if exception is None and app.builder.format == "html":
        cases = dict(sorted(getattr(app.env, "factory_cases", {}).items()))
        path = Path(app.outdir) / "_static" / CASES
        text = json.dumps(cases, separators=(",", ":"))
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


def setup(app):
    app.add_directive("factory-panel", FactoryPanel)
    app.connect("env-before-read-docs", init_cases)
    app.connect("env-purge-doc", purge_cases)
    app.connect("env-merge-info", merge_cases)
    app.connect("html-page-context", add_scripts)
    app.connect("build-finished", write_cases)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
