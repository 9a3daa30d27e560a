"""book.bilingual, building the English half of the book (a source folder named en/, as
docs/en/): each page links to its twin in every language (hreflang, x-default), carries
Open Graph tags, has the language's own title and a switch to its twin; the sitemap lists
every page but the 404 page; a language the book does not have, or a folder built in the
wrong language, is a configuration error naming the problem."""

import re
import shutil
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from sphinx.errors import ConfigError

from book.languages import by_code

SITE = "https://example.org/book/"  # the root's html_baseurl
EN = pytest.mark.sphinx("html", testroot="bilingual", srcdir="bilingual/en",
                        confoverrides={"language": "en"})


def page(app, name: str) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def alternates(soup: BeautifulSoup) -> dict[str, str]:
    return {link["hreflang"]: link["href"] for link in soup.find_all("link", rel="alternate")}


def og(soup: BeautifulSoup) -> dict[str, str]:
    return {m["property"]: m["content"] for m in soup.find_all("meta", property=re.compile("^og:"))}


@EN
def test_a_page_links_to_its_twin_in_every_language_itself_included(app):
    app.build()
    links = alternates(page(app, "station"))
    assert links["zh-CN"] == f"{SITE}zh/station.html"
    assert links["en"] == f"{SITE}en/station.html"


@EN
def test_x_default_is_the_english_page_and_for_the_home_page_the_site_s_root(app):
    app.build()
    assert alternates(page(app, "station"))["x-default"] == f"{SITE}en/station.html"
    assert alternates(page(app, "index"))["x-default"] == SITE


@EN
def test_the_404_and_search_pages_have_no_alternates(app):
    app.build()  # nothing there for a search engine to index
    assert alternates(page(app, "404")) == {}
    assert alternates(page(app, "search")) == {}


@EN
def test_open_graph_tags_give_the_page_s_title_address_and_description(app):
    app.build()
    tags = og(page(app, "station"))
    assert tags["og:title"] == "The first station"
    assert tags["og:url"] == f"{SITE}en/station.html"
    assert tags["og:description"] == "Machine A turns beef into patties."  # its html_meta


@EN
def test_the_title_is_the_book_s_title_in_the_language(app):
    app.build()
    assert app.config.html_title == by_code("en").title
    assert og(page(app, "station"))["og:site_name"] == by_code("en").title
    assert by_code("en").title in page(app, "station").title.get_text()


@EN
def test_the_language_switch_links_to_the_twin_in_each_other_language(app):
    app.build()
    switch = {a["hreflang"]: a["href"] for a in page(app, "station").select("a.lang-switch")}
    assert set(switch) == {"zh-CN"}  # not to itself
    assert urljoin(f"{SITE}en/station.html", switch["zh-CN"]) == f"{SITE}zh/station.html"


@EN
def test_the_404_page_s_language_switch_starts_from_the_site_s_path(app):
    app.build()
    # served at any missing address: a relative link would lead nowhere
    switch = {a["hreflang"]: a["href"] for a in page(app, "404").select("a.lang-switch")}
    assert switch["zh-CN"] == "/book/zh/404.html"


@EN
def test_the_404_page_s_links_start_from_the_site_s_path(app):
    app.build()
    hrefs = [a["href"] for a in page(app, "404").select("section a.reference")]
    assert hrefs == ["/book/en/index.html"]


@EN
def test_the_sitemap_lists_every_page_but_the_404_page(app):
    app.build()
    sitemap = (app.outdir / "sitemap.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r"<loc>(.*?)</loc>", sitemap))
    assert listed == {f"{SITE}en/{name}.html" for name in app.env.found_docs - {"404"}}
    assert "404" in app.env.found_docs  # (a page the sitemap leaves out, not one never built)


def project(tmp_path, rootdir, folder: str):
    shutil.copytree(rootdir / "test-bilingual", tmp_path / folder)
    return tmp_path / folder


def test_a_language_the_book_does_not_have_is_a_config_error(make_app, tmp_path, rootdir):
    with pytest.raises(ConfigError, match="'fr'"):
        make_app("html", srcdir=project(tmp_path, rootdir, "en"), confoverrides={"language": "fr"})


def test_a_folder_built_in_another_language_is_a_config_error(make_app, tmp_path, rootdir):
    # docs/en/ built with -D language=zh_CN: the error names the language's own folder
    with pytest.raises(ConfigError, match="docs/zh"):
        make_app("html", srcdir=project(tmp_path, rootdir, "en"),
                 confoverrides={"language": "zh_CN"})
