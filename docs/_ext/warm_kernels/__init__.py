"""Warm kernels: each page's notebook runs in a kernel forked from a process that has
imported torch already.

A fresh kernel spends about 2 s importing torch before it runs a page's few milliseconds of
code.  This extension puts its own ``python3`` kernel first on Jupyter's path, whose command
(``launch.py``) forks the kernel from a warm process (``server.py``) once the build is
attached to one: ``execute_ahead`` attaches it when pages are to be executed, and
``build_site.py`` starts one ahead of a build that will execute every page.  Every kernel is
still a new process with a fresh namespace; the pages, their cache keys and their downloads
still name ``python3``.  ``warm_kernel_modules`` (conf.py) lists what the warm process
imports.

Builds that run side by side share one warm process when WARM_KERNELS_DIR names the same
folder (the Makefile's languages do); otherwise each build has its own.  The warm process
ends when the last build attached to it does.
"""

import fcntl
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent


def modules_of(config) -> list[str]:
    """conf.py's warm_kernel_modules (``-D warm_kernel_modules=`` gives [""]: none)."""
    return [name for name in config.warm_kernel_modules if name]


def use_warm_kernels(app, config):
    """This build's ``python3`` kernel is ours: forked from the warm process once one is
    attached (BURGER_WARM_KERNELS set), an ordinary IPython kernel until then."""
    if config.nb_execution_mode != "off" and modules_of(config):
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(HERE), os.environ.get("JUPYTER_PATH")]))


def attach(app):
    """Fork this build's kernels from the warm process of WARM_KERNELS_DIR (which the
    Makefile's languages share), or from one of the build's own; started if need be."""
    if getattr(app, "warm_kernels", None) or not modules_of(app.config):
        return
    shared = os.environ.get("WARM_KERNELS_DIR")
    folder = shared or tempfile.mkdtemp(prefix="warm-kernels-")
    app.warm_kernels = attach_to_warm_process(modules_of(app.config), folder)

    def detach(app, exception):
        app.warm_kernels.close()
        if not shared:
            shutil.rmtree(folder, ignore_errors=True)

    app.connect("build-finished", detach)


def attach_to_warm_process(modules: list[str], folder: str | None = None,
                           python: tuple[str, ...] = (sys.executable,)) -> socket.socket:
    """Attach to the warm process of ``folder`` (WARM_KERNELS_DIR), starting it with the
    command ``python`` if there is none; kernels launched from this process on are forked
    from it."""
    folder = folder or os.environ["WARM_KERNELS_DIR"]
    os.makedirs(folder, exist_ok=True)
    address = os.path.abspath(os.path.join(folder, "socket"))
    if len(os.fsencode(address)) > 107:  # the length a Unix socket's path may have on Linux
        raise OSError(f"warm_kernels: the socket path {address} is longer than 107 bytes; "
                      "build in a folder with a shorter path (make html BUILD=...)")
    lock_path = os.path.join(folder, "lock")
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build at a time: attach to it, or start it
        build = connect(address) or start(address, lock_path, modules, python)
    os.environ["BURGER_WARM_KERNELS"] = address
    return build


def connect(address: str) -> socket.socket | None:
    """Attach to the warm process listening at ``address``, if one does.  (Under the lock:
    a warm process decides to end under it too, and then removes its socket first.)"""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(address)
        sock.sendall(json.dumps({"attach": True}).encode() + b"\n")
        return sock
    except OSError:  # none: no socket, or one left by a warm process that was killed
        sock.close()
        return None


def start(address: str, lock_path: str, modules: list[str], python: tuple[str, ...]) -> socket.socket:
    if os.path.exists(address):
        os.unlink(address)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(16)  # listening before the server runs: early requests wait, not fail
    with open(address + ".log", "w") as log:
        subprocess.Popen([*python, str(HERE / "server.py"), str(listener.fileno()), lock_path,
                          *modules], pass_fds=[listener.fileno()], stdin=subprocess.DEVNULL,
                         stdout=log, stderr=subprocess.STDOUT)
    listener.close()
    return connect(address)


def setup(app):
    app.add_config_value("warm_kernel_modules", ["torch"], "env", list)
    app.connect("config-inited", use_warm_kernels)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
