"""The package's chain rule is right: it matches torch's autograd and a finite difference,
and it turns bad input away with an error that names the argument."""

import math
import re

import pytest
import torch
import torch_factory
from hypothesis import given, settings
from hypothesis import strategies as st

from burger_factory import gradients, loss, produce, slope

knob = st.floats(min_value=-50, max_value=50, allow_nan=False, allow_infinity=False)


def autograd(x, w, v, target):
    """The same factory in torch (float64), differentiated by loss.backward()."""
    t = torch_factory.run(x, w, v, target, dtype=torch.float64)
    t["u"].retain_grad(), t["y"].retain_grad()
    t["Loss"].backward()
    return {f"dloss_d{name}": t[name].grad.item() for name in ("w", "v", "u", "y")}


@settings(max_examples=200, deadline=None)
@given(x=knob, w=knob, v=knob, target=knob)
def test_chain_rule_equals_torch_autograd(x, w, v, target):
    chain = gradients(x=x, w=w, v=v, target=target)._asdict()
    for name, value in autograd(x, w, v, target).items():
        assert math.isclose(chain[name], value, rel_tol=1e-9, abs_tol=1e-9), name


@settings(max_examples=200, deadline=None)
@given(x=knob, w=knob, v=knob, target=knob)
def test_chain_rule_equals_finite_differences(x, w, v, target):
    chain = gradients(x=x, w=w, v=v, target=target)
    by_w = slope(lambda w_: loss(produce(x, w_, v).y, target), at=w)
    by_v = slope(lambda v_: loss(produce(x, w, v_).y, target), at=v)
    # The loss is quadratic in each knob, so the central difference is exact but for
    # rounding, which grows with the size of the loss (about 1e-13 of it for h = 1e-3).
    tol = 1e-9 * (1 + loss(produce(x, w, v).y, target))
    assert math.isclose(chain.dloss_dw, by_w, abs_tol=tol)
    assert math.isclose(chain.dloss_dv, by_v, abs_tol=tol)


def test_seed_numbers():
    assert produce(x=2.0, w=3.0, v=2.0) == (6.0, 12.0)
    g = gradients(x=2.0, w=3.0, v=2.0, target=10.0)
    assert (g.dloss_dy, g.dloss_dv, g.dloss_du, g.dloss_dw) == (4.0, 24.0, 8.0, 16.0)


@pytest.mark.parametrize("bad, error, message", [
    ("3", TypeError, "w must be a real number, got str"),
    (True, TypeError, "w must be a real number, got bool"),
    (None, TypeError, "w must be a real number, got NoneType"),
    (float("nan"), ValueError, "w must be finite, got nan"),
    (float("inf"), ValueError, "w must be finite, got inf"),
    (torch.tensor(3.0), TypeError, "call .item() on a tensor first"),
])
def test_bad_knob_is_named_in_the_error(bad, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        produce(x=2.0, w=bad, v=2.0)


@pytest.mark.parametrize("func, kwargs, name", [
    (produce, {"x": float("-inf"), "w": 3.0, "v": 2.0}, "x"),
    (produce, {"x": 2.0, "w": 3.0, "v": "2"}, "v"),
    (loss, {"y": 12.0, "target": float("nan")}, "target"),
    (gradients, {"x": 2.0, "w": 3.0, "v": 2.0, "target": False}, "target"),
    (slope, {"f": lambda t: t, "at": float("nan")}, "at"),
])
def test_every_public_function_names_its_bad_argument(func, kwargs, name):
    with pytest.raises((TypeError, ValueError), match=f"^{name} must be"):
        func(**kwargs)


def test_slope_rejects_a_function_that_returns_nan():
    with pytest.raises(ValueError, match=r"f\(at \+ h\) must be finite"):
        slope(lambda t: float("nan"), at=1.0)


junk = st.one_of(
    st.none(), st.booleans(), st.text(max_size=5), st.binary(max_size=5), st.complex_numbers(),
    st.lists(st.floats(), max_size=2), st.decimals(), st.fractions(), st.integers(),
    st.floats(),  # NaN, infinities and huge values included
)


@settings(max_examples=300, deadline=None)
@given(x=junk, w=junk, v=junk, target=junk)
def test_junk_is_refused_with_the_argument_named_or_gives_finite_gradients(x, w, v, target):
    try:
        result = gradients(x=x, w=w, v=v, target=target)
    except (TypeError, ValueError) as error:
        assert re.match(r"^(x|w|v|target) must be (a real number|finite)", str(error)), error
    except OverflowError as error:  # finite knobs whose product is too large for a float
        assert "overflows a float" in str(error)
    else:
        assert all(isinstance(g, float) and math.isfinite(g) for g in result)
