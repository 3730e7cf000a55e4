"""Import reads only what it is given: hostile files fail alone, quickly, with one clear line."""

from __future__ import annotations

import io
import os
import time
import tracemalloc

import PIL.Image
import pytest

from digest_desk.store.articles import count_articles, get_by_slug
from digest_desk.store.frontmatter import ImportFailure
from digest_desk.store.importer import MAX_MARKDOWN_BYTES, import_file, import_paths
from digest_desk.store.media import media_map

from .test_cli_store import run

pytestmark = pytest.mark.both_engines  # each test runs on SQLite and on PostgreSQL


def _png(path, colour="navy"):
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    PIL.Image.new("RGB", (12, 8), colour).save(buf, "PNG")
    path.write_bytes(buf.getvalue())


def _article(folder, name, front="", body="Text.\n"):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"---\ntitle: {name}\n{front}---\n{body}", encoding="utf-8")
    return path


def _refused(store, path, *words, media=()):
    started = time.monotonic()
    with pytest.raises(ImportFailure) as info:
        import_file(store, path, media)
    elapsed = time.monotonic() - started
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message
    for word in words:
        assert word in message
    assert count_articles(store) == 0 and media_map(store) == {}
    return elapsed


# Not a speed measure: each refusal takes some 10 ms, while what it guards against (an alias
# bomb expanded, a blocking read of a device) runs for minutes. The bound only has to tell the
# two apart on a loaded CI machine, where a 0.5 s bound once failed at 0.76 s.
HANG_S = 5.0

BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}]\n" for i in range(8)
) + "date: *i\n"


@pytest.mark.parametrize(
    ("front", "words"),
    [
        ("date: 2026-13-45\n", ["“date: 2026-13-45” is not a date"]),
        ("summary: " + "[" * 20_000 + "\n", ["nested deeper than"]),
        (BILLION_LAUGHS, ["aliases"]),
        ("base: &b Ana\nauthor: *b\n", ["aliases"]),
        ("image: {src: x.png, width: " + "9" * 5000 + "}\n", ["cannot be read"]),
        ("summary: " + "[a, " * 20_000 + "\n", ["nested deeper than"]),
        ("summary: " + "a" * 1_100_000 + "\n", ["longer than 1024 KB"]),
    ],
    ids=["month-13", "nested-brackets", "billion-laughs", "alias", "huge-int", "nested-lists",
         "huge-front-matter"],
)
def test_hostile_front_matter_fails_alone_and_fast(store, tmp_path, front, words):
    elapsed = _refused(store, _article(tmp_path, "bad.md", front), *words)
    assert elapsed < HANG_S


def test_a_numeric_key_is_an_unknown_field_not_a_crash(store, tmp_path):
    result = import_file(store, _article(tmp_path, "numeric.md", "1: one\n2026: year\n"))
    assert result.warnings == [f"{tmp_path / 'numeric.md'}: ignored unknown front matter fields: "
                               "1, 2026"]


def test_month_13_names_its_line(store, tmp_path):
    path = _article(tmp_path, "bad.md", "author: Ana\ndate: 2026-13-45\n")
    with pytest.raises(ImportFailure) as info:
        import_file(store, path)
    assert info.value.line == 4


def test_a_private_file_named_by_absolute_path_is_not_read(store, tmp_path):
    _png(tmp_path / "private" / "passport.png")
    path = _article(tmp_path / "in", "draft.md", f"image: {tmp_path}/private/passport.png\n")
    _refused(store, path, "outside the file's folder", "--media")


def test_a_body_picture_climbing_out_of_the_folder_is_not_read(store, tmp_path):
    _png(tmp_path / "private" / "secret.png")
    path = _article(tmp_path / "in" / "posts", "draft.md", body="![x](../../private/secret.png)\n")
    _refused(store, path, "outside the file's folder")


def test_a_symlink_out_of_the_folder_is_not_followed(store, tmp_path):
    _png(tmp_path / "private" / "secret.png")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "pic.png").symlink_to(tmp_path / "private" / "secret.png")
    _refused(store, _article(folder, "draft.md", "image: pic.png\n"), "outside the file's folder")


