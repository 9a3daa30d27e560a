"""A printed line stays one line on the page, however the kernel sent it.

A kernel sends what a cell prints in messages cut by time, not by line: on a busy machine a
``print()``'s text and its newline can leave in two messages.  MyST-NB's ``nb_merge_streams``
(``coalesce_streams``, myst-nb 1.4.0) ends every message with a newline, so such a line
gains a blank line after it, and two builds of the same page differ.  Here the messages of
a stream that follow each other are first joined as they were sent; MyST-NB then merges what
remains its own way.  The pages (MyST-NB's renderer) and the notebooks a reader downloads
(take_home.py) both merge with ``coalesce_streams`` from here.
"""

from myst_nb.core import render, utils
from nbformat import NotebookNode

_myst_nb_merge = utils.coalesce_streams


def coalesce_streams(outputs: list[NotebookNode]) -> list[NotebookNode]:
    """MyST-NB's merge of the stream outputs, after joining those that follow each other on
    one stream exactly (the outputs given are not changed)."""
    joined = []
    for output in outputs:
        last = joined[-1] if joined else None
        if (last is not None and output.get("output_type") == last.get("output_type") == "stream"
                and output.get("name") == last.get("name")):
            joined[-1] = NotebookNode({**last, "text": last["text"] + output["text"]})
        else:
            joined.append(output)
    return _myst_nb_merge(joined)


def setup(app):
    render.coalesce_streams = coalesce_streams  # the name MyST-NB's renderer calls
    return {"parallel_read_safe": True, "parallel_write_safe": True}
