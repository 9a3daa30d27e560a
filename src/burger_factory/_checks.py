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
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number!r}")
    return number
