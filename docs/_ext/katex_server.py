"""A reliable start for sphinxcontrib-katex's render server.

sphinxcontrib-katex 0.9.11 connects to node's socket as soon as the socket file appears,
which can be a moment before node listens on it: the connection is refused and the build
crashes, leaving the node process behind.  This start retries until node listens, and
stops node if it never does.  Pinned to that version's internals (see requirements.txt).
"""

import socket
import time
from subprocess import PIPE, Popen

from sphinxcontrib.katex import KaTeXServer


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


def setup(app):
    KaTeXServer.start_server_process = classmethod(start_server_process)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
