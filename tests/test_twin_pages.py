"""Both languages have the same pages, the same code (comments and strings aside) and the
same live numbers; and the check that says so does catch each kind of drift."""

from pathlib import Path

import pytest
from project import FOLDERS as LANGUAGE_FOLDERS
from project import ROOT, STATIONS

from book import twins

FOLDERS = {folder: ROOT / "docs" / folder for folder in LANGUAGE_FOLDERS}


def test_both_languages_have_the_same_pages():
    assert twins.pages(FOLDERS["zh"]) == twins.pages(FOLDERS["en"])
    assert {f"{s}.md" for s in STATIONS} | {"index.md"} <= twins.pages(FOLDERS["zh"])


@pytest.mark.parametrize("station", STATIONS)
def test_station_twins_run_the_same_code_and_cite_the_same_keys(station):
    zh, en = FOLDERS["zh"] / f"{station}.md", FOLDERS["en"] / f"{station}.md"
    code_zh, code_en = twins.code_cells(zh), twins.code_cells(en)
    assert code_zh, f"{zh} has no code cells"
    assert [twins.code_tokens(c) for c in code_zh] == [twins.code_tokens(c) for c in code_en]
    assert twins.cited_keys(zh) == twins.cited_keys(en)
    assert twins.cited_keys(zh), f"{zh} shows no live number"


def test_the_whole_book_has_no_mismatch():
    assert twins.mismatches(FOLDERS) == []


# -- the checker itself can fail --------------------------------------------------------

PAGE = """---
file_format: mystnb
kernelspec: {{name: python3, display_name: Python 3}}
---
# {title}

```{{code-cell}} python
w = 3.0  # {comment}
print("{message}", w * 2)
glue("{key}", w, display=False)
```

The knob is {{glue:text}}`{key}` and {{glue-math}}`u = \\glue{{{key}}}`.
"""


def book(tmp_path: Path, zh: dict, en: dict) -> dict:
    folders = {"zh": tmp_path / "zh", "en": tmp_path / "en"}
    for lang, pages in (("zh", zh), ("en", en)):
        folders[lang].mkdir()
        for name, fields in pages.items():
            (folders[lang] / name).write_text(PAGE.format(**fields), encoding="utf-8")
    return folders


ZH = {"title": "旋钮", "comment": "机器A的旋钮", "message": "产量：", "key": "w"}
EN = {"title": "Knobs", "comment": "machine A's knob", "message": "output:", "key": "w"}


def test_translated_comments_and_strings_are_twins(tmp_path):
    assert twins.mismatches(book(tmp_path, {"a.md": ZH}, {"a.md": EN})) == []


def test_a_page_without_its_translation_is_named(tmp_path):
    folders = book(tmp_path, {"a.md": ZH, "b.md": ZH}, {"a.md": EN})
    [problem] = twins.mismatches(folders)
    assert str(folders["zh"] / "b.md") in problem and str(folders["en"] / "b.md") in problem


def test_different_code_is_named_with_both_files(tmp_path):
    folders = book(tmp_path, {"a.md": ZH}, {"a.md": EN})
    page = folders["en"] / "a.md"
    page.write_text(page.read_text().replace("w * 2", "w * 3"))
    [problem] = twins.mismatches(folders)
    assert "code cell 1 differs" in problem
    assert str(folders["zh"] / "a.md") in problem and str(page) in problem


def test_different_cited_keys_are_named(tmp_path):
    folders = book(tmp_path, {"a.md": ZH}, {"a.md": dict(EN, key="knob")})
    [problem] = twins.mismatches(folders)
    assert "only in zh: ['w'], only in en: ['knob']" in problem


def test_a_build_compares_the_twins_it_reads_and_always_finds_a_missing_one(tmp_path):
    """An incremental build compares the code of the pages it reads (a changed twin is
    read by its language's build), and checks every page for its twin."""
    folders = book(tmp_path, {"a.md": ZH, "b.md": ZH, "c.md": ZH}, {"a.md": EN, "b.md": EN})
    page = folders["en"] / "a.md"
    page.write_text(page.read_text().replace("w * 2", "w * 3"))
    [missing] = twins.mismatches(folders, names={"b.md"})
    assert f"{folders['zh'] / 'c.md'} has no en twin" in missing
    [missing_too, differs] = twins.mismatches(folders, names={"a.md"})
    assert missing_too == missing
    assert "code cell 1 differs" in differs and str(page) in differs
