"""What readers and authors expect of a learning site, in both languages: each station can be
taken home as a notebook that runs on its own, copy buttons copy code only, every station ends
with exercises whose solutions stay folded, a glossary that the stations link to, pages that
search engines and link previews understand (descriptions, Open Graph, hreflang, canonical
URLs from one setting, sitemaps, 404 pages), "edit this page" links, and hosting that
publishes exactly what `make html` builds."""

import functools
import importlib.metadata
import importlib.util
import os
import re
import runpy
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbclient import NotebookClient
from project import FOLDERS as LANGS
from project import (HREFLANG, MOVED_BASEURL, ROOT, SITE_URL, STATIONS, built_by_read_the_docs, published,
                     turned_copy)

BASE = SITE_URL  # conf.py's html_baseurl when BOOK_BASEURL is unset
REPOSITORY = "https://github.com/burger-factory/burger-factory"  # conf.py's source_repository
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# What each language calls things: the download line, the exercises, their solutions.
WORDS = {
    "zh": {"take_home": "把这一站带回家", "notebook": "Jupyter 笔记本", "source": "MyST 源文件",
           "exercises": "练习", "solution": "参考答案", "glossary": "术语表",
           "not_found": "页面不存在"},
    "en": {"take_home": "Take this station home", "notebook": "Jupyter notebook",
           "source": "MyST source", "exercises": "Exercises", "solution": "Solution",
           "glossary": "Glossary", "not_found": "Page not found"},
}
# Each glossary entry's names in both languages, and the station that introduces it.
TERMS = {
    ("参数", "parameter"): "1-factory", ("张量", "tensor"): "1-factory",
    ("复合函数", "composite function"): "1-factory", ("导数", "derivative"): "2-chain-rule",
    ("偏导数", "partial derivative"): "2-chain-rule", ("链式法则", "chain rule"): "2-chain-rule",
    ("梯度", "gradient"): "2-chain-rule", ("损失函数", "loss function"): "3-error-and-backprop",
    ("前向传播", "forward pass"): "3-error-and-backprop",
    ("反向传播", "backpropagation"): "3-error-and-backprop",
    ("计算图", "computational graph"): "5-backward-by-hand",
    ("上游梯度", "upstream gradient"): "5-backward-by-hand",
    ("局部导数", "local derivative"): "5-backward-by-hand",
    ("叶子张量", "leaf tensor"): "5-backward-by-hand",
    ("多元链式法则", "multivariable chain rule"): "5b-when-paths-fork",
    ("误差", "error"): "3-error-and-backprop",
    ("梯度下降", "gradient descent"): "6-the-factory-learns",
    ("学习率", "learning rate"): "6-the-factory-learns",
}
IN_TEXT = {"前向传播": "正向传播"}  # the name a station uses, where the glossary lists both


