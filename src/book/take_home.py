"""Take the code home: each notebook page (every station) can be downloaded as a Jupyter
notebook holding this build's outputs, and as its MyST source, from a line under its title.

The downloaded notebook runs as it is in Jupyter, away from this repository:

- the page's hidden cells (tagged ``remove-cell``: its self-checks and its ``glue`` calls)
  are left out;
- the live numbers are written into the text, and MyST syntax that Jupyter does not know
  becomes Markdown it does (formulas as ``$...$``, solutions as folded ``<details>``,
  cross-references as plain text or links to the web page);
- if the remaining code imports a package of this repository (``burger_factory``, from
  ``src/``), a first, folded cell defines that package from its source.

MyST-NB's own ``{nb-download}`` role offers the executed notebook as MyST-NB wrote it, hidden
cells, ``{glue}`` roles and all, which does not run without ``src/``: hence this extension.
Files go to ``<html>/_notebooks/<page>.ipynb`` and ``<page>.md``.
"""

import html
import importlib.util
import json
import re
import shutil
from pathlib import Path

import nbformat
from docutils import nodes
from myst_nb.core.variables import format_plain_text

from book.glue_math import PLACEHOLDER
from book.patches import coalesce_streams, executed_notebook

FOLDER = "_notebooks"

LABELS = {  # by the first part of the language's code
    "zh": {"lead": "把这一站带回家：", "notebook": "Jupyter 笔记本（.ipynb）",
           "source": "MyST 源文件（.md）", "sep": " · ",
           "from": "本笔记本下载自《汉堡工厂》的这一页：{url}\n\n"
                   "里面的输出来自构建网站时的那次运行。选择“全部运行”（Run All），"
                   "就能在你自己的电脑上重新算一遍；改一改旋钮的值，看看数字怎样跟着变化。",
           "web_only": "（这里有一段内容只在网页上显示：{url}）",
           "package": "下面这个折叠起来的单元格定义了本书的小工具包 `{name}`"
                      "（在本书代码仓库的 `{path}/` 里），这样本笔记本不依赖仓库也能运行。"},
    "en": {"lead": "Take this station home: ", "notebook": "Jupyter notebook (.ipynb)",
           "source": "MyST source (.md)", "sep": " · ",
           "from": "This notebook was downloaded from this page of *The Burger Factory*: {url}\n\n"
                   "Its outputs are those of the run that built the site. Run All to compute "
                   "them again on your own machine; change a knob and watch the numbers follow.",
           "web_only": "(This part is shown on the web page: {url})",
           "package": "The folded cell below defines the book's small helper package `{name}` "
                      "(in the book's repository under `{path}/`), so that this notebook runs "
                      "without the repository."},
}


def labels(language: str) -> dict:
    return LABELS.get((language or "en").split("_")[0], LABELS["en"])


# -- The notebook a reader takes home ---------------------------------------------------------

