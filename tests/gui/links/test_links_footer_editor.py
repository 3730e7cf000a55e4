"""The reusable footer links editor: add, edit, remove, reorder, validation, saved to the store."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolButton

from digest_desk.domain.models import default_footer_links
from digest_desk.links.footer import FooterError
from digest_desk.store.site import get_site, update_site
from digest_desk.ui.footer_links_editor import FooterLinksEditor


@pytest.fixture
def editor(qtbot):
    widget = FooterLinksEditor()
    qtbot.addWidget(widget)
    widget.show()
    widget.set_links(default_footer_links())
    return widget


def _click(editor, name):
    QTest.mouseClick(editor.findChild(QToolButton, name), Qt.MouseButton.LeftButton)


def test_edit_reorder_remove_and_save(qtbot, editor, store):
    assert [x["title"] for x in editor.links()] == ["See More Digest", "Contact Us", "About Us"]
    with qtbot.waitSignal(editor.changed):
        editor.add_link("Partner", "https://partner.example/")
    editor.table.item(1, 0).setText("Contact")
    editor.table.selectRow(3)
    _click(editor, "footer_up")
    _click(editor, "footer_up")
    assert [x["title"] for x in editor.links()] == ["See More Digest", "Partner", "Contact", "About Us"]
    editor.table.selectRow(0)
    _click(editor, "footer_down")
    _click(editor, "footer_remove")  # removes the selected (moved) row
    assert [x["title"] for x in editor.links()] == ["Partner", "Contact", "About Us"]
    update_site(store, footer_links=editor.links())
    assert get_site(store).footer_links[0] == {"title": "Partner", "url": "https://partner.example/"}


def test_bad_rows_are_marked_and_refused(qtbot, editor):
    editor.table.item(2, 1).setText("javascript:alert(1)")
    assert "not allowed" in editor.row_problem(2)
    assert editor.table.item(2, 1).foreground().color().name() == "#c62828"
    with pytest.raises(FooterError, match="Footer link 3"):
        editor.links()
    assert editor.errors() and "Footer link 3" in editor.errors()[0]
    editor.table.item(2, 1).setText("/about-us/")
    assert editor.errors() == [] and editor.row_problem(2) == ""


def test_add_button_starts_a_new_row(qtbot, editor):
    _click(editor, "footer_add")
    assert editor.table.rowCount() == 4
    assert "needs a title" in editor.errors()[0]
