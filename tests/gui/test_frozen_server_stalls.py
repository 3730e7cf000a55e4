"""A team server that stops answering (SIGSTOP) never holds the UI thread: typing with the previews
on, and a save that meets a conflict; the longest stall of the UI thread is printed and bounded."""

from __future__ import annotations

import io
import threading
import time
import traceback
from datetime import UTC, datetime

import PIL.Image
from guihelpers import StallMeter, answer_modal
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from sqlalchemy import event
from tests import pg_server
from tests.export_site_fixture import tree

from digest_desk.domain import Status
from digest_desk.export import export_site, settle
from digest_desk.store import open_store
from digest_desk.store.articles import create_article, get_article, revisions, save_article
from digest_desk.store.conflicts import THEIRS_REPLACED
from digest_desk.store.media import add_image
from digest_desk.ui.links_model import URL

# Generous for a shared machine (a timing benchmark it is not): before, a preview refresh held
# the UI thread SERVER_WAIT_S (1.5 s) and a conflict's read until the server answered.
STALL_LIMIT_S = 1.0
WORDS = "The ferry waited at the pier for the last bus while the tide came in early. "


class UiThreadReads:
    """Counts connections the window's store hands out on the UI thread (every read and write
    checks one out of the pool first; on a frozen server that is where the UI would hang)."""

    def __init__(self, store) -> None:
        self.count = 0
        self.where: list[str] = []  # our frames of each, to tell which read it was
        self.on = False
        self._pool = store.engine.pool
        event.listen(self._pool, "checkout", self._checkout)

    def _checkout(self, *_args) -> None:
        if self.on and threading.current_thread() is threading.main_thread():
            self.count += 1
            ours = [f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in traceback.extract_stack()
                    if "digest_desk" in f.filename]
            self.where.append(" < ".join(reversed(ours)))

    def close(self) -> None:
        event.remove(self._pool, "checkout", self._checkout)


class Keys:
    """Types into the body with real key events, a key every 30 ms and a pause after each word
    (the autosave's turn)."""

    def __init__(self, body, qtbot) -> None:
        self.body, self.qtbot, self.typed = body, qtbot, ""
        self.timer = QTimer(interval=30)
        self.timer.timeout.connect(self._key)

    def _key(self) -> None:
        char = WORDS[len(self.typed) % len(WORDS)]
        self.timer.setInterval(300 if char == " " else 30)
        self.qtbot.keyClicks(self.body, char)
        self.typed += char

    def start(self) -> None:
        self.body.setFocus()
        self.body.moveCursor(self.body.textCursor().MoveOperation.End)
        self.timer.start()


def test_typing_with_previews_on_a_frozen_server_never_waits_for_it(
        window_factory, own_cluster, local_data, qtbot):
    """The previews' inputs (pictures, sections, link targets) are read again while the server
    is frozen: the previews render with the inputs last read, typing goes on, the UI thread
    checks out no connection, and once the server answers the fresh inputs arrive."""
    url = pg_server.create_database(own_cluster.url)
    store = open_store(url)
    target = create_article(store, title="Harbour lights", body="On.", status="published",
                            category="Docks")
    article = create_article(store, title="Night ferry", body="Start.", category="Docks",
                             links=[{"title": "Lights", "url": "", "target_article_id": target.id,
                                     "kind": "related"}])
    store.close()
    window = window_factory(url)
    live = window.live
    window.load_article(article.id)
    window.autosaver.set_delay(60_000)  # the saves are not what this test measures
    qtbot.waitUntil(lambda: live.started and not live._first_preview, timeout=30000)
    qtbot.waitUntil(lambda: live._fetching is None, timeout=10000)
    assert list(live.context(window.editor.edited_copy()).categories) == ["Docks"]
    rendered: list[float] = []
    live.preview.rendered.connect(rendered.append)
    reads, meter, keys = UiThreadReads(window.store), StallMeter(every_ms=10), Keys(window.editor.body, qtbot)
    rescue = own_cluster.freeze_for_at_most(25)
    try:
        reads.on = True
        meter.start()
        keys.start()
        live.media_changed()  # a live update said the pictures changed: read again
        live.article_opened()  # what opening an article asks: sections and link targets again
        qtbot.wait(2500)
        keys.timer.stop()
        longest = meter.stop()
        reads.on = False
        assert live._fetching is not None and not live._fetching.done.is_set()  # still asked
        ctx = live.context(window.editor.edited_copy())
        assert list(ctx.categories) == ["Docks"] and dict(ctx.slugs) == {target.id: "harbour-lights"}
    finally:
        own_cluster.thaw()
        rescue.cancel()
        reads.close()
    print(f"\nlongest UI stall while typing with previews on a frozen server: {longest * 1000:.0f} ms "
          f"({len(keys.typed)} keys, {len(rendered)} renders)")
    qtbot.waitUntil(lambda: live._fetching is None, timeout=20000)
    assert window.editor.body_text() == "Start." + keys.typed  # no key lost
    assert rendered  # the previews followed the typing while the server was frozen
    assert reads.count == 0, reads.where
    assert longest < STALL_LIMIT_S


