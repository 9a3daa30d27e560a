"""book.cjk_linebreaks: in a Chinese project, a line break between two Chinese characters
(and the space Markdown needs after bold text ending in Chinese punctuation) leaves no gap
in the HTML text, while English words and code keep their spaces; in an English project
nothing changes."""

import re

import pytest
from bs4 import BeautifulSoup


def paragraphs(app) -> str:
    """The text of the page's paragraphs, tags aside, as a browser joins it."""
    soup = BeautifulSoup((app.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    return "\n".join(p.get_text() for p in soup.select("section p"))


def code(app) -> str:
    soup = BeautifulSoup((app.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    return "\n".join(c.get_text() for c in soup.select("code, pre"))


@pytest.mark.sphinx("html", testroot="cjk-linebreaks")
def test_a_line_break_between_chinese_characters_leaves_no_space(app):
    app.build()
    text = paragraphs(app)
    assert "把牛肉做成肉饼" in text, text


@pytest.mark.sphinx("html", testroot="cjk-linebreaks")
def test_the_space_after_bold_chinese_text_leaves_no_space(app):
    app.build()
    text = paragraphs(app)
    assert "运行两遍。不重新计算" in text, text


@pytest.mark.sphinx("html", testroot="cjk-linebreaks")
def test_english_words_keep_their_spaces(app):
    app.build()
    text = " ".join(paragraphs(app).split())  # a line break shows as a space
    assert "机器 A 把" in text  # Chinese beside a Latin letter
    assert "The factory has two machines, and bold words stay apart." in text


@pytest.mark.sphinx("html", testroot="cjk-linebreaks")
def test_code_keeps_its_spaces_between_chinese_characters(app):
    app.build()
    text = code(app)
    assert "数 据" in text  # an inline literal
    assert "牛肉 肉饼" in text  # a code block


@pytest.mark.sphinx("html", testroot="cjk-linebreaks", confoverrides={"language": "en"},
                    srcdir="cjk-linebreaks-en")
def test_an_english_project_keeps_every_line_break(app):
    app.build()
    text = paragraphs(app)
    assert re.search(r"牛肉\s+做成", text), text
    assert re.search(r"运行两遍。\s+不重新", text), text
