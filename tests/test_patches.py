"""The workarounds of src/book/patches.py, numbered as there: for each, a test that the
upstream bug is still there (when one fails, upstream has fixed it: remove the workaround
and its tests), and a test that the workaround does its job."""

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
import sphinx.search
from jupyter_client import KernelManager
from jupyter_client.provisioning.factory import KernelProvisionerFactory
from myst_nb.core.utils import coalesce_streams as myst_nb_coalesce_streams
from sphinx.search.zh import SearchChinese
from sphinxcontrib.katex import KaTeXServer

from book import patches


def python(code: str) -> str:
    """What a fresh Python (this venv's) prints running ``code``."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=180, env={**os.environ, "PATH": os.path.dirname(sys.executable)
                                                      + os.pathsep + os.environ["PATH"]})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


# -- 1. Kernels over Unix sockets ----------------------------------------------------------------

@pytest.fixture
def provisioner(monkeypatch):
    """set_provisioner(name): the provisioner this process's next kernels start with."""
    def set_provisioner(name):
        monkeypatch.setenv("JUPYTER_DEFAULT_PROVISIONER_NAME", name)
        KernelProvisionerFactory.clear_instance()  # it reads the setting when first made
    yield set_provisioner
    KernelProvisionerFactory.clear_instance()


def test_jupyter_client_still_picks_a_kernels_ports_before_the_kernel_binds_them(provisioner):
    """jupyter/jupyter_client#487: between the two, any process may take them."""
    provisioner("local-provisioner")
    km = KernelManager(kernel_name="python3")
    km.pre_start_kernel()
    try:
        assert km.transport == "tcp" and km.shell_port > 0
        with socket.socket() as other:
            other.bind((km.ip, km.shell_port))  # free for anyone to take
    finally:
        km.cleanup_resources()


def test_the_books_kernels_talk_over_unix_sockets_of_their_own(provisioner):
    provisioner("book-unix-sockets")
    managers = [KernelManager(kernel_name="python3") for _ in range(2)]
    try:
        for km in managers:
            km.pre_start_kernel()
        info = [json.loads(Path(km.connection_file).read_text()) for km in managers]
        assert [i["transport"] for i in info] == ["ipc", "ipc"]
        assert len({Path(i["ip"]).parent for i in info}) == 2, "two kernels share a folder"
    finally:
        for km in managers:
            km.cleanup_resources()


# -- 2. Printed lines stay whole ---------------------------------------------------------------

PRINTED = "旋钮 w 动了: 0.001\n肉饼 u 动了: 0.002000\n"
# How a kernel may cut what a cell printed: whole; before a newline; a message per character.
CUTS = [[PRINTED], ["旋钮 w 动了: 0.001", "\n肉饼 u 动了: 0.002000\n"], list(PRINTED)]


def stdout(*texts: str) -> list:
    return [nbformat.v4.new_output("stream", name="stdout", text=text) for text in texts]


def test_myst_nb_still_adds_a_line_break_where_a_kernel_cut_a_line():
    merged = myst_nb_coalesce_streams(stdout(*CUTS[1]))
    assert [output.text for output in merged] != [PRINTED], "MyST-NB merges cut lines right now"


@pytest.mark.parametrize("cut", CUTS, ids=["whole", "cut before a newline", "by the character"])
def test_a_printed_line_is_one_line_on_the_page_however_the_kernel_cut_it(make_app, tmp_path, cut):
    html = build_a_notebook(make_app, tmp_path / "page", stdout(*cut), ["myst_nb", "book.patches"])
    shown = html.split('<div class="cell_output')[1].split("</pre>")[0]
    assert "0.001\n肉饼" in shown and "\n\n" not in shown.split("<pre>", 1)[-1]


def build_a_notebook(make_app, folder: Path, outputs: list, extensions: list[str]) -> str:
    """A page whose notebook holds ``outputs`` as a kernel sent them, built by MyST-NB (with
    ``extensions``, but no kernel): its HTML."""
    cell = nbformat.v4.new_code_cell("print('...')", outputs=outputs, execution_count=1)
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Page"), cell],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    folder.mkdir()
    nbformat.write(notebook, folder / "index.ipynb")
    (folder / "conf.py").write_text(f"extensions = {extensions!r}\nnb_execution_mode = 'off'\n"
                                    "nb_merge_streams = True\n")
    app = make_app("html", srcdir=folder)
    app.build()
    return (Path(app.outdir) / "index.html").read_text(encoding="utf-8")


def test_a_downloaded_notebook_merges_its_outputs_as_the_page_does():
    for cut in CUTS:
        assert [output.text for output in patches.coalesce_streams(stdout(*cut))] == [PRINTED]


