"""A numerical check of any derivative: nudge one input a little and watch the output."""

from collections.abc import Callable

from burger_factory._checks import finite_result, real


def slope(f: Callable[[float], float], at: float, h: float = 1e-3) -> float:
    """Central-difference estimate of ``f'(at)``: ``(f(at + h) - f(at - h)) / (2 h)``.

    Exact (up to rounding) for the factory, whose outputs are at most quadratic in a knob.

    >>> round(slope(lambda v: v * 6.0, at=2.0), 6)   # y = v * u with u = 6: dy/dv = u
    6.0
    >>> slope(lambda w: w, at=1.0, h=0)
    Traceback (most recent call last):
    ...
    ValueError: h must be positive, got 0.0
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    at, h = real("at", at), real("h", h)
    if h <= 0:
        raise ValueError(f"h must be positive, got {h!r}")
    rise = real("f(at + h)", f(at + h)) - real("f(at - h)", f(at - h))
    return finite_result("slope", rise / (2 * h))
