"""Every way a page can go wrong stops the build, says where, and leaves the last good site
alone: a failed build never publishes a wrong, stale or half-written page."""

import time

import pytest

from project import copy_of, make, published

STATION = "4-pytorch-backward"


def site_of(copy):
    return published(copy / "_build" / "html")


def inject(copy, after: str, code: str, langs=("zh", "en"), page=f"{STATION}.md"):
    """Put ``code`` into the first code cell of the page, right after the line ``after``
    (in both twins by default, so that only the fault itself differs from a good build)."""
    for lang in langs:
        path = copy / "docs" / lang / page
        source = path.read_text(encoding="utf-8")
        line = f"\n{after}\n"  # a whole line of code, not the words in the page's text
        assert line in source, f"{path} has no line {after!r}"
        path.write_text(source.replace(line, f"\n{after}\n{code}\n", 1), encoding="utf-8")


@pytest.fixture
def copy(clean_copy, tmp_path):
    """A fresh copy of a project that built cleanly; the test breaks it."""
    return copy_of(clean_copy, tmp_path)


def edit(copy, name, change, langs=("zh", "en")):
    for lang in langs:
        page = copy / "docs" / lang / name
        text = page.read_text(encoding="utf-8")
        assert change(text) != text, f"{page}: the edit changed nothing (has the page changed?)"
        page.write_text(change(text), encoding="utf-8")


CRASH = 'raise RuntimeError("machine B jammed")'
LINKS = ["[the next station](6-missing-station.md)", "{doc}`7-missing-station`",
         "![the factory](missing-picture.png)"]
# Where each fault goes: one page each, so that every fault is reported on its own page
# (each report is asserted by its test; with warnings as errors, each alone fails the build).
PAGE = {"raises": f"{STATION}.md", "unglued formula": "3-error-and-backprop.md",
        "stderr": "5-backward-by-hand.md", "unglued prose": "2-chain-rule.md",
        "twins differ": "1-factory.md", "no twin": "6-the-factory-learns.md",
        "links": "glossary.md", "hangs": "5b-when-paths-fork.md"}


def hang(copy):
    """A cell that never ends, on a page that waits 3 s for a cell (MyST-NB's execution
    timeout, set in the page's front matter as an author may set it), not the book's 60."""
    inject(copy, "loss.backward()", "import time; time.sleep(600)", page=PAGE["hangs"])
    edit(copy, PAGE["hangs"], lambda text: text.replace("\nmyst:\n", "\nmystnb:\n  execution_timeout: 3\nmyst:\n", 1))


FAULTS = {
    "raises": lambda copy: inject(copy, "loss.backward()", CRASH),
    "hangs": hang,
    "unglued formula": lambda copy: edit(copy, PAGE["unglued formula"],
                                         lambda text: text.replace(r"\glue{loss:g}", r"\glue{profit:g}", 1)),
    "stderr": lambda copy: inject(copy, "loss.backward()", 'import warnings; warnings.warn("knob w is loose")',
                                  page=PAGE["stderr"]),
    "unglued prose": lambda copy: edit(copy, PAGE["unglued prose"], lambda text: text + "\n{glue:text}`bonus`\n"),
    "twins differ": lambda copy: edit(copy, PAGE["twins differ"], lambda text: text.replace(
        "\nu = w * x", "\nu = 1 * w * x", 1), langs=("en",)),
    "no twin": lambda copy: (copy / "docs" / "en" / PAGE["no twin"]).unlink(),
    "links": lambda copy: edit(copy, PAGE["links"], lambda text: text + "".join(f"\n{link}\n" for link in LINKS)),
}


@pytest.fixture(scope="module")
def broken(clean_copy, tmp_path_factory):
    """A copy with every fault of FAULTS, each on its page, built: the copy, the console of
    its build, and whether the published site was left as it was."""
    copy = copy_of(clean_copy, tmp_path_factory.mktemp("broken"))
    for fault in FAULTS.values():
        fault(copy)
    before = site_of(copy)
    result = make("html", copy)
    assert result.returncode != 0, result.stdout + result.stderr
    return copy, result.stdout + result.stderr, site_of(copy) == before


def failed(broken):
    """The console of the broken build, which failed and published nothing."""
    copy, console, unchanged = broken
    assert unchanged, "a failed build changed the published site"
    return console


def reported(console: str, *parts: str) -> bool:
    """Whether one line of the console names all of ``parts``."""
    return any(all(part in line for part in parts) for line in console.splitlines())


def fails(copy):
    before = site_of(copy)
    result = make("html", copy)
    console = result.stdout + result.stderr
    assert result.returncode != 0, console
    assert site_of(copy) == before, "a failed build changed the published site"
    return console


def test_a_cell_that_raises_names_page_cell_and_exception(broken):
    console = failed(broken)
    assert reported(console, f"docs/en/{STATION}.md") and reported(console, f"docs/zh/{STATION}.md")
    assert CRASH in console  # the failing cell's source
    assert "Traceback" in console or "RuntimeError                " in console
    assert "RuntimeError: machine B jammed" in console


def test_a_cell_that_hangs_fails_after_the_timeout(broken):
    console = failed(broken)
    assert reported(console, f"docs/en/{PAGE['hangs']}") and reported(console, f"docs/zh/{PAGE['hangs']}")
    assert "CellTimeoutError: A cell timed out" in console
    assert "preview of the cell contents" in console


