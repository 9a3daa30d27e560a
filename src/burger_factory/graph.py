"""torch's record of a computation, read back: its graph, its values, and its backward pass.

``trace(output, names)`` walks the graph PyTorch recorded while computing ``output`` (from
``output.grad_fn`` along ``next_functions``) and listens in on the next ``backward()``:
tensor hooks catch the gradient that reaches each named tensor, and hooks on the graph's
nodes note the order in which torch runs them and what each receives and passes on.
Every number in a trace is the run's own.  Drawing it is ``pictures.draw``'s business.

>>> import torch
>>> w = torch.tensor(3.0, requires_grad=True)
>>> v = torch.tensor(2.0, requires_grad=True)
>>> x, target = torch.tensor(2.0), torch.tensor(10.0)
>>> u = w * x
>>> y = v * u
>>> loss = (y - target) ** 2
>>> run = trace(loss, {"x": x, "w": w, "v": v, "u": u, "y": y, "y_target": target, "Loss": loss})
>>> [(m.op, m.output.name, [q.name for q in m.inputs]) for m in run.machines]
[('PowBackward0', 'Loss', ['y − y_target']), ('SubBackward0', 'y − y_target', ['y', 'y_target']), ('MulBackward0', 'y', ['v', 'u']), ('MulBackward0', 'u', ['w', 'x'])]
>>> loss.backward()
>>> run.gradients()
{'Loss': 1.0, 'y − y_target': 4.0, 'y': 4.0, 'v': 24.0, 'u': 8.0, 'w': 16.0}
>>> [(s.node, s.to, s.local, s.upstream, s.product) for s in run.steps()][2:4]
[('MulBackward0', 'v', 6.0, 4.0, 24.0), ('MulBackward0', 'u', 2.0, 4.0, 8.0)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import torch

# How an operation combines its inputs' names into the name of an unnamed result.
EXPRESSIONS = {"MulBackward0": "{0}·{1}", "SubBackward0": "{0} − {1}",
               "AddBackward0": "{0} + {1}", "DivBackward0": "{0}/{1}", "NegBackward0": "−{0}"}
SYMBOLS = {"MulBackward0": "×", "SubBackward0": "−", "AddBackward0": "+", "DivBackward0": "÷",
           "NegBackward0": "−"}
SUPERSCRIPTS = str.maketrans("0123456789.-", "⁰¹²³⁴⁵⁶⁷⁸⁹·⁻")
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"  # step numbers that are not data


@dataclass(eq=False)
class Quantity:
    """A number in the graph: a knob (leaf that requires grad), a constant, or a result."""

    name: str
    kind: str  # "knob", "constant" or "made"
    value: float | None
    grad: float | None = None  # what backward() delivered to it (None: nothing, or not yet)


@dataclass(eq=False)
class Machine:
    """One node of torch's graph that computes something (not an AccumulateGrad)."""

    op: str  # torch's name for its backward node, e.g. "MulBackward0"
    symbol: str  # what it does, e.g. "×"
    output: Quantity
    inputs: list[Quantity]  # in the order of the node's next_functions
    local: list[float | None]  # d output / d input, by the node's own backward at upstream 1


@dataclass
class Step:
    """One gradient handed on during backward(), in the order torch ran the nodes."""

    visit: int  # how many nodes torch had run before this one
    node: str  # torch's name of the node: "MulBackward0", "AccumulateGrad", ...
    to: str  # the quantity it passes the gradient to ("w.grad": added to the knob's .grad)
    local: float | None  # the node's local derivative toward ``to`` (None for AccumulateGrad)
    upstream: float  # the gradient that reached the node: dLoss/d(its output)
    product: float | None  # what it passed on: upstream * local


