"""book.stylesheets: a page links MyST-NB's stylesheet without its ANSI colour rules, where it
linked MyST-NB's own, and the site has it."""

import re

import pytest


@pytest.mark.sphinx("html", testroot="glue-math",
                    confoverrides={"extensions": ["myst_nb", "book.stylesheets"]})
def test_a_page_links_myst_nbs_stylesheet_without_ansi_colours(app):
    app.build()
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<link rel="stylesheet" type="text/css" href="_static/([^"?]+)', html)
    assert "mystnb-book.css" in links and not [name for name in links if name.startswith("mystnb.")]
    css = (app.outdir / "_static" / "mystnb-book.css").read_text(encoding="utf-8")
    assert "div.container.cell" in css and ".-Color" not in css
    assert len(css) < 12_000  # of MyST-NB's 43 KB
