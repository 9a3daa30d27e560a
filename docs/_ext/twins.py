"""Twin pages: each page exists in every language, with the same code and the same live numbers.

The prose is translated; the code is not.  Two twins must run the same program, so their
code cells must match token for token once comments and string literals (the parts a
translator changes) are set aside, and their text must cite the same glued numbers.
(That each cited key is glued is checked when the page executes: see glue_math.py.)
"""

import io
import re
import tokenize
from pathlib import Path

from markdown_it import MarkdownIt

_BLOCKS = MarkdownIt("commonmark")
_OPTION = re.compile(r":[\w-]+:")

# Keys cited by prose: {glue:text}`key:fmt`, {glue}`key`, and \glue{key} in {glue-math}.
CITED = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)(?::[^`]*)?`|\\glue\{([^}:]+)(?::[^}]*)?\}")


def pages(folder: Path) -> set[str]:
    """The page files of one language, relative to its folder (``_``-prefixed ones are not pages)."""
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*.md")
        if not any(part.startswith("_") for part in p.relative_to(folder).parts)
    }


def code_cells(path: Path) -> list[str]:
    """Source of each code cell of a MyST notebook page: the top-level ```{code-cell} fences
    (as MyST-NB reads them), without their options (``:tags: ...`` lines or a ``---`` block)."""
    cells = []
    for token in _BLOCKS.parse(path.read_text(encoding="utf-8")):
        if token.type == "fence" and token.level == 0 and token.info.startswith("{code-cell}"):
            lines = token.content.splitlines()
            if lines and lines[0].strip() == "---":
                lines = lines[lines.index("---", 1) + 1:] if "---" in lines[1:] else lines
            while lines and _OPTION.match(lines[0]):
                lines.pop(0)
            cells.append("\n".join(lines).strip("\n"))
    return cells


def code_tokens(source: str) -> list[str]:
    """The tokens of a cell, without comments, and with every string literal as ``STR``."""
    layout = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
              tokenize.DEDENT, tokenize.ENDMARKER}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return source.split()  # not Python the tokenizer understands: compare it as words
    out, depth = [], 0  # depth > 0 inside an f-string, which Python 3.12+ splits up
    for t in tokens:
        name = tokenize.tok_name[t.type]
        if name == "FSTRING_START":
            depth += 1
        elif name == "FSTRING_END":
            depth -= 1
            if depth == 0:
                out.append("STR")
        elif depth == 0 and t.type not in layout:
            out.append("STR" if t.type == tokenize.STRING else t.string)
    return out


def cited_keys(path: Path) -> set[str]:
    """Keys the page's prose and formulas cite."""
    return {a or b for a, b in CITED.findall(path.read_text(encoding="utf-8"))}


def mismatches(folders: dict[str, Path], names: set[str] | None = None) -> list[str]:
    """Every way the languages' twin pages differ, each naming the files involved: pages
    without a twin, and the code and cited keys of the twins ``names`` (every page if None)."""
    (lang_a, a), (lang_b, b) = list(folders.items())[:2]
    problems = []
    pages_a, pages_b = pages(a), pages(b)
    for name in sorted(pages_a - pages_b):
        problems.append(f"{a / name} has no {lang_b} twin: expected {b / name}")
    for name in sorted(pages_b - pages_a):
        problems.append(f"{b / name} has no {lang_a} twin: expected {a / name}")
    both = pages_a & pages_b
    for name in sorted(both if names is None else both & names):
        pa, pb = a / name, b / name
        cells_a, cells_b = code_cells(pa), code_cells(pb)
        if len(cells_a) != len(cells_b):
            problems.append(f"{pa} has {len(cells_a)} code cells but {pb} has {len(cells_b)}")
        for i, (ca, cb) in enumerate(zip(cells_a, cells_b), start=1):
            if code_tokens(ca) != code_tokens(cb):
                problems.append(f"code cell {i} differs between {pa} and {pb} "
                                "(comments and strings aside)")
        only_a, only_b = sorted(cited_keys(pa) - cited_keys(pb)), sorted(cited_keys(pb) - cited_keys(pa))
        if only_a or only_b:
            problems.append(f"the glue keys cited by {pa} and {pb} differ: "
                            f"only in {lang_a}: {only_a}, only in {lang_b}: {only_b}")
    return problems