def test_fresh_server_inputs_that_differ_render_again(window_factory, own_cluster, local_data, qtbot):
    """Inputs read on a thread of their own: when they differ from what the previews show (a
    section published meanwhile), the previews render again with them."""
    url = pg_server.create_database(own_cluster.url)
    store = open_store(url)
    article = create_article(store, title="Night ferry", body="Start.", category="Docks")
    window = window_factory(url)
    live = window.live
    window.load_article(article.id)
    qtbot.waitUntil(lambda: live.started and not live._first_preview, timeout=30000)
    qtbot.waitUntil(lambda: live._fetching is None, timeout=10000)
    assert list(live.context(window.editor.edited_copy()).categories) == []
    create_article(store, title="Tide tables", body="High at noon.", status="published", category="Weather")
    store.close()
    before = live.inputs_refreshed
    renders: list[int] = []  # the refresh count each finished render saw
    live.preview.rendered.connect(lambda _ms: renders.append(live.inputs_refreshed))
    live.media_changed()  # as a live update does: read the inputs again
    live.schedule()
    qtbot.waitUntil(lambda: live.inputs_refreshed > before, timeout=10000)
    qtbot.waitUntil(lambda: any(seen > before for seen in renders), timeout=20000)
    assert list(live.context(window.editor.edited_copy()).categories) == ["Weather"]


def test_a_save_meeting_a_conflict_on_a_frozen_server_never_holds_the_window(
        window_factory, own_cluster, local_data, qtbot):
    """Another editor saved meanwhile, and the server freezes the moment this window's save meets
    their version: the lock check and their text are read on a thread of their own, the window
    keeps taking keys and says the server is not answering; once it answers the conflict dialog
    shows, "Keep Mine" is written off the UI thread too, and the stored text is the editor's
    (typed during the wait included) with theirs in the history."""
    url = pg_server.create_database(own_cluster.url)
    admin = open_store(url)
    article = create_article(admin, title="Harbour works", body="Cranes arrive.")
    window = window_factory(url)
    window.live.preview.hide()  # the previews are the other test's business
    window.load_article(article.id)
    window.autosaver.set_delay(150)
    qtbot.waitUntil(lambda: window.live.started, timeout=10000)
    keys = Keys(window.editor.body, qtbot)
    keys.start()
    qtbot.wait(300)
    keys.timer.stop()
    qtbot.waitUntil(lambda: window.autosaver.state.value == "Saved", timeout=10000)
    theirs = get_article(admin, article.id)
    theirs.body = "Cranes arrive. Theirs, saved meanwhile."
    save_article(admin, theirs, reason="save")
    reads, meter = UiThreadReads(window.store), StallMeter(every_ms=10)
    timers: list[threading.Timer] = []
    notes: list[str] = []
    window.statusBar().messageChanged.connect(notes.append)

    def freeze(_exc) -> None:  # the save's answer came: the server goes silent now
        if not timers:
            reads.on = True
            timers.append(own_cluster.freeze_for_at_most(25))
            timers.append(threading.Timer(3.0, own_cluster.thaw))
            timers[-1].start()

    window.autosaver.conflicted.connect(freeze)
    shown: list[str] = []

    def keep_mine(dialog) -> None:
        keys.timer.stop()  # a person cannot type into the window behind a modal dialog
        reads.on = False  # what follows the click is measured by the stall meter only
        shown.append(dialog.diff.toPlainText())
        [mine] = [b for b in dialog.buttons() if b.objectName() == "conflict-mine"]
        reads.on = True
        mine.click()

    answer_modal(keep_mine)
    try:
        meter.start()
        keys.start()  # the next autosave meets their version
        qtbot.waitUntil(lambda: bool(shown), timeout=20000)
        qtbot.waitUntil(lambda: window.autosaver.state.value == "Saved", timeout=20000)
        longest = meter.stop()
        reads.on = False
    finally:
        own_cluster.thaw()
        for timer in timers:
            timer.cancel()
        reads.close()
    print(f"\nlongest UI stall while a save met a conflict on a frozen server: {longest * 1000:.0f} ms")
    assert any("not answering" in note for note in notes)
    assert "-Cranes arrive. Theirs, saved meanwhile." in shown[0]
    stored = get_article(admin, article.id)
    assert stored.body == window.editor.body_text() == "Cranes arrive." + keys.typed
    kept = [r.data["body"] for r in revisions(admin, article.id) if r.reason == THEIRS_REPLACED]
    assert kept == ["Cranes arrive. Theirs, saved meanwhile."]
    admin.close()
    assert reads.count == 0, reads.where
    assert longest < STALL_LIMIT_S