@dataclass(eq=False)
class Trace:
    """torch's graph of one computation, with the values of the run and, once backward()
    has run, the gradients it delivered."""

    output: Quantity
    quantities: list[Quantity]
    machines: list[Machine]
    visits: list = field(default_factory=list)  # (node name, machine or knob, upstream, passed)

    def edges(self) -> list[tuple[str, str, str]]:
        """What went into what: (input, torch's node, output) for every input of every node.

        >>> w = torch.tensor(2.0, requires_grad=True)
        >>> trace(w * w, {"w": w}).edges()
        [('w', 'MulBackward0', 'w·w'), ('w', 'MulBackward0', 'w·w')]
        """
        return [(q.name, m.op, m.output.name) for m in self.machines for q in m.inputs]

    def gradients(self) -> dict[str, float]:
        """The gradient backward() delivered to each quantity, in the order it arrived."""
        order = [self.output]
        for _, where, _, _ in self.visits:
            order += [where] if isinstance(where, Quantity) else where.inputs
        arrival = list(dict.fromkeys(order))
        got = [q for q in self.quantities if q.grad is not None]
        return {q.name: q.grad for q in sorted(got, key=arrival.index)}

    def steps(self) -> list[Step]:
        """The backward pass as torch ran it: one step per gradient a node handed on."""
        out = []
        for visit, (node, where, upstream, passed) in enumerate(self.visits):
            if isinstance(where, Quantity):  # AccumulateGrad: adds the gradient to .grad
                out.append(Step(visit, node, f"{where.name}.grad", None, upstream, None))
                continue
            for q, local, product in zip(where.inputs, where.local, passed):
                if product is not None:
                    out.append(Step(visit, node, q.name, local, upstream, product))
        return out

    def table(self, headers: list[str]) -> Markdown:
        """The backward pass as a Markdown table (MyST: math in ``$``), under ``headers``:
        node, gradient goes to, local derivative, upstream gradient, product."""
        if len(headers) != 5:
            raise ValueError(f"table() needs 5 headers, got {len(headers)}")
        if not self.visits:
            raise RuntimeError("backward() has not run since trace(): there is nothing to show")
        rows = ["| " + " | ".join(headers) + " |", "|" + " --- |" * 5]
        last = None
        for s in self.steps():
            node = f"{CIRCLED[s.visit]} `{s.node}`" if s.visit != last else ""
            last = s.visit
            to = f"`{s.to}`" if s.local is None else f"${latex(s.to)}$"
            cells = [node, to, number(s.local), number(s.upstream), number(s.product)]
            rows.append("| " + " | ".join(cells) + " |")
        return Markdown("\n".join(rows))


def trace(output: torch.Tensor, names: dict[str, torch.Tensor]) -> Trace:
    """Walk the graph torch recorded for ``output`` and get ready to watch its backward().

    ``names`` gives the page's tensors their names ("u": u); a result the page kept no
    name for is named after the operation that made it ("y − y_target").  Values are those
    of the run; gradients arrive when ``output.backward()`` runs (only that first time).

    >>> w = torch.tensor(1.5, requires_grad=True)
    >>> run = trace(w * 4, {"w": w})
    >>> [(q.name, q.kind, q.value) for q in run.quantities]
    [('w·4', 'made', 6.0), ('w', 'knob', 1.5), ('4', 'constant', None)]
    >>> trace(torch.tensor(2.0), {})
    Traceback (most recent call last):
    ...
    ValueError: output has no graph to walk: it was not computed from a tensor with requires_grad=True
    """
    if not isinstance(output, torch.Tensor):
        raise TypeError(f"output must be a torch tensor, got {type(output).__name__}")
    if output.grad_fn is None:
        raise ValueError("output has no graph to walk: it was not computed from a tensor "
                         "with requires_grad=True")
    if output.numel() != 1:
        raise ValueError(f"output must hold one number (the factory's), got shape {tuple(output.shape)}")
    named = dict(names)
    for label, t in named.items():
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"names[{label!r}] must be a torch tensor, got {type(t).__name__}")

    def name_of(t: torch.Tensor | None) -> str | None:
        return next((label for label, n in named.items() if n is t), None)

    # Walk from the output along next_functions, each node once, in the order first met.
    nodes, todo = [], [output.grad_fn]
    while todo:
        node = todo.pop(0)
        if node not in nodes:
            nodes.append(node)
            todo += [n for n, _ in node.next_functions if n is not None]
    saved = [getattr(n, a) for n in nodes for a in dir(n) if a.startswith("_saved_")]
    saved = [t for t in saved if isinstance(t, torch.Tensor)]

    made: dict[object, Quantity] = {}  # node -> the quantity it computes
    for node in nodes:
        if hasattr(node, "variable"):  # AccumulateGrad: a knob, the leaf it feeds
            made[node] = Quantity(name_of(node.variable) or "knob", "knob", node.variable.item())
        else:
            found = [output] if node is output.grad_fn else []
            found += [n for n in named.values() if n.grad_fn is node]
            found += [s for s in saved if s.grad_fn is node]  # a result the page did not name
            t = found[0] if found else None
            made[node] = Quantity(name_of(t) or "", "made", None if t is None else t.item())

    # Each computing node, its inputs (a constant for each slot torch does not follow), and
    # its local derivatives: the node's own backward, called with an upstream gradient of 1.
    machines, constants = [], []
    unnamed_consts = [label for label, t in named.items() if not t.requires_grad]
    for node in nodes:
        if hasattr(node, "variable"):
            continue
        inputs = []
        for slot, (n, _) in enumerate(node.next_functions):
            if n is not None:
                inputs.append(made[n])
                continue
            value = getattr(node, ("_saved_self", "_saved_other")[slot], None) if slot < 2 else None
            label = name_of(value) if isinstance(value, torch.Tensor) else None
            if label in unnamed_consts:
                unnamed_consts.remove(label)
            const = Quantity(label or "", "constant",
                             value.item() if isinstance(value, torch.Tensor) else None)
            constants.append(const)
            inputs.append(const)
        with torch.no_grad():
            grads = node(torch.ones_like(output))
        grads = grads if isinstance(grads, tuple) else (grads,)
        symbol = SYMBOLS.get(node.name(), "")
        if hasattr(node, "_saved_exponent"):  # (·)² for a square
            symbol = "( )" + f"{node._saved_exponent:g}".translate(SUPERSCRIPTS)
        machines.append(Machine(node.name(), symbol, made[node], inputs,
                                [None if g is None else g.item() for g in grads]))

    # A constant torch saved nothing of is the page's one remaining untraced constant, if
    # exactly one is left; otherwise it is called by its value, if torch kept it.
    blank = [c for c in constants if not c.name]
    if len(blank) == 1 and len(unnamed_consts) == 1:
        blank[0].name, blank[0].value = unnamed_consts[0], named[unnamed_consts[0]].item()
    for c in constants:
        if not c.name:
            c.name, c.value = ("constant", None) if c.value is None else (number(c.value), None)
    for m in reversed(machines):  # inputs before outputs: name unnamed results by their recipe
        if not m.output.name:
            pattern = EXPRESSIONS.get(m.op, m.op.removesuffix("Backward0").lower() + "({0})")
            m.output.name = pattern.format(*(q.name for q in m.inputs))

    run = Trace(made[output.grad_fn], list(dict.fromkeys([made[n] for n in nodes] + constants)),
                machines)
    listen(run, nodes, made, named)
    return run


