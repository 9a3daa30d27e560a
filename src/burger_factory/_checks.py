"""Argument checks shared by the public functions: one clear error per bad input."""

import math
import numbers


def real(name: str, value: object) -> float:
    """Return ``value`` as a float, or raise an error that names the argument.

    >>> real("w", 3)
    3.0
    >>> real("w", float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: w must be finite, got nan
    >>> real("w", True)
    Traceback (most recent call last):
    ...
    TypeError: w must be a real number, got bool
    """
    # bool is a numbers.Real in Python, but a knob set to True is always a mistake.
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        hint = " (call .item() on a tensor first)" if hasattr(value, "item") else ""
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}{hint}")
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float
        raise ValueError(f"{name} must be finite, got an integer too large for a float") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number!r}")
    return number


def finite_result(name: str, value: float) -> float:
    """Return ``value``, or raise when finite inputs made it overflow to infinity.

    >>> finite_result("y", 1e308 * 10)
    Traceback (most recent call last):
    ...
    OverflowError: y overflows a float (inf): the knobs are too large
    """
    if not math.isfinite(value):
        raise OverflowError(f"{name} overflows a float ({value!r}): the knobs are too large")
    return value
