"""The warm process: imports torch once, then forks a kernel for each request.

    python -m warm_kernels.process <listening socket's file descriptor> <lock file>

A request is a line of JSON (the kernel's ``argv``, ``env`` and ``cwd``) sent with the
kernel's stdin, stdout and stderr; the reply is the kernel's pid and, when the kernel
exits, its exit code.  A request whose connection drops (the build that asked was killed)
has its kernel killed.  One thread and one select loop: a fork never copies another
thread's half-held lock.  After ``IDLE`` seconds without a kernel it ends, under the lock
that builds take to connect, so that none connects to it as it ends.
"""

import fcntl
import json
import os
import random
import runpy
import select
import signal
import socket
import sys
import time
import traceback

IDLE = 30  # seconds without a kernel before the warm process ends


def serve(listener: socket.socket, lock_path: str):
    import torch  # noqa: F401 (what every kernel would spend a second on)

    kernels = {}  # pidfd -> (pid, connection that asked for it)
    asked = {}  # connection -> pid
    idle_since = time.monotonic()
    while True:
        timeout = None if kernels else max(0.0, idle_since + IDLE - time.monotonic())
        ready, _, _ = select.select([listener, *kernels, *asked], [], [], timeout)
        if not ready:
            if ending(listener, lock_path):
                return
            idle_since = time.monotonic()
        for item in ready:
            if item is listener:
                connection, _ = listener.accept()
                message, fds, _, _ = socket.recv_fds(connection, 1 << 20, 3)
                while message and not message.endswith(b"\n"):
                    message += connection.recv(1 << 20)
                others = [listener, *asked, *kernels]
                pid = os.fork()
                if pid == 0:
                    run_kernel(json.loads(message), fds, [connection, *others])
                for fd in fds:
                    os.close(fd)
                kernels[os.pidfd_open(pid)] = (pid, connection)
                asked[connection] = pid
                connection.sendall(f"{pid}\n".encode())
            elif item in kernels:  # a kernel exited: say how, to whoever asked for it
                pid, connection = kernels.pop(item)
                os.close(item)
                code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
                if asked.pop(connection, None) is not None:
                    try:
                        connection.sendall(f"{code}\n".encode())
                    except OSError:  # it has gone meanwhile
                        pass
                connection.close()
                idle_since = time.monotonic()
            else:  # whoever asked has gone: so does its kernel
                os.kill(asked.pop(item), signal.SIGKILL)


def run_kernel(request: dict, fds: list[int], inherited: list):
    """In the forked child: become the kernel ``python -m ipykernel_launcher`` would be."""
    for item in inherited:  # the warm process's business, not the kernel's
        os.close(item if isinstance(item, int) else item.detach())
    os.setsid()  # a session of its own, as jupyter_client starts kernels
    for target, fd in enumerate(fds):  # stdin, stdout, stderr of whoever asked
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    random.seed()  # from the system's entropy, as a new process seeds it
    if "numpy.random" in sys.modules:
        sys.modules["numpy.random"].seed()
    sys.argv = ["ipykernel_launcher", *request["argv"]]
    sys.path[0] = request["cwd"]  # as `python -m` has it
    code = 0
    try:
        runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else int(exit.code is not None)
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # without tearing the interpreter down: a second, with torch in it


def ending(listener: socket.socket, lock_path: str) -> bool:
    """Whether to end, as no connection is waiting; the socket is removed under the lock,
    which this process then holds until it exits."""
    lock = open(lock_path, "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    if select.select([listener], [], [], 0)[0]:
        lock.close()
        return False
    os.unlink(listener.getsockname())
    return True


if __name__ == "__main__":
    serve(socket.socket(fileno=int(sys.argv[1])), sys.argv[2])
