"""Every gradient of the factory by the chain rule, one local derivative at a time."""

from typing import NamedTuple

from burger_factory._checks import finite_result, real


class Gradients(NamedTuple):
    """The local derivative of each link, and what the chain rule makes of them."""

    dloss_dy: float  # the order: Loss = (y - target)^2, so 2 * (y - target)
    dy_dv: float  # machine B: y = v * u, so u
    dy_du: float  # machine B: y = v * u, so v
    du_dw: float  # machine A: u = w * x, so x
    dloss_dv: float  # dLoss/dy * dy/dv
    dloss_du: float  # dLoss/dy * dy/du
    dloss_dw: float  # dLoss/dy * dy/du * du/dw


def gradients(x: float, w: float, v: float, target: float) -> Gradients:
    """Gradients of ``Loss = (v * w * x - target)**2`` by the chain rule.

    >>> g = gradients(x=2.0, w=3.0, v=2.0, target=10.0)
    >>> g.dloss_dy, g.dloss_dv, g.dloss_du, g.dloss_dw
    (4.0, 24.0, 8.0, 16.0)
    """
    x, w, v, target = real("x", x), real("w", w), real("v", v), real("target", target)
    u = w * x  # forward pass, so each local derivative can be read off it
    y = v * u
    dloss_dy = 2 * (y - target)
    dloss_du = dloss_dy * v
    grads = Gradients(
        dloss_dy=dloss_dy,
        dy_dv=u,
        dy_du=v,
        du_dw=x,
        dloss_dv=dloss_dy * u,
        dloss_du=dloss_du,
        dloss_dw=dloss_du * x,
    )
    return Gradients(*(finite_result(n, g) for n, g in zip(Gradients._fields, grads)))
