"""Workarounds of upstream bugs, each naming the bug; tests/test_patches.py has, for each, a
test that fails once the bug is fixed upstream, so that its workaround can go.

1. jupyter_client picks a kernel's TCP ports before the kernel binds them, and another
   process may take them meanwhile (jupyter/jupyter_client#487; the fix is JEP 66, not
   adopted): a kernel then dies with "ZMQError: Address already in use".  Kernels started
   through ``UnixSocketProvisioner`` talk over Unix sockets in a folder of their own.
2. MyST-NB's ``nb_merge_streams`` ends every stream message with a newline (myst-nb 1.4.0,
   ``coalesce_streams``), so a printed line that the kernel sent in two messages gains a
   blank line, and two builds of one page differ (no upstream issue yet): messages that
   follow each other are joined first.
3. sphinxcontrib-katex 0.9.11 connects to its render server once the server's socket file
   exists, which can be before the server listens: the connection is refused and the
   build crashes (no upstream issue yet).  The connection is retried until the server
   listens.
4. Sphinx 9.0's Chinese search names its JavaScript stemmer ``ChineseStemmer``, which does
   not exist, and the search page hangs (sphinx-doc/sphinx#14229, fixed in Sphinx 9.1,
   which needs Python 3.12); and it looks a query up as one word where the index holds
   jieba's words (反向传播 is indexed as 反向 + 传播), so it finds nothing (no upstream
   issue yet): the query is cut into the longest words the index knows.
5. accessible-pygments 0.0.5 (Furo's) configures the root logger at INFO when imported,
   and every library's INFO lines then reach the console (no upstream issue yet): the root
   logger is configured first, at WARNING.
6. MyST-NB 1.4.0 writes a page's notebook to jupyter_execute/ without its outputs when it
   took them from the execution cache (it writes the notebook it read, not the one it
   rendered; no upstream issue yet): ``executed_notebook`` merges them in from the cache.
7. Sphinx gives a toctree's caption role="heading" but no aria-level, which ARIA 1.2
   requires (sphinx-doc/sphinx#14030, open; the fix is sphinx-doc/sphinx#14437): level 2,
   ARIA's default, is written out in the pages and Furo's navigation.
"""

import logging
import os
import shutil
import socket
import tempfile
import time
from contextlib import suppress
from pathlib import Path
from subprocess import PIPE, Popen

import jieba
import nbformat
from jupyter_cache import get_cache
from jupyter_client.provisioning import LocalProvisioner
from myst_nb.core import render
from myst_nb.core.utils import coalesce_streams as myst_nb_coalesce_streams
from nbformat import NotebookNode
from sphinx.search.zh import SearchChinese
from sphinxcontrib.katex import KaTeXServer


# -- 1. Kernels over Unix sockets ------------------------------------------------------------

class UnixSocketProvisioner(LocalProvisioner):
    """jupyter_client's local kernels, over Unix sockets in a folder of each kernel's own.
    (The default provisioner of the book's builds: see ``setup``.)"""

    async def pre_launch(self, **kwargs):
        self.sockets = tempfile.mkdtemp(prefix="kernel-")
        self.parent.transport, self.parent.ip = "ipc", os.path.join(self.sockets, "k")
        self.parent.cache_ports = False  # ports are TCP's
        return await super().pre_launch(**kwargs)

    async def cleanup(self, restart=False):
        await super().cleanup(restart)
        if not restart:  # (jupyter_client may clean up more than once)
            shutil.rmtree(self.sockets, ignore_errors=True)


# -- 2. Printed lines stay whole -------------------------------------------------------------

def coalesce_streams(outputs: list[NotebookNode]) -> list[NotebookNode]:
    """MyST-NB's merge of the stream outputs, after joining those that follow each other on
    one stream exactly (the outputs given are not changed)."""
    joined = []
    for output in outputs:
        last = joined[-1] if joined else None
        if (last is not None and output.get("output_type") == last.get("output_type") == "stream"
                and output.get("name") == last.get("name")):
            joined[-1] = NotebookNode({**last, "text": last["text"] + output["text"]})
        else:
            joined.append(output)
    return myst_nb_coalesce_streams(joined)


# -- 3. KaTeX's render server ----------------------------------------------------------

upstream_start_server_process = KaTeXServer.__dict__["start_server_process"]  # (for tests)


def start_server_process(cls, rundir, timeout):
    """sphinxcontrib-katex's own, less the race: connect once the server listens."""
    socket_path = rundir / "katex.sock"
    process = Popen(cls.build_command(socket=socket_path), stdin=PIPE, stdout=PIPE, cwd=rundir)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return process, connect(socket_path)
        except (FileNotFoundError, ConnectionRefusedError):  # not listening yet
            time.sleep(0.005)
    process.kill()
    raise cls.timeout_error(timeout)


def connect(path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(str(path))  # (refused, the socket is closed as it is dropped)
    return sock


# -- 4. Chinese search -----------------------------------------------------------------------

class ChineseSearch(SearchChinese):
    language_name = "English"  # names the JS stemmer class it ships (sphinx-doc/sphinx#14229)
    js_splitter_code = (Path(__file__).parent / "split_query.js").read_text(encoding="utf-8")

    def __init__(self, options):
        jieba.setLogLevel(logging.WARNING)  # not its dictionary's loading, on every build
        super().__init__(options)


# -- 5. The root logger ----------------------------------------------------------------------

logging.basicConfig(level=logging.WARNING)  # before Sphinx imports the theme


# -- 6. A page's executed notebook -------------------------------------------------------------

def executed_notebook(app, ipynb) -> NotebookNode:
    """The notebook MyST-NB wrote for a page, with the outputs the page shows."""
    notebook, config = nbformat.read(ipynb, as_version=4), app.env.mystnb_config
    with suppress(KeyError):  # not in the cache: executed in this build, outputs written
        if config.execution_mode == "cache":
            _, notebook = get_cache(config.execution_cache_path).merge_match_into_notebook(notebook)
    return notebook


# -- 7. Toctree captions' heading level --------------------------------------------------------

CAPTION = 'role="heading"><span class="caption-text">'


def caption_heading_level(app, pagename, templatename, context, doctree):
    for key in ("body", "furo_navigation_tree"):  # the page's toctrees, and the sidebar's
        if isinstance(context.get(key), str):
            context[key] = context[key].replace(CAPTION, CAPTION.replace('"heading"', '"heading" aria-level="2"'))


def setup(app):
    # Read when a process starts its first kernel: the book's processes, and what they fork.
    os.environ.setdefault("JUPYTER_DEFAULT_PROVISIONER_NAME", "book-unix-sockets")
    render.coalesce_streams = coalesce_streams  # the name MyST-NB's renderer calls
    KaTeXServer.start_server_process = classmethod(start_server_process)
    app.add_search_language(ChineseSearch)
    app.connect("html-page-context", caption_heading_level, priority=600)  # after Furo's own
    return {"parallel_read_safe": True, "parallel_write_safe": True}

