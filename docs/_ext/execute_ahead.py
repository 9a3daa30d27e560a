"""The pages about to be read are executed side by side, before Sphinx reads them.

MyST-NB executes a page's notebook as Sphinx reads the page, one page after the other, and a
kernel spends much of its short life waiting (start-up, messages), so the machine idles.
Here, the notebooks of the pages Sphinx is about to read that miss MyST-NB's execution cache
run ``execute_ahead_jobs`` at a time, read and executed the way MyST-NB does it (its reader,
then nbclient as jupyter-cache's ``single_nb_execution`` runs it), and the ones that succeed
are filed in that cache;
reading the page then finds its outputs there.  A page that fails is not filed: MyST-NB runs
it again as it reads it, and reports the failure its usual way (page, cell, traceback).
A single page to run is left to MyST-NB: an ordinary kernel starts as fast as a warm one.
Kernels started here talk over Unix sockets, not TCP ports, so kernels starting side by side
cannot pick the same port.
"""

import asyncio
import re
import tempfile
import time
from contextlib import nullcontext, suppress
from pathlib import Path, PurePosixPath

from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from myst_nb.core.read import create_nb_reader
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from traitlets.config import Config

import warm_kernels


def page_notebook(env, docname):
    """The page's notebook and execution settings as MyST-NB will have them when it reads
    the page (same cells and kernel: the same cache key); None if it has none."""
    path = Path(env.doc2path(docname))
    text = path.read_text(encoding="utf-8")
    reader = create_nb_reader(str(path), env.myst_config, env.mystnb_config, text)
    if reader is None:
        return None
    notebook = reader.read(text)
    kernel = notebook.metadata.get("kernelspec", {}).get("name")
    for pattern, alias in env.mystnb_config.kernel_rgx_aliases.items():
        if kernel is not None and re.fullmatch(pattern, kernel):
            notebook.metadata["kernelspec"]["name"] = alias
            break
    config = env.mystnb_config
    overrides = dict(notebook.metadata.get(config.metadata_key, {}))
    overrides.pop("output_folder", None)
    config = config.copy(**overrides)
    excluded = any(PurePosixPath(path.as_posix()).match(p) for p in config.execution_excludepatterns)
    if config.execution_mode != "cache" or excluded:
        return None
    if not any(cell.cell_type == "code" for cell in notebook.cells):
        return None
    return path, notebook, config


async def execute(path, notebook, config, slots: asyncio.Semaphore) -> float | None:
    """Run one notebook, in place, as MyST-NB's cache mode does (jupyter-cache's
    ``single_nb_execution``: the notebook's own ``execution`` metadata may override the
    timeout and allow_errors), over Unix sockets.  The seconds it took; None if it failed."""
    timeout, allow_errors = config.execution_timeout, config.execution_allow_errors
    overrides = notebook.metadata.get("execution", {})
    timeout, allow_errors = overrides.get("timeout", timeout), overrides.get("allow_errors", allow_errors)
    async with slots:
        with tempfile.TemporaryDirectory(prefix="kernel-") as sockets, (
                tempfile.TemporaryDirectory() if config.execution_in_temp
                else nullcontext(str(path.parent))) as cwd:
            client = NotebookClient(
                notebook, timeout=timeout, allow_errors=allow_errors, record_timing=False,
                resources={"metadata": {"path": cwd}},
                config=Config({"KernelManager": {"transport": "ipc", "ip": f"{sockets}/kernel"}}))
            start = time.perf_counter()
            try:
                await client.async_execute()
            except (CellExecutionError, CellTimeoutError):
                return None
            return time.perf_counter() - start


async def execute_all(todo, jobs: int) -> list[float | None]:
    """In one thread, as asyncio tasks: clients built in threads side by side race in
    traitlets' first resolution of their classes."""
    slots = asyncio.Semaphore(jobs)
    return await asyncio.gather(*(execute(*page, slots) for page in todo))


def execute_ahead(app, env, docnames):
    jobs = app.config.execute_ahead_jobs
    if env.mystnb_config.execution_mode != "cache" or jobs < 2 or len(docnames) < 2:
        return  # one page at most: nothing to run side by side (an author's edit)
    cache = get_cache(env.mystnb_config.execution_cache_path)
    todo = []
    for docname in docnames:
        page = page_notebook(env, docname)
        if page is not None:
            with suppress(KeyError):  # KeyError: not in the cache
                cache.match_cache_notebook(page[1])
                continue
            todo.append(page)
    if len(todo) < 2:
        return  # one page: MyST-NB runs it as it reads it, in an ordinary kernel just as fast
    warm_kernels.attach(app)
    loop = asyncio.new_event_loop()
    try:
        seconds = loop.run_until_complete(execute_all(todo, jobs))
    finally:
        loop.close()
    for (path, notebook, _), took in zip(todo, seconds):
        if took is not None:
            cache.cache_notebook_bundle(
                CacheBundleIn(notebook, str(path), data={"execution_seconds": took}),
                check_validity=False, overwrite=True)


def setup(app):
    app.add_config_value("execute_ahead_jobs", 3, "env", int)
    app.connect("env-before-read-docs", execute_ahead)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
