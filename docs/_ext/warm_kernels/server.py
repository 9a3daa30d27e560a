"""The warm process: imports the pages' heavy modules once, then forks a kernel per request.

Started by the ``warm_kernels`` extension with a listening socket and the modules to import,
which it imports while Sphinx is still starting up.  Its output goes to a log file beside
the socket (it must not hold the build's console open).  Two kinds of connections:
- a build *attaches* (``{"attach": true}``) and stays connected while it runs; the warm
  process serves as long as one build is attached (the Makefile's languages share one),
  and decides to end under the lock that builds take to attach, so none attaches to it
  as it ends;
- ``launch.py`` (a kernel's command) sends its stdin/stdout/stderr, working directory,
  environment and arguments, and reads back the kernel's pid, then its exit code.
One thread and one select loop: a fork never copies another thread's half-held lock.
"""

import fcntl
import importlib
import json
import os
import select
import signal
import socket
import sys


# What every kernel imports as it starts (ipykernel's debugger imports debugpy).
KERNEL_MODULES = ["ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger", "psutil",
                  "IPython.core.completerlib", "IPython.extensions.storemagic"]


def serve(listener: socket.socket, lock_path: str, modules: list[str]):
    # debugpy checks its files when imported and warns on stderr under Python 3.11's frozen
    # modules; ipykernel's own kernelspec turns that check off the same way.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # One module at a time while nothing waits, so that a build that ends early (it had
    # nothing to execute) is not kept waiting.  ipykernel and the first module come first and
    # are in before the first kernel is forked; the others follow as they can.
    to_import = [*KERNEL_MODULES[:2], *modules[:1], *KERNEL_MODULES[2:], *modules[1:]]
    essential = to_import[:3]
    builds = set()  # connections of the builds attached
    kernels = {}  # pidfd -> (kernel pid, connection to its launcher)
    launchers = {}  # connection -> kernel pid
    while True:
        ready, _, _ = select.select([listener, *builds, *kernels, *launchers], [], [],
                                    0 if to_import else None)
        if not ready and to_import:
            importlib.import_module(to_import.pop(0))
        for item in ready:
            if item is listener:
                conn, _ = listener.accept()
                request, fds = receive(conn)
                if request.get("attach"):
                    builds.add(conn)
                    continue
                while to_import and to_import[0] in essential:
                    importlib.import_module(to_import.pop(0))
                pid = fork_kernel(conn, request, fds, inherited=[listener, *builds, *kernels, *launchers])
                kernels[os.pidfd_open(pid)] = (pid, conn)
                launchers[conn] = pid
                conn.sendall(f"{pid}\n".encode())
            elif item in builds:  # a build finished (or died): detach it
                builds.discard(item)
                item.close()
            elif item in kernels:  # a kernel exited: tell its launcher how
                pid, conn = kernels.pop(item)
                os.close(item)
                _, status = os.waitpid(pid, 0)
                if launchers.pop(conn, None) is not None:
                    send_quietly(conn, f"{os.waitstatus_to_exitcode(status)}\n".encode())
                conn.close()
            else:  # a launcher hung up (it was killed): its kernel goes too
                os.kill(launchers.pop(item), signal.SIGKILL)
        if not builds and ending(listener, lock_path):
            return


def ending(listener: socket.socket, lock_path: str) -> bool:
    """True when no build is waiting to attach; the socket is then removed, under the lock."""
    try:
        lock = open(lock_path, "w")
    except FileNotFoundError:  # the build that started this one removed its folder: done
        return True
    fcntl.flock(lock, fcntl.LOCK_EX)  # held until this process exits, if it ends
    waiting, _, _ = select.select([listener], [], [], 0)
    if waiting:
        lock.close()
        return False
    os.unlink(listener.getsockname())
    return True


def receive(conn: socket.socket) -> tuple[dict, list[int]]:
    """One request: a line of JSON, and the file descriptors sent with it."""
    message, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
    while message and not message.endswith(b"\n"):
        message += conn.recv(1 << 16)
    return json.loads(message or b"{}"), fds


def send_quietly(conn, data):
    try:
        conn.sendall(data)
    except OSError:  # the launcher has gone meanwhile
        pass


def redo_import_time_settings() -> list[str]:
    """Some modules read the environment when imported, which here was before this kernel's
    environment existed; redo what they did with it, as the fresh kernel would have.
    - ipykernel reads JPY_PARENT_PID (the process whose end ends the kernel, and without
      which it prints a "Ctrl-C will not work" note): passed on as the setting it becomes;
    - matplotlib reads MPLBACKEND, which ipykernel sets to its inline backend only when the
      kernel starts, after importing matplotlib here: set now, the way ipykernel does."""
    argv = []
    if os.environ.get("JPY_PARENT_PID"):
        argv.append(f"--IPKernelApp.parent_handle={int(os.environ['JPY_PARENT_PID'])}")
    if "matplotlib" in sys.modules:
        os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        sys.modules["matplotlib"].rcParams["backend"] = os.environ["MPLBACKEND"]
    return argv


def fork_kernel(conn: socket.socket, request: dict, fds: list[int], inherited: list) -> int:
    """Fork a kernel that looks as if ``python -m ipykernel_launcher`` had started it."""
    pid = os.fork()
    if pid:
        for fd in fds:
            os.close(fd)
        return pid
    try:
        for item in inherited:  # other kernels' and builds' business
            os.close(item if isinstance(item, int) else item.detach())
        conn.close()
        for target, fd in enumerate(fds):  # the launcher's stdin, stdout, stderr
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = ["ipykernel_launcher", *request["argv"], *redo_import_time_settings()]
        sys.path[0] = request["cwd"]  # as `python -m ipykernel_launcher` has it
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    try:
        serve(socket.socket(fileno=int(sys.argv[1])), sys.argv[2], sys.argv[3:])
    except KeyboardInterrupt:  # Ctrl-C on the build
        pass
