"""The safety dialogs as real widgets over a real database: recovery with a diff, conflict, lock, restore."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from digest_desk.store import ConflictError
from digest_desk.store.articles import create_article, get_article, revisions
from digest_desk.store.backup import backup, backup_infos
from digest_desk.store.conflicts import Choice, keep_both, load_theirs
from digest_desk.store.drafts import DraftKeeper, apply_draft, discard_draft, pending_drafts
from digest_desk.store.locks import acquire
from digest_desk.store.saving import save_edits
from digest_desk.ui.recovery import (
    ConflictDialog,
    DatabaseProblemDialog,
    LockNotice,
    RecoveryDialog,
)


def test_recovery_dialog_shows_the_diff_and_recovers(qtbot, store):
    article = create_article(store, title="Story", body="line one\nline two")
    DraftKeeper(store, "crashed").write(article.id, {"body": "line one\nline two\nline three"})
    DraftKeeper(store, "crashed-too").write(None, {"title": "Brand new", "body": "fresh words"})
    dialog = RecoveryDialog(pending_drafts(store))
    qtbot.addWidget(dialog)
    dialog.recover_requested.connect(lambda d: apply_draft(store, d))
    dialog.discard_requested.connect(lambda d: discard_draft(store, d.id))
    assert dialog.list.count() == 2
    texts = [dialog.list.item(i).text() for i in range(2)]
    row = next(i for i, t in enumerate(texts) if t.startswith("Story"))
    dialog.list.setCurrentRow(row)
    assert "+line three" in dialog.diff.toPlainText()
    qtbot.mouseClick(dialog.findChild(QPushButton, "recover-button"), Qt.MouseButton.LeftButton)
    assert get_article(store, article.id).body.endswith("line three")
    assert dialog.list.count() == 1 and "never saved" in dialog.list.item(0).text()
    qtbot.mouseClick(dialog.findChild(QPushButton, "discard-button"), Qt.MouseButton.LeftButton)
    assert pending_drafts(store) == []
    assert dialog.result() == dialog.DialogCode.Accepted


def _conflict(store):
    article = create_article(store, title="Story", body="original")
    stale, fresh = get_article(store, article.id), get_article(store, article.id)
    fresh.body = "theirs"
    save_edits(store, fresh, slug=None, reason=None)
    stale.body = "mine"
    with pytest.raises(ConflictError):
        save_edits(store, stale, slug=None, reason=None)
    return load_theirs(store, stale)


def test_conflict_dialog_offers_three_choices(qtbot, store):
    conflict = _conflict(store)
    dialog = ConflictDialog(conflict)
    qtbot.addWidget(dialog)
    assert "-theirs" in dialog.diff.toPlainText() and "+mine" in dialog.diff.toPlainText()
    names = {b.objectName() for b in dialog.findChildren(QPushButton)}
    assert {"conflict-mine", "conflict-theirs", "conflict-both"} <= names
    qtbot.mouseClick(dialog.findChild(QPushButton, "conflict-both"), Qt.MouseButton.LeftButton)
    assert dialog.choice is Choice.BOTH
    article_id = keep_both(store, conflict)
    assert get_article(store, article_id).body == "theirs"
    assert any(r.data["body"] == "mine" for r in revisions(store, article_id))


def test_lock_notice_offers_take_over(qtbot, store):
    article = create_article(store, title="Story")
    acquire(store, article.id, "other-window", editor="Ana Lima")
    state = acquire(store, article.id, "this-window")
    notice = LockNotice()
    qtbot.addWidget(notice)
    notice.show_state(state)
    assert notice.isVisibleTo(None) or not notice.isHidden()
    assert notice.label.text().startswith("Ana Lima is editing this article.")
    with qtbot.waitSignal(notice.take_over_requested):
        qtbot.mouseClick(notice.button, Qt.MouseButton.LeftButton)
    notice.show_state(None)
    assert notice.isHidden()


def test_database_problem_dialog_chooses_a_backup(qtbot, store):
    backup(store)
    dialog = DatabaseProblemDialog("Cannot open it: damaged.", backup_infos(store.path))
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 1 and dialog.restore_button.isEnabled()
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.chosen is not None and dialog.chosen.kind == "manual"
    empty = DatabaseProblemDialog("Cannot open it.", [])
    qtbot.addWidget(empty)
    assert not empty.restore_button.isEnabled()
