"""Line breaks inside Chinese sentences do not become spaces.

Browsers render a source line break as a space, which is right between English words but
shows as a stray gap between two Chinese characters ("做成 肉饼").  Authors may wrap Chinese
paragraphs freely: a break with Chinese on both sides is removed from the text.
"""

import re

from docutils import nodes
from sphinx.transforms import SphinxTransform

CJK = r"\u2018-\u201d\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"  # ideographs, “”, full-width punctuation
BREAK = re.compile(rf"(?<=[{CJK}])[ \t]*\n[ \t]*(?=[{CJK}])")
IS_CJK = re.compile(rf"[{CJK}]")
SKIP = (nodes.literal_block, nodes.literal, nodes.math, nodes.math_block, nodes.raw)


def index_in_parent(text: nodes.Text) -> int:
    # By identity: Text is a str, and list.index() or .remove() would take the first "\n".
    return next(k for k, node in enumerate(text.parent.children) if node is text)


def chinese_on_both_sides(softbreak: nodes.Text) -> bool:
    """Whether a line break standing alone (MyST's soft break) sits between Chinese text."""
    siblings = softbreak.parent.children
    i = index_in_parent(softbreak)
    if i == 0 or i == len(siblings) - 1:
        return False
    left, right = siblings[i - 1].astext()[-1:], siblings[i + 1].astext()[:1]
    return bool(left and right and IS_CJK.match(left) and IS_CJK.match(right))


class JoinChineseLines(SphinxTransform):
    default_priority = 900

    def apply(self):
        if not (self.config.language or "").startswith("zh"):
            return
        for text in list(self.document.findall(nodes.Text)):
            if isinstance(text.parent, SKIP):
                continue
            if not text.strip() and "\n" in text:
                if chinese_on_both_sides(text):
                    del text.parent[index_in_parent(text)]
                continue
            joined = BREAK.sub("", text)
            if joined != text:
                text.parent[index_in_parent(text)] = nodes.Text(joined)


def setup(app):
    app.add_transform(JoinChineseLines)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
