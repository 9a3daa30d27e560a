"""The pictures: drawn from torch's own graph and its own backward pass, so they follow the
knobs; present in both languages with alt text; and the epilogue's learning run meets the
order with the numbers its page shows."""

import json
import math
import re
from pathlib import Path

import pytest
import torch
import torch_factory
from project import FOLDERS, ROOT, SEED

from burger_factory import gradients, produce
from burger_factory.graph import trace
from burger_factory.pictures import draw, plot

KNOBS = [SEED, {**SEED, "w": 4.0}, {**SEED, "x": 3.0, "v": 5.0}, {**SEED, "w": -1.5, "v": 0.5},
         {**SEED, "w": 2.5}]  # the last fills the order: every gradient is 0
CJK = re.compile(r"[\u4e00-\u9fff]")


def factory(x, w, v, target):
    """The pages' factory, its named tensors, and a trace of the loss."""
    t = torch_factory.run(x, w, v, target)
    return t, trace(t["Loss"], t)


def plain(svg: str) -> str:
    """The text of an SVG as a reader sees it."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", svg).replace("\xa0", " "))


# -- The graph, from torch's autograd graph (no build needed) ---------------------------------

def test_the_seed_graph_has_the_factory_nodes_edges_values_and_gradients():
    t, run = factory(**SEED)
    assert [m.op for m in run.machines] == ["PowBackward0", "SubBackward0", "MulBackward0",
                                            "MulBackward0"]
    assert run.edges() == [("y − y_target", "PowBackward0", "Loss"),
                           ("y", "SubBackward0", "y − y_target"),
                           ("y_target", "SubBackward0", "y − y_target"),
                           ("v", "MulBackward0", "y"), ("u", "MulBackward0", "y"),
                           ("w", "MulBackward0", "u"), ("x", "MulBackward0", "u")]
    assert {q.name: (q.kind, q.value) for q in run.quantities} == {
        "Loss": ("made", 4.0), "y − y_target": ("made", 2.0), "y": ("made", 12.0),
        "v": ("knob", 2.0), "u": ("made", 6.0), "w": ("knob", 3.0),
        "y_target": ("constant", 10.0), "x": ("constant", 2.0)}
    assert run.gradients() == {}  # nothing until backward() runs
    t["Loss"].backward()
    assert run.gradients() == {"Loss": 1.0, "y − y_target": 4.0, "y": 4.0, "v": 24.0, "u": 8.0,
                               "w": 16.0}  # x needs no gradient and gets none
    svg = plain(str(draw(run, "graph")))
    for label in ("∂Loss/∂y = 4", "∂Loss/∂u = 8", "∂Loss/∂v = 24", "∂Loss/∂w = 16",
                  "u = 6", "y = 12", "Loss = 4", "x = 2", "MulBackward0", "PowBackward0"):
        assert label in svg, label


@pytest.mark.parametrize("knobs", KNOBS, ids=lambda k: ",".join(f"{n}={k[n]:g}" for n in k))
def test_the_captured_gradients_are_the_chain_rules_for_any_knobs(knobs):
    t, run = factory(**knobs)
    t["Loss"].backward()
    made, chain = produce(knobs["x"], knobs["w"], knobs["v"]), gradients(**knobs)
    got = run.gradients()
    assert math.isclose(got["y"], chain.dloss_dy, abs_tol=1e-4)
    for name, want in {"u": chain.dloss_du, "v": chain.dloss_dv, "w": chain.dloss_dw}.items():
        assert math.isclose(got[name], want, rel_tol=1e-5, abs_tol=1e-4), (name, got, chain)
    for knob in ("v", "w"):  # what the recorder saw arrive is what backward() stored
        assert got[knob] == t[knob].grad.item()
    values = {q.name: q.value for q in run.quantities}
    assert math.isclose(values["u"], made.u, rel_tol=1e-6)
    assert math.isclose(values["y"], made.y, rel_tol=1e-6)
    # Every step multiplies what arrived by the node's local derivative.
    for step in run.steps():
        if step.local is not None:
            assert math.isclose(step.product, step.local * step.upstream, rel_tol=1e-6,
                                abs_tol=1e-6), step


def test_backward_is_recorded_in_the_order_torch_runs_the_nodes():
    t, run = factory(**SEED)
    t["Loss"].backward()
    assert [(s.node, s.to, s.local, s.upstream, s.product) for s in run.steps()] == [
        ("PowBackward0", "y − y_target", 4.0, 1.0, 4.0),
        ("SubBackward0", "y", 1.0, 4.0, 4.0),
        ("MulBackward0", "v", 6.0, 4.0, 24.0),
        ("MulBackward0", "u", 2.0, 4.0, 8.0),
        ("AccumulateGrad", "v.grad", None, 24.0, None),
        ("MulBackward0", "w", 2.0, 8.0, 16.0),
        ("AccumulateGrad", "w.grad", None, 16.0, None)]
    table = run.table(["node", "to", "local", "upstream", "product"])
    rows = table.splitlines()
    assert rows[0] == "| node | to | local | upstream | product |" and len(rows) == 2 + 7
    assert rows[2] == "| ① `PowBackward0` | $y - y_{\\text{target}}$ | 4 | 1 | 4 |"
    assert rows[5] == "|  | $u$ | 2 | 4 | 8 |"  # the same node, its second input
    assert rows[8] == "| ⑥ `AccumulateGrad` | `w.grad` | — | 16 | — |"


def test_only_the_first_backward_is_recorded():
    t, run = factory(**SEED)
    t["Loss"].backward(retain_graph=True)
    first = (run.gradients(), run.steps())
    t["Loss"].backward()  # accumulates into .grad, but the picture is of one pass
    assert (run.gradients(), run.steps()) == first


def at(svg: str, text: str) -> tuple[float, float]:
    """Where a figure draws a piece of text: its x and y (SVG's y grows downwards)."""
    tag = re.search(rf'<text\b[^>]*\sx="(-?[\d.]+)"[^>]*\sy="(-?[\d.]+)"[^>]*>{re.escape(text)}<', svg)
    assert tag, f"{text!r} is not drawn"
    return float(tag.group(1)), float(tag.group(2))


def test_the_factory_without_a_loss_is_the_graph_of_station_1_drawn_left_to_right():
    t, _ = factory(**SEED)
    run = trace(t["y"], {k: t[k] for k in ("x", "w", "v", "u", "y")})
    assert run.edges() == [("v", "MulBackward0", "y"), ("u", "MulBackward0", "y"),
                           ("w", "MulBackward0", "u"), ("x", "MulBackward0", "u")]
    svg = str(draw(run, "factory", words={"x": "beef"}, machines={"u": "machine A", "y": "machine B"}))
    assert "beef" in svg
    assert re.search(r'<svg role="img" aria-label="factory"[^>]*><title>factory</title>', svg)
    # The production line, as a reader follows it: beef, machine A, patties, machine B, burgers.
    xs = [at(svg, text)[0] for text in ("beef", "machine A", "machine B")]
    assert xs == sorted(xs) and xs[0] < xs[1] - 20 < xs[2] - 40, xs


def test_the_factory_with_its_loss_is_drawn_top_to_bottom():
    t, run = factory(**SEED)
    t["Loss"].backward()
    svg = str(draw(run, "graph", machines={"u": "machine A", "y": "machine B", "Loss": "meter"}))
    ys = [at(svg, text)[1] for text in ("machine A", "machine B", "meter")]
    assert ys == sorted(ys) and ys[0] < ys[1] - 20 < ys[2] - 40, ys


def test_turning_a_knob_changes_the_picture():
    pictures = []
    for w in (3.0, 4.0):
        t, run = factory(**{**SEED, "w": w})
        t["Loss"].backward()
        pictures.append(plain(str(draw(run, "graph"))))
    assert "w = 3" in pictures[0] and "∂Loss/∂w = 16" in pictures[0]
    assert "w = 4" in pictures[1] and "∂Loss/∂w = 48" in pictures[1] and "y = 16" in pictures[1]


def test_pictures_are_reproducible_and_fit_any_page():
    svgs = []
    for _ in range(2):
        t, run = factory(**SEED)
        t["Loss"].backward()
        svgs.append(str(draw(run, "graph", words={"x": "牛肉"})))
    assert svgs[0] == svgs[1]
    svg = svgs[0]
    assert svg.startswith("<svg") and "<!--" not in svg and "<?xml" not in svg
    assert '"black"' not in svg and "#000000" not in svg  # black is the page's text colour
    ids = re.findall(r'\sid="([^"]+)"', svg)
    assert all(i.startswith("bf") for i in ids)  # no clash with another figure's ids
    assert "&#" not in svg  # characters, not numeric references read as numbers


def test_a_tensor_without_a_graph_is_refused():
    with pytest.raises(ValueError, match="no graph to walk"):
        trace(torch.tensor(2.0), {})
    t, run = factory(**SEED)
    with pytest.raises(RuntimeError, match="backward"):
        run.table(["a", "b", "c", "d", "e"])


def test_matplotlib_figures_are_reproducible_svg():
    from matplotlib.figure import Figure

    def draw():
        fig = Figure(figsize=(3, 2))
        fig.subplots().plot([0, 1, 2], [4, 1, 0], label="Loss")
        return str(plot(fig, "a curve"))

    first = draw()
    assert first == draw()
    assert "#000000" not in first and "<metadata>" not in first and "Date" not in first
    assert first.startswith('<svg role="img" aria-label="a curve"')


# -- The built site ----------------------------------------------------------------------------

FIGURES = {"1-factory": ["fig-factory-graph"], "3-error-and-backprop": ["fig-blame-graph"],
           "5-backward-by-hand": ["fig-walk-graph"], "5b-when-paths-fork": ["fig-fork-graph"],
           "6-the-factory-learns": ["fig-learning-curve", "fig-knob-path"]}


def figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'<figure[^>]* id="([^"]+)">(.*?)</figure>', html, flags=re.S))


