"""Live views of the open article: the preview pane, the checks panel, counts and the CSS budget."""

from __future__ import annotations

import importlib.util
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from digest_desk import render
from digest_desk.domain import Article, Image, Site, detached_article
from digest_desk.page_inputs import PageInputs, read_inputs, read_link_targets
from digest_desk.store import Store, StoreError
from digest_desk.store.media import get_image_bytes
from digest_desk.store.saving import server_away, unless_away
from digest_desk.ui.autosave import SERVER_WAIT_S
from digest_desk.ui.checks_panel import ChecksPanel
from digest_desk.ui.editor import ArticleEditor
from digest_desk.ui.markdown_edit import text_stats
from digest_desk.ui.preview.media import NotNow
from digest_desk.ui.preview.pane import PreviewPane
from digest_desk.ui.status import StatusReadouts
from digest_desk.ui.tasks import Job, LatestOnly, answer_within, run_detached

# The previews follow every change at the pace of their cadence (ui/preview/cadence.py); the
# checks and the word counts refresh when typing pauses this long.
TYPING_PAUSE_MS = 300
# Bodies longer than this are previewed by their beginning only and not checked while typing:
# rendering, diffing and handing megabytes of HTML to the views would stall the editor.
LIVE_MAX_CHARS = 1_000_000
PREVIEW_HEAD_CHARS = 200_000
_NOT_NOW: Any = object()  # a picture read the team server did not answer (in time)


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
        self._unanswered: Job | None = None  # a picture read the team server has not answered in time
        self._fetching: Job | None = None  # page inputs asked of the team server, not answered yet
        self._shown: PageInputs | None = None  # the inputs kept on screen while an open asks again
        self.inputs_refreshed = 0  # renders started again because fresh server inputs differed
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
        self._keep_on_screen()
        self._categories = None
        self._slug_targets, self._slugs = (), {}
        self.refresh_now()

    def article_closed(self) -> None:
        self._pause.stop()
        self.preview.clear()
        self.checks.show_problems([])

    def media_changed(self) -> None:
        self._keep_on_screen()
        self._media = None
        self._edits += 1

    def _keep_on_screen(self) -> None:
        """Inputs are read again: a team server's previews keep the last ones until they come."""
        if self.store.is_server and self._shown is None and self._media is not None:
            self._shown = self._cached_inputs()

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
        """A small read the render worker needs now (a picture's bytes); ``default`` when the
        team server is away. On a server it runs on a thread of its own and is waited for
        SERVER_WAIT_S at most, so a silent server never holds the worker for long."""
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
        """A picture's bytes for the render worker; NotNow when a team server did not answer
        (the next render asks again), None when the picture is gone."""
        try:
            data = self._ask(_NOT_NOW, get_image_bytes, self.store, name)
        except StoreError:
            return None
        if data is _NOT_NOW:
            raise NotNow(name)
        return data

    def context(self, article: Any) -> render.RenderContext:
        """The published site's media, sections and link targets, as the export renders from
        them (page_inputs): read once per opened article, link targets once per set of links.
        A local file is read here; a team server is read on a thread of its own and the last
        inputs it gave are used meanwhile (see ``_server_context``)."""
        targets = tuple(link.target_article_id for link in article.links if link.target_article_id)
        if self.store.is_server:
            return self._server_context(targets)
        store = self.store
        if self._media is None or self._categories is None:
            inputs = self._ask(None, read_inputs, store, link_targets=targets)
            if inputs is None:  # the file is away for a moment: render with the site words, read again next time
                return PageInputs({}, (), {}, {}, self._site_words).context()
            self._take_inputs(inputs, targets)
        elif targets != self._slug_targets:  # asked once per set of links, not per keystroke
            found = self._ask(None, read_link_targets, store, targets)
            if found is not None:
                self._slug_targets = targets
                self._slugs, self._unpublished = found
        return self._cached_inputs().context()

    def _cached_inputs(self) -> PageInputs:
        return PageInputs(self._media or {}, tuple(self._categories or ()), self._slugs,
                          self._unpublished, self._site_words)

    def _take_inputs(self, inputs: PageInputs, targets: tuple[int, ...]) -> None:
        self._media, self._categories = dict(inputs.media), list(inputs.categories)
        self._slug_targets, self._slugs, self._unpublished = targets, dict(inputs.slugs), dict(inputs.unpublished)
        self._site_words = inputs.site_words

    def _server_context(self, targets: tuple[int, ...]) -> render.RenderContext:
        """Never a read on the UI thread: the inputs last read (none yet: an empty site) render
        now, and fresh ones are asked for on a thread of their own when they are due (an article
        opened, pictures changed, another set of links). When they arrive and differ from what
        was rendered, the previews and checks render again. A silent server is asked once; the
        next change asks again after it answered."""
        whole = self._media is None or self._categories is None
        if whole or targets != self._slug_targets:
            self._fetch_inputs(whole, targets)
        return (self._shown or self._cached_inputs()).context()

    def _fetch_inputs(self, whole: bool, targets: tuple[int, ...]) -> None:
        if self._fetching is not None and not self._fetching.done.is_set():
            return  # the server has not answered the last one yet: asked again once it has
        if whole:
            fn, args, kwargs = read_inputs, (self.store,), {"link_targets": targets}
        else:
            fn, args, kwargs = read_link_targets, (self.store, targets), {}
        job = run_detached(unless_away, self.store, None, fn, *args, owner=self,
                           thread_name="digest-desk-preview-inputs",
                           on_done=lambda found: self._inputs_arrived(job, whole, targets, found),
                           on_error=lambda exc: self._inputs_failed(job, exc), **kwargs)
        self._fetching = job

    def _inputs_arrived(self, job: Job, whole: bool, targets: tuple[int, ...], found: Any) -> None:
        if job is not self._fetching:
            return  # an article opened meanwhile asked again
        self._fetching = None
        if found is None:  # the server is away: the next change asks again
            return
        before = _signature(self._shown or self._cached_inputs())  # what the previews show
        self._shown = None
        if whole:
            self._take_inputs(found, targets)
        else:
            self._slug_targets = targets
            self._slugs, self._unpublished = found
        if _signature(self._cached_inputs()) != before:
            self.inputs_refreshed += 1
            self.refresh_now()  # render again with what the server gave
        elif self._needs_more():
            self._edits += 1  # the links changed while it was asked: ask for the new set
            self._edited()

    def _inputs_failed(self, job: Job, exc: BaseException) -> None:
        if job is not self._fetching:
            return
        self._fetching = None
        if not isinstance(exc, StoreError) and not server_away(self.store, exc):
            raise exc  # a bug, not a silent server

    def _needs_more(self) -> bool:
        article = self.editor.article
        if article is None:
            return False
        targets = tuple(link.target_article_id for link in article.links if link.target_article_id)
        return self._media is None or self._categories is None or targets != self._slug_targets

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


def _signature(inputs: PageInputs) -> tuple:
    """What a render uses of the inputs, comparable: did fresh inputs change the page?"""
    fields = [name for name in Image.model_fields if name != "data"]
    media = tuple((name, tuple(getattr(img, f, None) for f in fields))
                  for name, img in sorted(inputs.media.items()))
    return (media, tuple(inputs.categories), tuple(sorted(inputs.slugs.items())),
            tuple(sorted(inputs.unpublished.items())), inputs.site_words)


def _head_of(article: Article) -> Article:
    """The article with only the start of its body, and a note that the rest is not shown."""
    head = detached_article(article)
    cut = article.body.rfind("\n", 0, PREVIEW_HEAD_CHARS)
    head.body = (article.body[:cut if cut > 0 else PREVIEW_HEAD_CHARS]
                 + f"\n\n*[Preview shows the first {PREVIEW_HEAD_CHARS:,} of "
                   f"{len(article.body):,} characters.]*\n")
    return head
