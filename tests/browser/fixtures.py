"""The built site in a real browser: Debian's Chromium, driven by Playwright, reading the
site from a static server on 127.0.0.1.  Chromium must be installed (`make test` says how):
without it these tests fail, they are not skipped."""

import time
from urllib.parse import urlsplit

import pytest
from chromium import DESKTOP, HEADLESS_SHELL, launch
from project import served

@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session (Playwright's sync API allows one at a time)."""
    from playwright.sync_api import sync_playwright

    if not HEADLESS_SHELL.is_file():
        pytest.fail(f"Chromium's headless shell is not installed at {HEADLESS_SHELL} (Debian: apt-get "
                    "install chromium-headless-shell fonts-noto-cjk, as .ci/run does)", pytrace=False)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def server(site) -> str:
    """The built site, served as any static host would serve it: its base URL."""
    with served(site) as url:
        yield url


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
    wrong on it (see Tab).  It is opened in a tab shared with other tests; with apart="<what>"
    in a tab shared only by the tests that pass the same word (for those that leave state
    behind, such as a search's terms); or with fresh=True in a new context: empty cache, no
    stored state."""
    fresh_contexts = []

    def open_page(path: str, idle: bool = False, fresh: bool = False, apart: str = "", **options):
        options = {**DESKTOP, **options}
        if fresh:
            fresh_contexts.append(browser.new_context(**options))
            tab = Tab(fresh_contexts[-1])
        else:
            key = apart + repr(sorted(options.items()))
            tab = shared_tabs.get(key) or shared_tabs.setdefault(key, Tab(browser.new_context(**options)))
        return tab.open(f"{server}/{path}", idle)

    yield open_page
    for context in fresh_contexts:
        context.close()