ROLE = re.compile(r"\{([\w:.-]+)\}`([^`]*)`")
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>:{3,}|`{3,})\{(?P<name>[\w:.-]+)\}(?P<arg>.*)$")
ADMONITIONS = {"note", "tip", "hint", "important", "warning", "caution", "attention",
               "danger", "error", "seealso", "admonition"}


class Page:
    """What converting one page's Markdown needs: its glued values, its URL, the URLs of
    the pages it links to, and its language's strings."""

    def __init__(self, glue: dict, url: str, doc_urls: dict, titles: dict, strings: dict):
        self.glue, self.url, self.doc_urls, self.titles, self.strings = (
            glue, url, doc_urls, titles, strings)
        self.attachments = {}  # of the markdown cell being converted

    def value(self, key: str, fmt: str = "") -> str:
        data = self.glue[key.strip()]["data"]
        return format_plain_text(data["text/plain"], fmt)

    def figure(self, key: str) -> str | None:
        """A glued SVG figure (the book's kind) as an attachment of the markdown cell
        (Jupyter's own way to carry a picture in text): its name, or None for no figure."""
        key = key.strip()
        data = self.glue.get(key, {}).get("data", {})
        svg = data.get("image/svg+xml") or data.get("text/html") or ""
        svg = re.search(r"<svg\b.*</svg>", "".join(svg), flags=re.S)
        if svg is None:
            return None
        # On its own, as an image: a white ground, whatever the notebook's theme.
        svg = re.sub(r"(<svg\b[^>]*>)", r'\1<rect width="100%" height="100%" fill="white"/>',
                     svg.group(0), count=1)
        self.attachments[f"{key}.svg"] = {"image/svg+xml": svg}
        return f"{key}.svg"

    def math(self, latex: str) -> str:
        return PLACEHOLDER.sub(lambda m: self.value(m.group(1), m.group(2) or ""), latex)


def convert_roles(text: str, page: Page) -> str:
    """MyST roles as Jupyter Markdown: live numbers written in, references as text or links."""

    def role(match: re.Match) -> str:
        name, content = match.group(1), match.group(2)
        titled = re.fullmatch(r"(.*?)\s*<([^>]+)>", content, flags=re.S)
        title, target = (titled.group(1), titled.group(2)) if titled else (None, content)
        if name in ("glue", "glue:text", "glue:any", "glue:md"):
            key, _, fmt = content.partition(":")
            return page.value(key, fmt if name == "glue:text" else "")
        if name == "glue-math":
            return f"${page.math(content)}$"
        if name == "math":
            return f"${content}$"
        if name == "doc":
            target = target.removesuffix(".md")
            text = title or page.titles.get(target, target)
            return f"[{text}]({page.doc_urls[target]})" if target in page.doc_urls else text
        return title or content  # term, ref, abbr...: the words themselves

    return ROLE.sub(role, text)


def directive_end(lines: list[str], start: int, fence: str) -> int:
    for i in range(start + 1, len(lines)):
        if lines[i].strip() == fence:
            return i
    return len(lines)


def convert_markdown(text: str, page: Page) -> str:
    """A markdown cell of a MyST page as Markdown that Jupyter renders."""
    lines, out, i = text.split("\n"), [], 0
    while i < len(lines):
        line = lines[i]
        opening = FENCE.match(line)
        if re.match(r"^\s*\(\S+\)=\s*$", line) or re.match(r"^\s*%", line):
            i += 1  # a target label or a MyST comment
            continue
        plain = re.match(r"^\s*(`{3,}|~{3,})(?!.*\{)", line)
        if plain:  # a code block: its text as it is
            end = directive_end(lines, i, plain.group(1))
            out.extend(lines[i:end + 1])
            i = end + 1
            continue
        if not opening:
            out.append(convert_roles(line, page))
            i += 1
            continue
        indent, fence = opening.group("indent"), opening.group("fence")
        name, arg = opening.group("name"), opening.group("arg").strip()
        end = directive_end(lines, i, fence)
        body = [b[len(indent):] if b.startswith(indent) else b.lstrip() for b in lines[i + 1:end]]
        while body and re.match(r"^:[\w-]+:", body[0]):
            body.pop(0)  # the directive's options
        inner = convert_markdown("\n".join(body), page).strip("\n")
        if name in ("glue-math", "math"):
            latex = page.math(inner) if name == "glue-math" else inner
            block = ["$$", latex, "$$"]
        elif name == "dropdown":
            block = ["<details>", f"<summary>{html.escape(convert_roles(arg, page))}</summary>",
                     "", inner, "", "</details>"]
        elif name in ADMONITIONS:
            title = convert_roles(arg, page) or name.capitalize()
            block = [f"> **{title}**", ">", *[f"> {b}".rstrip() for b in inner.split("\n")]]
        elif name == "toctree":
            block = []
        elif name == "glue:figure" and (attachment := page.figure(arg)):
            block = [f"![{arg}](attachment:{attachment})", "", inner]
        else:  # a figure, a diagram...: the web page shows it
            block = [f"*{page.strings['web_only'].format(url=page.url)}*"]
        out.extend(f"{indent}{b}" if b else "" for b in "\n".join(block).split("\n"))
        i = end + 1
    return "\n".join(out)


def package_cell(name: str, folder: Path) -> str:
    """Code that makes the package ``name`` importable from the sources in ``folder``
    carried in the cell itself (an importer of its own: Python imports each module the
    first time it is asked for, in whatever order the modules import each other)."""
    def literal(source: str) -> str:  # the source as written, readable in the cell
        if "'''" not in source and not source.endswith("\\"):
            return ("r" if "\\" in source else "") + "'''" + source + "'''"
        return repr(source)

    modules = ",\n".join(
        f'    "{name if p.stem == "__init__" else f"{name}.{p.stem}"}": {literal(p.read_text(encoding="utf-8"))}'
        for p in sorted(folder.glob("*.py")))
    return (f"# The book's helper package {name}, defined from its source so that this\n"
            f"# notebook runs on its own: the same as `import {name}` in the book's repository.\n"
            "import importlib.abc\nimport importlib.util\nimport sys\n\n"
            f"SOURCES = {{\n{modules},\n}}\n\n\n"
            "class FromSources(importlib.abc.MetaPathFinder, importlib.abc.Loader):\n"
            "    def find_spec(self, fullname, path, target=None):\n"
            "        if fullname in SOURCES:\n"
            f"            return importlib.util.spec_from_loader(fullname, self, is_package=fullname == \"{name}\")\n\n"
            "    def exec_module(self, module):\n"
            "        exec(compile(SOURCES[module.__name__], f\"<{module.__name__}>\", \"exec\"), module.__dict__)\n\n\n"
            "sys.meta_path.insert(0, FromSources())\n")


def reader_notebook(executed: nbformat.NotebookNode, page: Page,
                    packages: dict[str, Path]) -> nbformat.NotebookNode:
    """The notebook a reader downloads, from the one this build executed."""
    cells = []
    for cell in executed.cells:
        if "remove-cell" in cell.get("metadata", {}).get("tags", []):
            continue
        cell = nbformat.from_dict(cell)
        if cell.cell_type == "markdown":
            page.attachments = {}
            cell.source = convert_markdown(cell.source, page).strip("\n")
            if page.attachments:
                cell.attachments = page.attachments
        cells.append(cell)
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    prelude = [nbformat.v4.new_markdown_cell(page.strings["from"].format(url=page.url))]
    for name, folder in packages.items():
        if re.search(rf"\b(import|from)\s+{name}\b", code):
            path = folder.relative_to(folder.parents[1]).as_posix()
            prelude.append(nbformat.v4.new_markdown_cell(
                page.strings["package"].format(name=name, path=path)))
            prelude.append(nbformat.v4.new_code_cell(
                package_cell(name, folder),
                metadata={"jupyter": {"source_hidden": True}, "tags": ["take-home-package"]}))
    notebook = nbformat.v4.new_notebook(
        cells=prelude + cells,
        metadata={k: executed.metadata[k] for k in ("kernelspec", "language_info")
                  if k in executed.metadata})
    count = 0
    for i, cell in enumerate(notebook.cells):
        cell.id = f"cell-{i}"  # stable ids: the same sources give the same file
        if cell.cell_type == "code":
            # One stream output per stream, as the page shows them (nb_merge_streams): how
            # a run's printing was split into messages depends on timing, not on the code.
            cell.outputs = coalesce_streams(cell.outputs)
        if cell.cell_type == "code" and cell.get("execution_count") is not None:
            count += 1
            cell.execution_count = count
            for output in cell.outputs:
                if "execution_count" in output:
                    output.execution_count = count
    nbformat.validate(notebook)
    return notebook


# -- Sphinx ---------------------------------------------------------------------------------

def is_notebook(app, docname: str) -> bool:
    return "kernelspec" in app.env.metadata.get(docname, {})


def new_list_of_pages(app):
    app.take_home_pages = set()  # the notebook pages this build writes (add_links)


def add_links(app, doctree, docname):
    """The line under the page's title, linking to both downloads (written with the page:
    ``write_downloads``)."""
    if app.builder.format != "html" or not is_notebook(app, docname):
        return
    app.take_home_pages.add(docname)
    up = "../" * docname.count("/")
    text, name = labels(app.config.language), docname.rsplit("/", 1)[-1]
    source_suffix = Path(app.env.doc2path(docname)).suffix

    def link(suffix, label):
        href = html.escape(f"{up}{FOLDER}/{docname}{suffix}")
        return f'<a class="reference download" href="{href}" download="{name}{suffix}">{label}</a>'

    links = [link(".ipynb", text["notebook"])]
    if source_suffix != ".ipynb":  # a notebook page's source is a notebook: the one above
        links.append(link(source_suffix, text["source"]))
    raw = nodes.raw("", f'<p class="book-take-home">{html.escape(text["lead"])}'
                        f'{text["sep"].join(links)}</p>\n', format="html")
    section = doctree.next_node(nodes.section)
    if section is not None and section.children and isinstance(section[0], nodes.title):
        section.insert(1, raw)
    else:
        doctree.insert(0, raw)


def write_downloads(app, exception):
    """The downloads of the pages this build wrote (Sphinx writes a page again when it or
    what it shows changed), and none of a page that is gone or no longer a notebook."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir) / FOLDER
    notebooks = {docname for docname in app.env.found_docs if is_notebook(app, docname)}
    for file in list(out.rglob("*")) if out.is_dir() else []:
        if file.is_file() and file.relative_to(out).with_suffix("").as_posix() not in notebooks:
            file.unlink()
    executed = Path(app.env.mystnb_config.output_folder)
    base = app.config.html_baseurl
    doc_urls = {d: base + app.builder.get_target_uri(d) for d in app.env.found_docs}
    titles = {d: t.astext() for d, t in app.env.titles.items()}
    packages = {name: Path(importlib.util.find_spec(name).submodule_search_locations[0])
                for name in app.config.take_home_packages}
    for docname in sorted(app.take_home_pages & notebooks):
        ipynb = executed / f"{docname}.ipynb"
        if not ipynb.is_file():
            continue
        glue_file = executed / f"{docname}.glue.json"
        glue = json.loads(glue_file.read_text(encoding="utf-8")) if glue_file.is_file() else {}
        page = Page(glue, doc_urls[docname], doc_urls, titles, labels(app.config.language))
        notebook = reader_notebook(executed_notebook(app, ipynb), page, packages)
        target = out / f"{docname}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)
        source = Path(app.env.doc2path(docname))
        if source.suffix != ".ipynb":
            shutil.copyfile(source, out / f"{docname}{source.suffix}")


def setup(app):
    # This repository's packages, by name, whose source a downloaded notebook carries when
    # its code imports them.
    app.add_config_value("take_home_packages", [], "html", types=[list])
    app.connect("builder-inited", new_list_of_pages)
    app.connect("doctree-resolved", add_links)
    app.connect("build-finished", write_downloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