def test_picture_paths_the_system_cannot_use_are_one_clear_failure(store, tmp_path):
    result = import_file(store, _article(tmp_path, "nul.md", 'image: "a\\x00.png"\n'))
    assert "not found" in result.warnings[0] and get_by_slug(store, "nul-md").image is None
    count = count_articles(store)
    _refused_after(store, count, _article(tmp_path, "long.md", f"image: {'a' * 5000}.png\n"),
                   "cannot be used")


def _refused_after(store, count, path, *words):
    with pytest.raises(ImportFailure) as info:
        import_file(store, path)
    assert all(word in str(info.value) for word in words)
    assert count_articles(store) == count


def test_dev_zero_is_never_read(store, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "zero.png").symlink_to("/dev/zero")
    assert _refused(store, _article(folder, "z.md", "image: zero.png\n"), "outside") < HANG_S
    # Even from a folder the editor names, a device is refused before a byte is read.
    elapsed = _refused(store, _article(folder, "z2.md", "image: zero\n"), "not a regular file",
                       media=["/dev"])
    assert elapsed < HANG_S


def test_a_fifo_does_not_hang(store, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.png")
    assert _refused(store, _article(folder, "f.md", "image: pipe.png\n"), "not a regular file") < HANG_S
    os.mkfifo(folder / "pipe.md")
    assert _refused(store, folder / "pipe.md", "not a regular file") < HANG_S


def test_a_100_mb_markdown_file_is_refused_without_reading_it(store, tmp_path):
    path = tmp_path / "huge.md"
    with path.open("wb") as out:
        out.write(b"---\ntitle: Huge\n---\n")
        out.truncate(100 * 1024 * 1024)  # sparse: costs no disk, reading it would cost 100 MB
    tracemalloc.start()
    try:
        elapsed = _refused(store, path, "larger than 20 MB")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < HANG_S and peak < 2 * 1024 * 1024  # refused from its size, nothing read
    assert MAX_MARKDOWN_BYTES == 20 * 1024 * 1024


def test_pictures_from_a_named_media_folder(store, tmp_path):
    _png(tmp_path / "shared" / "pics" / "crane.png")
    path = _article(tmp_path / "in", "a.md", "image: pics/crane.png\n")
    import_file(store, path, [tmp_path / "shared"])
    assert get_by_slug(store, "a-md").image.name == "crane.png"


def test_every_bad_file_fails_alone_and_the_good_ones_import(store, tmp_path):
    folder = tmp_path / "in"
    _article(folder, "a-good.md")
    _article(folder, "b-month.md", "date: 2026-13-45\n")
    _article(folder, "c-nested.md", "tags: " + "[" * 20_000 + "\n")
    _article(folder, "d-laughs.md", BILLION_LAUGHS)
    _article(folder, "e-numeric.md", "1: x\n")
    _article(folder, "f-private.md", "image: /etc/hostname\n")
    done, failed = import_paths(store, [folder])
    assert sorted(r.slug for r in done) == ["a-good-md", "e-numeric-md"]
    assert sorted(f.path.name for f in failed) == ["b-month.md", "c-nested.md", "d-laughs.md",
                                                   "f-private.md"]


def test_cli_counts_the_failures_and_exits_1(tmp_path):
    folder = tmp_path / "in"
    _article(folder, "good.md")
    _article(folder, "bad.md", "date: 2026-13-45\n")
    db = str(tmp_path / "cli.sqlite3")
    res = run("--db", db, "import", str(folder))
    assert res.returncode == 1
    assert res.stdout.split() == ["good-md"]
    assert "Traceback" not in res.stderr
    assert "bad.md:3:1: “date: 2026-13-45” is not a date" in res.stderr
    assert res.stderr.strip().endswith("1 article imported, 0 updated, 0 skipped, 1 failed.")
    _article(folder, "worse.md", "a: &a x\nb: *a\n")
    res = run("--db", db, "import", str(folder))
    assert res.stderr.strip().endswith(
        "0 articles imported, 0 updated, 1 skipped (1 already in the store), 2 failed.")
    assert "skipped good-md: already in the store; --update re-imports it" in res.stderr
    _png(tmp_path / "shared" / "p.png")
    _article(tmp_path / "other", "pic.md", "image: p.png\n")
    res = run("--db", db, "import", "--media", str(tmp_path / "shared"), str(tmp_path / "other"))
    assert res.returncode == 0, res.stderr
