"""book.twins as Sphinx runs it: building one language warns (type book, subtype twins)
when a page has no twin in the other language's folder, and when a page the build reads
runs other code than its twin (comments and string literals aside), naming both files.

The root holds both languages, docs/en/ (the project built) and docs/zh/, as the book
does: the check finds the other language beside the source folder.  Each test breaks a
copy of it.  (twins.mismatches itself: tests/test_twin_pages.py.)
"""

import shutil

import pytest


@pytest.fixture
def docs(tmp_path, rootdir):
    """A copy of the root's twin folders, en/ and zh/, whose index pages are twins: the
    same code, with the comment and the printed string translated."""
    shutil.copytree(rootdir / "test-twins", tmp_path / "docs")
    return tmp_path / "docs"


@pytest.fixture
def build(make_app, docs, tmp_path):
    """Build docs/en/ (to a folder outside docs/); the twins warnings it gave."""
    def build():
        app = make_app("html", srcdir=docs / "en", builddir=tmp_path / "build")
        app.build()
        return [line for line in app.warning.getvalue().splitlines() if "[book.twins]" in line]
    return build


def test_twins_whose_comments_and_strings_differ_give_no_warning(build):
    assert build() == []


@pytest.mark.parametrize("lang, other", [("en", "zh"), ("zh", "en")])
def test_a_page_without_its_twin_is_reported_naming_both_files(build, docs, lang, other):
    shutil.copy(docs / lang / "index.md", docs / lang / "extra.md")
    warnings = build()
    assert any(str(docs / lang / "extra.md") in w and str(docs / other / "extra.md") in w
               for w in warnings), warnings


def test_code_that_differs_from_its_twin_is_reported_naming_both_files(build, docs):
    page = docs / "zh" / "index.md"
    page.write_text(page.read_text(encoding="utf-8").replace("w = 3.0", "w = 4.0"),
                    encoding="utf-8")
    warnings = build()
    assert any(str(docs / "en" / "index.md") in w and str(page) in w and "differs" in w
               for w in warnings), warnings
