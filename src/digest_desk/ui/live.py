"""Live views of the open article: the preview pane, the checks panel, counts and the CSS budget."""

from __future__ import annotations

import importlib.util
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from digest_desk import render
from digest_desk.domain import Article, Site, detached_article
from digest_desk.page_inputs import PageInputs, read_inputs, read_link_targets
from digest_desk.store import Store, StoreError
from digest_desk.store.media import get_image_bytes
from digest_desk.store.saving import unless_away
from digest_desk.ui.autosave import SERVER_WAIT_S
from digest_desk.ui.checks_panel import ChecksPanel
from digest_desk.ui.editor import ArticleEditor
from digest_desk.ui.markdown_edit import text_stats
from digest_desk.ui.preview.pane import PreviewPane
from digest_desk.ui.status import StatusReadouts
from digest_desk.ui.tasks import Job, LatestOnly, answer_within

# The previews follow every change at the pace of their cadence (ui/preview/cadence.py); the
# checks and the word counts refresh when typing pauses this long.
TYPING_PAUSE_MS = 300
# Bodies longer than this are previewed by their beginning only and not checked while typing:
# rendering, diffing and handing megabytes of HTML to the views would stall the editor.
LIVE_MAX_CHARS = 1_000_000
PREVIEW_HEAD_CHARS = 200_000


def checks_available() -> bool:
    return importlib.util.find_spec("digest_desk.checks") is not None


def _css_only(article: Any, site: Any, ctx: Any) -> tuple[int, int]:
    return render.amp_css_bytes(article, site, ctx), render.AMP_CSS_BUDGET