def test_typing_a_headline_on_a_frozen_server_never_waits_for_its_slug(
        window_factory, own_cluster, local_data, qtbot):
    """Each key in the headline suggests a slug, which the server must say is free: asked on a
    thread of its own (one question out at a time), the slug follows the headline at once and
    the server's answer (a taken slug gets a number) arrives once it answers."""
    url = pg_server.create_database(own_cluster.url)
    store = open_store(url)
    create_article(store, title="Harbour lights", body="On.")
    article = create_article(store, title="Draft", body="Text.")
    store.close()
    window = window_factory(url)
    window.live.preview.hide()  # the previews are the other test's business
    window.load_article(article.id)
    window.autosaver.set_delay(60_000)  # the saves are not what this test measures
    qtbot.waitUntil(lambda: window.live.started, timeout=10000)
    title, editor = window.editor.title_edit, window.editor
    reads, meter = UiThreadReads(window.store), StallMeter(every_ms=10)
    rescue = own_cluster.freeze_for_at_most(25)
    try:
        reads.on = True
        meter.start()
        title.setFocus()
        title.selectAll()
        for char in "Harbour lights":
            qtbot.keyClicks(title, char)
            qtbot.wait(40)
        qtbot.wait(500)
        longest = meter.stop()
        reads.on = False
        assert editor.value("title") == "Harbour lights"
        assert editor.value("slug") == "harbour-lights"  # the headline's own, for now
    finally:
        own_cluster.thaw()
        rescue.cancel()
        reads.close()
    print(f"\nlongest UI stall while typing a headline on a frozen server: {longest * 1000:.0f} ms")
    qtbot.waitUntil(lambda: editor.value("slug") == "harbour-lights-2", timeout=20000)
    assert editor.slug_edit.text() == "harbour-lights-2"
    assert reads.count == 0, reads.where
    assert longest < STALL_LIMIT_S


def test_opening_an_article_reads_the_team_server_off_the_ui_thread_only(
        window_factory, own_cluster, local_data, qtbot, tmp_path):
    """Opening (or reloading) an article with a featured picture, links and a category: the
    article and the category names come in one read on a thread of its own, the picture with the
    article; the editor, the links panel and the previews read nothing on the UI thread."""
    import PIL.Image

    from digest_desk.store.media import add_image

    url = pg_server.create_database(own_cluster.url)
    store = open_store(url)
    photo = tmp_path / "pier.jpg"
    PIL.Image.new("RGB", (320, 200), (40, 110, 160)).save(photo, "JPEG")
    image = add_image(store, photo, alt="Boats at the north pier")
    other = create_article(store, title="Harbour lights", body="On.", status="published", category="Docks")
    article = create_article(store, title="Night ferry", body="Start.", category="Docks", image_id=image.id,
                             links=[{"title": "Lights", "url": "", "target_article_id": other.id,
                                     "kind": "related"}])
    store.close()
    window = window_factory(url)
    qtbot.waitUntil(lambda: window.live.started, timeout=10000)
    reads = UiThreadReads(window.store)
    try:
        reads.on = True
        assert window.load_article(article.id)
        qtbot.wait(300)
        reads.on = False
    finally:
        reads.close()
    assert window.editor.image_label.text() == f"{image.name} · 320×200"
    assert window.editor.category_edit.findText("Docks") >= 0
    model = window.links_panel.model
    qtbot.waitUntil(lambda: model.data(model.index(0, URL)) == "→ Harbour lights (/harbour-lights/)",
                    timeout=10000)  # the link's target, read on a thread of its own
    assert model.state(0) == "internal"
    assert reads.count == 0, reads.where


