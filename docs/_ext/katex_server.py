"""sphinxcontrib-katex, adjusted: a reliable and early start for its render server, and
formulas without a third copy of themselves.

sphinxcontrib-katex 0.9.11 connects to node's socket as soon as the socket file appears,
which can be a moment before node listens on it: the connection is refused and the build
crashes, leaving the node process behind.  This start retries until node listens, and
stops node if it never does.  It happens as the build starts, in the background: node
takes a tenth of a second or more to listen, while Sphinx reads pages before it writes
the first formula.  Pinned to that version's internals (see requirements.txt).

KaTeX writes each formula twice, as HTML for the eye and as MathML for screen readers, and
puts its TeX source inside the MathML too (``<annotation encoding="application/x-tex">``),
which nothing on the page reads: that copy is dropped (9 KB of station 2's page).
"""

import re
import socket
import threading
import time
from subprocess import PIPE, Popen

import sphinxcontrib.katex
from sphinxcontrib.katex import KaTeXServer

TEX_SOURCE = re.compile(r'<annotation encoding="application/x-tex">.*?</annotation>', re.S)


def start_server_process(cls, rundir, timeout):
    socket_path = rundir / "katex.sock"
    process = Popen(cls.build_command(socket=socket_path), stdin=PIPE, stdout=PIPE, cwd=rundir)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(str(socket_path))
            return process, sock
        except (FileNotFoundError, ConnectionRefusedError):  # not listening yet
            sock.close()
            time.sleep(0.005)
    process.kill()
    raise cls.timeout_error(timeout)


_starting = None  # the thread starting the server ahead of the first formula


def start_ahead(app):
    global _starting
    if app.builder.format == "html" and app.config.katex_prerender:
        _starting = threading.Thread(target=KaTeXServer.get, daemon=True)
        _starting.start()


def started(*_):
    """Wait for the start begun ahead: before the first formula (had the start failed,
    rendering starts the server again and says why), and before the build ends (the
    server must be known to be stopped with it)."""
    if _starting is not None:
        _starting.join()


def render_without_tex_source(latex, options=None, _render=sphinxcontrib.katex.render_latex):
    started()
    return TEX_SOURCE.sub("", _render(latex, options))


def setup(app):
    KaTeXServer.start_server_process = classmethod(start_server_process)
    sphinxcontrib.katex.render_latex = render_without_tex_source
    # After sphinxcontrib-katex's own builder-inited, which tells the server where KaTeX is.
    app.connect("builder-inited", start_ahead, priority=600)
    app.connect("build-finished", started)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
