"""Every number on a page comes from its code: turn knob w from 3 to 4 in the pages' code,
rebuild, and every number that depends on w follows, with nothing else edited."""

import math
import re

import pytest
from conftest import LANGS, ROOT, STATIONS, article_text, copy_project, make

from burger_factory import gradients, produce

W_LINE = "w = torch.tensor(3.0, requires_grad=True)"


def quantities(w: float) -> dict[str, float]:
    """Every quantity a page may show, for x = 2, v = 2, target = 10 and this w."""
    x, v, target = 2.0, 2.0, 10.0
    made, grad = produce(x, w, v), gradients(x, w, v, target)
    return {"x": x, "w": w, "v": v, "target": target, "u": made.u, "y": made.y,
            "y - target": made.y - target, "loss": (made.y - target) ** 2,
            "dy/dw": v * x, **grad._asdict()}


OLD, NEW = quantities(3.0), quantities(4.0)


def numbers(html: str) -> list[float]:
    text = article_text(html)
    text = re.sub(r"(?i)station \d", "", text)  # station names are not example numbers
    return [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)]


def explained(old: float, new: float) -> bool:
    """Whether old -> new is some quantity moving from w = 3 to w = 4, or a constant."""
    if any(math.isclose(OLD[k], old) and math.isclose(NEW[k], new) for k in OLD):
        return True
    # A number that stayed put is a constant of the text, unless it is a value that w
    # changed and that no w-independent quantity shares: then it was typed by hand.
    moved = {OLD[k] for k in OLD if not math.isclose(OLD[k], NEW[k])}
    kept = {OLD[k] for k in OLD if math.isclose(OLD[k], NEW[k])}
    return math.isclose(old, new) and (old not in moved or old in kept)


@pytest.fixture(scope="module")
def turned(tmp_path_factory):
    """The site built from a copy of the project whose pages set w to 4.0."""
    copy = copy_project(tmp_path_factory.mktemp("w4"))
    for lang in LANGS:
        for station in STATIONS:
            path = copy / "docs" / lang / f"{station}.md"
            source = path.read_text(encoding="utf-8")
            assert W_LINE in source, f"{path} does not set w as the seed does"
            path.write_text(source.replace(W_LINE, W_LINE.replace("3.0", "4.0")), encoding="utf-8")
    result = make("html", copy)
    assert result.returncode == 0, result.stdout + result.stderr
    return copy / "_build" / "html"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("station", STATIONS)
def test_every_number_follows_the_knob(site, turned, lang, station):
    before = numbers((site / lang / f"{station}.html").read_text(encoding="utf-8"))
    after = numbers((turned / lang / f"{station}.html").read_text(encoding="utf-8"))
    assert len(before) == len(after), "the page's text changed shape, not just its numbers"
    typed = [(b, a) for b, a in zip(before, after) if not explained(b, a)]
    assert not typed, f"numbers that did not follow w from 3 to 4 (before, after): {typed}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_seed_numbers_become_the_new_ones(turned, lang):
    text = " ".join(article_text((turned / lang / f"{s}.html").read_text(encoding="utf-8"))
                    for s in ("4-pytorch-backward", "5-backward-by-hand"))
    shown = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)}
    for key in ("u", "y", "loss", "dloss_dy", "dloss_dv", "dloss_dw"):
        assert NEW[key] in shown, f"{key} = {NEW[key]} is not shown for w = 4"
    assert (NEW["u"], NEW["y"], NEW["loss"], NEW["dloss_dy"], NEW["dloss_dv"], NEW["dloss_dw"]) \
        == (8.0, 16.0, 36.0, 12.0, 96.0, 48.0)
