"""Twin pages: each page exists in every language, with the same code and the same live numbers.

The prose is translated; the code is not.  Two twins must run the same program, so their
code cells must match token for token once comments and string literals (the parts a
translator changes) are set aside, and their text must cite the same glued numbers.
(That each cited key is glued is checked when the page executes: see glue_math.py.)

As a Sphinx extension, it fails the build (a warning, and warnings are errors) when a
page has no twin, or when a page the build reads differs from its twin.
"""

import io
import re
import tokenize
from pathlib import Path

from myst_nb.core.read import read_myst_markdown_notebook
from sphinx.util import logging

from book.languages import LANGUAGES

logger = logging.getLogger(__name__)

# Keys cited by prose: {glue:text}`key:fmt`, {glue}`key`, and \glue{key} in {glue-math}.
CITED = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)(?::[^`]*)?`|\\glue\{([^}:]+)(?::[^}]*)?\}")


def pages(folder: Path) -> set[str]:
    """The page files of one language, relative to its folder (``_``-prefixed ones are not pages)."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*.md")
            if not any(part.startswith("_") for part in p.relative_to(folder).parts)}


def code_cells(path: Path) -> list[str]:
    """The source of each code cell of a page, as MyST-NB reads it."""
    notebook = read_myst_markdown_notebook(path.read_text(encoding="utf-8"))
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def code_tokens(source: str) -> list[str]:
    """The tokens of a cell, without comments, and with every string literal as ``STR``."""
    layout = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
              tokenize.DEDENT, tokenize.ENDMARKER}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return source.split()  # not Python the tokenizer understands: compare it as words
    out, depth = [], 0  # depth > 0 inside an f-string, which Python 3.12+ splits into tokens
    for t in tokens:
        name = tokenize.tok_name[t.type]
        if name == "FSTRING_START":
            depth += 1
        elif name == "FSTRING_END":
            depth -= 1
            out += ["STR"] if depth == 0 else []
        elif depth == 0 and t.type not in layout:
            out.append("STR" if t.type == tokenize.STRING else t.string)
    return out


def cited_keys(path: Path) -> set[str]:
    """Keys the page's prose and formulas cite."""
    return {a or b for a, b in CITED.findall(path.read_text(encoding="utf-8"))}


def mismatches(folders: dict[str, Path], names: set[str] | None = None) -> list[str]:
    """Every way the languages' twin pages differ, each naming the files involved: pages
    without a twin, and the code and cited keys of the twins ``names`` (every page if None).
    ``folders``: each language's pages, by the language's name."""
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


def check_twins(app, env, docnames):
    """Every page has its twin; the pages about to be read are twins of theirs.  (A page
    left unread was checked when it was last read: an edit of its twin has the twin's
    language read the twin.  A failed build reads every page again: see the Makefile.)"""
    docs = Path(app.srcdir).parent
    folders = {language.code: docs / language.folder for language in LANGUAGES}
    names = {Path(env.doc2path(docname)).relative_to(app.srcdir).as_posix() for docname in docnames}
    for problem in mismatches(folders, names):
        logger.warning(problem, type="book", subtype="twins")


def setup(app):
    app.connect("env-before-read-docs", check_twins)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
