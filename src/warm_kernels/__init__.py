"""Speed only: each page's kernel is forked from a warm process that has imported torch.

A fresh kernel spends about a second importing torch before it runs a page's few
milliseconds of code.  jupyter_client starts kernels through a *kernel provisioner*; this
one, the default of the book's builds (``setup`` below), asks a warm process
(``process.py``) to fork the kernel instead of starting ``python -m ipykernel_launcher``.
The fork is still a new kernel: it runs ipykernel_launcher as that command would, in the
kernel's own environment, folder and session, with fresh random seeds; only torch is
imported already (and nothing that reads the environment as it is imported).

There is one warm process per Python environment, shared by every build that runs on it
(both languages, Sphinx's parallel readers, the tests' builds); the first kernel starts
it, and it ends when it has had no kernel for a while.  Without this extension the builds
start their kernels the ordinary way, only slower.
"""

import fcntl
import hashlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from book.patches import UnixSocketProvisioner


class WarmKernelProvisioner(UnixSocketProvisioner):
    """Kernels forked from the warm process (over Unix sockets, as UnixSocketProvisioner's)."""

    async def launch_kernel(self, cmd, **kwargs):
        if cmd[:3] != [sys.executable, "-m", "ipykernel_launcher"]:
            return await super().launch_kernel(cmd, **kwargs)  # not the Python it can fork
        env = {**kwargs.get("env", os.environ), "JPY_PARENT_PID": str(os.getpid())}  # as jupyter_client's launch_kernel sets it
        self.cwd = kwargs.get("cwd") or os.getcwd()
        self.process = fork_kernel(cmd[3:], env, self.cwd)
        self.pid = self.pgid = self.process.pid  # the kernel leads a session of its own
        return self.connection_info


class ForkedKernel:
    """A kernel the warm process forked, as the subprocess.Popen of a launched kernel would
    show it: jupyter_client polls, waits for, signals and kills the kernel through this.
    The warm process tells its exit code when it exits."""

    stdin = stdout = stderr = None

    def __init__(self, connection: socket.socket):
        self.connection, self.returncode = connection, None
        self.pid = int(self.read_line() or 0)
        if not self.pid:
            raise RuntimeError(f"the warm process did not fork a kernel (its log: {address().with_suffix('.log')})")

    def read_line(self) -> str:
        line = b""
        while not line.endswith(b"\n"):
            if not (chunk := self.connection.recv(1)):
                break
            line += chunk
        return line.decode().strip()

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self.connection], [], [], 0)[0]:
            self.returncode = int(self.read_line() or -signal.SIGKILL)  # no code: the warm process went
            self.connection.close()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None and not select.select([self.connection], [], [], timeout)[0]:
            raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
        return self.poll()

    def send_signal(self, signum: int):
        if self.returncode is None:
            os.kill(self.pid, signum)

    def kill(self):
        self.send_signal(signal.SIGKILL)

    def terminate(self):
        self.send_signal(signal.SIGTERM)


def address() -> Path:
    """The warm process's socket: one per Python environment, and a new one when packages
    are installed or removed (which changes the folder they are in).  The environment
    includes PYTHONPATH: a kernel forked from a warm process has that process's sys.path,
    so two working trees that share a .venv and set PYTHONPATH to their own src/ (a git
    worktree, say) must not share one."""
    packages = Path(sysconfig.get_paths()["purelib"])
    key = f"{sys.executable}\0{packages.stat().st_mtime_ns}\0{os.environ.get('PYTHONPATH', '')}".encode()
    folder = Path(tempfile.gettempdir(), f"warm-kernels-{os.getuid()}")
    folder.mkdir(exist_ok=True)
    return folder / f"{hashlib.sha256(key).hexdigest()[:12]}.sock"


def fork_kernel(argv: list[str], env: dict, cwd: str) -> ForkedKernel:
    """Ask the warm process (started if there is none) to fork the kernel
    ``python -m ipykernel_launcher <argv>``, with this process's stdout and stderr."""
    path = address()
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the warm process decides to end under it too
        connection = connect(path) or start(path)
    request = json.dumps({"argv": argv, "env": env, "cwd": cwd}).encode() + b"\n"
    with open(os.devnull) as stdin:
        socket.send_fds(connection, [request], [stdin.fileno(), 1, 2])
    return ForkedKernel(connection)


def connect(path: Path) -> socket.socket | None:
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(path))
        return connection
    except OSError:  # no warm process, or one that was killed
        connection.close()
        return None


def start(path: Path) -> socket.socket:
    """Start the warm process, listening already, so that the first requests wait for it."""
    path.unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(64)
    with open(path.with_suffix(".log"), "w") as log:  # never the build's console: it outlives the build
        subprocess.Popen([sys.executable, "-m", "warm_kernels.process", str(listener.fileno()),
                          str(path.with_suffix(".lock"))], pass_fds=[listener.fileno()],
                         stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                         start_new_session=True)
    listener.close()
    return connect(path)


def setup(app):
    # Read when a process starts its first kernel: the build's, and the readers it forks.
    os.environ["JUPYTER_DEFAULT_PROVISIONER_NAME"] = "book-warm-kernels"
    return {"parallel_read_safe": True, "parallel_write_safe": True}