@functools.lru_cache(maxsize=None)  # parsed once for all the tests, which only read it
def soup(site: Path, lang: str, name: str) -> BeautifulSoup:
    return BeautifulSoup((site / lang / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def doc_pages(lang: str) -> list[str]:
    """Every page of a language that has a source, the 404 page aside."""
    return sorted(p.stem for p in (ROOT / "docs" / lang).glob("*.md") if p.stem != "404")


def local_file(site: Path, url: str) -> Path:
    """The file of the built site that a published URL names."""
    assert url.startswith(BASE), f"{url} is not under the site's URL {BASE}"
    path = url[len(BASE):]
    return site / (path + "index.html" if path.endswith("/") or not path else path)


# -- 1. Take the code home ---------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("station", STATIONS)
def test_each_station_links_its_notebook_and_its_source(site, lang, station):
    line = soup(site, lang, station).select_one("article p.book-take-home")
    assert line is not None, f"{lang}/{station} has no download line"
    assert line.find_previous("h1") is not None, "the download line is not under the title"
    text = line.get_text()
    for word in ("take_home", "notebook", "source"):
        assert WORDS[lang][word] in text, f"{lang}/{station}: {WORDS[lang][word]!r} not in {text!r}"
    links = {Path(a["href"]).suffix: a for a in line.select("a[href]")}
    assert set(links) == {".ipynb", ".md"}
    for suffix, a in links.items():
        assert a["download"] == f"{station}{suffix}"
        assert (site / lang / a["href"]).is_file(), a["href"]
    source = (site / lang / links[".md"]["href"]).read_bytes()
    assert source == (ROOT / "docs" / lang / f"{station}.md").read_bytes()


def notebook_pages(site: Path, lang: str) -> list[str]:
    return sorted(p.stem for p in (site / lang / "_notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("lang", LANGS)
def test_every_notebook_page_and_only_those_can_be_taken_home(site, lang):
    pages = notebook_pages(site, lang)
    assert set(STATIONS) <= set(pages)
    assert "index" not in pages and "glossary" not in pages


# A reader's Python: this repository's packages are not installed there.
WITHOUT_THE_REPOSITORY = """\
import sys

class NotInstalled:  # the book's packages cannot be imported: a reader's Python has none
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"burger_factory", "book", "warm_kernels"}:
            raise ModuleNotFoundError(f"No module named {name!r}")

sys.meta_path.insert(0, NotInstalled())
try:
    import burger_factory
except ModuleNotFoundError:
    pass
else:
    raise AssertionError("burger_factory is importable")
"""


def stream_text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def run_as_a_reader(path: Path, folder: Path) -> nbformat.NotebookNode:
    """The downloaded notebook, run in an empty folder, in a kernel that cannot import this
    repository's packages (a first cell sees to it), started as the build starts its kernels."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(WITHOUT_THE_REPOSITORY))
    NotebookClient(notebook, timeout=120, resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


@pytest.fixture(scope="module")
def reader_runs(site, tmp_path_factory):
    """Every downloaded notebook run as a reader would run it, four at a time."""
    os.environ.setdefault("JUPYTER_DEFAULT_PROVISIONER_NAME", "book-warm-kernels")
    pages = [(lang, station) for lang in LANGS for station in STATIONS]
    folders = {page: tmp_path_factory.mktemp(f"reader-{page[0]}-{page[1]}") for page in pages}
    with ThreadPoolExecutor(4) as pool:
        runs = dict(zip(pages, pool.map(
            lambda page: run_as_a_reader(site / page[0] / "_notebooks" / f"{page[1]}.ipynb",
                                         folders[page]), pages)))
    return {page: (runs[page], folders[page]) for page in pages}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("station", STATIONS)
def test_the_downloaded_notebook_runs_on_its_own(site, lang, station, reader_runs):
    notebook = nbformat.read(site / lang / "_notebooks" / f"{station}.ipynb", as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    # What only the book's build understands is gone: hidden cells, glue, MyST roles and fences.
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert not [c for c in notebook.cells if "remove-cell" in c.metadata.get("tags", [])]
    assert not [c for c in code if "myst_nb" in c.source or "glue(" in c.source]
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    for myst in ("{glue", "\\glue{", "{term}", "{doc}", "```{", ":::{"):
        assert myst not in markdown, f"{myst} left in the notebook's text"
    # The page's exercises came along, solutions folded.
    assert WORDS[lang]["exercises"] in markdown and "<details>" in markdown
    # It carries this build's outputs: every code cell the page shows, with what it printed.
    shown = [c for c in code if "take-home-package" not in c.metadata.get("tags", [])]
    page = soup(site, lang, station)
    assert len(shown) == len(page.select("article div.cell")), "not every cell of the page"
    printed = {i: stream_text(c) for i, c in enumerate(notebook.cells) if stream_text(c)}
    assert printed, "no output of this build"

    # And it runs, in an empty folder, on a Python that cannot import the repository's src/.
    ran, folder = reader_runs[lang, station]
    errors = [o for c in ran.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors
    rerun = {i + 1: t for i, t in printed.items()}  # the check cell shifted every cell by one
    assert {i: stream_text(ran.cells[i]) for i in rerun} == rerun, \
        "running the notebook printed something else than the build did"
    assert list(folder.iterdir()) == [], "the notebook left files behind"


# -- 2. Copy buttons copy the code, never prompts or outputs -------------------------------------

def copybutton_settings(site: Path, lang: str) -> tuple[str, str]:
    js = (site / lang / "_static" / "copybutton.js").read_text(encoding="utf-8")
    selector = re.search(r"COPYBUTTON_SELECTOR = '([^']*)'", js).group(1)
    exclude = re.search(r"let exclude = '([^']*)'", js).group(1)
    return selector, exclude


@pytest.mark.parametrize("lang", LANGS)
def test_copy_buttons_are_on_code_and_never_on_outputs(site, lang):
    selector, exclude = copybutton_settings(site, lang)
    assert {".gp", ".go"} <= {s.strip() for s in exclude.split(",")}, "prompts would be copied"
    for station in STATIONS:
        page = soup(site, lang, station)
        buttons = {id(pre) for pre in page.select(selector)}
        inputs = page.select("div.cell_input div.highlight pre")
        outputs = page.select("div.cell_output div.highlight pre, div.output div.highlight pre")
        assert inputs and outputs, f"{lang}/{station}: no code cell with an output to check"
        assert all(id(pre) in buttons for pre in inputs), f"{lang}/{station}: a code cell has no button"
        assert not [pre for pre in outputs if id(pre) in buttons], f"{lang}/{station}: an output has one"


# -- 3. Exercises, solutions folded ------------------------------------------------------------

def exercises(page: BeautifulSoup, lang: str):
    sections = [s for s in page.select("article section")
                if s.find("h2") and s.find("h2").get_text(strip=True).rstrip("#¶") ==
                WORDS[lang]["exercises"]]
    return sections[-1] if sections else None


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("station", STATIONS)
def test_each_station_ends_with_exercises_whose_solutions_are_folded(site, lang, station):
    page = soup(site, lang, station)
    section = exercises(page, lang)
    assert section is not None, f"{lang}/{station} has no {WORDS[lang]['exercises']} section"
    assert section is page.select("article section > section")[-1], "the exercises are not last"
    items = section.select("ol > li")
    assert 2 <= len(items) <= 3, f"{len(items)} exercises"
    for item in items:
        [solution] = item.select("details")
        assert not solution.has_attr("open"), "a solution shows before it is opened"
        assert solution.select_one("summary").get_text(strip=True) == WORDS[lang]["solution"]
        question = item.get_text(" ", strip=True).split(WORDS[lang]["solution"])[0]
        assert len(question) > 40 and len(solution.get_text(strip=True)) > 80


@pytest.mark.parametrize("station", STATIONS)
def test_the_exercises_are_twins(site, station):
    counts = {lang: len(exercises(soup(site, lang, station), lang).select("ol > li")) for lang in LANGS}
    assert len(set(counts.values())) == 1, counts


def test_solutions_show_numbers_the_code_computed(site):
    """A number in a solution is glued (the live-number test turns the knobs and checks
    that every one of them follows); here: most stations' solutions do show some."""
    with_numbers = 0
    for station in STATIONS:
        for lang in LANGS:
            solutions = exercises(soup(site, lang, station), lang).select("details")
            glued = [s for s in solutions if s.select(".pasted-text, .katex")]
            with_numbers += bool([s for s in solutions if s.select(".pasted-text")])
            assert glued, f"{lang}/{station}: no solution shows a number or a formula"
    assert with_numbers == len(STATIONS) * len(LANGS)


# -- 4. The glossary -----------------------------------------------------------------------------

def glossary_terms(site: Path, lang: str) -> dict[str, str]:
    """Each term of the glossary page: its name -> its anchor."""
    page = soup(site, lang, "glossary")
    return {dt.get_text(strip=True).rstrip("#¶"): dt["id"] for dt in page.select("dl.glossary dt")}


@pytest.mark.parametrize("lang", LANGS)
def test_the_glossary_gives_both_names_and_a_definition(site, lang):
    terms = glossary_terms(site, lang)
    page = soup(site, lang, "glossary")
    assert page.select_one("h1").get_text(strip=True).rstrip("#¶") == WORDS[lang]["glossary"]
    for (zh, en), station in TERMS.items():
        assert zh in terms and en in terms, f"{lang} glossary lacks {zh} / {en}"
        dt = page.find(id=terms[zh])
        definition = dt.find_next_sibling("dd")
        assert definition is not None and dt.find_next("dd") is definition
        assert page.find(id=terms[en]).find_next_sibling("dd") is definition, f"{zh}/{en}: two entries"
        text = definition.get_text(" ", strip=True)
        assert len(text) > 30 and definition.select_one(f'a[href="{station}.html"]'), \
            f"{lang} {en}: no definition, or no link to {station}"
        assert (re.search(r"[\u4e00-\u9fff]", text) is not None) == (lang == "zh"), \
            f"{lang} {en}: the definition is not in the page's language"


@pytest.mark.parametrize("lang", LANGS)
def test_the_glossary_follows_the_stations_in_the_contents(site, lang):
    hrefs = [a["href"] for a in soup(site, lang, "index").select("article .toctree-wrapper a[href]")]
    pages = [h.split("#")[0] for h in hrefs]
    assert "glossary.html" in pages
    assert pages.index("glossary.html") > max(pages.index(f"{s}.html") for s in STATIONS)


@pytest.mark.parametrize("lang", LANGS)
def test_stations_link_terms_to_the_glossary_where_they_introduce_them(site, lang):
    anchors = set(glossary_terms(site, lang).values())
    index = {"zh": 0, "en": 1}[lang]
    for names, station in TERMS.items():
        links = soup(site, lang, station).select('article a[href^="glossary.html#"]')
        targets = {a["href"].split("#")[1] for a in links}
        assert targets <= anchors, f"{lang}/{station}: links to no glossary entry: {targets - anchors}"
        words = {a.get_text(strip=True).lower() for a in links}
        name = IN_TEXT.get(names[index], names[index])
        assert any(w == name or w.startswith(name) for w in words), \
            f"{lang}/{station} does not link the term {name!r} (it links {sorted(words)})"


# -- 5. Findable and shareable -----------------------------------------------------------------

def head(page: BeautifulSoup) -> dict:
    def meta(**attrs):
        tag = page.find("meta", attrs=attrs)
        return tag["content"] if tag else None

    return {
        "title": page.title.get_text(strip=True) if page.title else "",
        "description": meta(name="description"),
        "og:title": meta(property="og:title"), "og:url": meta(property="og:url"),
        "og:description": meta(property="og:description"),
        "og:site_name": meta(property="og:site_name"),
        "canonical": (page.find("link", rel="canonical") or {}).get("href"),
        "alternates": {link["hreflang"]: link["href"]
                       for link in page.find_all("link", rel="alternate") if link.get("hreflang")},
    }


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_has_a_title_a_description_and_open_graph_tags(site, lang):
    for name in doc_pages(lang):
        tags = head(soup(site, lang, name))
        url = f"{BASE}{lang}/{name}.html"
        assert tags["title"] and tags["og:title"], name
        assert tags["description"] and len(tags["description"]) >= 20, f"{lang}/{name}: no description"
        assert tags["og:description"] == tags["description"], f"{lang}/{name}"
        assert tags["canonical"] == tags["og:url"] == url, f"{lang}/{name}"
        assert tags["og:site_name"] == soup(site, lang, "index").select_one(".sidebar-brand-text").get_text(strip=True)
        if lang == "en":
            assert not re.search(r"[\u4e00-\u9fff]", tags["description"]), name
        else:
            assert re.search(r"[\u4e00-\u9fff]", tags["description"]), name


@pytest.mark.parametrize("lang", LANGS)
def test_hreflang_links_name_each_page_in_every_language(site, lang):
    for name in doc_pages(lang):
        alternates = head(soup(site, lang, name))["alternates"]
        assert set(alternates) == {"zh-CN", "en", "x-default"}, f"{lang}/{name}: {alternates}"
        assert alternates[HREFLANG[lang]] == f"{BASE}{lang}/{name}.html", "not itself"
        for hreflang, url in alternates.items():
            assert local_file(site, url).is_file(), f"{lang}/{name}: {hreflang} -> {url} is no page"
        other = {"zh": "en", "en": "zh"}[lang]
        assert alternates[HREFLANG[other]] == f"{BASE}{other}/{name}.html"
        assert alternates["x-default"] == (BASE if name == "index" else f"{BASE}en/{name}.html")


def test_the_sitemap_at_the_root_lists_every_page_of_both_languages(site):
    index = ElementTree.parse(site / "sitemap.xml").getroot()
    assert index.tag == f"{SITEMAP}sitemapindex"
    sitemaps = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert sitemaps == [f"{BASE}{lang}/sitemap.xml" for lang in LANGS]
    for lang, url in zip(LANGS, sitemaps):
        urls = [loc.text for loc in ElementTree.parse(local_file(site, url)).getroot().iter(f"{SITEMAP}loc")]
        assert sorted(urls) == [f"{BASE}{lang}/{name}.html" for name in doc_pages(lang)]
        assert all(local_file(site, u).is_file() for u in urls)
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {BASE}sitemap.xml" in robots.splitlines()


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_has_a_404_page_whose_links_work_at_any_depth(site, lang):
    page = soup(site, lang, "404")
    assert page.select_one("article h1").get_text(strip=True).rstrip("#¶") == WORDS[lang]["not_found"]
    assert page.find("html")["lang"] == HREFLANG[lang]
    assert page.find("meta", attrs={"name": "robots", "content": "noindex"})
    root, prefix = urlsplit(BASE).path, urlsplit(BASE).path + f"{lang}/"
    for tag, attr in (("link", "href"), ("script", "src"), ("a", "href")):
        for element in page.find_all(tag, attrs={attr: True}):
            url = element[attr]
            if url.startswith(("#", "http://", "https://", "mailto:")) or element.get("rel") in (
                    ["canonical"], ["alternate"]):
                continue
            assert url.startswith(root), f"{lang}/404.html: {tag} {url} is relative"
            assert (site / url[len(root):].split("?")[0].split("#")[0]).is_file(), url
    article = page.select_one("article")
    assert article.select(f'a[href="{prefix}index.html"]') and article.select(f'a[href="{prefix}glossary.html"]')
    assert "404" not in {Path(u).stem for u in head(page)["alternates"].values()}


def test_the_root_404_page_serves_both_languages(site):
    page = BeautifulSoup((site / "404.html").read_text(encoding="utf-8"), "html.parser")
    assert page.find("base")["href"] == urlsplit(BASE).path
    links = {a["href"] for a in page.select("a[href]")}
    assert links == {"zh/index.html", "en/index.html"}
    text = page.get_text()
    assert WORDS["zh"]["not_found"] in text and WORDS["en"]["not_found"] in text
    assert '"zh"' in page.script.string and '"en"' in page.script.string  # on to zh/404.html, en/404.html


def test_one_setting_moves_every_url_of_the_site(tmp_path_factory):
    """BOOK_BASEURL (conf.py's html_baseurl) is the only place the site's URL comes from."""
    base = MOVED_BASEURL
    site = turned_copy(tmp_path_factory) / "_build" / "html"  # built with it
    tags = head(soup(site, "zh", "2-chain-rule"))
    assert tags["canonical"] == tags["og:url"] == f"{base}zh/2-chain-rule.html"
    assert tags["alternates"]["en"] == f"{base}en/2-chain-rule.html"
    assert f"<loc>{base}en/sitemap.xml</loc>" in (site / "sitemap.xml").read_text()
    assert f"<loc>{base}zh/index.html</loc>" in (site / "zh" / "sitemap.xml").read_text()
    assert '<base href="/books/burger/">' in (site / "404.html").read_text()
    assert '"/books/burger/en/_static/' in (site / "en" / "404.html").read_text()
    for path in site.rglob("*"):
        if path.suffix in (".html", ".xml", ".txt", ".ipynb"):
            assert BASE not in path.read_text(encoding="utf-8"), f"{path} names the default URL"


# -- 6. Hosting: one build path -----------------------------------------------------------------

def test_read_the_docs_publishes_what_make_html_builds(clean_copy, tmp_path_factory):
    """The commands Read the Docs runs (.readthedocs.yaml), run in another copy of the
    project for the site's own address: they publish exactly the site `make html` built.
    (The same build is test_reproducible_build's second clean build.)"""
    assert published(built_by_read_the_docs(tmp_path_factory)) == published(clean_copy / "_build" / "html")


# -- 7. Edit this page / view its source -------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_edit_and_view_links_point_at_the_page_source(site, lang):
    for name in doc_pages(lang):
        page = soup(site, lang, name)
        edit = page.select_one('.edit-this-page a[rel="edit"]')["href"]
        view = page.select_one(".view-this-page a")["href"]
        assert edit == f"{REPOSITORY}/edit/main/docs/{lang}/{name}.md", edit
        assert view == f"{REPOSITORY}/blob/main/docs/{lang}/{name}.md?plain=true", view
        assert (ROOT / "docs" / lang / f"{name}.md").is_file()


# -- 8. The README keeps the list of extensions -----------------------------------------------

def test_the_readme_names_every_extension_the_build_uses():
    """Each extension in conf.py is in the README: the book's own by their file (the
    layout), other projects' by their package (the table of extensions)."""
    conf = runpy.run_path(str(ROOT / "conf.py"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Extensions used, and why"):]
    providers = importlib.metadata.packages_distributions()
    for extension in conf["extensions"]:
        origin = Path(importlib.util.find_spec(extension).origin)
        if origin.is_relative_to(ROOT / "src"):
            name = origin.relative_to(ROOT / "src").as_posix().removesuffix("/__init__.py")
            assert name.removeprefix("book/") in readme, f"{name} is not in the README's layout"
        elif not extension.startswith("sphinx.ext."):
            names = providers[extension.split(".")[0]]
            package = next(n for n in names if len(names) == 1 or extension.split(".")[-1] in n)
            assert f"| {package} |" in table, f"{extension} ({package}) is not in the README's table"
