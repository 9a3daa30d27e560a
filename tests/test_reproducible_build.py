"""Two clean builds of the same sources, in different folders, give byte-identical sites:
no timestamps, temporary paths, memory addresses, random order, or how the kernels' messages
happened to cut what the cells printed, in what is published."""

import nbformat
from conftest import copy_project, make
from myst_nb.core import render


def files(site):
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_two_clean_builds_are_byte_identical(clean_copy, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    other = copy_project(tmp_path / "elsewhere")  # another path than the first copy
    result = make("html", other)
    assert result.returncode == 0, result.stdout + result.stderr
    first, second = files(clean_copy / "_build" / "html"), files(other / "_build" / "html")
    assert sorted(first) == sorted(second)
    differ = [name for name in first if first[name] != second[name]]
    assert not differ, f"files that differ between two clean builds: {differ}"
    assert any(name.endswith("4-pytorch-backward.html") for name in first)


def stdout(*texts: str) -> list:
    return [nbformat.v4.new_output("stream", name="stdout", text=text) for text in texts]


def test_a_line_printed_in_two_messages_is_one_line_on_the_page_and_in_the_notebook():
    """A kernel cuts what a cell prints by time, not by line (docs/_ext/whole_lines.py): the
    page (MyST-NB's renderer, as the build sets it up) and the downloaded notebook (which
    merges with whole_lines.coalesce_streams too) show the same lines however it was cut."""
    import whole_lines

    whole_lines.setup(app=None)
    printed = "旋钮 w 动了: 0.001\n肉饼 u 动了: 0.002000\n"
    for cut in (stdout(printed), stdout("旋钮 w 动了: 0.001", "\n肉饼 u 动了: 0.002000\n"),
                stdout(*printed)):  # whole; cut before a newline; a message per character
        assert [output.text for output in render.coalesce_streams(cut)] == [printed], cut
