"""Two clean builds of the same sources, in different folders, give byte-identical sites:
no timestamps, temporary paths, memory addresses, random order, or how the kernels' messages
happened to cut what the cells printed, in what is published."""

from project import copy_project, make, published


def test_two_clean_builds_are_byte_identical(clean_copy, tmp_path):
    other = copy_project(tmp_path / "elsewhere")  # another path than the first copy
    result = make("html", other)
    assert result.returncode == 0, result.stdout + result.stderr
    first, second = published(clean_copy / "_build" / "html"), published(other / "_build" / "html")
    assert sorted(first) == sorted(second)
    differ = [name for name in first if first[name] != second[name]]
    assert not differ, f"files that differ between two clean builds: {differ}"
    assert any(name.endswith("4-pytorch-backward.html") for name in first)
