"""book.glue_math: the glue-math role and directive write the page's glued values into
its formulas, formatted as asked; a key that no cell glued is an error naming the key and
the page.

The root's index.ipynb is already executed: its code cell glued y = 2.71828 (shown) and
target = 10 (display=False), as myst_nb.glue() records them in the cell's outputs.
"""

import pytest
from docutils import nodes


def formulas(app) -> list[str]:
    """The TeX of each formula of the built page."""
    doctree = app.env.get_doctree("index")
    is_math = lambda node: isinstance(node, (nodes.math, nodes.math_block))  # noqa: E731
    return [node.astext() for node in doctree.findall(is_math)]


@pytest.mark.sphinx("html", testroot="glue-math")
def test_a_formula_shows_the_glued_value(app):
    app.build()
    assert "y = 2.71828" in formulas(app)


@pytest.mark.sphinx("html", testroot="glue-math")
def test_a_display_formula_shows_the_glued_values_in_their_formats(app):
    app.build()
    # \glue{y:.2f} and \glue{target:.1f}; \glue{target} unformatted, as glued
    assert r"y - 10 \approx 2.72 - 10.0" in formulas(app)


@pytest.mark.sphinx("html", testroot="glue-math")
def test_the_formulas_reach_the_html(app):
    app.build()
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert r"\(y = 2.71828\)" in html  # MathJax's inline delimiters, around the TeX
    assert r"y - 10 \approx 2.72 - 10.0" in html


@pytest.mark.sphinx("html", testroot="glue-math")
def test_no_placeholder_is_left_in_a_formula(app):
    app.build()
    assert not [f for f in formulas(app) if r"\glue" in f]


# freshenv: the page is read again, and warns again, in each test's build
@pytest.mark.sphinx("html", testroot="glue-math", freshenv=True)
@pytest.mark.parametrize("key", ["inline_nowhere", "display_nowhere"])  # role, directive
def test_a_key_no_cell_glued_is_an_error_naming_the_key_and_the_page(app, warning, key):
    app.build()
    lines = [line for line in warning.getvalue().splitlines() if repr(key) in line]
    assert lines, warning.getvalue()
    assert all("index.ipynb" in line and "ERROR" in line for line in lines), lines