def test_actions_on_a_frozen_server_wait_without_holding_the_window(
        window_factory, own_cluster, local_data, qtbot):
    """"Add to Site Dictionary", New Article, the revision history and the site profile's OK on a
    frozen server: each
    waits for it on a thread of its own while the window keeps handling events, says after a
    moment that the server is not answering, and is done once it answers."""
    from digest_desk.store.dictionary import site_words
    from digest_desk.store.site import get_site

    url = pg_server.create_database(own_cluster.url)
    store = open_store(url)
    article = create_article(store, title="Night ferry", body="Start.")
    window = window_factory(url)
    window.live.preview.hide()
    window.load_article(article.id)
    qtbot.waitUntil(lambda: window.live.started, timeout=10000)
    notes: list[str] = []
    window.statusBar().messageChanged.connect(notes.append)
    shown: list[str] = []

    def history() -> None:
        answer_modal(lambda dialog: (shown.append("history"), dialog.reject()))
        window.ops.show_revisions()

    def site_profile() -> None:
        from digest_desk.ui.site_dialog import SiteDialog

        dialog = SiteDialog(window.store, window.site, window)
        dialog.ui.nameEdit.setText("The Harbour Digest")
        dialog.save()  # OK: written on a thread of its own, the dialog waits for it
        shown.append(dialog.site.name)

    stalls = _each_while_frozen(window, own_cluster, (
        lambda: window.spelling.service.add_to_dictionary("Kowalczyk"), window.ops.new_article, history,
        site_profile))
    print(f"\nlongest UI stalls of actions on a frozen server: {[round(s * 1000) for s in stalls]} ms")
    assert "Kowalczyk" in site_words(store)
    assert window.article.id != article.id and window.article.title == ""  # the new article is open
    assert sum("not answering" in note for note in notes) == 3
    assert shown == ["history", "The Harbour Digest"]  # once the server answered
    assert get_site(store).name == "The Harbour Digest"
    store.close()
    assert max(stalls) < STALL_LIMIT_S


def _window_on(window_factory, own_cluster, qtbot, fill):
    """A window on a new database of the cluster that ``fill(store)`` wrote into first."""
    url = pg_server.create_database(own_cluster.url)
    store = open_store(url)
    fill(store)
    store.close()
    window = window_factory(url)
    qtbot.waitUntil(lambda: window.live.started, timeout=10000)
    return window


def _open_while_frozen(window, own_cluster, qtbot, open_dialog, before_thaw):
    """``open_dialog()`` with the server frozen, then ``before_thaw(dialog)``; returns the dialog
    and how long opening took, after asserting no connection was taken on the UI thread."""
    reads = UiThreadReads(window.store)
    rescue = own_cluster.freeze_for_at_most(25)
    try:
        reads.on = True
        started = time.monotonic()
        dialog = open_dialog()
        opened = time.monotonic() - started
        reads.on = False
        qtbot.addWidget(dialog)
        before_thaw(dialog)
    finally:
        own_cluster.thaw()
        rescue.cancel()
        reads.close()
    assert reads.count == 0, reads.where
    assert opened < STALL_LIMIT_S
    return dialog


def test_the_export_dialog_opens_on_a_frozen_server_and_its_notice_follows(
        window_factory, own_cluster, local_data, qtbot):
    """File > Export reads the scheduled articles for its notice on a thread of its own: on a
    silent server the dialog opens at once, and the notice shows when the server answers."""
    window = _window_on(window_factory, own_cluster, qtbot, lambda store: create_article(
        store, title="Budget vote", body="Text.", status=Status.SCHEDULED,
        published_at=datetime(2099, 12, 6, 8, 0, tzinfo=UTC)))

    def not_known_yet(dialog) -> None:
        assert not dialog.scheduled.isVisibleTo(dialog)

    dialog = _open_while_frozen(window, own_cluster, qtbot, lambda: window.ops.export_dialog(only_this=False),
                                not_known_yet)
    qtbot.waitUntil(lambda: dialog.scheduled.isVisibleTo(dialog), timeout=20000)
    assert dialog.scheduled.text().startswith("1 scheduled: next on 6 Dec 2099")


def test_the_media_library_opens_on_a_frozen_server_and_fills_when_it_answers(
        window_factory, own_cluster, local_data, qtbot, tmp_path):
    """File > Media Library reads the pictures and their uses on a thread of its own."""
    PIL.Image.new("RGB", (64, 40), (40, 90, 160)).save(tmp_path / "quay.jpg", "JPEG")
    window = _window_on(window_factory, own_cluster, qtbot,
                        lambda store: add_image(store, tmp_path / "quay.jpg", alt="The quay"))

    def still_reading(dialog) -> None:
        assert dialog.ui.table.rowCount() == 0
        assert dialog.ui.summaryLabel.text() == "Reading the media library…"

    dialog = _open_while_frozen(window, own_cluster, qtbot, window.ops.pictures.library_dialog, still_reading)
    qtbot.waitUntil(lambda: dialog.ui.table.rowCount() == 1, timeout=20000)
    assert dialog.ui.table.item(0, 0).text() == "quay.jpg"
    assert dialog.ui.summaryLabel.text() == "1 picture, 1 not used by any article."


