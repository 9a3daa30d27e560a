"""No stray spaces between Chinese characters: line breaks inside Chinese sentences, and
the spaces Markdown needs around bold text, do not show.

Browsers render a source line break as a space, which is right between English words but
shows as a stray gap between two Chinese characters ("做成 肉饼").  Authors may wrap Chinese
paragraphs freely, also next to bold text or a link.  And CommonMark closes bold text that
ends in Chinese punctuation only when a space follows it (``**运行两遍。** 不重新……``).
Whitespace with Chinese on both sides, within a node's text or across the edges of inline
markup, is removed from the text.
"""

import re

from docutils import nodes
from sphinx.transforms import SphinxTransform

CJK = r"\u2018-\u201d\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"  # ideographs, “”, full-width punctuation
GAP = re.compile(rf"(?<=[{CJK}])[ \t\n]+(?=[{CJK}])")
SKIP = (nodes.literal_block, nodes.literal, nodes.math, nodes.math_block, nodes.raw)


def index_in_parent(text: nodes.Text) -> int:
    # By identity: Text is a str, and list.index() would take the first equal string.
    return next(k for k, node in enumerate(text.parent.children) if node is text)


def edge(siblings: list[nodes.Node], last: bool) -> str:
    """The last (or first) character of the text of these sibling nodes."""
    for node in reversed(siblings) if last else siblings:
        if text := node.astext():
            return text[-1] if last else text[0]
    return ""


class JoinChineseLines(SphinxTransform):
    default_priority = 900

    def apply(self):
        if not (self.config.language or "").startswith("zh"):
            return
        for text in list(self.document.findall(nodes.Text)):
            if isinstance(text.parent, SKIP) or not text:
                continue
            i = index_in_parent(text)
            siblings = text.parent.children
            before, after = edge(siblings[:i], last=True), edge(siblings[i + 1:], last=False)
            # The characters on either side join the search, and are never removed: a gap
            # needs Chinese before and after it.
            joined = GAP.sub("", before + text + after)[len(before):]
            joined = joined[:len(joined) - len(after)]
            if joined != text:
                text.parent[i] = nodes.Text(joined)


def setup(app):
    app.add_transform(JoinChineseLines)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