@pytest.mark.parametrize("lang", FOLDERS)
@pytest.mark.parametrize("page", FIGURES)
def test_every_figure_is_on_its_page_with_alt_text_in_the_page_language(site, lang, page):
    html = (site / lang / f"{page}.html").read_text(encoding="utf-8")
    found = figures(html)
    for name in FIGURES[page]:
        assert name in found, f"{lang}/{page} has no figure {name}"
        figure = found[name]
        svg = re.search(r'<svg role="img" aria-label="([^"]+)"[^>]*><title>([^<]+)</title>', figure)
        assert svg and svg.group(1) == svg.group(2), f"{lang}/{page}#{name} has no alt text"
        caption = re.search(r"<figcaption>(.*?)</figcaption>", figure, flags=re.S)
        assert caption, f"{lang}/{page}#{name} has no caption"
        for text in (svg.group(1), caption.group(1)):
            assert bool(CJK.search(text)) == (lang == "zh"), f"{lang}/{page}#{name}: {text[:80]}"
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), f"{lang}/{page} repeats an id"


@pytest.mark.parametrize("lang", FOLDERS)
def test_the_backward_figures_show_the_seeds_gradients(site, lang):
    def svg(page, name):
        return plain(figures((site / lang / f"{page}.html").read_text(encoding="utf-8"))[name])

    walked = svg("5-backward-by-hand", "fig-walk-graph")
    for label in ("∂Loss/∂y = 4", "∂Loss/∂u = 8", "∂Loss/∂v = 24", "∂Loss/∂w = 16"):
        assert label in walked, (lang, label)
    # Station 3 draws the record before anything has gone backwards: the gradients are
    # stations 4 and 5's to find.
    trail = svg("3-error-and-backprop", "fig-blame-graph")
    assert "Loss = 4" in trail and "∂" not in trail, (lang, trail)
    # The extra stop: knob w is reached along two paths, 40 and 10, and shows their sum.
    forked = svg("5b-when-paths-fork", "fig-fork-graph")
    for label in ("y = 15", "Loss = 25", "∂Loss/∂y = 10", "∂Loss/∂u = 20", "∂Loss/∂v = 60",
                  "∂Loss/∂w = 50", "MulBackward0", "AddBackward0"):
        assert label in forked, (lang, label)


