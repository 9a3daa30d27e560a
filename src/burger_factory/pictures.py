"""Pictures of a computation, as inline SVG that suits light and dark pages.

``draw(run, ...)`` draws a ``graph.trace`` of torch's graph with Graphviz: each quantity
with its value and, after ``backward()``, the gradient that reached it; each machine with
torch's name for it.  ``plot(fig, ...)`` turns a matplotlib figure into the same kind of
SVG.  Every number in them is the run's own.
"""

import html
import io
import os
import re
import shutil
import subprocess
import sys

from burger_factory.graph import Trace, number
from burger_factory.svg import InlineSVG, clean

GRADIENT_COLOR = "#c2410c"  # book.css lightens it on dark pages (.bf-figure)
EQUALS = "\u00a0=\u00a0"  # SVG drops a space that starts a piece of text (after a subscript)
# Fonts whose widths Graphviz knows without any font installed, so that boxes fit their
# text; the SVG names them with a generic family to fall back on.
FONT, CODE_FONT = "Helvetica", "Courier"


def draw(run: Trace, title: str, words: dict[str, str] | None = None,
         machines: dict[str, str] | None = None) -> InlineSVG:
    """``run`` as inline SVG with ``title`` as its alt text: each quantity with its value
    (and, under ``words``, what it is), each machine with torch's node name (and, under
    ``machines``, keyed by what it makes, its name in the book).  After backward(), each
    quantity also shows the gradient that reached it, and dashed arrows show the way the
    gradients went.  Two machines are drawn left to right, as the factory's line; more, top
    to bottom, which fits a page better."""
    import graphviz  # the DOT language, quoted right

    if not isinstance(run, Trace):
        raise TypeError(f"run must be a graph.trace(...), got {type(run).__name__}")
    words, machines = words or {}, machines or {}
    dot = graphviz.Digraph(
        graph_attr={"rankdir": "LR" if len(run.machines) <= 2 else "TB", "pad": "0.05",
                    "bgcolor": "transparent", "nodesep": "0.25", "ranksep": "0.3"},
        node_attr={"fontname": FONT, "fontsize": "12", "penwidth": "1.2"},
        edge_attr={"arrowsize": "0.7", "penwidth": "1.2"})
    key, machine_key = node_names(run)
    backward = any(q.grad is not None for q in run.quantities)
    style = {"knob": {"shape": "box", "style": "rounded,filled", "fillcolor": "#f59f0033"},
             "constant": {"shape": "box", "style": "rounded,dashed"},
             "made": {"shape": "box", "style": "rounded,filled", "fillcolor": "#4c6ef522"}}
    for q in run.quantities:
        word = words.get(q.name)
        lines = [f'<FONT POINT-SIZE="10">{html.escape(word)}</FONT>'] if word else []
        lines.append(markup(q.name) + ("" if q.value is None else f"{EQUALS}{number(q.value)}"))
        if q.grad is not None:
            lines.append(f'<FONT COLOR="{GRADIENT_COLOR}">∂{markup(run.output.name)}/∂'
                         f"{markup(q.name, group=True)}{EQUALS}{number(q.grad)}</FONT>")
        dot.node(key[q], "<" + "<BR/>".join(lines) + ">", margin=margin(word), **style[q.kind])
    for m in run.machines:
        name = machines.get(m.output.name)
        lines = [f"<B>{html.escape(name)}</B>"] if name else []
        lines += [html.escape(m.symbol)] if m.symbol else []
        lines.append(f'<FONT POINT-SIZE="9" FACE="{CODE_FONT}">{html.escape(m.op)}</FONT>')
        dot.node(machine_key[m], "<" + "<BR/>".join(lines) + ">", margin=margin(name), shape="box",
                 style="filled", fillcolor="#86868622")
        for q in m.inputs:
            dot.edge(key[q], machine_key[m])
            if backward and q.grad is not None:
                dot.edge(machine_key[m], key[q], style="dashed", color=GRADIENT_COLOR, constraint="false")
        dot.edge(machine_key[m], key[m.output])
    return InlineSVG(clean(graphviz_svg(dot.source), title))


def node_names(run: Trace) -> tuple[dict, dict]:
    """The name of each box in the drawing, by quantity and by machine: Graphviz's node names,
    which the SVG keeps (``data-node``) so that a page's script can find a box's numbers."""
    return ({q: f"q{i}" for i, q in enumerate(run.quantities)},
            {m: f"m{i}" for i, m in enumerate(run.machines)})


def graphviz_svg(source: str) -> str:
    """Graphviz's SVG of a DOT graph, by graphviz-pure (requirements.txt), which draws the
    same bytes on every machine: it measures text by its own tables, not the fonts installed."""
    here = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
    dot = shutil.which("graphviz-pure", path=here)
    if dot is None:
        raise RuntimeError("graphviz-pure is not installed: `make html` installs it from "
                           "requirements.txt (or: pip install graphviz-pure)")
    # Its warnings (text it estimates the width of) are no concern of the page.
    done = subprocess.run([dot, "-Tsvg"], input=source, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"Graphviz could not draw the graph:\n{done.stderr}")
    return done.stdout


def margin(word: str | None) -> str:
    """A node's margin (inches): Graphviz's tables give a Chinese character three quarters
    of the width it takes, so a line of them gets the rest as margin."""
    chinese = len(re.findall(r"[\u3000-\u9fff\uff00-\uffef]", word or ""))
    return f"{0.12 + 0.012 * chinese:.3g},0.05"


def markup(name: str, group: bool = False) -> str:
    """A name in Graphviz's HTML-like labels: ``y_target`` as y with a subscript."""
    text = re.sub(r"\b([A-Za-z])_(\w+)", r"\1<SUB>\2</SUB>", html.escape(name))
    return f"({text})" if group and " " in name else text


def plot(fig, title: str) -> InlineSVG:
    """A matplotlib figure as inline SVG: text as paths (no font needed to view it),
    transparent background, black drawn in the page's text colour, and the same bytes
    every time (fixed ids, no date).

    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 1))
    >>> _ = fig.subplots().plot([0, 1], [1, 0])
    >>> picture = plot(fig, "a line")
    >>> str(picture) == str(plot(fig, "a line")), str(picture).startswith('<svg role="img"')
    (True, True)
    """
    import matplotlib

    out = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "burger-factory", "svg.fonttype": "path"}):
        fig.savefig(out, format="svg", transparent=True, bbox_inches="tight",
                    metadata={"Date": None, "Creator": None})
    return InlineSVG(clean(out.getvalue(), title))
