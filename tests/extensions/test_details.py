"""book.details: a ``:::{dropdown} Title`` solution is the browser's own
``<details><summary>Title</summary>...</details>``, folded unless ``:open:`` is given; other
formats (text) print the solution unfolded."""

import pytest
from bs4 import BeautifulSoup


def dropdowns(app) -> dict:
    """Each <details> of the built page, by its summary's text."""
    soup = BeautifulSoup((app.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    return {" ".join(d.summary.get_text().split()): d for d in soup.find_all("details")}


@pytest.mark.sphinx("html", testroot="details")
def test_a_dropdown_is_a_details_element_with_its_title_as_summary(app):
    app.build()
    solution = dropdowns(app)["Show the solution"]
    assert solution.summary.find("strong").get_text() == "solution"  # the title's markup kept
    assert "The burger count doubles." in solution.get_text()  # the body inside <details>


@pytest.mark.sphinx("html", testroot="details")
def test_a_dropdown_is_folded_unless_open_is_given(app):
    app.build()
    found = dropdowns(app)
    assert not found["Show the solution"].has_attr("open")
    assert found["Hint"].has_attr("open")


@pytest.mark.sphinx("text", testroot="details")
def test_the_text_builder_prints_the_solution_unfolded(app):
    app.build()
    text = (app.outdir / "index.txt").read_text(encoding="utf-8")
    assert "Show the **solution**" in text  # the title, as the text builder writes bold
    assert "The burger count doubles." in text
    assert "Turn the knob a little." in text