def test_replace_in_all_previews_on_a_frozen_server_without_holding_the_window(
        window_factory, own_cluster, local_data, qtbot):
    """Edit > Replace in All Articles searches every article on a thread of its own: the window
    goes on while a silent server keeps the answer, and a newer question replaces an older one."""
    def fill(store) -> None:
        create_article(store, title="Calais ferry", body="From Calais at dawn.")
        create_article(store, title="Harbour", body="The harbour of Calais.")

    window = _window_on(window_factory, own_cluster, qtbot, fill)
    dialog = window.replace_in_all()
    dialog.find_edit.setText("Calais")
    dialog.replace_edit.setText("Dover")
    reads, meter = UiThreadReads(window.store), StallMeter(every_ms=10)
    rescue = own_cluster.freeze_for_at_most(25)
    try:
        reads.on = True
        meter.start()
        dialog.preview()
        dialog.find_edit.setText("harbour")
        dialog.preview()  # asked again before the server answered the first
        qtbot.wait(500)
        longest = meter.stop()
        reads.on = False
        assert dialog.notice.text() == "Searching every article…"
        assert not dialog.apply_button.isEnabled()
    finally:
        own_cluster.thaw()
        rescue.cancel()
        reads.close()
    qtbot.waitUntil(lambda: dialog.apply_button.isEnabled(), timeout=20000)
    assert dialog.tree.topLevelItemCount() == 1  # the newer question's answer: "harbour" only
    assert dialog.tree.topLevelItem(0).text(0) == "Harbour"
    assert reads.count == 0, reads.where
    assert longest < STALL_LIMIT_S
    dialog.close()


def _each_while_frozen(window, own_cluster, actions, thaw_after_s: float = 2.5) -> list[float]:
    """Each of ``actions`` run while the server is frozen, thawed after ``thaw_after_s``: the
    longest UI stall of each (no connection may be taken on the UI thread meanwhile)."""
    reads, meter = UiThreadReads(window.store), StallMeter(every_ms=10)
    stalls: list[float] = []
    try:
        for action in actions:
            own_cluster.freeze()
            thaw = threading.Timer(thaw_after_s, own_cluster.thaw)
            thaw.start()
            try:
                reads.on = True
                meter.start()
                action()  # returns once the server answered; the window went on meanwhile
                stalls.append(meter.stop())
                reads.on = False
            finally:
                thaw.cancel()
                own_cluster.thaw()
    finally:
        reads.close()
    assert reads.count == 0, reads.where
    return stalls


def test_bulk_changes_and_their_undo_on_a_frozen_server_never_hold_the_window(
        window_factory, own_cluster, local_data, qtbot):
    """The list's Publish, its undo, Delete and the undo of that delete on a frozen server: each
    write waits on a thread of its own while the window goes on, says the server is not
    answering, and is applied once when the server answers (the list shows it)."""
    from PySide6.QtWidgets import QMessageBox

    from digest_desk.store.articles import list_articles

    ids: list[int] = []

    def fill(store) -> None:
        ids.extend(create_article(store, title=t, body="Text.").id for t in ("Night ferry", "Harbour"))

    window = _window_on(window_factory, own_cluster, qtbot, fill)
    window.live.preview.hide()
    assert window.load_article(ids[0])  # open, and among the batch
    notes: list[str] = []
    window.statusBar().messageChanged.connect(notes.append)
    typed: list[bool] = []  # whether the open article took keys once the server was late
    window.statusBar().messageChanged.connect(
        lambda note: typed.append(window.editor.editable) if "not answering" in note else None)

    def bulk(action: str) -> None:
        answer_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
        window.bulk.run(action, ids)

    stalls = _each_while_frozen(window, own_cluster, [lambda: bulk("publish")])
    assert [str(get_article(window.store, i).status) for i in ids] == ["published", "published"]
    assert typed == [False]  # the open article took no keys while the batch waited
    assert window.editor.editable and window.editor.value("status") == "published"  # reloaded
    stalls += _each_while_frozen(window, own_cluster, [window.undo, lambda: bulk("delete"), window.undo])
    print(f"\nlongest UI stalls of bulk changes on a frozen server: {[round(s * 1000) for s in stalls]} ms")
    rows = list_articles(window.store)
    assert sorted(r.title for r in rows) == ["Harbour", "Night ferry"]  # restored once each
    for row in rows:
        assert str(row.status) == "draft"  # published, then undone
        reasons = [r.reason for r in revisions(window.store, row.id)]
        assert reasons.count("bulk: published") == 1 and reasons.count("bulk: undo published") == 1
    assert sum("not answering" in note for note in notes) == 4
    qtbot.waitUntil(lambda: window.list_panel.model.rowCount() == 2, timeout=10000)
    assert max(stalls) < STALL_LIMIT_S


