"""List edits (reordering) and footer edits (internal link resolution: tests/unit/links/test_link_rules.py)."""

from __future__ import annotations

import pytest

from digest_desk.domain import Link, LinkKind
from digest_desk.links.edits import drop_target, inserted, link_dict, moved, removed, replaced
from digest_desk.links.footer import (
    FooterError,
    add_footer_link,
    check_footer_link,
    move_footer_link,
    remove_footer_link,
)


def _links(*titles):
    return [link_dict({"title": t, "url": f"https://example.org/{t}"}) for t in titles]


def test_moved_puts_the_link_at_its_new_position():
    links = _links("a", "b", "c", "d")
    assert [x["title"] for x in moved(links, 0, 2)] == ["b", "c", "a", "d"]
    assert [x["title"] for x in moved(links, 3, 0)] == ["d", "a", "b", "c"]
    assert [x["title"] for x in links] == ["a", "b", "c", "d"]  # the input is untouched
    with pytest.raises(IndexError, match="No link number 5"):
        moved(links, 4, 0)


@pytest.mark.parametrize(
    ("src", "row", "final"), [(0, 3, 2), (0, 4, 3), (0, -1, 3), (3, 0, 0), (2, 2, 2), (1, 3, 2)]
)
def test_drop_target_converts_a_drop_row_into_a_final_index(src, row, final):
    assert drop_target(src, row, 4) == final


def test_insert_remove_replace():
    links = _links("a", "b")
    assert [x["title"] for x in inserted(links, 1, _links("x", "y"))] == ["a", "x", "y", "b"]
    assert [x["title"] for x in removed(links, 0)] == ["b"]
    checked = [dict(links[0], check_status=200, check_error="")]
    assert replaced(checked, 0, {"title": "A"})[0]["check_status"] == 200
    new_url = replaced(checked, 0, {"url": "https://example.org/new"})[0]
    assert new_url["check_status"] is None and new_url["url"].endswith("/new")


def test_link_dict_reads_link_rows():
    row = Link(title="T", url="https://e.org", kind=LinkKind.SOURCE, article_id=1, check_status=404)
    data = link_dict(row)
    assert data["kind"] == "source" and data["check_status"] == 404 and data["target_article_id"] is None


def test_footer_edits_by_one_based_position():
    links = [{"title": "A", "url": "/"}, {"title": "B", "url": "/b/"}]
    added = add_footer_link(links, " Partner ", "https://partner.example/")
    assert added[-1] == {"title": "Partner", "url": "https://partner.example/"}
    assert [x["title"] for x in move_footer_link(added, 3, 1)] == ["Partner", "A", "B"]
    assert [x["title"] for x in remove_footer_link(added, 2)] == ["A", "Partner"]
    assert len(links) == 2


@pytest.mark.parametrize(
    ("title", "url", "message"),
    [
        ("", "/x/", "needs a title"),
        ("T", "javascript:alert(1)", "not allowed"),
        ("T", "contact", "needs to start"),
        ("T", "mailto:desk@example.org", "not allowed"),
        ("T", "/a b/", "not a usable site path"),
    ],
)
def test_footer_rejects_bad_links(title, url, message):
    with pytest.raises(FooterError, match=message):
        check_footer_link(title, url)


def test_footer_rejects_bad_positions():
    with pytest.raises(FooterError, match="no footer link number 4"):
        remove_footer_link([{"title": "A", "url": "/"}] * 3, 4)
    with pytest.raises(FooterError, match="number 0"):
        move_footer_link([{"title": "A", "url": "/"}], 1, 0)
