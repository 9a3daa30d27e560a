"""Live numbers inside formulas.

MyST-NB's ``{glue:text}`` puts a number computed by the page's code into prose, but not
into a formula.  The ``glue-math`` role and directive are math in which ``\\glue{key}``
(or ``\\glue{key:.1f}``) stands for the glued value, so a derivation such as
``2(y - y_target) = 2 \\cdot (\\glue{y} - \\glue{target}) = \\glue{dloss_dy}`` follows
the code.  A key that no cell glued is an error naming the key and the page.
"""

import re

from docutils import nodes
from myst_nb.core.variables import RetrievalError, format_plain_text
from myst_nb.ext.glue.utils import retrieve_glue_data
from sphinx.directives.patches import MathDirective
from sphinx.util.docutils import SphinxRole

PLACEHOLDER = re.compile(r"\\glue\{([^}:]+)(?::([^}]*))?\}")


class GlueKeyError(Exception):
    """A formula cites a key that the page's code did not glue."""


def fill(latex: str, document: nodes.document) -> str:
    """Replace each ``\\glue{key[:format]}`` in ``latex`` with the page's glued value."""

    def value(match: re.Match) -> str:
        key, fmt = match.group(1).strip(), match.group(2) or ""
        try:
            data = retrieve_glue_data(document, key).data
        except RetrievalError as exc:
            raise GlueKeyError(f"glue key {key!r} is not glued by any cell of this page") from exc
        if "text/plain" not in data:
            raise GlueKeyError(f"glue key {key!r} has no text/plain value to put in a formula")
        return format_plain_text(data["text/plain"], fmt)

    return PLACEHOLDER.sub(value, latex)


class GlueMathRole(SphinxRole):
    """Inline math with live numbers: {glue-math}`u = \\glue{u}`."""

    def run(self):
        try:
            latex = fill(self.text, self.inliner.document)
        except GlueKeyError as exc:
            msg = self.inliner.reporter.error(str(exc), line=self.lineno)
            return [self.inliner.problematic(self.rawtext, self.rawtext, msg)], [msg]
        return [nodes.math(self.rawtext, latex)], []


class GlueMathDirective(MathDirective):
    """Display math with live numbers, as ```{glue-math} ... ``` blocks."""

    def run(self):
        try:
            self.content = [fill(line, self.state.document) for line in self.content]
            self.arguments = [fill(arg, self.state.document) for arg in self.arguments]
        except GlueKeyError as exc:
            return [self.state.document.reporter.error(str(exc), line=self.lineno)]
        return super().run()


def setup(app):
    app.add_role("glue-math", GlueMathRole())
    app.add_directive("glue-math", GlueMathDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
