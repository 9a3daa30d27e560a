"""Start the warm process ahead of the builds: ``python docs/_ext/warm_kernels conf.py``.

The Makefile runs this before it starts the languages' builds, so the warm process imports
torch while Sphinx starts up, and keeps it attached until it is stopped (SIGTERM), by which
time the builds have attached themselves (they share WARM_KERNELS_DIR with it).
"""

import runpy
import signal
import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).parent.parent)  # docs/_ext
from warm_kernels import attach_to_warm_process  # noqa: E402

conf = runpy.run_path(sys.argv[1])
connection = attach_to_warm_process(conf.get("warm_kernel_modules", []))
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
signal.pause()
