"""The theme's templates compiled once, not in every build.

Sphinx compiles Furo's Jinja templates (and ours) again in every build: a tenth of a second
or more of an author's one-page rebuild.  Jinja can keep what it compiled in a bytecode
cache, which it checks against each template's source; here it lives beside the doctrees,
in a folder named after the versions of Jinja and Sphinx that compiled it.
"""

from pathlib import Path

import jinja2
import sphinx
from jinja2 import FileSystemBytecodeCache


def cache_compiled_templates(app):
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if isinstance(environment, jinja2.Environment):
        folder = Path(app.doctreedir, f"templates-jinja{jinja2.__version__}-sphinx{sphinx.__version__}")
        folder.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def setup(app):
    app.connect("builder-inited", cache_compiled_templates)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