# -- 3. KaTeX's render server -------------------------------------------------------------

LATE_SERVER = """
import socket, sys, time
server = socket.socket(socket.AF_UNIX)
server.bind(sys.argv[1])  # the socket file appears...
time.sleep(1)
server.listen()  # ...a second before the server listens
time.sleep(5)
"""


class LateServer(KaTeXServer):
    """A render server that listens a moment after its socket file appears."""

    @classmethod
    def build_command(cls, socket=None, port=None):
        return [sys.executable, "-c", LATE_SERVER, str(socket)]


def test_sphinxcontrib_katex_still_connects_before_its_server_listens(tmp_path):
    with pytest.raises(ConnectionRefusedError):
        patches.upstream_start_server_process.__func__(LateServer, tmp_path, timeout=10)


def test_the_render_server_is_connected_to_once_it_listens(tmp_path):
    process, sock = patches.start_server_process(LateServer, tmp_path, timeout=10)
    sock.close()
    process.kill()


# -- 4. Chinese search ------------------------------------------------------------------------

def test_sphinx_still_names_a_chinese_stemmer_that_does_not_exist():
    """sphinx-doc/sphinx#14229: window.Stemmer = ChineseStemmer, from a file that has none."""
    stemmer = Path(sphinx.search.__file__).parent / "minified-js" / SearchChinese.js_stemmer_rawcode
    assert f"{SearchChinese.language_name}Stemmer" not in stemmer.read_text(encoding="utf-8")


def test_sphinx_still_looks_up_a_chinese_query_as_one_word():
    assert not SearchChinese.js_splitter_code, "Sphinx splits Chinese queries itself now"


def test_the_books_chinese_search_names_the_stemmer_it_ships():
    stemmer = Path(sphinx.search.__file__).parent / "minified-js" / patches.ChineseSearch.js_stemmer_rawcode
    assert f"{patches.ChineseSearch.language_name}Stemmer" in stemmer.read_text(encoding="utf-8")


# -- 5. The root logger ---------------------------------------------------------------------------

def test_accessible_pygments_still_sets_the_root_logger_to_info():
    assert python("import logging, a11y_pygments; print(logging.getLogger().level)") == "20"


def test_the_root_logger_stays_at_warning_with_the_books_patches():
    assert python("import logging, book.patches, a11y_pygments; print(logging.getLogger().level)") == "30"


# -- 6. A page's executed notebook -------------------------------------------------------------

@pytest.fixture
def built_twice(make_app, tmp_path):
    """A one-cell page built, then read again (its outputs from the execution cache): the
    notebook MyST-NB wrote for it, and the app."""
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "conf.py").write_text('extensions = ["myst_nb"]\nnb_execution_mode = "cache"\n')
    (tmp_path / "page" / "index.md").write_text(
        "---\nfile_format: mystnb\nkernelspec: {name: python3, display_name: Python 3}\n---\n"
        "# Page\n\n```{code-cell} python\nprint(6 * 7)\n```\n")
    for fresh in (False, True):
        app = make_app("html", srcdir=tmp_path / "page", freshenv=fresh)
        app.build()
    return Path(app.outdir).parent / "jupyter_execute" / "index.ipynb", app


def test_myst_nb_still_writes_a_cached_pages_notebook_without_its_outputs(built_twice):
    notebook = nbformat.read(built_twice[0], as_version=4)
    assert not notebook.cells[-1].outputs, "MyST-NB writes the outputs it took from the cache now"


def test_a_pages_executed_notebook_has_the_outputs_the_page_shows(built_twice):
    notebook = patches.executed_notebook(built_twice[1], built_twice[0])
    assert notebook.cells[-1].outputs[0].text == "42\n"


# -- 7. Toctree captions' heading level ----------------------------------------------------------

def test_sphinx_still_gives_a_toctree_caption_no_heading_level(make_app, tmp_path):
    """sphinx-doc/sphinx#14030."""
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "conf.py").write_text("")
    (tmp_path / "book" / "index.rst").write_text("Book\n====\n\n.. toctree::\n   :caption: Parts\n\n   part\n")
    (tmp_path / "book" / "part.rst").write_text("Part\n====\n")
    app = make_app("html", srcdir=tmp_path / "book")
    app.build()
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert patches.CAPTION in html and 'aria-level' not in html


def test_a_toctree_caption_is_a_heading_of_level_2(site):
    html = (site / "zh" / "index.html").read_text(encoding="utf-8")
    assert html.count('role="heading" aria-level="2"') >= 2 and patches.CAPTION not in html
