"""List pages: every entry on one page, older pages that keep their articles as newer ones come."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest_desk.export.site_pages import PAGE_SIZE, date_span, list_pages, page_of

counts = st.integers(min_value=0, max_value=PAGE_SIZE * 12)


@given(counts)
def test_every_entry_is_on_exactly_one_page_and_page_of_finds_it(count):
    pages = list_pages(count)
    shown = [i for _, start, end in pages for i in range(start, end)]
    assert shown == list(range(count))  # newest first, front page first, then page N down to 1
    numbers = [n for n, _, _ in pages]
    assert numbers == [0, *range(len(pages) - 1, 0, -1)]
    for number, start, end in pages:
        assert all(page_of(i, count) == number for i in range(start, end))


@given(counts)
def test_older_pages_are_full_and_the_front_page_holds_the_rest(count):
    (_, _, front), *older = list_pages(count)
    assert all(end - start == PAGE_SIZE for _, start, end in older)
    if count >= PAGE_SIZE:
        assert PAGE_SIZE <= front < 2 * PAGE_SIZE
    else:
        assert front == count


@given(counts, st.integers(min_value=1, max_value=PAGE_SIZE * 3))
def test_newer_entries_leave_every_older_page_as_it_was(count, more):
    """Page N shows the same entries, counted from the oldest, whatever is published later."""
    def by_age(n: int) -> dict[int, list[int]]:
        return {number: [n - 1 - i for i in range(start, end)] for number, start, end in list_pages(n) if number}

    before, after = by_age(count), by_age(count + more)
    assert all(after[number] == entries for number, entries in before.items())


@pytest.mark.parametrize(
    ("first", "last", "shown"),
    [
        ((2026, 9, 1, 8), (2026, 9, 1, 20), "1 September 2026"),
        ((2026, 9, 1, 8), (2026, 9, 20, 7), "1 – 20 September 2026"),
        ((2026, 9, 28, 8), (2026, 10, 4, 7), "28 September – 4 October 2026"),
        ((2025, 12, 29, 8), (2026, 1, 3, 7), "29 December 2025 – 3 January 2026"),
        ((2025, 9, 3, 8), (2026, 9, 3, 7), "3 September 2025 – 3 September 2026"),
    ],
)
def test_a_list_page_names_its_days_saying_what_they_share_once(first, last, shown):
    assert date_span(datetime(*first, tzinfo=UTC), datetime(*last, tzinfo=UTC)) == shown
