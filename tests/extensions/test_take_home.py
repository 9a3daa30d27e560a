"""book.take_home: a notebook page has a line under its title linking to two downloads,
its notebook and its source, both in the output; the notebook runs in plain Jupyter: no
hidden (remove-cell) cells, the glued values written into the text, and MyST-only syntax
turned into Markdown and HTML.

station.md is a MyST notebook that the build executes (a kernel: about a second);
notebook.ipynb is the same page as an already executed notebook.
"""

import nbformat
import pytest
from bs4 import BeautifulSoup

TAKE_HOME = pytest.mark.sphinx("html", testroot="take-home")


def take_home_links(app, page: str) -> list[str]:
    soup = BeautifulSoup((app.outdir / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    return [a["href"] for line in soup.select("p.book-take-home") for a in line.find_all("a")]


def downloaded(app, page: str) -> nbformat.NotebookNode:
    return nbformat.read(app.outdir / "_notebooks" / f"{page}.ipynb", as_version=4)


def markdown(notebook) -> str:
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


@TAKE_HOME
def test_a_notebook_page_has_the_take_home_line_under_its_title(app):
    app.build()
    soup = BeautifulSoup((app.outdir / "station.html").read_text(encoding="utf-8"), "html.parser")
    title = soup.find("h1")
    assert "book-take-home" in title.find_next_sibling().get("class", [])


@TAKE_HOME
def test_the_take_home_line_links_to_the_notebook_and_the_source_both_written(app):
    app.build()
    assert take_home_links(app, "station") == ["_notebooks/station.ipynb", "_notebooks/station.md"]
    for href in take_home_links(app, "station"):
        assert (app.outdir / href).is_file(), href


@TAKE_HOME
def test_a_page_that_is_not_a_notebook_has_no_take_home_line(app):
    app.build()
    assert take_home_links(app, "index") == []
    assert not (app.outdir / "_notebooks" / "index.ipynb").exists()


@TAKE_HOME
def test_the_downloaded_source_is_the_page_s_source(app):
    app.build()
    source = (app.srcdir / "station.md").read_bytes()
    assert (app.outdir / "_notebooks" / "station.md").read_bytes() == source


@TAKE_HOME
def test_the_downloaded_notebook_has_no_remove_cell_cells(app):
    app.build()
    cells = downloaded(app, "station").cells
    assert not [c for c in cells if "remove-cell" in c.metadata.get("tags", [])]
    assert not [c for c in cells if "glue(" in c.source]  # the hidden cell's code is not there


@TAKE_HOME
def test_the_downloaded_notebook_keeps_the_outputs_of_the_build(app):
    app.build()
    printing = [c for c in downloaded(app, "station").cells
                if c.cell_type == "code" and "print(" in c.source]
    assert printing and any("burgers:" in o.get("text", "") for o in printing[0].outputs)


@TAKE_HOME
def test_the_downloaded_notebook_has_the_glued_values_written_in(app):
    app.build()
    # station.md glues w * 2.5 with w = 3.0, cited as {glue:text}`burgers:.2f`
    assert f"makes {3.0 * 2.5:.2f} burgers" in markdown(downloaded(app, "station"))


@TAKE_HOME
def test_the_downloaded_notebook_has_no_myst_only_syntax(app):
    app.build()
    text = markdown(downloaded(app, "station"))
    assert "{glue" not in text and ":::" not in text, text
    assert "<details>" in text and "<summary>Solution</summary>" in text, text  # the dropdown
    assert "Double the knob." in text


@TAKE_HOME
def test_an_ipynb_page_s_downloaded_notebook_is_the_reader_s_notebook(app):
    app.build()
    notebook = downloaded(app, "notebook")
    assert not [c for c in notebook.cells if "remove-cell" in c.metadata.get("tags", [])]
    assert "{glue" not in markdown(notebook)


@TAKE_HOME
def test_an_ipynb_page_s_links_lead_to_different_files(app):
    app.build()
    links = take_home_links(app, "notebook")
    assert links and len(set(links)) == len(links), links