def test_a_second_change_while_one_waits_for_the_server_is_refused_with_a_message(
        window_factory, own_cluster, local_data, qtbot):
    """One write at a time: a batch asked for while another waits on a frozen server is refused
    with a message, so nothing is sent twice or out of order; the first lands once."""
    from PySide6.QtWidgets import QMessageBox

    ids: list[int] = []

    def fill(store) -> None:
        ids.extend(create_article(store, title=t, body="Text.").id for t in ("Night ferry", "Harbour"))

    window = _window_on(window_factory, own_cluster, qtbot, fill)
    window.live.preview.hide()
    notes: list[str] = []
    window.statusBar().messageChanged.connect(notes.append)

    def publish_then_unpublish() -> None:
        QTimer.singleShot(500, lambda: window.bulk.run("unpublish", ids))  # while the publish waits
        answer_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
        window.bulk.run("publish", ids)

    _each_while_frozen(window, own_cluster, [publish_then_unpublish])
    assert any("has not answered the last change yet" in note for note in notes)
    assert [str(get_article(window.store, i).status) for i in ids] == ["published", "published"]
    assert window.library_stack.count() == 1  # the publish only
    for i in ids:
        assert [r.reason for r in revisions(window.store, i)].count("bulk: published") == 1


def test_deleting_an_article_and_undoing_it_on_a_frozen_server_never_hold_the_window(
        window_factory, own_cluster, local_data, qtbot):
    """Article > Delete and Edit > Undo on a frozen server: the delete and the restore wait on a
    thread of their own, the open article takes no keys meanwhile, and the article comes back
    once (its text and history too) and opens when the server answered."""
    from digest_desk.store.articles import list_articles

    made: list[int] = []
    window = _window_on(window_factory, own_cluster, qtbot, lambda store: made.append(
        create_article(store, title="Night ferry", body="Keep me.").id))
    window.live.preview.hide()
    assert window.load_article(made[0])
    typed: list[bool] = []  # whether the open article took keys once the server was late
    window.statusBar().messageChanged.connect(
        lambda note: typed.append(window.editor.editable) if "not answering" in note else None)

    def delete() -> None:
        window.ops.delete_article(confirm=False)

    stalls = _each_while_frozen(window, own_cluster, [delete])
    assert typed == [False]  # not editable while the server deletes it
    stalls += _each_while_frozen(window, own_cluster, [window.undo])
    print(f"\nlongest UI stalls of a delete and its undo on a frozen server: {[round(s * 1000) for s in stalls]} ms")
    [row] = list_articles(window.store)
    assert row.title == "Night ferry" and row.id != made[0]
    assert get_article(window.store, row.id).body == "Keep me."
    assert revisions(window.store, row.id)
    assert window.article is not None and window.article.id == row.id
    assert max(stalls) < STALL_LIMIT_S


def test_replace_checked_on_a_frozen_server_writes_once_without_holding_the_window(
        window_factory, own_cluster, local_data, qtbot):
    """Replace Checked writes on a thread of its own while the server is frozen, and reports
    when it answers; closing the dialog while a write waits tells the window that the write may
    or may not land (it lands once after the thaw, and the list is read again)."""
    ids: list[int] = []

    def fill(store) -> None:
        ids.extend(create_article(store, title=t, body="From Calais at dawn.").id
                   for t in ("Calais ferry", "Calais port"))

    window = _window_on(window_factory, own_cluster, qtbot, fill)
    notes: list[str] = []
    window.statusBar().messageChanged.connect(notes.append)
    dialog = window.replace_in_all()

    def previewed(find: str, replace: str) -> None:
        dialog.find_edit.setText(find)
        dialog.replace_edit.setText(replace)
        dialog.preview()
        qtbot.waitUntil(dialog.apply_button.isEnabled, timeout=10000)

    def close_while_waiting() -> None:
        QTimer.singleShot(300, dialog.reject)
        dialog.apply_button.click()  # returns once the dialog closed, the server still frozen

    previewed("Calais", "Dover")
    stalls = _each_while_frozen(window, own_cluster, [dialog.apply_button.click])
    assert dialog.notice.text().startswith("Replaced in 2 articles.")
    previewed("Dover", "Calais")
    stalls += _each_while_frozen(window, own_cluster, [close_while_waiting])
    print(f"\nlongest UI stalls of Replace Checked on a frozen server: {[round(s * 1000) for s in stalls]} ms")
    assert any("not answering" in note for note in notes)
    assert any(note.startswith("Replace in All Articles was closed before the team server answered")
               for note in notes)
    qtbot.waitUntil(lambda: get_article(window.store, ids[1]).title == "Calais port", timeout=20000)
    for article_id in ids:
        reasons = [r.reason for r in revisions(window.store, article_id)]
        assert reasons.count("replace: Calais → Dover") == 1 and reasons.count("replace: Dover → Calais") == 1
    assert max(stalls) < STALL_LIMIT_S


