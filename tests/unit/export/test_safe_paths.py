"""Paths the export writes cannot leave the output folder or pass through symbolic links."""

from __future__ import annotations

import os

import pytest

from digest_desk.export.errors import UnsafePathError
from digest_desk.export.safepath import check_rel, inside
from digest_desk.export.writer import Writer


@pytest.mark.parametrize(
    "rel",
    ["../evil.html", "a/../../evil", "/etc/passwd", "a//b", "./a", "a\\b", "", "a/.hidden", "..",
     "a/b/../c", "C:/x", "a/\x00b"],
)
def test_escaping_or_odd_paths_are_refused(rel, tmp_path):
    with pytest.raises(UnsafePathError):
        check_rel(rel)
    with pytest.raises(UnsafePathError):
        Writer(tmp_path).write(rel, b"x")
    assert list(tmp_path.iterdir()) == []


def test_plain_paths_are_accepted(tmp_path):
    assert inside(tmp_path, "story/amp/index.html") == tmp_path.resolve() / "story" / "amp" / "index.html"
    sha = Writer(tmp_path).write("story/amp/index.html", b"hello")
    assert (tmp_path / "story/amp/index.html").read_bytes() == b"hello"
    assert sha == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"


def test_a_symlink_inside_the_root_is_never_written_through(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(outside, root / "story")
    with pytest.raises(UnsafePathError, match="symbolic link"):
        Writer(root).write("story/index.html", b"x")
    assert list(outside.iterdir()) == []


def test_a_symlinked_file_is_not_overwritten(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep")
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(target, root / "index.html")
    with pytest.raises(UnsafePathError):
        inside(root, "index.html")
    assert target.read_text() == "keep"
