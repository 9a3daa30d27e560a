"""The factory for any knobs, as torch computes it: the truth behind the book's panels.

A station's panel (``book.explorable``) lets the reader turn the knobs and recomputes the
factory in the page, in JavaScript (``docs/_static/factory-engine.js``).  What it must
show is computed here, by torch in float64 (the browser's numbers are doubles), for a
set of cases the tests put through the panel: each quantity, each gradient, and each row
of the backward pass in the order torch's engine ran it.  ``panel(...)`` is what a page
glues for its panel; ``descent(...)`` is the epilogue's loop, replayed.

>>> case = factory_case(w=3, v=2, x=2, target=10)
>>> case["y"], case["loss"], case["dloss_dv"], case["dloss_dw"]
(12.0, 4.0, 24.0, 16.0)
>>> [(v["node"], v["at"], v["to"]) for v in order()][:3]
[('PowBackward0', 'loss', ['diff']), ('SubBackward0', 'diff', ['y']), ('MulBackward0', 'y', ['v', 'u'])]
"""

from __future__ import annotations

import json
import math
import random

import torch

from burger_factory.graph import Trace, trace
from burger_factory.pictures import node_names

# The book's factory: the panel's reset, and the first case.
SEED = {"w": 3.0, "v": 2.0, "x": 2.0, "target": 10.0}
# The names the pages give the factory's tensors, and the panel's key for each.
KEYS = {"x": "x", "w": "w", "v": "v", "u": "u", "y": "y", "y_target": "target",
        "y − y_target": "diff", "Loss": "loss"}
# The epilogue's loop: at most this many steps; a loss grown past LIMIT times where it
# started is a descent that diverges (the panel says so instead of drawing it).
MOST, LIMIT = 1000, 1e6
# Cases that say something: the seed, w = 4, zeros, negative and fractional knobs, large
# values, an order already met.  cases() adds random ones.
NAMED = [SEED, {**SEED, "w": 4.0}, {"w": 0.0, "v": 0.0, "x": 0.0, "target": 0.0},
         {**SEED, "w": 0.0}, {"w": -1.5, "v": 0.5, "x": 2.0, "target": 10.0},
         {"w": 3.0, "v": -2.0, "x": -2.5, "target": -7.0}, {"w": 0.1, "v": 0.2, "x": 0.3, "target": 0.7},
         {"w": 1e6, "v": 2.5e5, "x": 3e3, "target": 1e12}, {**SEED, "target": 12.0}]


def run(w: float, v: float, x: float, target: float) -> tuple[dict, Trace]:
    """The factory in float64, its trace, and the backward pass done: (tensors, trace)."""
    t = {"w": torch.tensor(w, dtype=torch.float64, requires_grad=True),
         "v": torch.tensor(v, dtype=torch.float64, requires_grad=True),
         "x": torch.tensor(x, dtype=torch.float64),
         "y_target": torch.tensor(target, dtype=torch.float64)}
    t["u"] = t["w"] * t["x"]
    t["y"] = t["v"] * t["u"]
    t["Loss"] = (t["y"] - t["y_target"]) ** 2
    recorded = trace(t["Loss"], t)
    t["Loss"].backward()
    return t, recorded


def factory_case(w: float, v: float, x: float, target: float) -> dict:
    """Every number a panel shows for these knobs, as torch computes it: each quantity
    (``u``), the gradient that reached it (``dloss_du``), and each row of the backward pass
    (``steps``: local derivative, upstream gradient, product; None where a row has none)."""
    _, recorded = run(w, v, x, target)
    case = {KEYS[q.name]: q.value for q in recorded.quantities}
    case.update({f"dloss_d{KEYS[name]}": grad for name, grad in recorded.gradients().items()})
    case["steps"] = [[s.local, s.upstream, s.product] for s in recorded.steps()]
    return case


def order() -> list[dict]:
    """The backward pass, node by node, in the order torch's engine ran it: each node named
    by torch, where it sits (the quantity it made, or the knob it stores a gradient in), and
    the inputs it passed a gradient to."""
    _, recorded = run(**SEED)
    visits = []
    for node, where, _, passed in recorded.visits:
        if node == "AccumulateGrad":
            visits.append({"node": node, "at": KEYS[where.name], "to": []})
        else:
            to = [KEYS[q.name] for q, p in zip(where.inputs, passed) if p is not None]
            visits.append({"node": node, "at": KEYS[where.output.name], "to": to})
    return visits


def cases(more: int = 0, seed: int = 14) -> list[dict]:
    """The named cases, and ``more`` random ones (seeded: the same every build), with knobs
    a reader can type: a few decimals, at sizes from hundredths to hundreds."""
    rng = random.Random(seed)

    def knob(low: float, high: float) -> float:
        scale = rng.choice([0.01, 1.0, 1.0, 100.0])
        return round(rng.uniform(low, high) * scale, rng.choice([0, 1, 2, 3]))

    knobs = NAMED + [{"w": knob(-10, 10), "v": knob(-10, 10), "x": knob(-1, 10),
                      "target": knob(-50, 200)} for _ in range(more)]
    return [{"knobs": k, **factory_case(**k)} for k in knobs]