def test_the_media_librarys_replace_and_remove_on_a_frozen_server_never_hold_the_window(
        window_factory, own_cluster, local_data, qtbot, tmp_path):
    """Replace and Remove in the media library write (and read the library again) on a thread
    of their own: the window goes on while the server is frozen, and the table shows the change
    once it answers."""
    from digest_desk.store.media import get_image_bytes, media_map

    for name, size in (("quay.jpg", (64, 40)), ("spare.jpg", (30, 30)), ("new.jpg", (80, 50))):
        PIL.Image.new("RGB", size, (40, 90, 160)).save(tmp_path / name, "JPEG")

    def fill(store) -> None:
        add_image(store, tmp_path / "quay.jpg", alt="The quay")
        add_image(store, tmp_path / "spare.jpg", alt="Spare")

    window = _window_on(window_factory, own_cluster, qtbot, fill)
    dialog = window.ops.pictures.library_dialog()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.ui.table.rowCount() == 2, timeout=10000)
    done: list[bool] = []

    def replace() -> None:
        dialog.select("quay.jpg")
        done.append(dialog.replace_from(tmp_path / "new.jpg"))

    def remove() -> None:
        dialog.select("spare.jpg")
        done.append(dialog.remove_selected(confirm=False))

    stalls = _each_while_frozen(window, own_cluster, [replace, remove])
    print(f"\nlongest UI stalls of the media library's changes on a frozen server: "
          f"{[round(s * 1000) for s in stalls]} ms")
    assert done == [True, True]
    assert [dialog.ui.table.item(r, 0).text() for r in range(dialog.ui.table.rowCount())] == ["quay.jpg"]
    assert dialog.ui.table.item(0, 1).text().startswith("80×50")
    assert set(media_map(window.store)) == {"quay.jpg"}
    assert PIL.Image.open(io.BytesIO(get_image_bytes(window.store, "quay.jpg"))).size == (80, 50)
    assert max(stalls) < STALL_LIMIT_S


def test_the_picture_dialogs_open_on_a_frozen_server_and_show_the_picture_when_it_answers(
        window_factory, own_cluster, local_data, qtbot, tmp_path):
    """The featured picture's words and a body picture's "Edit Picture…": the dialog opens at
    once with the server frozen (its picture is read on a thread of its own) and the picture
    shows once the server answers."""
    from digest_desk.render.picture_markdown import picture_at

    PIL.Image.new("RGB", (64, 40), (40, 90, 160)).save(tmp_path / "quay.jpg", "JPEG")
    made: list[int] = []

    def fill(store) -> None:
        image = add_image(store, tmp_path / "quay.jpg", alt="The quay")
        made.append(create_article(store, title="Quay", body="![Boats](media/quay.jpg)",
                                   image_id=image.id, image_alt="The quay").id)

    window = _window_on(window_factory, own_cluster, qtbot, fill)
    window.live.preview.hide()
    assert window.load_article(made[0])
    qtbot.waitUntil(lambda: window.editor.featured_picture is not None, timeout=10000)
    pictures = window.ops.pictures
    span = picture_at(window.editor.body.document().findBlockByNumber(0).text(), 2)
    seen: list[tuple[str, str]] = []
    reads, meter = UiThreadReads(window.store), StallMeter(every_ms=10)

    def look(dialog) -> None:
        seen.append((dialog.ui.thumbnail.text(), ""))
        own_cluster.thaw()
        qtbot.waitUntil(lambda: not dialog.ui.thumbnail.pixmap().isNull(), timeout=20000)
        seen[-1] = (seen[-1][0], dialog.ui.nameLabel.text())
        dialog.reject()

    stalls = []
    try:
        for open_dialog in (pictures.edit_featured, lambda: pictures.edit_body_picture(0, span)):
            rescue = own_cluster.freeze_for_at_most(25)
            try:
                reads.on = True
                meter.start()
                answer_modal(look)
                open_dialog()
                stalls.append(meter.stop())
                reads.on = False
            finally:
                own_cluster.thaw()
                rescue.cancel()
    finally:
        reads.close()
    print(f"\nlongest UI stalls of the picture dialogs on a frozen server: {[round(s * 1000) for s in stalls]} ms")
    assert seen == [("Reading the picture…", "quay.jpg · 64×40")] * 2
    assert reads.count == 0, reads.where
    assert max(stalls) < STALL_LIMIT_S


