"""A page's kernel command (kernels/python3/kernel.json): fork it from the warm process.

It stays alive as the kernel's stand-in for Jupyter: passes interrupts and termination on to
the forked kernel and exits with its code; if this process is killed, the warm process kills
the kernel.  Without a warm process (BURGER_WARM_KERNELS unset: this kernel used outside a
build) it becomes an ordinary IPython kernel.
"""

import json
import os
import signal
import socket
import sys

address = os.environ.get("BURGER_WARM_KERNELS")
if not address:
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *sys.argv[1:]])



def fail(reason: str):
    """No kernel: say why, with what the warm process logged (an import that failed...)."""
    try:
        with open(address + ".log") as log:
            said = log.read()
    except OSError:
        said = ""
    sys.exit(f"The warm process at {address} {reason}.\n{said}")


sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    sock.connect(address)
except OSError as error:
    fail(f"is not there to fork this kernel ({error})")
request = {"cwd": os.getcwd(), "env": dict(os.environ), "argv": sys.argv[1:]}
socket.send_fds(sock, [json.dumps(request).encode() + b"\n"], [0, 1, 2])
replies = sock.makefile("r")
pid = replies.readline().strip()
if not pid:
    fail("ended without forking this kernel")
pid = int(pid)
for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
    signal.signal(sig, lambda signum, frame: os.kill(pid, signum))
code = replies.readline().strip()
sys.exit(int(code) if code else 1)
