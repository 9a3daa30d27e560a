"""A page that goes wrong stops the build, says where, and leaves the last good site alone."""

from conftest import copy_project, make

CRASH = 'raise RuntimeError("machine B jammed")'


def test_a_cell_that_raises_fails_the_build_naming_page_and_exception(tmp_path):
    copy = copy_project(tmp_path)
    assert make("html", copy).returncode == 0
    good = {p.relative_to(copy): p.read_bytes() for p in (copy / "_build/html").rglob("*") if p.is_file()}

    page = copy / "docs" / "en" / "4-pytorch-backward.md"
    source = page.read_text(encoding="utf-8")
    page.write_text(source.replace("loss.backward()\n", f"loss.backward()\n{CRASH}\n", 1), encoding="utf-8")
    twin = copy / "docs" / "zh" / "4-pytorch-backward.md"  # keep the twins' code equal
    twin.write_text(twin.read_text(encoding="utf-8").replace("loss.backward()\n", f"loss.backward()\n{CRASH}\n", 1),
                    encoding="utf-8")

    result = make("html", copy)
    console = result.stdout + result.stderr
    assert result.returncode != 0
    assert "docs/en/4-pytorch-backward.md" in console
    assert "RuntimeError: machine B jammed" in console
    assert CRASH in console  # the failing cell's source is shown
    after = {p.relative_to(copy): p.read_bytes() for p in (copy / "_build/html").rglob("*") if p.is_file()}
    assert after == good, "a failed build changed the published site"


def test_a_page_without_its_twin_fails_the_build(tmp_path):
    copy = copy_project(tmp_path)
    (copy / "docs" / "en" / "5-backward-by-hand.md").unlink()
    result = make("html", copy)
    assert result.returncode != 0
    assert "docs/zh/5-backward-by-hand.md has no en twin" in result.stdout + result.stderr


def test_a_removed_page_leaves_the_site(tmp_path):
    copy = copy_project(tmp_path)
    assert make("html", copy).returncode == 0
    for lang in ("zh", "en"):
        (copy / "docs" / lang / "5-backward-by-hand.md").unlink()
        index = copy / "docs" / lang / "index.md"
        index.write_text(index.read_text(encoding="utf-8").replace("5-backward-by-hand\n", ""),
                         encoding="utf-8")
    result = make("html", copy)
    assert result.returncode == 0, result.stdout + result.stderr
    for lang in ("zh", "en"):
        assert not (copy / "_build" / "html" / lang / "5-backward-by-hand.html").exists()
        assert (copy / "_build" / "html" / lang / "4-pytorch-backward.html").exists()