@pytest.mark.parametrize("lang, header", [("zh", "局部导数"), ("en", "local derivative")])
def test_station_5_tables_the_recorded_backward_pass(site, lang, header):
    html = (site / lang / "5-backward-by-hand.html").read_text(encoding="utf-8")
    table = next(t for t in re.findall(r"<table.*?</table>", html, flags=re.S) if header in t)
    rows = [plain(r).strip() for r in re.findall(r"<tr.*?</tr>", table, flags=re.S)][1:]
    nodes = re.findall(r"(PowBackward0|SubBackward0|MulBackward0|AccumulateGrad)", " ".join(rows))
    assert nodes == ["PowBackward0", "SubBackward0", "MulBackward0", "AccumulateGrad",
                     "MulBackward0", "AccumulateGrad"]
    assert [r.split()[-3:] for r in rows] == [["4", "1", "4"], ["1", "4", "4"], ["6", "4", "24"],
                                              ["2", "4", "8"], ["—", "24", "—"], ["2", "8", "16"],
                                              ["—", "16", "—"]]


def learn(source: Path) -> dict:
    """The epilogue's gradient descent, run here from the settings in its code."""
    code = source.read_text(encoding="utf-8")
    patterns = {"w": r"w = torch\.tensor\(([\d.]+), requires_grad=True\)",
                "v": r"v = torch\.tensor\(([\d.]+), requires_grad=True\)",
                "x": r"x = torch\.tensor\(([\d.]+)\)",
                "target": r"target_y = torch\.tensor\(([\d.]+)\)",
                "lr": r"lr = ([\d.]+)", "tolerance": r"tolerance = ([\d.]+)"}
    setting = {name: float(re.search(rf"^{pattern}", code, flags=re.M).group(1))
               for name, pattern in patterns.items()}
    return {**setting, **torch_factory.learn(**setting)}