class LiveViews(QObject):
    """Feeds the open article to the previews and the checks as the editor changes it."""

    message = Signal(str, int)  # text for the status bar, milliseconds to show it

    def __init__(self, store: Store, site: Site, editor: ArticleEditor, readouts: StatusReadouts,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.site, self.editor, self.readouts = store, site, editor, readouts
        self.preview = PreviewPane(parent, start=False)  # the engine loads in start()
        self.started = False
        self._first_preview = True  # the first checks wait for it: both render, one at a time
        self.preview.set_media_loader(self._load_media)
        self.checks = ChecksPanel(parent)
        self.device = "desktop"
        self._media: dict[str, Any] | None = None
        self._categories: list[str] | None = None
        self._slug_targets: tuple[int, ...] = ()
        self._slugs: dict[int, str] = {}
        self._unpublished: dict[int, str] = {}
        self._site_words: frozenset[str] = frozenset()  # the site dictionary, for the checks
        self._unanswered: Job | None = None  # a read the team server has not answered in time
        self._css_worker = LatestOnly(self)
        self._count_worker = LatestOnly(self)
        self.recounts = 0  # whole-body word counts started (once per typing pause at most)
        self.huge = False  # the body is over LIVE_MAX_CHARS: previews show its start, no checks
        self._edits = 0  # changes seen; the article copy below is of change _copy_edit
        self._copy: tuple[Article, render.RenderContext] | None = None
        self._copy_edit = -1
        self._pause = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._pause.timeout.connect(self._paused)
        self.checks.jump_requested.connect(editor.go_to_line)
        self.checks.fix_requested.connect(self._apply_fix)
        self.checks.css_bytes_changed.connect(readouts.show_css)
        self.preview.render_failed.connect(
            lambda msg: self.message.emit(self.tr("Preview failed: ") + msg, 8000))
        if not checks_available():
            self.checks.summary.setText(self.tr("The checks are not installed in this build."))

    # -- what the window calls ------------------------------------------------------------
    def schedule(self) -> None:
        """The article changed: the previews render it when their cadence allows (the article is
        copied then, once per render, not once per key); checks and counts wait for a pause."""
        self._edits += 1
        if self.started:  # before start() the first render shows whatever is typed by then
            self.preview.follow_source(self._preview_input)
        self._pause.start()

    def _paused(self) -> None:
        self._check()
        self._slow_refresh()

    def start(self) -> None:
        """Load the preview engine and show, check and count the open article (the window
        calls this after its first paint, so the editor is usable before all of that)."""
        if self.started:
            return
        self.started = True
        self.preview.start()
        self.preview.rendered.connect(self._first_preview_shown)
        self.preview.render_failed.connect(self._first_preview_shown)
        self.refresh_now()

    def _first_preview_shown(self, *_args: object) -> None:
        if self._first_preview:
            self._first_preview = False
            if self.editor.article is not None and not self.huge:
                self.checks.check_now()  # what _feed held back

    def refresh_now(self) -> None:
        if self.editor.article is None or not self.started:
            return
        self._pause.stop()
        self._edits += 1
        self.preview.follow_source(self._preview_input)
        self.preview.render_now()
        self._check()
        self._slow_refresh()

    def article_opened(self) -> None:
        self._categories = None
        self._slug_targets, self._slugs = (), {}
        self.refresh_now()

    def article_closed(self) -> None:
        self._pause.stop()
        self.preview.clear()
        self.checks.show_problems([])

    def media_changed(self) -> None:
        self._media = None
        self._edits += 1

    def set_site_words(self, words: frozenset[str]) -> None:
        """The site dictionary grew: check again with it."""
        self._site_words = words
        self.schedule()

    def site_changed(self, site: Site) -> None:
        self.site = site
        self.refresh_now()

    def follow_line(self, line: int) -> None:
        self.preview.follow_line(line)

    def set_device(self, device: str) -> None:
        self.device = device
        self.preview.set_device(device)

    def shutdown(self) -> None:
        self._pause.stop()
        self.preview.clear()
        self.preview.wait_idle(3000)
        self.checks.wait_idle(3000)
        self._css_worker.wait(3000)
        self._count_worker.wait(3000)

    # -- rendering inputs -----------------------------------------------------------------
    def _ask(self, default: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """A small read the previews need now; ``default`` when the team server is away. On a
        server it runs on a thread of its own and is waited for SERVER_WAIT_S at most: a server
        that stopped answering costs the UI thread that moment, never libpq's connect timeout
        or the time until it answers (the read is made again with the next change)."""
        if not self.store.is_server:
            return unless_away(self.store, default, fn, *args, **kwargs)
        if self._unanswered is not None and not self._unanswered.done.is_set():
            return default  # the server has not answered the last one yet: do not wait again
        value, job = answer_within(SERVER_WAIT_S, default, unless_away, self.store, default, fn,
                                   *args, **kwargs)
        if not job.done.is_set():
            self._unanswered = job
        return value

    def _load_media(self, name: str) -> bytes | None:
        try:
            return self._ask(None, get_image_bytes, self.store, name)
        except StoreError:
            return None

    def context(self, article: Any) -> render.RenderContext:
        """The published site's media, sections and link targets, as the export renders from
        them (page_inputs): read once per opened article, link targets once per set of links."""
        store = self.store
        targets = tuple(link.target_article_id for link in article.links if link.target_article_id)
        if self._media is None or self._categories is None:
            inputs = self._ask(None, read_inputs, store, link_targets=targets)
            if inputs is None:  # the team server is away: render with the site words, read again next time
                return PageInputs({}, (), {}, {}, self._site_words).context()
            self._media, self._categories = inputs.media, list(inputs.categories)
            self._slug_targets, self._slugs, self._unpublished = targets, dict(inputs.slugs), dict(inputs.unpublished)
            self._site_words = inputs.site_words
        elif targets != self._slug_targets:  # asked once per set of links, not per keystroke
            found = self._ask(None, read_link_targets, store, targets)
            if found is not None:  # else: the server is away, ask again with the next change
                self._slug_targets = targets
                self._slugs, self._unpublished = found
        return PageInputs(self._media, tuple(self._categories), self._slugs, self._unpublished,
                          self._site_words).context()

    def _edited(self) -> tuple[Article, render.RenderContext] | None:
        """The article as edited and its context; one copy per edit, shared by previews and checks."""
        editor = self.editor
        if editor.article is None:
            return None
        if self._copy is None or self._copy_edit != self._edits:
            article = editor.edited_copy()
            self._copy, self._copy_edit = (article, self.context(article)), self._edits
            self._set_huge(len(article.body) > LIVE_MAX_CHARS)
        return self._copy

    def _preview_input(self) -> tuple[Article, Site, Any] | None:
        edited = self._edited()
        if edited is None:
            return None
        article, ctx = edited
        return (_head_of(article) if self.huge else article), self.site, ctx

    def _check(self) -> None:
        if not self.started:
            return
        edited = self._edited()
        if edited is None or self.huge:
            return
        article, ctx = edited
        if checks_available():
            self.checks.check_article(article, self.site, ctx)
            if self._first_preview:
                self.checks.cancel()  # checked as soon as the first preview is shown
            else:
                self.checks.check_now()
        else:
            self._css_worker.submit(_css_only, detached_article(article), self.site, ctx,
                                    on_done=lambda r: self.readouts.show_css(*r))

    def _set_huge(self, huge: bool) -> None:
        if huge == self.huge:
            return
        self.huge = huge
        if huge:
            self.checks.cancel()  # a check of the shorter body still running must not answer
            self.checks.show_problems([])
            self.checks.summary.setText(self.tr(
                "Checks paused: the body is over %1 characters.").replace("%1", f"{LIVE_MAX_CHARS:,}"))
            self.readouts.show_css(None, 0)
            self.message.emit(self.tr(
                "Very long body: the previews show its first %1 characters and the checks wait "
                "until it is shorter.").replace("%1", f"{PREVIEW_HEAD_CHARS:,}"), 10000)

    def _slow_refresh(self) -> None:
        """Word counts on a worker thread (newest only): counting 10 MB takes most of a second."""
        editor = self.editor
        if editor.article is None:
            return
        self.recounts += 1
        self._count_worker.submit(text_stats, editor.body_text(),
                                  on_done=lambda stats: self.readouts.show_stats(*stats))

    def _apply_fix(self, fix: Any) -> None:
        text = self.editor.body_text()
        fixed = fix.apply(text)
        if fixed != text:
            self.editor.replace_body(fixed)


def _head_of(article: Article) -> Article:
    """The article with only the start of its body, and a note that the rest is not shown."""
    head = detached_article(article)
    cut = article.body.rfind("\n", 0, PREVIEW_HEAD_CHARS)
    head.body = (article.body[:cut if cut > 0 else PREVIEW_HEAD_CHARS]
                 + f"\n\n*[Preview shows the first {PREVIEW_HEAD_CHARS:,} of "
                   f"{len(article.body):,} characters.]*\n")
    return head
