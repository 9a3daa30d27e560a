"""Two clean builds of the same sources, in different folders, give byte-identical sites:
no timestamps, temporary paths, memory addresses, random order, or how the kernels' messages
happened to cut what the cells printed, in what is published."""

from project import built_by_read_the_docs, published


def test_two_clean_builds_are_byte_identical(clean_copy, tmp_path_factory):
    # The second: another copy, in another folder, built from scratch the way Read the Docs
    # builds it (also test_read_the_docs_publishes_what_make_html_builds's: one build, two checks).
    first = published(clean_copy / "_build" / "html")
    second = published(built_by_read_the_docs(tmp_path_factory))
    assert sorted(first) == sorted(second)
    differ = [name for name in first if first[name] != second[name]]
    assert not differ, f"files that differ between two clean builds: {differ}"
    assert any(name.endswith("4-pytorch-backward.html") for name in first)
