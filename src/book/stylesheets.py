"""The pages load the CSS the book uses: MyST-NB's stylesheet without its rules for ANSI
colours in outputs.

Those rules (the 256 colours a terminal may ask for) are four fifths of MyST-NB's 43 KB,
loaded by every page; the book's outputs never have colour (its kernels print none:
``InteractiveShell.colors = "nocolor"``, and a traceback fails the build).  The pages link
``mystnb-book.css``, the rest of MyST-NB's stylesheet, instead of MyST-NB's own file (which
MyST-NB still copies into the site, unlinked).
"""

import importlib.resources
import re
from pathlib import Path

NAME = "mystnb-book.css"
ANSI = re.compile(r"div\.highlight \.-Color[^{]*\{[^}]*\}\s*")


def lighter(css: str) -> str:
    """A stylesheet without its ANSI colour rules.

    >>> lighter("div.cell { margin: 0; }\\ndiv.highlight .-Color-Red { color: red; }\\n")
    'div.cell { margin: 0; }\\n'
    """
    return ANSI.sub("", css)


def link_lighter(app, pagename, templatename, context, doctree):
    """The page links the lighter stylesheet (added below) and not MyST-NB's."""
    context["css_files"] = [css for css in context.get("css_files", [])
                            if not getattr(css, "filename", str(css)).startswith("_static/mystnb.")]


def write_lighter(app):
    if app.builder.format != "html":
        return
    from myst_nb import static

    css = lighter((importlib.resources.files(static) / "mystnb.css").read_text(encoding="utf-8"))
    target = Path(app.outdir) / "_static" / NAME
    if not target.is_file() or target.read_text(encoding="utf-8") != css:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(css, encoding="utf-8")


def setup(app):
    app.add_css_file(NAME)
    app.connect("builder-inited", write_lighter)  # before any page links it
    app.connect("html-page-context", link_lighter)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
