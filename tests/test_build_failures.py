"""Every way a page can go wrong stops the build, says where, and leaves the last good site
alone: a failed build never publishes a wrong, stale or half-written page."""

import pytest
import re
import shutil

from conftest import copy_project, make

STATION = "4-pytorch-backward"


def published(copy):
    site = copy / "_build" / "html"
    return {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def inject(copy, after: str, code: str, langs=("zh", "en")):
    """Put ``code`` into the first code cell of the station, right after the line ``after``
    (in both twins by default, so that only the fault itself differs from a good build)."""
    for lang in langs:
        page = copy / "docs" / lang / f"{STATION}.md"
        source = page.read_text(encoding="utf-8")
        line = f"\n{after}\n"  # a whole line of code, not the words in the page's text
        assert line in source, f"{page} has no line {after!r}"
        page.write_text(source.replace(line, f"\n{after}\n{code}\n", 1), encoding="utf-8")


@pytest.fixture
def copy(clean_copy, tmp_path):
    """A fresh copy of a project that built cleanly, with its build folder (so the next
    build is incremental, as an author's is); each test breaks one."""
    dest = copy_project(tmp_path)
    shutil.copytree(clean_copy / "_build", dest / "_build", symlinks=True)
    return dest


def fails(copy, *args):
    before = published(copy)
    result = make("html", copy, *args)
    console = result.stdout + result.stderr
    assert result.returncode != 0, console
    assert published(copy) == before, "a failed build changed the published site"
    return console


def test_a_cell_that_raises_names_page_cell_and_exception(copy):
    crash = 'raise RuntimeError("machine B jammed")'
    inject(copy, "loss.backward()", crash)
    console = fails(copy)
    assert f"docs/en/{STATION}.md" in console and f"docs/zh/{STATION}.md" in console
    assert crash in console  # the failing cell's source
    assert "Traceback" in console or "RuntimeError                " in console
    assert "RuntimeError: machine B jammed" in console


def test_a_cell_that_hangs_fails_after_the_timeout(copy):
    inject(copy, "loss.backward()", "import time; time.sleep(600)")
    console = fails(copy, "SPHINXOPTS=-D nb_execution_timeout=3")
    assert f"docs/en/{STATION}.md" in console
    assert "CellTimeoutError: A cell timed out" in console
    assert "preview of the cell contents" in console


def test_a_number_no_cell_glued_is_named_with_its_page(copy):
    for lang, text in (("zh", "误差是"), ("en", "the loss is")):
        page = copy / "docs" / lang / f"{STATION}.md"
        source = page.read_text(encoding="utf-8")
        page.write_text(source.replace(r"\glue{loss}", r"\glue{profit}", 1), encoding="utf-8")
    console = fails(copy)
    assert "'profit'" in console and f"docs/en/{STATION}.md" in console


def test_prose_citing_an_unglued_number_is_named(copy):
    for lang in ("zh", "en"):
        page = copy / "docs" / lang / f"{STATION}.md"
        source = page.read_text(encoding="utf-8")
        page.write_text(source + "\n{glue:text}`bonus`\n", encoding="utf-8")
    console = fails(copy)
    assert "'bonus'" in console and f"docs/zh/{STATION}.md" in console


def test_a_page_without_its_twin_is_named(copy):
    (copy / "docs" / "en" / "5-backward-by-hand.md").unlink()
    console = fails(copy)
    assert "docs/zh/5-backward-by-hand.md has no en twin" in console


def test_twins_whose_code_differs_are_both_named(copy):
    inject(copy, "loss.backward()", "w.grad = w.grad * 2", langs=("en",))
    console = fails(copy)
    assert f"code cell 1 differs between {copy}/docs/zh/{STATION}.md and {copy}/docs/en/{STATION}.md" in console


@pytest.mark.parametrize("markup", [
    "[the next station](6-missing-station.md)",
    "{doc}`6-missing-station`",
    "![the factory](missing-picture.png)",
])
def test_a_broken_link_reference_or_image_fails(copy, markup):
    for lang in ("zh", "en"):
        page = copy / "docs" / lang / f"{STATION}.md"
        page.write_text(page.read_text(encoding="utf-8") + f"\n{markup}\n", encoding="utf-8")
    console = fails(copy)
    assert f"docs/en/{STATION}.md" in console


def test_a_warning_on_stderr_fails_the_build(copy):
    inject(copy, "loss.backward()", 'import warnings; warnings.warn("knob w is loose")')
    console = fails(copy)
    assert "stderr was found in the cell outputs" in console
    assert f"docs/en/{STATION}.md" in console and f"docs/zh/{STATION}.md" in console


def test_a_failed_page_fails_again_until_it_is_fixed(copy, clean_copy):
    inject(copy, "loss.backward()", 'raise RuntimeError("machine B jammed")')
    fails(copy)
    console = fails(copy)  # nothing changed: the broken page must not pass from a cache
    assert "RuntimeError: machine B jammed" in console
    for lang in ("zh", "en"):  # the fix
        shutil.copy2(clean_copy / "docs" / lang / f"{STATION}.md", copy / "docs" / lang / f"{STATION}.md")
    result = make("html", copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not list((copy / "_build" / "html").rglob("*.err.log")), "a failure report was published"


def test_a_removed_page_leaves_the_site(copy):
    def toctree(lang, edit):
        index = copy / "docs" / lang / "index.md"
        index.write_text(edit(index.read_text(encoding="utf-8")), encoding="utf-8")

    for lang in ("zh", "en"):  # an extra page, published once...
        (copy / "docs" / lang / "extra.md").write_text("# Extra\n\nSoon gone.\n", encoding="utf-8")
        toctree(lang, lambda text: text.replace("\n```\n", "\nextra\n```\n", 1))
    assert make("html", copy).returncode == 0
    assert (copy / "_build" / "html" / "en" / "extra.html").exists()
    for lang in ("zh", "en"):  # ...then removed from the sources
        (copy / "docs" / lang / "extra.md").unlink()
        toctree(lang, lambda text: text.replace("\nextra\n", "\n"))
    result = make("html", copy)
    assert result.returncode == 0, result.stdout + result.stderr
    for lang in ("zh", "en"):
        assert not (copy / "_build" / "html" / lang / "extra.html").exists()
        assert (copy / "_build" / "html" / lang / f"{STATION}.html").exists()
