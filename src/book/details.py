"""Folded solutions: the ``dropdown`` directive, written as the browser's own <details>.

An exercise's solution stays folded until the reader opens it.  <details> needs no script
and a few lines of CSS (reader.css), where sphinx-design's dropdown added 62 KB of CSS and
JavaScript to every page.  The syntax is sphinx-design's: ``:::{dropdown} Title``.
"""

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective


class details(nodes.General, nodes.Element):
    pass


class summary(nodes.General, nodes.TextElement):
    pass


class Dropdown(SphinxDirective):
    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {"open": directives.flag}

    def run(self):
        node = details(open="open" in self.options)
        self.set_source_info(node)
        title, messages = self.parse_inline(self.arguments[0] if self.arguments else "")
        node += summary("", "", *title)
        node += self.parse_content_to_nodes()
        return [node, *messages]


def visit_details(self, node):
    self.body.append(self.starttag(node, "details", **({"open": "open"} if node["open"] else {})))


def visit_summary(self, node):
    self.body.append(self.starttag(node, "summary", ""))


def skip(self, node):  # other formats: the solution, unfolded
    pass


def setup(app):
    app.add_node(details, html=(visit_details, lambda self, node: self.body.append("</details>\n")),
                 latex=(skip, skip), text=(skip, skip), man=(skip, skip), texinfo=(skip, skip))
    app.add_node(summary, html=(visit_summary, lambda self, node: self.body.append("</summary>\n")),
                 latex=(skip, skip), text=(skip, skip), man=(skip, skip), texinfo=(skip, skip))
    app.add_directive("dropdown", Dropdown)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
