"""book.stale_pages: a page removed from the sources is removed from the output by the
next build into the same folder (Sphinx alone leaves it published), and the failure
reports of an earlier build (<outdir>/reports/) are removed when a build starts."""

import shutil

import pytest


@pytest.mark.sphinx("html", testroot="stale-pages", srcdir="stale-pages-removed")
def test_a_page_removed_from_the_sources_is_gone_after_the_next_build(app, make_app):
    app.build()
    assert (app.outdir / "station.html").is_file()

    (app.srcdir / "station.rst").unlink()
    index = app.srcdir / "index.rst"
    index.write_text(index.read_text(encoding="utf-8").replace("station", ""), encoding="utf-8")
    again = make_app("html", srcdir=app.srcdir, builddir=app.outdir.parent)  # a second run
    again.build()

    assert not (again.outdir / "station.html").exists()
    # what the build writes without a source stays
    kept = {"index.html", "search.html", "genindex.html"}
    assert kept <= {p.name for p in again.outdir.iterdir()}


def test_failure_reports_of_an_earlier_build_are_removed_when_a_build_starts(
        make_app, tmp_path, rootdir):
    shutil.copytree(rootdir / "test-stale-pages", tmp_path / "src")
    report = tmp_path / "build" / "html" / "reports" / "station.err.log"  # as MyST-NB writes one
    report.parent.mkdir(parents=True)
    report.write_text("Traceback (most recent call last): ...", encoding="utf-8")

    app = make_app("html", srcdir=tmp_path / "src", builddir=tmp_path / "build")
    assert not report.parent.exists()  # gone as the builder starts, before any page is read
    app.build()
    assert not report.parent.exists()
