"""Debian's Chromium, driven by Playwright (whose own browser download does not work here):
for the browser tests, the screenshots and the benchmark."""

import os
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from book.pdf import CHROMIUM_ARGS as ARGS
from book.pdf import HEADLESS_SHELL

# The tests and the screenshots run Chromium as make pdf does (src/book/pdf.py): Debian's
# chromium-headless-shell, the headless-only build that Playwright itself runs for headless
# tests.  The browser tests took a fifth less CPU than with the full browser's --headless
# (179 against 226 CPU-s, 2026-12-02).  The benchmark times what a reader's browser does:
# the full chromium.
CHROMIUM = Path("/usr/bin/chromium")
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def besides_left_behind(problems: list[str]) -> list[str]:
    """The problems, less requests aborted because the reader left the page (a click to another
    page cancels what the old one was still loading, such as its favicon): no fault of the site.
    A file that is missing still shows, as an HTTP 404."""
    return [p for p in problems if not (p.startswith("request failed:") and "net::ERR_ABORTED" in p)]


def launch(playwright, browser: Path = HEADLESS_SHELL):
    return playwright.chromium.launch(executable_path=browser, args=ARGS)


@contextmanager
def live_preview(copy: Path, folder: str, page, name: str, seconds: float = 240):
    """`make livehtml lang=<folder>` in ``copy`` on a free port, with ``page`` (Playwright)
    open on ``<name>.html`` once its first build is served; stopped on leaving."""
    from playwright.sync_api import Error as PlaywrightError

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    from project import authors_env

    preview = subprocess.Popen(["make", "livehtml", f"lang={folder}", f"PORT={port}"], cwd=copy,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True, env=authors_env())
    try:
        deadline = time.monotonic() + seconds
        while True:  # the preview's first build
            try:
                page.goto(f"http://127.0.0.1:{port}/{name}.html")
                if page.locator("article h1").count():
                    break
            except PlaywrightError:
                pass
            assert preview.poll() is None, preview.stdout.read()
            assert time.monotonic() < deadline, f"make livehtml served no page in {seconds} s"
            time.sleep(0.5)
        yield page
    finally:
        os.killpg(preview.pid, signal.SIGTERM)
        preview.wait()
