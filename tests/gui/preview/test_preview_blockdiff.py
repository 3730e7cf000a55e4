"""The splice between two block lists: smallest contiguous change, lines renumbered."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from digest_desk.ui.preview.blockdiff import diff_blocks


@dataclass(frozen=True)
class B:
    key: str
    line: int
    html: str


def blocks(keys: list[str], first: int = 1) -> list[B]:
    return [B(k, first + 2 * i, f"<p>{k}</p>") for i, k in enumerate(keys)]


def apply(old: list[B], change) -> list[tuple[str, int]]:
    """What the DOM script does, on plain tuples."""
    state = [(b.html, b.line) for b in old]
    inserted = [(html, 0) for html in change.inserted]
    state[change.start:change.start + change.delete] = inserted
    for i, line in enumerate(change.lines):
        html, _ = state[change.lines_from + i]
        state[change.lines_from + i] = (html, line)
    return state


def test_unchanged_gives_nothing():
    assert diff_blocks(blocks(["a", "b"]), blocks(["a", "b"])) is None


def test_one_edited_block_is_one_replacement():
    change = diff_blocks(blocks(["a", "b", "c"]), blocks(["a", "X", "c"]))
    assert (change.start, change.delete, change.inserted) == (1, 1, ("<p>X</p>",))
    assert change.lines == () and change.total == 3


def test_insert_renumbers_the_following_blocks():
    old = blocks(["a", "b"])
    new = [B("n", 1, "<p>n</p>"), B("a", 3, "<p>a</p>"), B("b", 5, "<p>b</p>")]
    change = diff_blocks(old, new)
    assert (change.start, change.delete, len(change.inserted)) == (0, 0, 1)
    assert change.lines_from == 1 and change.lines == (3, 5)  # the new block brings its own


def test_only_line_shift_still_patches():
    old = blocks(["a", "b"])
    new = [B("a", 1, "<p>a</p>"), B("b", 4, "<p>b</p>")]  # a blank line added between
    change = diff_blocks(old, new)
    assert change.delete == 0 and change.inserted == () and change.lines == (4,)


def test_repeated_paragraphs_with_renumbered_keys_are_kept():
    def wrap(key: str, line: int, text: str) -> B:
        return B(key, line, f'<div class="dd-block" data-line="{line}" data-key="{key}">{text}</div>')

    old = [wrap("aa-1", 1, "same"), wrap("bb-1", 3, "edit me"), wrap("aa-2", 5, "same"),
           wrap("cc-1", 7, "tail"), wrap("aa-3", 9, "same")]
    new = [wrap("aa-1", 1, "same"), wrap("aa-2", 3, "same"), wrap("aa-3", 5, "same"),
           wrap("cc-1", 7, "tail"), wrap("aa-4", 9, "same")]
    change = diff_blocks(old, new)
    assert (change.start, change.delete, len(change.inserted)) == (1, 1, 1)


@given(st.lists(st.sampled_from("abcde"), max_size=12), st.lists(st.sampled_from("abcde"), max_size=12))
def test_applying_the_splice_reproduces_the_new_list(old_keys, new_keys):
    old, new = blocks(old_keys), blocks(new_keys, first=3)
    change = diff_blocks(old, new)
    if change is None:
        assert [(b.key, b.line) for b in old] == [(b.key, b.line) for b in new]
        return
    result = apply(old, change)
    assert [html for html, _ in result] == [b.html for b in new]
    lines = [line for _, line in result]
    for i in range(change.lines_from, len(new)):
        assert lines[i] == new[i].line
