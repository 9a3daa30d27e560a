"""Every number on a page comes from its code: turn a knob in the pages' code, rebuild,
and every number that depends on it follows, with nothing else edited."""

import math
import re

import pytest
from project import FOLDERS as LANGS
from project import SEED, STATIONS, TURNED, article_text, turned_copy

from burger_factory import gradients, produce

def quantities(x, w, v, target) -> dict[str, float]:
    """Every quantity a page may show, for these knobs."""
    made, grad = produce(x, w, v), gradients(x, w, v, target)
    # The stations' exercises also ask "what if": knob w one whole unit up, an order missed
    # by as much the other way, backward() run twice, the beef given requires_grad.
    made_up, grad_up = produce(x, w + 1, v), gradients(x, w + 1, v, target)
    # The extra stop: knob w also drives machine C, making w * z veggie burgers (z = 1 box).
    z = 1.0
    fork_y = made.y + w * z
    fork_dloss_dy = 2 * (fork_y - target)
    fork = {"veggie burgers": w * z, "y, forked": fork_y, "y - target, forked": fork_y - target,
            "loss, forked": (fork_y - target) ** 2,
            "dloss_dy, forked": fork_dloss_dy, "dloss_du, forked": fork_dloss_dy * v,
            "path through A": fork_dloss_dy * v * x, "path through C": fork_dloss_dy * z,
            "dloss_dw, forked": fork_dloss_dy * (v * x + z), "dloss_dv, forked": fork_dloss_dy * made.u,
            "dy/dw, forked": v * x + z}
    return {**fork,"x": x, "w": w, "v": v, "target": target, "u": made.u, "y": made.y,
            "y - target": made.y - target, "loss": (made.y - target) ** 2,
            "dy/dw": v * x, **grad._asdict(),
            "u, w up": made_up.u, "y, w up": made_up.y, "dloss_dy, w up": grad_up.dloss_dy,
            "dloss_dw, w up": grad_up.dloss_dw, "order missed the other way": 2 * made.y - target,
            "dloss_dv twice": 2 * grad.dloss_dv, "dloss_dw twice": 2 * grad.dloss_dw,
            "dloss_dx": grad.dloss_du * w}


def numbers(html: str) -> list[float]:
    # Ordinals ("station 3", "step 2", "link 3") are not data.
    text = re.sub(r"(?i)\b(stations?|steps?|links?|parts?)\s+\d+", "", article_text(html))
    return [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)]


def unexplained(before: list[float], after: list[float], new: dict) -> list[tuple]:
    """Pairs (before, after) that are neither a quantity moving with the knobs nor a
    constant of the text.  A number that stayed put while every quantity with that value
    moved was typed by hand.  Small numbers are compared as multiples (nudges h*x, h*v)."""
    old = quantities(**SEED)
    moved = {old[k] for k in old if not math.isclose(old[k], new[k])}
    kept = {old[k] for k in old if math.isclose(old[k], new[k])}

    def follows(b, a):
        if any(math.isclose(old[k], b) and math.isclose(new[k], a) for k in old):
            return True
        ratio = [(k, b / old[k]) for k in old if old[k] and 0 < b < 0.1]  # nudges: h times a quantity
        if any(math.isclose(new[k] * r, a, rel_tol=1e-3) for k, r in ratio):
            return True
        return math.isclose(b, a) and (b not in moved or b in kept)

    return [(b, a) for b, a in zip(before, after) if not follows(b, a)]


@pytest.fixture(scope="module")
def turned(tmp_path_factory):
    """(quantities, site) of the copy whose pages' code sets the TURNED knobs."""
    return quantities(**{**SEED, **TURNED}), turned_copy(tmp_path_factory) / "_build" / "html"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("station", STATIONS)
def test_every_number_follows_the_knobs(site, turned, lang, station):
    new, turned_site = turned
    before = numbers((site / lang / f"{station}.html").read_text(encoding="utf-8"))
    after = numbers((turned_site / lang / f"{station}.html").read_text(encoding="utf-8"))
    assert len(before) == len(after), "the page's text changed shape, not just its numbers"
    typed = unexplained(before, after, new)
    assert not typed, f"numbers that did not follow the knobs (before, after): {typed}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_turned_knobs_give_the_numbers_worked_out_by_hand(turned, lang):
    new, turned_site = turned
    text = " ".join(article_text((turned_site / lang / f"{s}.html").read_text(encoding="utf-8"))
                    for s in ("4-pytorch-backward", "5-backward-by-hand"))
    shown = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)}
    # x = 2, w = 4, v = 5, target = 10: u = wx = 8, y = vu = 40, loss = (40 - 10)² = 900,
    # ∂loss/∂y = 2(40 - 10) = 60, ∂loss/∂v = 60u = 480, ∂loss/∂w = 60vx = 600.
    by_hand = {"u": 8.0, "y": 40.0, "loss": 900.0, "dloss_dy": 60.0, "dloss_dv": 480.0,
               "dloss_dw": 600.0}
    assert TURNED == {"w": 4.0, "v": 5.0}, "work the numbers out again for the new knobs"
    for key, value in by_hand.items():
        assert new[key] == value and value in shown, f"{key} = {value} is not shown for {TURNED}"