def listen(run: Trace, nodes: list, made: dict, named: dict) -> None:
    """Hooks that record the first backward() through these nodes."""
    def keep(q):  # tensor hook: the gradient that reached a named tensor
        def hook(grad):
            if q.grad is None:
                q.grad = grad.item()
        return hook

    for label, t in named.items():
        q = next((q for q in run.quantities if q.name == label), None)
        if q is not None and t.requires_grad:
            t.register_hook(keep(q))

    machine = {id(m.output): m for m in run.machines}
    seen = set()
    for node in nodes:
        q = made[node]
        where = q if hasattr(node, "variable") else machine[id(q)]

        def pre(grad_outputs, q=q):  # the gradient that reached the node
            if q.grad is None:  # a result the page kept no name for has no tensor hook
                q.grad = grad_outputs[0].item()

        def post(grad_inputs, grad_outputs, node=node, where=where):  # what it passed on
            if id(node) not in seen:
                seen.add(id(node))
                passed = [None if g is None else g.item() for g in grad_inputs]
                run.visits.append((short(node.name()), where, grad_outputs[0].item(), passed))

        node.register_prehook(pre)
        node.register_hook(post)


def number(value: float | None) -> str:
    """A value as the page shows it: ``12``, ``0.5``, or ``—`` for none."""
    return "—" if value is None else f"{value:g}"


def short(node: str) -> str:
    """torch's node name without its C++ namespace: ``AccumulateGrad``."""
    return node.rsplit("::", 1)[-1]


def latex(name: str) -> str:
    r"""A name in LaTeX: ``y − y_target`` as ``y - y_{\text{target}}``.

    >>> latex("y − y_target"), latex("Loss")
    ('y - y_{\\text{target}}', '\\text{Loss}')
    """
    def word(m: re.Match) -> str:
        base, sub = m.group(1), m.group(2)
        base = base if len(base) == 1 else rf"\text{{{base}}}"
        return base + (rf"_{{\text{{{sub}}}}}" if sub else "")

    text = re.sub(r"([A-Za-z]+)(?:_(\w+))?", word, name)
    return text.replace("−", "-").replace("·", r" \cdot ")


class Markdown(str):
    """Markdown that Jupyter shows as Markdown (and prints as itself)."""

    def _repr_markdown_(self) -> str:
        return str(self)
