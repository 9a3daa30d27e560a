"""Nothing stale is published: a page removed or renamed in the sources leaves the site,
and so do the error reports of earlier failed builds.

Sphinx rebuilds incrementally into the same output folder and never deletes a page it
wrote before, so a deleted station would otherwise go on being published; MyST-NB writes
a failed notebook's traceback into <output>/reports/, where a later good build would
publish it.
"""

import shutil
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)


def remove_stale_pages(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    current = {app.builder.get_target_uri(doc) for doc in app.env.found_docs}
    current |= {"search.html", "genindex.html" if app.config.html_use_index else ""}
    for page in outdir.rglob("*.html"):
        uri = page.relative_to(outdir).as_posix()
        if uri not in current and not uri.startswith("_"):
            logger.info(f"removing {uri}: its source is gone")
            page.unlink()


def remove_old_reports(app):
    shutil.rmtree(Path(app.outdir) / "reports", ignore_errors=True)


def setup(app):
    app.connect("builder-inited", remove_old_reports)
    app.connect("build-finished", remove_stale_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
