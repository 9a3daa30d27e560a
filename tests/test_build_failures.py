"""Every way a page can go wrong stops the build, says where, and leaves the last good site
alone: a failed build never publishes a wrong, stale or half-written page."""

import re
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

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


def copy_of(clean_copy, dest):
    """A copy of a project that built cleanly, with its build folder (so the next build is
    incremental, as an author's is)."""
    copy_project(dest)
    shutil.copytree(clean_copy / "_build", dest / "_build", symlinks=True)
    return dest


@pytest.fixture
def copy(clean_copy, tmp_path):
    """A fresh copy of a project that built cleanly; the test breaks it."""
    return copy_of(clean_copy, tmp_path)


def edit(copy, name, change, langs=("zh", "en")):
    for lang in langs:
        page = copy / "docs" / lang / name
        page.write_text(change(page.read_text(encoding="utf-8")), encoding="utf-8")


CRASH = 'raise RuntimeError("machine B jammed")'
LINKS = ["[the next station](6-missing-station.md)", "{doc}`6-missing-station`",
         "![the factory](missing-picture.png)"]
# Each fault: how it breaks a copy, and the options of its build.
FAULTS = {
    "raises": (lambda copy: inject(copy, "loss.backward()", CRASH), ()),
    "hangs": (lambda copy: inject(copy, "loss.backward()", "import time; time.sleep(600)"),
              ("SPHINXOPTS=-D nb_execution_timeout=3",)),
    "unglued formula": (lambda copy: edit(copy, f"{STATION}.md",
                                          lambda text: text.replace(r"\glue{loss}", r"\glue{profit}", 1)), ()),
    "unglued prose": (lambda copy: edit(copy, f"{STATION}.md", lambda text: text + "\n{glue:text}`bonus`\n"), ()),
    "no twin": (lambda copy: (copy / "docs" / "en" / "5-backward-by-hand.md").unlink(), ()),
    "twins differ": (lambda copy: inject(copy, "loss.backward()", "w.grad = w.grad * 2", langs=("en",)), ()),
    "stderr": (lambda copy: inject(copy, "loss.backward()", 'import warnings; warnings.warn("knob w is loose")'), ()),
    **{link: (lambda copy, link=link: edit(copy, f"{STATION}.md", lambda text: text + f"\n{link}\n"), ())
       for link in LINKS},
}


@pytest.fixture(scope="module")
def broken(clean_copy, tmp_path_factory):
    """Every fault, each in its own copy, built side by side (three at a time): for each,
    the copy, the build's result, and whether the published site was left as it was."""
    def build(name):
        copy = copy_of(clean_copy, tmp_path_factory.mktemp("broken"))
        break_it, options = FAULTS[name]
        break_it(copy)
        before = published(copy)
        result = make("html", copy, *options)
        return copy, result, published(copy) == before

    with ThreadPoolExecutor(3) as pool:
        return dict(zip(FAULTS, pool.map(build, FAULTS)))


def failed(broken, fault):
    """The console of the fault's build, which must have failed and published nothing."""
    copy, result, unchanged = broken[fault]
    console = result.stdout + result.stderr
    assert result.returncode != 0, console
    assert unchanged, "a failed build changed the published site"
    return console


def fails(copy, *args):
    before = published(copy)
    result = make("html", copy, *args)
    console = result.stdout + result.stderr
    assert result.returncode != 0, console
    assert published(copy) == before, "a failed build changed the published site"
    return console


def test_a_cell_that_raises_names_page_cell_and_exception(broken):
    console = failed(broken, "raises")
    assert f"docs/en/{STATION}.md" in console and f"docs/zh/{STATION}.md" in console
    assert CRASH in console  # the failing cell's source
    assert "Traceback" in console or "RuntimeError                " in console
    assert "RuntimeError: machine B jammed" in console


def test_a_cell_that_hangs_fails_after_the_timeout(broken):
    console = failed(broken, "hangs")
    assert f"docs/en/{STATION}.md" in console
    assert "CellTimeoutError: A cell timed out" in console
    assert "preview of the cell contents" in console


def test_a_number_no_cell_glued_is_named_with_its_page(broken):
    console = failed(broken, "unglued formula")
    assert "'profit'" in console and f"docs/en/{STATION}.md" in console


def test_prose_citing_an_unglued_number_is_named(broken):
    console = failed(broken, "unglued prose")
    assert "'bonus'" in console and f"docs/zh/{STATION}.md" in console


def test_a_page_without_its_twin_is_named(broken):
    console = failed(broken, "no twin")
    assert "docs/zh/5-backward-by-hand.md has no en twin" in console


def test_twins_whose_code_differs_are_both_named(broken):
    console = failed(broken, "twins differ")
    copy = broken["twins differ"][0]
    assert f"code cell 1 differs between {copy}/docs/zh/{STATION}.md and {copy}/docs/en/{STATION}.md" in console


@pytest.mark.parametrize("markup", LINKS)
def test_a_broken_link_reference_or_image_fails(broken, markup):
    console = failed(broken, markup)
    assert f"docs/en/{STATION}.md" in console


def test_a_warning_on_stderr_fails_the_build(broken):
    console = failed(broken, "stderr")
    assert "stderr was found in the cell outputs" in console
    assert f"docs/en/{STATION}.md" in console and f"docs/zh/{STATION}.md" in console


def test_a_failed_page_fails_again_until_it_is_fixed(copy, clean_copy):
    inject(copy, "loss.backward()", CRASH)
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