def descent(w: float, v: float, x: float, target: float, lr: float, tolerance: float,
            most: int = MOST) -> dict:
    """The epilogue's loop, in float64: until the order is filled (``y`` within
    ``tolerance`` of it), or the loss grows past ``LIMIT`` times where it started or beyond
    what a float holds (``diverged``), or ``most`` steps have passed (``unfinished``).
    ``history``: w, v, y and the loss at each step.

    >>> d = descent(w=3, v=2, x=2, target=10, lr=0.002, tolerance=0.01)
    >>> d["outcome"], d["history"][0]
    ('filled', [3.0, 2.0, 12.0, 4.0])
    >>> descent(w=3, v=2, x=2, target=10, lr=0.05, tolerance=0.01)["outcome"]
    'diverged'
    """
    w_ = torch.tensor(float(w), dtype=torch.float64, requires_grad=True)
    v_ = torch.tensor(float(v), dtype=torch.float64, requires_grad=True)
    x_, target_ = torch.tensor(float(x), dtype=torch.float64), torch.tensor(float(target), dtype=torch.float64)
    history, outcome = [], "unfinished"
    for _ in range(most):
        y = v_ * (w_ * x_)
        loss = (y - target_) ** 2
        history.append([w_.item(), v_.item(), y.item(), loss.item()])
        if not all(math.isfinite(n) for n in history[-1]) or loss.item() > LIMIT * history[0][3]:
            outcome = "diverged"
            break
        if abs(y.item() - target) < tolerance:
            outcome = "filled"
            break
        loss.backward()
        with torch.no_grad():
            w_ -= lr * w_.grad
            v_ -= lr * v_.grad
        w_.grad = v_.grad = None
    return {"knobs": {"w": w, "v": v, "x": x, "target": target, "lr": lr}, "outcome": outcome,
            "steps": len(history) - 1, "history": history}


def descents(w: float, v: float, x: float, target: float, lr: float, tolerance: float) -> list[dict]:
    """The epilogue's loop from these knobs for several learning rates: the page's, larger
    ones, and the first of still larger ones that diverges.

    >>> [(d["knobs"]["lr"], d["outcome"]) for d in descents(3, 2, 2, 10, lr=0.002, tolerance=0.01)]
    [(0.002, 'filled'), (0.005, 'filled'), (0.02, 'filled'), (0.03, 'unfinished'), (0.05, 'diverged')]
    """
    runs = [descent(w, v, x, target, lr * factor, tolerance) for factor in (1, 2.5, 10, 15)]
    factor = 25
    while runs[-1]["outcome"] != "diverged" and factor < 1e6:
        runs.append(descent(w, v, x, target, lr * factor, tolerance))
        factor *= 2
    return runs


class Panel(dict):
    """What a page glues for its panel: JSON text, under a type of its own (``MIME``), which
    the ``factory-panel`` directive reads.  (Text, not a JSON object: a glued value that is
    not displayed is stored under a prefixed type, where a notebook holds only text.)"""

    MIME = "application/vnd.burger-factory.panel+json"

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {self.MIME: json.dumps(self, allow_nan=False), "text/plain": repr(self)}

    def __repr__(self) -> str:
        return f"Panel(seed={self['seed']})"


def panel(figure: Trace | None = None, *, cases: list[dict] | None = None,
          descents: list[dict] | None = None, tolerance: float | None = None,
          **seed: float | torch.Tensor) -> Panel:
    """A page's panel: its factory (``seed``: the page's knobs, the book's for any it does not
    set; ``lr`` too, for a replay of the epilogue, with its ``tolerance``), the Graphviz names
    of its figure's boxes (``figure``: the trace it drew), torch's order of the backward
    pass, and the cases its panel is checked against (the named ones unless ``cases``; the
    epilogue's ``descents``).

    >>> p = panel(w=torch.tensor(4.0))
    >>> p["seed"], p["graph"], len(p["cases"]), p["cases"][0]["knobs"] == SEED
    ({'w': 4.0, 'v': 2.0, 'x': 2.0, 'target': 10.0}, {}, 9, True)
    """
    knobs = {**SEED, **{k: float(v.item() if isinstance(v, torch.Tensor) else v) for k, v in seed.items()}}
    graph = {}
    if figure is not None:
        quantities, machines = node_names(figure)
        graph = {"values": {KEYS[q.name]: name for q, name in quantities.items()},
                 "machines": {KEYS[m.output.name]: name for m, name in machines.items()}}
    extra = {} if tolerance is None else {"tolerance": float(tolerance)}
    return Panel(seed=knobs, graph=graph, order=order(), most=MOST, limit=LIMIT, **extra,
                 cases=globals()["cases"]() if cases is None else cases, descents=descents or [])
