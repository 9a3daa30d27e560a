"""Which version of this repository's own code the pages run: a digest of its files.

MyST-NB's execution cache recognises a page by the code in its cells, but what the code
prints also depends on what it imports from this repository (``src/``).  Each version of
that code gets a cache of its own (bilingual.py), so changing ``src/`` re-runs every page
instead of serving outputs the new code would not give.
"""

import hashlib
from pathlib import Path


def code_version(folders: list[Path]) -> str:
    """A short digest of the names and contents of the files under ``folders``."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
