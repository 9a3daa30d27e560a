"""``make html``: build the languages side by side, then publish them together.

    python docs/_ext/build_site.py <build folder> <folder:code>... -- <sphinx-build options>

Each language is a Sphinx build of ``docs/<folder>/`` into ``<build>/lang/<folder>/html/``,
with its doctrees and MyST-NB's execution cache beside it.  A language is built only when
something it is made from changed since its last good build: its pages, what the languages
share (``SHARED``), the environment, or the options and ``BOOK_BASEURL`` it was built with.
Nothing changed: nothing runs.

The published ``<build>/html/`` is replaced only when every language built cleanly, so a
failed build leaves the last good site where it was.  A failed language forgets its doctrees
and its stamp: Sphinx would otherwise not re-read (nor re-run) a page whose source did not
change, and the next build would pass with the broken page in it.  The languages' kernels
are forked from one warm process (``warm_kernels``), started before Sphinx when a language
builds from scratch; the languages' sphinx-builds are forked from this process, which has
imported Sphinx and the extensions once for both.
"""

import atexit
import importlib
import os
import runpy
import shutil
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
import site_root  # noqa: E402
from code_version import code_version  # noqa: E402
from warm_kernels import attach_to_warm_process  # noqa: E402


def preload(conf: dict):
    """Import Sphinx, the theme and the extensions here, once: each language's sphinx-build
    is forked from this process with them imported (about 1.5 s less for each)."""
    for name in ["sphinx.cmd.build", "sphinx.builders.html", conf.get("html_theme", ""),
                 *conf.get("extensions", [])]:
        if name:
            importlib.import_module(name)


def sphinx_build(args: list[str]) -> int:
    """Start ``sphinx-build <args>`` in a child of this process; its pid."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        from sphinx.cmd.build import main

        atexit._clear()  # this process's exit handlers are its parent's business
        code = main(args)
        atexit._run_exitfuncs()  # Sphinx's own (its extensions' servers and pools)
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        # No teardown of Sphinx's many objects (half a second, after the site is written).
        os._exit(code)


def wait(pid: int) -> int:
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


# What every language is made from, besides its own docs/<folder>/.
SHARED = ["conf.py", "Makefile", ".venv/.installed", "src", "docs/_ext", "docs/_static",
          "docs/_templates", "docs/locale", "docs/index.html", "docs/404.html", "docs/root.css"]


def newest_change(paths: list[Path]) -> float:
    """The latest modification time under ``paths``: of the files, and of the folders (a
    file removed or renamed changes its folder's)."""
    newest = 0.0
    for path in paths:
        if path.exists():
            newest = max(newest, path.stat().st_mtime)
        for folder, dirs, files in os.walk(path):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for name in [*dirs, *files]:
                newest = max(newest, os.stat(os.path.join(folder, name)).st_mtime)
    return newest


def main(build: Path, langs: list[tuple[str, str]], options: list[str]) -> int:
    work, site = build / "lang", build / "html"
    key = " ".join([*options, os.environ.get("BOOK_BASEURL", "")]) + "\n"
    shared = newest_change([ROOT / p for p in SHARED])

    def outdated(folder: str) -> bool:
        stamp = work / folder / "built"
        return (not stamp.is_file() or stamp.read_text() != key or not (work / folder / "html").is_dir()
                or max(shared, newest_change([ROOT / "docs" / folder])) > stamp.stat().st_mtime)

    def every_page(folder: str) -> list[str]:
        """-E (read every page again) when what all pages are made with changed: Sphinx
        itself does not notice a change to an extension or to src/."""
        stamp = work / folder / "built"
        return ["-E"] if stamp.is_file() and shared > stamp.stat().st_mtime else []

    todo = [(folder, code) for folder, code in langs if outdated(folder)]
    if not todo and site.is_dir():
        print(f"{site}/ is up to date.")
        return 0
    conf = runpy.run_path(str(ROOT / "conf.py"))
    if todo:
        started = time.time()  # a page saved while its language builds is newer than its stamp
        # The languages share one warm process: this build's, or that of the WARM_KERNELS_DIR
        # already set (the test session's, shared by all the builds it runs).
        os.environ.setdefault("WARM_KERNELS_DIR", str(work.resolve()))
        # A language without an execution cache will execute every page: start the warm
        # process now, so that it imports torch while Sphinx starts up.
        version = code_version([ROOT / p for p in conf.get("take_home_packages", {}).values()])
        cold = any(not (work / folder / ".jupyter_cache" / version).exists() for folder, _ in todo)
        modules = conf.get("warm_kernel_modules")
        warm = attach_to_warm_process(modules) if modules and cold else None
        preload(conf)
        builds = {folder: sphinx_build(
            ["-b", "html", *every_page(folder), *options, "-D", f"language={code}",
             "-d", str(work / folder / "doctrees"), f"docs/{folder}", str(work / folder / "html")])
            for folder, code in todo}
        failed = [folder for folder, pid in builds.items() if wait(pid) != 0]
        if warm:
            warm.close()
        for folder, _ in todo:
            stamp = work / folder / "built"
            if folder in failed:
                shutil.rmtree(work / folder / "doctrees", ignore_errors=True)
                stamp.unlink(missing_ok=True)
            else:
                stamp.write_text(key)
                os.utime(stamp, (started, started))
        if failed:
            print(f"make html: build failed; {site}/ was left as it was.", file=sys.stderr)
            return 1
    publish(work, site, [folder for folder, _ in langs], conf)
    print(f"Built {site}/index.html")
    return 0


def publish(work: Path, site: Path, folders: list[str], conf: dict):
    """Assemble the whole site beside the published one, then swap it in."""
    new, old = site.with_name("html.new"), site.with_name("html.old")
    shutil.rmtree(new, ignore_errors=True)
    for folder in folders:
        shutil.copytree(work / folder / "html", new / folder, symlinks=True)
    shutil.copy2(ROOT / "docs" / "index.html", new / "index.html")  # the language chooser
    site_root.main(new, conf)  # sitemap index, robots.txt, 404.html, .nojekyll
    shutil.rmtree(old, ignore_errors=True)
    if site.exists():
        site.rename(old)
    new.rename(site)
    shutil.rmtree(old, ignore_errors=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    split = args.index("--") if "--" in args else len(args)
    if split < 2:
        sys.exit("usage: build_site.py <build folder> <folder:code>... -- <sphinx-build options>")
    languages = [tuple(pair.split(":", 1)) for pair in args[1:split]]
    code = main(Path(args[0]), languages, args[split + 1:])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # no teardown of Sphinx and the extensions imported here (a third of a second)