def test_a_number_no_cell_glued_is_named_with_its_page(broken):
    assert reported(failed(broken), "'profit'", f"docs/en/{PAGE['unglued formula']}")


def test_prose_citing_an_unglued_number_is_named(broken):
    assert reported(failed(broken), "'bonus'", f"docs/zh/{PAGE['unglued prose']}")


def test_a_page_without_its_twin_is_named(broken):
    assert f"docs/zh/{PAGE['no twin']} has no en twin" in failed(broken)


def test_twins_whose_code_differs_are_both_named(broken):
    copy = broken[0]
    page = PAGE["twins differ"]
    assert f"code cell 1 differs between {copy}/docs/zh/{page} and {copy}/docs/en/{page}" in failed(broken)


@pytest.mark.parametrize("target", ["6-missing-station", "7-missing-station", "missing-picture.png"])
def test_a_broken_link_reference_or_image_fails(broken, target):
    assert reported(failed(broken), f"docs/en/{PAGE['links']}", target)


def test_a_warning_on_stderr_fails_the_build(broken):
    console = failed(broken)
    page = PAGE["stderr"]
    assert reported(console, f"docs/en/{page}", "stderr was found in the cell outputs")
    assert reported(console, f"docs/zh/{page}", "stderr was found in the cell outputs")


def test_a_failed_page_fails_again_until_it_is_fixed(broken, clean_copy):
    """Built again, the copy with every fault fails again: a failed page does not pass from
    a cache.  Its pages fixed (saved again as they were, as an author saves a fix), it
    builds, and publishes no failure report.  (The last use of that copy: the other tests
    read only the console of its first build.)"""
    copy = broken[0]

    def fix(lang: str, name: str):
        clean, page = clean_copy / "docs" / lang / name, copy / "docs" / lang / name
        if not page.exists() or page.read_bytes() != clean.read_bytes():
            page.write_bytes(clean.read_bytes())

    for lang in ("zh", "en"):
        fix(lang, PAGE["hangs"])  # (not waited for again)
    assert "RuntimeError: machine B jammed" in fails(copy)
    fixed = time.time()
    for lang in ("zh", "en"):
        for page in (clean_copy / "docs" / lang).glob("*.md"):
            fix(lang, page.name)
    result = make("html", copy)
    assert result.returncode == 0, result.stdout + result.stderr
    built = {lang: (copy / "_build" / "lang" / lang / "built").stat().st_mtime >= fixed for lang in ("zh", "en")}
    assert built == {"zh": True, "en": True}, f"not built again after the fix: {built}"
    assert not list((copy / "_build" / "html").rglob("*.err.log")), "a failure report was published"


EXTRA = """---
file_format: mystnb
kernelspec: {name: python3, display_name: Python 3}
---
# Extra

```{code-cell} python
print("soon gone")
```
"""


def test_a_removed_page_leaves_the_site_with_its_downloads(copy):
    def toctree(lang, edit):
        index = copy / "docs" / lang / "index.md"
        index.write_text(edit(index.read_text(encoding="utf-8")), encoding="utf-8")

    site = copy / "_build" / "html"
    for lang in ("zh", "en"):  # an extra page, published once...
        (copy / "docs" / lang / "extra.md").write_text(EXTRA, encoding="utf-8")
        toctree(lang, lambda text: text.replace("\n```\n", "\nextra\n```\n", 1))
    assert make("html", copy).returncode == 0
    assert (site / "en" / "extra.html").exists()
    assert (site / "en" / "_notebooks" / "extra.ipynb").exists()
    for lang in ("zh", "en"):  # ...then removed from the sources
        (copy / "docs" / lang / "extra.md").unlink()
        toctree(lang, lambda text: text.replace("\nextra\n", "\n"))
    result = make("html", copy)
    assert result.returncode == 0, result.stdout + result.stderr
    for lang in ("zh", "en"):
        assert not (site / lang / "extra.html").exists()
        assert not list((site / lang / "_notebooks").glob("extra.*"))
        assert (site / lang / f"{STATION}.html").exists()
        assert (site / lang / "_notebooks" / f"{STATION}.ipynb").exists()


def test_a_downloaded_notebook_follows_an_edit_of_its_page(copy):
    """The edited page's downloads are written again; the other pages' are kept as they were
    (an edit of the text has Sphinx write that page again, and not the other stations)."""
    (copy / "docs" / "en" / "index.md").touch()  # a first build in the copy's own folder
    assert make("html", copy).returncode == 0
    downloads = copy / "_build" / "html" / "en" / "_notebooks"
    before = {p.name: p.read_bytes() for p in downloads.iterdir()}
    sentence = "A sentence written after the first build."
    edit(copy, f"{STATION}.md", lambda text: f"{text}\n{sentence}\n", langs=("en",))
    result = make("html", copy)
    assert result.returncode == 0, result.stdout + result.stderr
    after = {p.name: p.read_bytes() for p in downloads.iterdir()}
    assert sentence in after.pop(f"{STATION}.ipynb").decode() and sentence in after.pop(f"{STATION}.md").decode()
    assert after == {name: content for name, content in before.items() if not name.startswith(STATION)}
