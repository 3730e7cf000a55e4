"""The article editor: metadata form (undoable through the article's QUndoStack) and markdown body."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QFont, QKeyEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from digest_desk.domain import EDITABLE_FIELDS, Article, Image, Link, Status, detached_image
from digest_desk.domain.slugs import SlugError, slugify, unique_slug, validate_slug
from digest_desk.render.picture_markdown import PictureWords
from digest_desk.store import Store
from digest_desk.store.articles import categories, slug_is_free, suggest_slug
from digest_desk.store.pictures import picture_info
from digest_desk.store.saving import unless_away
from digest_desk.store.site import get_site
from digest_desk.ui import icons
from digest_desk.ui.commands import SetFieldCommand
from digest_desk.ui.date_field import DateField
from digest_desk.ui.find_bar import FindBar
from digest_desk.ui.headline import HeadlineEdit, LengthLabel
from digest_desk.ui.markdown_edit import MarkdownEdit
from digest_desk.ui.paste import keep_one_line
from digest_desk.ui.server_asks import NewestAsk
from digest_desk.ui.typing_gc import TypingCollector

# The metadata form's fields (the body is the text below it), each with its undo label.
FORM_FIELDS = tuple(name for name in EDITABLE_FIELDS if name != "body")
LABELS = {
    "title": "headline", "slug": "slug", "summary": "summary", "author": "author",
    "category": "category", "tags": "tags", "status": "status", "published_at": "publication date",
    "image_id": "featured image", "image_alt": "image alt text",
    "image_caption": "image caption", "image_credit": "image credit",
}


def _tags(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


class ArticleEditor(QWidget):
    """Edits one article at a time; ``edited`` fires on any change of its content."""

    edited = Signal()
    slug_problem = Signal(str)  # "" when the slug is fine

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._asks = NewestAsk(store, self)  # a team server's slug for the title typed
        self._slug_checks = NewestAsk(store, self)  # and whether a typed slug is free
        self._image_asks = NewestAsk(store, self)  # a chosen featured picture's size and name
        self.article: Article | None = None
        self.stack: QUndoStack | None = None
        self._values: dict[str, Any] = {}
        self._loading = False
        self.slug_auto = True
        self._slug_problem = ""
        self.image_name = ""
        self._image: Image | None = None  # the featured picture (metadata only)
        self._body_text: str | None = None  # the body's text, read once per change (see body_text)
        self.body_reads = 0  # full-text reads of the body (tests check they do not grow per key)
        self._build()
        self._connect()
        self._route_undo_to_stack()
        self.collector = TypingCollector(self)  # no full garbage collection in mid-keystroke
        self.edited.connect(self.collector.typed)
        self.setEnabled(False)

    # -- construction ---------------------------------------------------------------------
    def _build(self) -> None:
        self.title_edit = HeadlineEdit(objectName="title-edit", placeholderText=self.tr("Headline"))
        font = QFont(self.title_edit.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title_edit.setFont(font)
        self.title_length = LengthLabel(self)
        self.title_edit.document().contentsChanged.connect(  # loads too (the field's signals are blocked)
            lambda: self.title_length.show_length(len(self.title_edit.text())))
        self.slug_edit = QLineEdit(objectName="slug-edit")
        self.slug_state = QLabel(objectName="slug-state")
        self.summary_edit = QLineEdit(objectName="summary-edit", placeholderText=self.tr("One-sentence summary"))
        self.author_edit = QLineEdit(objectName="author-edit")
        self.category_edit = QComboBox(objectName="category-edit", editable=True)
        self.tags_edit = QLineEdit(objectName="tags-edit", placeholderText=self.tr("comma, separated"))
        self.status_edit = QComboBox(objectName="status-edit")
        for status in Status:
            self.status_edit.addItem(icons.get(status.value), self.tr(status.value.title()), status.value)
        self.date_field = DateField(self)  # in the site's time zone (set_zone at load)
        self.image_button = QPushButton(icons.get("image"), self.tr("Choose…"), objectName="image-button")
        self.image_clear = QPushButton(icons.get("clear"), "", objectName="image-clear")
        self.image_clear.setToolTip(self.tr("Remove the featured image"))
        self.image_label = QLabel(self.tr("none"), objectName="image-label")
        # The picture's name may shrink (the row must not widen the editor past the previews' room).
        self.image_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.image_words = QPushButton(icons.get("picture-words"), self.tr("Picture Words…"),
                                       objectName="image-words-button")
        self.image_words.setToolTip(self.tr("Alt text, caption and credit of the featured picture in this article"))
        self.image_alt_edit = QLineEdit(objectName="image-alt-edit", placeholderText=self.tr("Describe the picture"))
        self.body = MarkdownEdit(self)
        self.toolbar = QToolBar(self.tr("Formatting"), objectName="format-toolbar")
        self.toolbar.setIconSize(self.toolbar.iconSize() * 0.8)
        self.details = self._details_widget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.setSpacing(4)
        title_row = QHBoxLayout()
        title_row.addWidget(self.title_edit, 1)
        title_row.addWidget(self.title_length, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(title_row)
        layout.addWidget(self.details)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.body, 1)
        self.find_bar = FindBar(self.title_edit, self.summary_edit, self.body, self)  # Ctrl+F/H
        layout.addWidget(self.find_bar)
        keep_one_line(self.summary_edit)  # pastes fold to one clean line (the headline's too)

    def _details_widget(self) -> QWidget:
        box = QWidget(objectName="details")
        form = QFormLayout(box)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        slug_row = QHBoxLayout()
        slug_row.addWidget(self.slug_edit, 1)
        slug_row.addWidget(self.slug_state)
        form.addRow(self.tr("Slug"), slug_row)
        form.addRow(self.tr("Summary"), self.summary_edit)
        people = QHBoxLayout()
        people.addWidget(self.author_edit, 1)
        people.addWidget(QLabel(self.tr("Category")))
        people.addWidget(self.category_edit, 1)
        form.addRow(self.tr("Author"), people)
        form.addRow(self.tr("Tags"), self.tags_edit)
        state = QHBoxLayout()
        state.addWidget(self.status_edit, 1)
        form.addRow(self.tr("Status"), state)
        form.addRow(self.tr("Date"), self.date_field)
        image = QHBoxLayout()
        image.addWidget(self.image_button)
        image.addWidget(self.image_clear)
        image.addWidget(self.image_label, 1)
        image.addWidget(self.image_words)
        form.addRow(self.tr("Image"), image)
        form.addRow(self.tr("Alt text"), self.image_alt_edit)
        return box

    def _connect(self) -> None:
        self.title_edit.textEdited.connect(lambda t: self._push("title", t))
        self.slug_edit.textEdited.connect(self._slug_typed)
        self.summary_edit.textEdited.connect(lambda t: self._push("summary", t))
        self.author_edit.textEdited.connect(lambda t: self._push("author", t))
        self.category_edit.currentTextChanged.connect(lambda t: self._push("category", t.strip()))
        self.tags_edit.textEdited.connect(lambda t: self._push("tags", _tags(t)))
        self.status_edit.currentIndexChanged.connect(
            lambda _i: self._push("status", self.status_edit.currentData()))
        self.date_field.changed.connect(lambda when: self._push("published_at", when))
        self.image_alt_edit.textEdited.connect(lambda t: self._push("image_alt", t))
        self.image_clear.clicked.connect(lambda: self._push("image_id", None))
        self.body.textChanged.connect(self._body_changed)

    def _route_undo_to_stack(self) -> None:
        """Ctrl+Z in a metadata field undoes through the article's stack (Edit > Undo), not the
        field's private history, which would change the text behind the stack's back."""
        for edit in (self.title_edit, self.slug_edit, self.summary_edit, self.author_edit,
                     self.tags_edit, self.image_alt_edit, self.category_edit.lineEdit()):
            edit.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo):
                event.ignore()  # not for the field: the window's Undo/Redo shortcut runs
                return True
        return super().eventFilter(watched, event)

    def add_format_actions(self, actions: list[QAction | None]) -> None:
        for action in actions:
            if action is None:
                self.toolbar.addSeparator()
            else:
                self.toolbar.addAction(action)

    # -- loading and reading --------------------------------------------------------------
    def load(self, article: Article, stack: QUndoStack, *, names: list[str] | None = None,
             zone: str | None = None) -> None:
        """Show ``article`` (a detached copy); structured edits go to ``stack``. ``names`` (the
        categories) and ``zone`` (the site's): already read off the UI thread, else read here."""
        self._loading = True
        self.article, self.stack = article, stack
        self.refresh_categories(names)
        self.date_field.set_zone(zone if zone is not None else get_site(self._store).timezone)
        values = {name: getattr(article, name) for name in FORM_FIELDS}
        values["status"] = str(article.status)
        values["tags"] = list(article.tags or [])
        self._values = values
        self.slug_auto = str(article.status) != Status.PUBLISHED.value and (
            slugify(article.title) == "" or article.slug.startswith(slugify(article.title)))
        for name, value in values.items():
            self._show(name, value)
        self.body.setPlainText(article.body)
        self.body.document().clearUndoRedoStacks()
        self.body.document().setModified(False)
        self._show_slug_state("")
        self._loading = False
        self.setEnabled(True)

    def set_editable(self, editable: bool) -> None:
        """Pause or resume editing: the text stays readable (and scrollable), nothing changes it."""
        for widget in (self.title_edit, self.details, self.toolbar):
            widget.setEnabled(editable)
        self.body.setReadOnly(not editable)

    @property
    def editable(self) -> bool:
        return not self.body.isReadOnly()

    def add_notice(self, notice: QWidget) -> None:
        """Show a bar (such as "being edited elsewhere") above the headline."""
        self.layout().insertWidget(0, notice)

    def clear(self) -> None:
        self._loading = True
        self.article, self.stack = None, None
        for edit in (self.title_edit, self.slug_edit, self.summary_edit, self.author_edit,
                     self.tags_edit, self.image_alt_edit):
            edit.clear()
        self.body.clear()
        self._loading = False
        self.setEnabled(False)

    def refresh_categories(self, names: list[str] | None = None) -> None:
        """The category choices: ``names`` when given (read already), else read from the store."""
        self.category_edit.blockSignals(True)
        text = self.category_edit.currentText()
        self.category_edit.clear()
        self.category_edit.addItems(categories(self._store) if names is None else names)
        self.category_edit.setCurrentText(text)
        self.category_edit.blockSignals(False)

    def value(self, name: str) -> Any:
        return self._values[name]

    def body_text(self) -> str:
        """The body's text. ``toPlainText()`` copies the whole document (10 MB: tens of ms), so
        it is read only when asked (typing pauses, drafts, saves) and shared until the next edit."""
        if self._body_text is None:
            self._body_text = self.body.toPlainText()
            self.body_reads += 1
        return self._body_text

    def edited_copy(self) -> Article:
        """The article as currently edited (a new detached object; slug handled separately)."""
        assert self.article is not None
        data = self.article.model_dump()
        data.update({k: v for k, v in self._values.items() if k != "slug"})
        data["body"] = self.body_text()
        copy = Article(**data)
        # New Link objects: moving the article's own ones would empty its list (back-populates).
        copy.links = [Link(**link.model_dump()) for link in self.article.links]
        copy.image = self._image
        return copy

    def snapshot(self) -> dict[str, Any]:
        data = dict(self._values)
        data["body"] = self.body_text()
        return data

    def wanted_slug(self) -> str | None:
        """The slug to store, or None when the typed one is unusable (the old one stays)."""
        slug = self._values.get("slug", "")
        try:
            validate_slug(slug)
        except SlugError:
            return None
        return slug

    def mark_saved(self, article: Article) -> None:
        """Take the stored version number (and the slug the store settled on)."""
        assert self.article is not None
        self.article.version = article.version
        self.article.id = article.id
        self.article.slug = article.slug
        if article.slug != self._values.get("slug") and self.slug_auto:
            self._values["slug"] = article.slug
            self._show("slug", article.slug)

    # -- field changes (through the undo stack) -------------------------------------------
    def _push(self, name: str, value: Any) -> None:
        if self._loading or self.stack is None or self._values.get(name) == value:
            return
        old = self._values.get(name)
        self.stack.push(SetFieldCommand(self, name, LABELS[name], old, value))

    def apply_field(self, name: str, value: Any) -> None:
        """Set a field (called by undo commands): stores the value, updates the widget."""
        self._values[name] = value
        self._show(name, value)
        if name == "title" and self.slug_auto:
            exclude = self.article.id if self.article else None  # server away: the slug stays
            if self._store.is_server:  # the title's own slug now, the server's answer when it comes
                slug = unique_slug(value or "", lambda _key: False)
                self._asks.ask(lambda found, t=value: self._slug_suggested(t, found),
                               suggest_slug, self._store, value or "", exclude)
            else:
                slug = unless_away(self._store, self._values.get("slug", ""), suggest_slug,
                                   self._store, value or "", exclude)
            self._values["slug"] = slug
            self._show("slug", slug)
            self._show_slug_state("")
        if name == "slug":
            self._check_slug(value)
        if not self._loading:
            self.edited.emit()

    def apply_snapshot(self, data: dict[str, Any]) -> None:
        """Put a whole snapshot back (revision restore and its undo)."""
        for name in FORM_FIELDS:
            if name in data:
                value = data[name]
                if name == "published_at" and isinstance(value, str):
                    value = datetime.fromisoformat(value)
                self._values[name] = value
                self._show(name, value)
        if "body" in data and data["body"] != self.body_text():
            self.body.replace_all(data["body"])
        self.edited.emit()

    def _slug_typed(self, text: str) -> None:
        self.slug_auto = False
        self._push("slug", text.strip())

    def _check_slug(self, slug: str) -> None:
        try:
            validate_slug(slug)
        except SlugError as exc:
            self._show_slug_state(str(exc))
            return
        exclude = self.article.id if self.article else None
        if self._store.is_server:  # asked on a thread of its own (saves check too)
            self._show_slug_state("")
            self._slug_checks.ask(lambda free, s=slug: self._slug_checked(s, free),
                                  slug_is_free, self._store, slug, exclude)
        elif not unless_away(self._store, True, slug_is_free, self._store, slug, exclude):  # saves check too
            self._show_slug_state(self.tr("Another article already uses this slug."))
        else:
            self._show_slug_state("")

    def _slug_suggested(self, title: str, slug: str) -> None:
        """The team server's slug for a title typed: kept if that title and the automatic slug
        are still what the editor shows."""
        if self.slug_auto and self._values.get("title") == title and self._values.get("slug") != slug:
            self._values["slug"] = slug
            self._show("slug", slug)
            self.edited.emit()

    def _slug_checked(self, slug: str, free: bool) -> None:
        if self._values.get("slug") == slug and not free:
            self._show_slug_state(self.tr("Another article already uses this slug."))

    def _show_slug_state(self, problem: str) -> None:
        self._slug_problem = problem
        mark = icons.get("error" if problem else "ok")
        icons.when_loaded(lambda: self.slug_state.setPixmap(mark.pixmap(16, 16)))
        self.slug_state.setToolTip(problem or self.tr("This slug is free"))
        self.slug_edit.setToolTip(problem)
        self.slug_problem.emit(problem)

    def _body_changed(self) -> None:
        self._body_text = None
        if not self._loading:
            self.edited.emit()

    def set_dark(self, dark: bool) -> None:
        """Re-colour the body and icons for a theme (textChanged fires then, but nothing was edited)."""
        self._loading = True
        try:
            self.body.highlighter.set_dark(dark)
        finally:
            self._loading = False
        for i in range(self.status_edit.count()):
            self.status_edit.setItemIcon(i, icons.get(self.status_edit.itemData(i)))
        self.image_button.setIcon(icons.get("image"))
        self.image_clear.setIcon(icons.get("clear"))
        self.image_words.setIcon(icons.get("picture-words"))
        self._show_slug_state(self._slug_problem)

    # -- widgets <-> values ---------------------------------------------------------------
    def _show(self, name: str, value: Any) -> None:
        widget_blockers = [self.title_edit, self.slug_edit, self.summary_edit, self.author_edit,
                           self.category_edit, self.tags_edit, self.status_edit,
                           self.image_alt_edit]
        for w in widget_blockers:
            w.blockSignals(True)
        try:
            self._show_unblocked(name, value)
        finally:
            for w in widget_blockers:
                w.blockSignals(False)

    def _show_unblocked(self, name: str, value: Any) -> None:
        simple = {"title": self.title_edit, "slug": self.slug_edit, "summary": self.summary_edit,
                  "author": self.author_edit, "image_alt": self.image_alt_edit}
        if name in simple:
            edit = simple[name]
            if edit.text() != (value or ""):
                edit.setText(value or "")
                edit.setCursorPosition(0)  # show the start of long texts
        elif name == "category":
            self.category_edit.setCurrentText(value or "")
        elif name == "tags":
            if _tags(self.tags_edit.text()) != list(value or []):
                self.tags_edit.setText(", ".join(value or []))
        elif name == "status":
            self.status_edit.setCurrentIndex(max(0, self.status_edit.findData(str(value))))
        elif name == "published_at":
            self.date_field.show_value(value)
        elif name == "image_id":
            self._show_image(value)

    def _show_image(self, image_id: int | None) -> None:
        self._image = None
        self.image_words.setEnabled(image_id is not None)
        if image_id is None:
            self.image_label.setText(self.tr("none"))
            self.image_name = ""
            return
        loaded = self.article.image if self.article is not None else None
        if loaded is not None and loaded.id == image_id:  # read with the article: no read here
            self._image_found(image_id, detached_image(loaded))
        elif self._store.is_server:  # asked on a thread of its own; the label says so meanwhile
            self.image_label.setText(self.tr("picture %1 …").replace("%1", str(image_id)))
            self._image_asks.ask(lambda found, i=image_id: self._image_found(i, found[0]),
                                 _picture_found, self._store, image_id)
        else:
            self._image_found(image_id, picture_info(self._store, image_id))

    def _image_found(self, image_id: int, image: Image | None) -> None:
        if self._values.get("image_id") != image_id:
            return  # another picture was chosen meanwhile
        self._image = image
        if image is None:
            self.image_label.setText(self.tr("missing picture (id %1)").replace("%1", str(image_id)))
            return
        self.image_name = image.name
        self.image_label.setText(f"{image.name} · {image.width}×{image.height}")
        self.image_label.setToolTip(self.image_label.text())
        self.image_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def go_to_line(self, line: int) -> None:
        self.body.go_to_line(line)

    def replace_body(self, text: str) -> None:
        """Replace the whole body as one undo step (a fix from the checks)."""
        self.body.replace_all(text)

    def focus_title(self) -> None:
        self.title_edit.setFocus()

    def insert_image(self, name: str, alt: str, caption: str = "", credit: str = "") -> None:
        """Put a stored picture into the body at the cursor, with this article's words."""
        self.body.insert_image(name, alt, caption, credit)

    def insert_link(self, url: str) -> None:
        """Link the body's selection (or a placeholder) to ``url``."""
        self.body.insert_link(url)

    def set_featured_image(self, image_id: int | None, words: PictureWords | None = None) -> None:
        """Choose the featured image, with this article's words for it (one undo step)."""
        if words is None or self.stack is None or words == self.featured_words():
            self._push("image_id", image_id)
            return
        self.stack.beginMacro(self.tr("Change featured image"))
        self._push("image_id", image_id)
        self.set_featured_words(words)
        self.stack.endMacro()

    @property
    def featured_picture(self) -> Image | None:
        """The featured picture's library row (metadata only), None when there is none."""
        return self._image

    def featured_words(self) -> PictureWords:
        return PictureWords(self._values.get("image_alt", ""), self._values.get("image_caption", ""),
                            self._values.get("image_credit", ""))

    def set_featured_words(self, words: PictureWords) -> None:
        """The featured picture's alt text, caption and credit in this article (one undo step)."""
        if self.stack is None or words == self.featured_words():
            return
        self.stack.beginMacro(self.tr("Change picture words"))
        for name, value in (("image_alt", words.alt), ("image_caption", words.caption),
                            ("image_credit", words.credit)):
            self._push(name, value)
        self.stack.endMacro()


def _picture_found(store: Store, image_id: int) -> tuple[Image | None]:
    """The picture's row in a tuple (a missing picture is an answer, not a server away)."""
    return (picture_info(store, image_id),)
