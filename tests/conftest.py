"""Fixtures: the site as `make html` builds the working tree from scratch."""

from pathlib import Path

import pytest
from project import built_once, shared_folder
from sphinx.config import Config

# Sphinx's own fixtures, for the extensions' tests on small projects (tests/extensions/),
# whose projects (tests/roots/) are not test modules; and the browser's (tests/browser/).
pytest_plugins = ("sphinx.testing.fixtures", "browser.fixtures")
collect_ignore = ["roots"]


# make test's test processes (pytest-xdist, a file to a process) take the files in this
# order: the long ones first, longest first, so that the short ones even out the end
# (xdist's own order, by number of tests, left a long file of few tests for last).  Their
# seconds in one `make test` on 2026-12-02, first test to last: 104, 103, 82, 52, 37, 29, 22.
LONG_FIRST = ("browser/test_accessible.py", "test_build_failures.py", "test_reader_features.py",
              "test_print.py", "browser/test_pages.py", "browser/test_panel.py", "browser/test_reading.py")


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    if missing := [name for name in LONG_FIRST if not (here / name).is_file()]:
        raise pytest.UsageError(f"tests/conftest.py's LONG_FIRST names files that are not there: {missing}")

    def rank(item) -> int:
        path = item.path.relative_to(here).as_posix() if item.path.is_relative_to(here) else ""
        return LONG_FIRST.index(path) if path in LONG_FIRST else len(LONG_FIRST)
    items.sort(key=rank)  # (stable: each file's tests in their order)


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds the small projects: tests/roots/test-<name>/."""
    return Path(__file__).parent / "roots"


@pytest.fixture(autouse=True)
def default_source_suffix():
    """Sphinx 9.0 merges the suffixes that extensions register (MyST-NB's .md and .ipynb)
    into source_suffix's default itself, which every later project of the process then
    starts from (sphinx-doc/sphinx#11795): a MyST-Parser project would read .md as MyST-NB's.
    The default is put back after each test."""
    default = Config.config_values["source_suffix"].default
    saved = dict(default)
    yield
    default.clear()
    default.update(saved)


@pytest.fixture(scope="session")
def clean_copy(tmp_path_factory) -> Path:
    """A copy of the project built from scratch (empty cache, empty output)."""
    return built_once(shared_folder(tmp_path_factory) / "clean")


@pytest.fixture(scope="session")
def site(clean_copy) -> Path:
    """The site as `make html` builds the working tree's sources from scratch."""
    return clean_copy / "_build" / "html"
