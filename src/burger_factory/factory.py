"""The forward pass: beef in, patties and burgers out; and the loss against an order."""

from typing import NamedTuple

from burger_factory._checks import finite_result, real


class Production(NamedTuple):
    """What one run of the factory makes: patties ``u`` and burgers ``y``."""

    u: float
    y: float


def produce(x: float, w: float, v: float) -> Production:
    """Run the factory once: machine A makes ``u = w * x``, machine B makes ``y = v * u``.

    >>> produce(x=2.0, w=3.0, v=2.0)
    Production(u=6.0, y=12.0)
    """
    x, w, v = real("x", x), real("w", w), real("v", v)
    u = finite_result("u", w * x)
    return Production(u=u, y=finite_result("y", v * u))


def loss(y: float, target: float) -> float:
    """Squared error between the burgers made and the burgers ordered.

    >>> loss(y=12.0, target=10.0)
    4.0
    """
    y, target = real("y", y), real("target", target)
    return finite_result("loss", (y - target) ** 2)