def test_a_bulk_change_on_a_server_that_went_away_says_so_and_is_applied_once_when_tried_again(
        window_factory, own_cluster, local_data, qtbot):
    """The server is stopped: Publish says the change may or may not have been made (no
    traceback), puts nothing on the undo stack and reads the list again; tried again once the
    server is back, it is applied once."""
    from PySide6.QtWidgets import QMessageBox

    ids: list[int] = []
    window = _window_on(window_factory, own_cluster, qtbot, lambda store: ids.extend(
        create_article(store, title=t, body="Text.").id for t in ("Night ferry", "Harbour")))
    notes: list[str] = []
    window.statusBar().messageChanged.connect(notes.append)

    def publish() -> None:
        answer_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
        window.bulk.run("publish", ids)

    own_cluster.halt()
    try:
        publish()
    finally:
        own_cluster.resume()
    assert any(note.startswith("The team server could not be reached (published): it may or may not "
                               "have been done.") for note in notes)
    assert not window.library_stack.canUndo()
    publish()
    assert window.statusBar().currentMessage().startswith("2 articles changed.")
    for article_id in ids:
        assert str(get_article(window.store, article_id).status) == "published"
        assert [r.reason for r in revisions(window.store, article_id)].count("bulk: published") == 1
    assert window.library_stack.canUndo()


def _export_on(window, qtbot, drive) -> None:
    """File > Export as an editor opens it (modal, under exec), ``drive(dialog)`` inside it."""
    answer_modal(drive)
    window.findChild(QAction, "export.site").trigger()  # returns once the dialog is closed


def test_closing_the_export_dialog_while_a_frozen_server_holds_the_export_goes_at_once(
        window_factory, own_cluster, local_data, qtbot, tmp_path):
    """An export waits for a frozen server and the editor closes its dialog (title bar, then
    Escape after opening it again): the dialog goes at once, the UI thread never waits and
    takes no connection; opening Export again shows the export still ending rather than starting
    a second one into the folder. Once the server answers, the export ends cancelled in the
    background, the status bar says so, and the previous export is as it was."""
    out = tmp_path / "site"

    def fill(store) -> None:
        create_article(store, title="Harbour reopens", body="Ships are back.", status=Status.PUBLISHED)
        export_site(store, out)

    window = _window_on(window_factory, own_cluster, qtbot, fill)
    before = tree(out)
    notes: list[str] = []
    window.statusBar().messageChanged.connect(notes.append)
    reads, meter = UiThreadReads(window.store), StallMeter(every_ms=10)
    seen: dict[str, object] = {}

    def close_timed(dialog, close) -> None:
        seen["was_running"] = dialog.running()
        started = time.monotonic()
        close()
        seen.setdefault("close_s", []).append(time.monotonic() - started)
        seen["hidden"] = not dialog.isVisible()
        if dialog.isVisible():
            dialog.done(0)  # a close that did not close fails the test below instead of hanging it

    def start_then_close(dialog) -> None:
        seen["dialog"] = dialog
        dialog.folder_edit.setText(str(out))
        dialog.export_button.click()
        # half a second on: the export thread waits inside a query of the frozen server
        QTimer.singleShot(500, lambda: close_timed(dialog, dialog.close))  # the title bar's X

    def look_then_escape(dialog) -> None:
        seen["again"] = dialog
        seen["export_enabled"] = dialog.export_button.isEnabled()
        seen["status"] = dialog.status.text()
        close_timed(dialog, lambda: qtbot.keyClick(dialog, Qt.Key.Key_Escape))

    rescue = own_cluster.freeze_for_at_most(25)
    backstop = threading.Timer(6.0, own_cluster.thaw)  # before the change the close waited for this
    backstop.start()
    try:
        reads.on = True
        meter.start()
        _export_on(window, qtbot, start_then_close)
        assert seen["was_running"]
        assert seen["hidden"] and seen["close_s"][0] < STALL_LIMIT_S, seen["close_s"]
        qtbot.wait(1000)  # the window goes on while the export still waits
        _export_on(window, qtbot, look_then_escape)
        qtbot.wait(300)
        longest = meter.stop()
        reads.on = False
        still_waiting = seen["dialog"].running()
        quit_finished = window.ops.finish_export(0.2)  # what quitting asks, bounded (not a stall measured)
    finally:
        backstop.cancel()
        rescue.cancel()
        own_cluster.thaw()
        reads.close()
    print(f"\nclosing the export dialog on a frozen server: {max(seen['close_s']) * 1000:.0f} ms, "
          f"longest UI stall {longest * 1000:.0f} ms")
    assert still_waiting and not quit_finished  # the server was frozen throughout: the export had not ended
    assert seen["again"] is seen["dialog"] and seen["hidden"]
    assert not seen["export_enabled"] and "still stopping" in str(seen["status"])
    assert reads.count == 0, reads.where
    assert longest < STALL_LIMIT_S
    qtbot.waitUntil(lambda: not seen["dialog"].running(), timeout=30000)
    assert any("cancelled" in note for note in notes), notes
    settle(10)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("site.")) == []
