"""Shared fixtures: the project's root, its built site, and throwaway copies to break."""

import os
import re
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from urllib.parse import urlsplit

import pytest
from filelock import FileLock
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))  # twins, the checker the build itself uses
from twins import pages as source_pages  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")  # Debian's; Playwright's own browser download is not used
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]

LANGS = ("zh", "en")
STATIONS = ("1-factory", "2-chain-rule", "3-error-and-backprop", "4-pytorch-backward",
            "5-backward-by-hand")


def make(target: str, cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``make <target>`` the way an author would (with ``env`` added to the environment),
    capturing its console.

    jupyter_client picks each kernel's ports at random and, with kernels starting side by
    side, two can collide ("Address already in use"); that build is run once more."""
    for _ in range(2):
        result = subprocess.run(["make", target, *args], cwd=cwd, capture_output=True,
                                text=True, timeout=900, env={**os.environ, **(env or {})})
        if "Address already in use" not in result.stdout + result.stderr:
            break
    return result


@contextmanager
def live_preview(copy: Path, lang: str, page, name: str, seconds: float = 240):
    """`make livehtml lang=<lang>` in ``copy`` on a free port, with ``page`` (Playwright)
    open on ``<name>.html`` once its first build is served; stopped on leaving."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    preview = subprocess.Popen(["make", "livehtml", f"lang={lang}", f"PORT={port}"], cwd=copy,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
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


class QuietHandler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real hosts do

    def log_message(self, format, *args):  # no access log on the console
        pass


@contextmanager
def served(folder: Path, handler=QuietHandler):
    """``folder`` served on 127.0.0.1 as any static host would serve it (or as ``handler``,
    a QuietHandler, answers); yields its base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def copy_project(dest: Path) -> Path:
    """A copy of the project's sources that shares the real .venv (mtimes kept, so the
    Makefile does not reinstall it)."""
    for name in ("conf.py", "Makefile", "requirements.txt"):
        shutil.copy2(ROOT / name, dest / name)
    for name in ("docs", "src"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    (dest / ".venv").symlink_to(ROOT / ".venv")
    return dest


def article_text(html: str, keep_code: bool = False) -> str:
    """The visible text of a page's article: code inputs dropped unless asked for,
    and only KaTeX's rendered math kept (not its MathML or TeX annotation twins)."""
    html = html[html.index('<article'):html.index('</article>')]
    if not keep_code:
        html = re.sub(r'<div class="cell_input.*?</div>\s*</div>', "", html, flags=re.S)
    html = re.sub(r'<span class="katex-mathml">.*?</math></span>', "", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", text.replace("&nbsp;", " ")).strip()


def shared_folder(tmp_path_factory) -> Path:
    """A folder all of the session's test processes share (pytest-xdist runs several)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session", autouse=True)
def warm_kernels(tmp_path_factory):
    """Every build the tests run (WARM_KERNELS_DIR) forks its pages' kernels from one warm
    process, as the languages of one `make html` do, instead of each starting its own."""
    from warm_kernels import attach_to_warm_process

    modules = runpy.run_path(str(ROOT / "conf.py"))["warm_kernel_modules"]
    os.environ["WARM_KERNELS_DIR"] = str(shared_folder(tmp_path_factory) / "warm")
    connection = attach_to_warm_process(modules)
    yield
    connection.close()
    for name in ("WARM_KERNELS_DIR", "BURGER_WARM_KERNELS"):
        os.environ.pop(name, None)


def built_once(folder: Path, prepare=lambda copy: None, env: dict | None = None) -> Path:
    """``folder``: a copy of the project, changed by ``prepare(copy)``, then built from scratch
    (with ``env``); built once for all the session's test processes, by the first that asks."""
    with FileLock(f"{folder}.lock"):
        if not (folder / "_build" / "html").is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            prepare(copy_project(folder))
            result = make("html", folder, env=env)
            assert result.returncode == 0, result.stdout + result.stderr
    return folder


@pytest.fixture(scope="session")
def clean_copy(tmp_path_factory) -> Path:
    """A copy of the project built from scratch (empty cache, empty output)."""
    return built_once(shared_folder(tmp_path_factory) / "clean")


# -- Copies with their knobs turned ----------------------------------------------------------

SEED = {"x": 2.0, "w": 3.0, "v": 2.0, "target": 10.0}
# How each page's code sets the example, as the seed does.
KNOB_LINES = {
    "w": "w = torch.tensor({}, requires_grad=True)",
    "v": "v = torch.tensor({}, requires_grad=True)",
    "x": "x = torch.tensor({})",
}
# w from 3 to 4 is the change the book promises to follow; v moving too catches a number
# typed by hand that happens to equal one w does not change (x stays 2, like the 2s of
# formulas such as 2(y - target) and squares, so those are not taken for typed numbers).
VARIANTS = {"w=4": {"w": 4.0}, "v=5": {"v": 5.0}}
# The w=4 copy is also built for another address (BOOK_BASEURL): one build, two checks
# (test_reader_features: every URL of the site follows that one setting).
MOVED_BASEURL = {"w=4": "https://example.org/books/burger/"}


def turned_copy(tmp_path_factory, variant: str) -> Path:
    """A copy of the project whose pages' code sets the variant's knobs, built once."""
    def turn(copy: Path):
        for lang in LANGS:
            for station in STATIONS:
                path = copy / "docs" / lang / f"{station}.md"
                source = path.read_text(encoding="utf-8")
                for knob, value in VARIANTS[variant].items():
                    line = KNOB_LINES[knob].format(SEED[knob])
                    assert line in source, f"{path} does not set {knob} as the seed does: {line}"
                    source = source.replace(line, KNOB_LINES[knob].format(value))
                path.write_text(source, encoding="utf-8")

    env = {"BOOK_BASEURL": MOVED_BASEURL[variant]} if variant in MOVED_BASEURL else None
    return built_once(shared_folder(tmp_path_factory) / variant, turn, env)


@pytest.fixture(scope="session")
def site(clean_copy) -> Path:
    """The site as `make html` builds the working tree's sources from scratch."""
    return clean_copy / "_build" / "html"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright, one for the whole session (Playwright's sync
    API allows one at a time); None when it is not installed, and the tests that need it
    then fail (see test_browser.launched)."""
    if not CHROMIUM.is_file():
        yield None
        return
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


# -- The site in a browser (test_browser*.py) ----------------------------------------------

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def book_pages(lang: str) -> list[str]:
    """The pages written for one language: one for each source page, as twins.py finds them."""
    return sorted(p.removesuffix(".md") for p in source_pages(ROOT / "docs" / lang))


# Every page of the site: the root language chooser, each language's own pages, and Sphinx's
# search page (no general index: conf.py's html_use_index).
SITE_PAGES = ["index.html", *(f"{lang}/{name}.html" for lang in LANGS
                              for name in [*book_pages(lang), "search"])]


@pytest.fixture(scope="session")
def server(site) -> str:
    """The built site, served as any static host would serve it: its base URL."""
    with served(site) as url:
        yield url


def launched(browser):
    """The browser; a test that needs it fails (is not skipped) when Chromium is missing."""
    if browser is None:
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: the browser tests need it "
                    "(on Debian/Ubuntu: apt-get install chromium fonts-noto-cjk, as .ci/run does)",
                    pytrace=False)
    return browser


class Tab:
    """A browser tab that tests take turns on (opening a new tab costs this machine as much
    as loading a page in it).  Its listeners report to the list of the test that has it:
    console errors, uncaught exceptions, failed or refused requests, requests to any host but
    the local server."""

    def __init__(self, context):
        self.page = page = context.new_page()
        self.problems = []
        self.loading = set()  # requests still under way
        page.on("console", lambda m: m.type == "error" and self.problems.append(
            f"console error: {m.text} (at {m.location.get('url')})"))
        page.on("pageerror", lambda e: self.problems.append(f"uncaught exception: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        page.on("request", lambda r: urlsplit(r.url).hostname != "127.0.0.1" and self.problems.append(
            f"request to something other than the local server: {r.url}"))
        page.on("request", lambda r: self.loading.add(r))
        page.on("requestfinished", lambda r: self.loading.discard(r))
        page.on("requestfailed", lambda r: self.loading.discard(r))

    def settle(self, looks: int = 3, most: float = 10):
        """Wait until nothing is under way for ``looks`` looks in a row, 50 ms apart (at most
        ``most`` seconds)."""
        quiet, deadline = 0, time.monotonic() + most
        while quiet < looks and time.monotonic() < deadline:
            self.page.wait_for_timeout(50)
            quiet = 0 if self.loading else quiet + 1

    def open(self, url: str, idle: bool):
        # What the last test's page was still loading would fail as this page replaces it,
        # and be taken for this page's problem: let it finish first.
        if self.loading:
            self.settle(looks=1)
        self.problems = []
        self.page.goto(url)
        self.page.evaluate("document.fonts.ready")  # every web font used has loaded (or failed)
        if idle:
            self.settle()
            self.problems += [f"still loading after 10 s: {r.url}" for r in self.loading]
        return self.page, self.problems


@pytest.fixture(scope="session")
def shared_tabs(browser):
    """Tabs shared by the tests that leave no state behind, one for each set of options, each
    in its own browser context (think: browser profile)."""
    tabs = {}
    yield tabs
    for tab in tabs.values():
        tab.page.context.close()


@pytest.fixture
def open_page(browser, server, shared_tabs):
    """open_page(path, **context_options) -> (page, problems): the page, loaded with its fonts
    (and with nothing left to load, with idle=True), and a live list of everything that went
    wrong on it (see Tab).  It is opened in a tab shared with other tests, or with fresh=True
    in a new context: empty cache, no stored state."""
    fresh_contexts = []

    def open_page(path: str, idle: bool = False, fresh: bool = False, **options):
        options = {**DESKTOP, **options}
        if fresh:
            fresh_contexts.append(launched(browser).new_context(**options))
            tab = Tab(fresh_contexts[-1])
        else:
            key = repr(sorted(options.items()))
            tab = shared_tabs.get(key) or shared_tabs.setdefault(
                key, Tab(launched(browser).new_context(**options)))
        return tab.open(f"{server}/{path}", idle)

    yield open_page
    for context in fresh_contexts:
        context.close()


def besides_left_behind(problems: list[str]) -> list[str]:
    """The problems, less requests aborted because the reader left the page (a click to another
    page cancels what the old one was still loading, such as its favicon): no fault of the site.
    A file that is missing still shows, as an HTTP 404."""
    return [p for p in problems if not (p.startswith("request failed:") and "net::ERR_ABORTED" in p)]


def built(site: Path, lang: str, name: str) -> str:
    return (site / lang / f"{name}.html").read_text(encoding="utf-8")
