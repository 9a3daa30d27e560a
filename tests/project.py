"""The project under test: copies of it, their builds, and the pages they publish.

Shared by the tests, the benchmark and the screenshots.
"""

import gzip
import io
import os
import re
import shutil
import subprocess
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from filelock import FileLock

from book.languages import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = tuple(language.folder for language in LANGUAGES)
HREFLANG = {language.folder: language.hreflang for language in LANGUAGES}
STATIONS = ("1-factory", "2-chain-rule", "3-error-and-backprop", "4-pytorch-backward",
            "5-backward-by-hand", "5b-when-paths-fork")

# The seed's factory, and how each page's code sets it.
SEED = {"x": 2.0, "w": 3.0, "v": 2.0, "target": 10.0}
KNOB_LINES = {
    "w": "w = torch.tensor({}, requires_grad=True)",
    "v": "v = torch.tensor({}, requires_grad=True)",
    "x": "x = torch.tensor({})",
}


def shared_folder(tmp_path_factory) -> Path:
    """A folder all of the session's test processes share (pytest-xdist runs several)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(folder: Path, prepare=lambda copy: None, env: dict | None = None) -> Path:
    """``folder``: a copy of the project, changed by ``prepare(copy)``, then built from scratch
    (with ``env``); built once for all the session's test processes, by the first that asks."""
    with FileLock(f"{folder}.lock"):
        if not (folder / "_build" / "html").is_dir():
            prepare(copy_project(folder))
            result = make("html", folder, env=env)
            assert result.returncode == 0, result.stdout + result.stderr
    return folder


SITE_URL = "https://burger-factory.example/"  # conf.py's html_baseurl when BOOK_BASEURL is unset


def built_by_read_the_docs(tmp_path_factory) -> Path:
    """The site that the commands Read the Docs runs (.readthedocs.yaml) publish, for the
    site's own address, from another copy of the project built from scratch in another
    folder; built once for all the session's test processes."""
    import yaml

    folder = shared_folder(tmp_path_factory) / "read-the-docs"
    output = folder / "output"
    with FileLock(f"{folder}.lock"):
        if not (output / "html").is_dir():
            copy = copy_project(folder / "project")
            config = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text())
            env = authors_env(READTHEDOCS_CANONICAL_URL=SITE_URL, READTHEDOCS_OUTPUT=str(output))
            for command in config["build"]["jobs"]["build"]["html"]:
                done = subprocess.run(command, shell=True, cwd=copy, env=env, capture_output=True, text=True)
                assert done.returncode == 0, f"{command}:\n{done.stdout}{done.stderr}"
    return output / "html"


# The knobs turned in every station's code, in one copy: w from 3 to 4, and v from 2 to 5 so
# that a number typed by hand cannot hide behind a quantity that only w leaves alone (x stays
# 2, like the 2s of formulas such as 2(y - target) and squares, so those are not taken for
# typed numbers).  The copy is also built for another address (BOOK_BASEURL): one build, two
# checks.
TURNED = {"w": 4.0, "v": 5.0}
MOVED_BASEURL = "https://example.org/books/burger/"


def turned_copy(tmp_path_factory) -> Path:
    """A copy of the project whose pages' code sets the TURNED knobs, built once."""
    def turn(copy: Path):
        for folder in FOLDERS:
            for station in STATIONS:
                path = copy / "docs" / folder / f"{station}.md"
                source = path.read_text(encoding="utf-8")
                for knob, value in TURNED.items():
                    line = KNOB_LINES[knob].format(SEED[knob])
                    assert line in source, f"{path} does not set {knob} as the seed does: {line}"
                    source = source.replace(line, KNOB_LINES[knob].format(value))
                path.write_text(source, encoding="utf-8")

    return built_once(shared_folder(tmp_path_factory) / "turned", turn, {"BOOK_BASEURL": MOVED_BASEURL})


def authors_env(**extra: str) -> dict[str, str]:
    """The environment an author's ``make`` runs in (with ``extra``): not the one of the make
    that runs the tests, whose job server is not this make's."""
    return {**{k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}, **extra}


def make(target: str, cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """``make <target>`` as an author runs it (with ``env`` added), its console captured."""
    return subprocess.run(["make", target, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=900, env=authors_env(**(env or {})))


def copy_project(dest: Path) -> Path:
    """A copy of the project's sources (mtimes kept) that shares the real .venv."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("conf.py", "Makefile", "requirements.txt"):
        shutil.copy2(ROOT / name, dest / name)
    ignore = shutil.ignore_patterns("*.mo", "__pycache__", "*.egg-info")
    for name in ("docs", "src"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    (dest / ".venv").symlink_to(ROOT / ".venv")
    return dest


def copy_of(built: Path, dest: Path) -> Path:
    """A copy of a project that built cleanly, with its build folder: the next build runs
    no page again (the execution cache), though Sphinx reads every page again once (its
    environment belongs to the folder it was built in)."""
    copy_project(dest)
    shutil.copytree(built / "_build", dest / "_build", symlinks=True)
    return dest


def book_pages(folder: str) -> list[str]:
    """The pages of one language, as the build finds them."""
    from book.twins import pages  # (MyST-NB's reader: imported only by the tests that need it)

    return sorted(p.removesuffix(".md") for p in pages(ROOT / "docs" / folder))


def site_pages() -> list[str]:
    """Every page of the site: the root language chooser, each language's own pages, and
    Sphinx's search page (no general index: conf.py's html_use_index)."""
    return ["index.html", *(f"{folder}/{name}.html" for folder in FOLDERS
                            for name in [*book_pages(folder), "search"])]


def built_page(site: Path, folder: str, name: str) -> str:
    """A built page's HTML."""
    return (site / folder / f"{name}.html").read_text(encoding="utf-8")


def published(site: Path) -> dict[str, bytes]:
    """Every file of a published site, by its path in the site."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def article_text(html: str, keep_code: bool = False) -> str:
    """The visible text of a page's article: code inputs dropped unless asked for,
    and only KaTeX's rendered math kept (not its MathML)."""
    html = html[html.index("<article"):html.index("</article>")]
    if not keep_code:
        html = re.sub(r'<div class="cell_input.*?</div>\s*</div>', "", html, flags=re.S)
    html = re.sub(r'<span class="katex-mathml">.*?</math></span>', "", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", text.replace("&nbsp;", " ")).strip()


class QuietHandler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real hosts do

    def log_message(self, format, *args):  # no access log on the console
        pass


class CompressingHandler(QuietHandler):
    """Text sent gzip-compressed when the browser accepts it, as GitHub Pages and Read the
    Docs send it (for Lighthouse, which times the transfer)."""

    TEXT = (".html", ".css", ".js", ".svg", ".json", ".xml", ".txt")

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (not path.is_file() or not path.name.endswith(self.TEXT)
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


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


def truths(case: dict) -> dict[str, float]:
    """A panel case's numbers (burger_factory.explore) by the key the panel marks each with."""
    out = {k: v for k, v in case.items() if k not in ("knobs", "steps")}
    for r, row in enumerate(case["steps"]):
        out.update({f"step{r}_{part}": value for part, value in zip(("local", "upstream", "product"), row)
                    if value is not None})
    return out
