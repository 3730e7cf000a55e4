"""Resolving a save conflict: keep yours (theirs becomes a revision) or load theirs (yours does)."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtWidgets import QMessageBox, QWidget

from digest_desk.domain import Revision
from digest_desk.store import ConflictError, NotFoundError, Store
from digest_desk.store.articles import create_article, get_article, save_article
from digest_desk.ui.editor import ArticleEditor
from digest_desk.ui.plaintext import plain


class Choice(StrEnum):
    KEEP_MINE = "mine"
    LOAD_THEIRS = "theirs"


def ask(parent: QWidget, exc: ConflictError) -> Choice:
    box = QMessageBox(QMessageBox.Icon.Warning, parent.tr("Changed Elsewhere"), str(exc), parent=parent)
    box.setObjectName("conflict-box")
    plain(box)  # the message names the article
    box.setInformativeText(parent.tr(
        "Keep yours: your text is saved, theirs is kept as a revision.\n"
        "Load theirs: their text is shown, yours is kept as a revision."))
    mine = box.addButton(parent.tr("Keep Mine"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(parent.tr("Load Theirs"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(mine)
    box.exec()
    return Choice.KEEP_MINE if box.clickedButton() is mine else Choice.LOAD_THEIRS


def keep_mine(store: Store, editor: ArticleEditor) -> None:
    """Make the editor's copy the next version; their text is recorded as a revision first."""
    assert editor.article is not None
    try:
        theirs = get_article(store, editor.article.id)
    except NotFoundError:  # deleted elsewhere: write ours back as a new article
        copy = editor.edited_copy()
        fields = {k: getattr(copy, k) for k in ("summary", "body", "author", "category", "tags",
                                                "status", "published_at", "image_id", "image_alt")}
        created = create_article(store, title=copy.title, reason="recreated", **fields)
        editor.article.id, editor.article.version = created.id, created.version
        return
    stored = save_article(store, theirs, reason="theirs, replaced by yours")
    editor.article.version = stored.version


def load_theirs(store: Store, editor: ArticleEditor) -> int:
    """Record the editor's text as a revision; the caller then reloads the stored article."""
    assert editor.article is not None
    data = editor.snapshot()
    data["tags"] = list(data.get("tags") or [])
    data["published_at"] = data["published_at"].isoformat() if data.get("published_at") else None
    current = get_article(store, editor.article.id)
    with store.write() as session:
        session.add(Revision(article_id=current.id, version=current.version,
                             reason="yours, not kept", data=data))
    return current.id
