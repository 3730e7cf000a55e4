"""Content keys decide what an incremental export renders again: every change must move them."""

from __future__ import annotations

from digest_desk.export.sitedata import row_digest

ROW = (7, "harbour", "Harbour reopens", "A summary.", "Ana", "Weather", "2026-03-01T09:00:00+00:00",
       "2026-03-01T11:00:00+00:00", "harbour.png", 1200, 675, "Boats", 3, '["weather"]', "published", None, 0.5)
LINKS = [("Background", "https://coast.example/bg", "read-more", 0, None, None, None, None, "ok", "")]


def test_equal_rows_give_equal_keys_also_when_the_values_are_separate_objects():
    copy = tuple(("".join(v) if isinstance(v, str) else v) for v in ROW)  # new str objects
    assert row_digest("k", ROW, LINKS) == row_digest("k", copy, [tuple(LINKS[0])])


def test_any_change_of_a_value_changes_the_key():
    base = row_digest("k", ROW, LINKS)
    seen = {base}
    for i, value in enumerate(ROW):
        for other in ("", "x", None, 0, 1, value * 2 if value else 5, f"{value}\ud800"):
            if other == value and type(other) is type(value):
                continue
            changed = ROW[:i] + (other,) + ROW[i + 1:]
            key = row_digest("k", changed, LINKS)
            assert key != base, (i, other)
            seen.add(key)
    assert row_digest("k2", ROW, LINKS) != base
    assert row_digest("k", ROW, []) != base
    assert row_digest("k", ROW, [LINKS[0][:1] + ("https://coast.example/other",) + LINKS[0][2:]]) != base


def test_moving_text_between_fields_changes_the_key():
    a = ROW[:2] + ("ab", "c") + ROW[4:]
    b = ROW[:2] + ("a", "bc") + ROW[4:]
    assert row_digest("k", a, LINKS) != row_digest("k", b, LINKS)
    assert row_digest("k", ROW[:-1] + (1,), LINKS) != row_digest("k", ROW[:-1] + (1.0,), LINKS)