@pytest.mark.parametrize("lang", FOLDERS)
def test_the_factory_learns_to_fill_the_order_with_the_numbers_its_page_shows(site, lang):
    run = learn(ROOT / "docs" / lang / "6-the-factory-learns.md")
    assert abs(run["y_end"] - run["target"]) < run["tolerance"] and run["steps"] < 1000
    assert math.isclose(run["w_end"] * run["v_end"] * run["x"], run["target"], abs_tol=0.01)
    glued = json.loads((site.parent / "lang" / lang / "jupyter_execute" /
                        "6-the-factory-learns.glue.json").read_text(encoding="utf-8"))
    value = {key: float(glued[key]["data"]["text/plain"]) for key in
             ("lr", "steps", "w_end", "v_end", "y_end", "w0", "v0")}
    assert value["lr"] == run["lr"] and value["steps"] == run["steps"]
    assert (value["w0"], value["v0"]) == (run["w"], run["v"])
    for key in ("w_end", "v_end", "y_end"):
        assert math.isclose(value[key], run[key], rel_tol=1e-6), key
    text = plain((site / lang / "6-the-factory-learns.html").read_text(encoding="utf-8"))
    for shown in (f"{run['steps']}", f"{run['lr']:g}", f"{run['w_end']:.4f}",
                  f"{run['v_end']:.4f}", f"{run['y_end']:.4f}"):
        assert re.search(rf"(?<![\d.]){re.escape(shown)}(?!\d)", text), f"{lang}: {shown} not shown"
    for knob in ("w_end", "v_end"):  # one knob, one precision: the printed one
        shorter = f"{run[knob]:.3f}"
        assert not re.search(rf"(?<![\d.]){re.escape(shorter)}(?!\d)", text), f"{lang}: {shorter} shown"
