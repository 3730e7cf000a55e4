"""Hostile pages in the real web preview: no script runs, no file is read, no request leaves."""

from __future__ import annotations

import io
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import PIL.Image
import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtTest import QTest

from digest_desk.domain.models import Site
from digest_desk.ui.preview import PreviewPane
from digest_desk.ui.preview.media import MediaFolder
from digest_desk.ui.preview.webview import (
    WebPreviewView,
    external_url,
    preview_folders,
    serve_folder,
)


class _Counting(BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:  # noqa: N802
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<script>parent.document.title='remote-ran'</script>")

    do_POST = do_GET

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def server():
    hits: list[str] = []
    handler = type("Handler", (_Counting,), {"hits": hits})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    urllib.request.urlopen(base + "/control", timeout=5).read()  # the counter does count
    assert hits == ["/control"]
    hits.clear()
    yield base, hits
    httpd.shutdown()
    httpd.server_close()


def _png(path, size=(32, 16)):
    buf = io.BytesIO()
    PIL.Image.new("RGB", size, "teal").save(buf, "PNG")
    path.write_bytes(buf.getvalue())


def _hostile_page(remote: str, secret_png: str, secret_html: str) -> str:
    return f"""<!doctype html><html><head><title>clean</title>
<script>document.title='script-ran'</script>
<meta http-equiv="refresh" content="0;url={remote}/refresh">
<link rel="stylesheet" href="{remote}/css"><link rel="prefetch" href="{remote}/prefetch">
<link rel="icon" href="{remote}/icon">
<style>@import url("{remote}/import"); body {{ background: url("{remote}/bg"); }}</style>
</head><body onload="document.title='onload-ran'">
<div id="dd-body"><p>Body text</p></div>
<img id="own" src="media/own.png">
<img id="secret" src="{secret_png}">
<img id="remote" src="{remote}/img.png">
<img id="other" src="dd-preview://pother00000000/media/own.png">
<img src="nothing-here.png" onerror="document.title='onerror-ran'">
<iframe src="{secret_html}"></iframe><iframe src="{remote}/frame"></iframe>
<iframe srcdoc="<script>parent.document.title='srcdoc-ran'</script>"></iframe>
<object data="{secret_html}"></object><embed src="{remote}/embed">
<video poster="{remote}/poster" src="{remote}/video"></video>
<svg><image href="{remote}/svg" width="10" height="10"/></svg>
<a href="https://x.example/" ping="{remote}/ping">ping</a>
<form action="{remote}/form" method="post"><input name="a" value="b"></form>
<script src="{remote}/script.js"></script>
</body></html>"""


def _run(qtbot, view, script):
    box: dict[str, object] = {}
    from digest_desk.ui.preview.webview import PREVIEW_WORLD
    view.page().runJavaScript(script, PREVIEW_WORLD, lambda value: box.setdefault("v", value))
    qtbot.waitUntil(lambda: "v" in box, timeout=5000)
    return box["v"]


def test_a_hostile_page_runs_no_script_reads_no_file_and_sends_nothing(qtbot, tmp_path, server):
    remote, hits = server
    folder = MediaFolder()
    _png(folder.media_dir / "own.png")
    _png(tmp_path / "secret.png", (64, 64))
    (tmp_path / "secret.html").write_text("<p>secret</p>", encoding="utf-8")
    view = WebPreviewView("standard", "dd-body")
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    base = serve_folder(folder.host, folder.root)
    page = _hostile_page(remote, (tmp_path / "secret.png").as_uri(),
                         (tmp_path / "secret.html").as_uri())
    loaded: list[bool] = []
    view.load_page(page, base, loaded.append)
    qtbot.waitUntil(lambda: loaded == [True], timeout=15000)
    qtbot.wait(1500)  # time for a refresh, a late request or an onload handler
    assert view.page().title() == "clean"
    assert _run(qtbot, view, "document.title") == "clean"
    widths = _run(qtbot, view, "JSON.stringify(['own', 'secret', 'remote', 'other'].map("
                               "id => document.getElementById(id).naturalWidth))")
    assert widths == "[32,0,0,0]"  # our own picture shows; nothing else was read
    assert hits == []
    assert view.url().scheme() in ("data", "dd-preview")  # the refresh did not navigate
    blocked = view._guard.interceptor.blocked  # the requests did start, and were stopped here
    assert {remote + "/css", remote + "/bg", "dd-preview://pother00000000/media/own.png"} <= set(blocked)
    # Our own script still patches the page: it lives in its own world.
    assert _run(qtbot, view, "typeof window.ddPreview") == "object"
    folder.close()


def test_the_preview_folder_serves_only_its_own_files(qtbot, tmp_path):
    folder = MediaFolder()
    _png(folder.media_dir / "own.png")
    _png(tmp_path / "secret.png")
    base = serve_folder(folder.host, folder.root)
    handler = preview_folders()
    assert handler.file_for(base.resolved(QUrl("media/own.png"))) is not None
    for path in ("media/..%2F..%2Fsecret.png", "../secret.png", "media/missing.png", "media"):
        assert handler.file_for(base.resolved(QUrl(path))) is None
    assert handler.file_for(QUrl("dd-preview://pnobody/media/own.png")) is None
    folder.close()


@pytest.mark.parametrize(
    ("url", "opened"),
    [
        ("https://elsewhere.example/page", "https://elsewhere.example/page"),
        ("http://elsewhere.example/", "http://elsewhere.example/"),
        ("mailto:desk@digest.example?attach=/etc/passwd&subject=Hi&cc=x@y.z&body=Text",
         "mailto:desk@digest.example?subject=Hi&body=Text"),
        ("mailto:desk@digest.example?attach=/etc/passwd", "mailto:desk@digest.example"),
        ("javascript:alert(1)", None),
        ("file:///etc/passwd", None),
        ("data:text/html,<b>x</b>", None),
        ("ftp://files.example/x", None),
        ("smb://host/share", None),
        ("http:///no-host", None),
        ("mailto:?body=x", None),
    ],
)
def test_only_web_and_mail_links_go_to_the_system(url, opened):
    result = external_url(QUrl(url))
    assert (result.toString() if result is not None else None) == opened


def test_a_restored_javascript_base_url_is_not_clickable(qtbot, make_article):
    pane = PreviewPane()
    qtbot.addWidget(pane)
    pane.resize(1200, 700)
    pane.show()
    site = Site(name="Desk", base_url="javascript:document.title='pwned'//")
    with qtbot.waitSignal(pane.rendered, timeout=15000):
        pane.show_article(make_article("Text."), site)
    view = pane.views["standard"]
    rect = _run(qtbot, view, "JSON.stringify((() => { const r = document.querySelector("
                             "'.dd-brand a').getBoundingClientRect(); return [r.left + 3, r.top + 3]; })())")
    x, y = (int(float(v)) for v in rect.strip("[]").split(","))
    with qtbot.waitSignal(pane.link_activated, timeout=5000) as blocker:
        QTest.mouseClick(view.focusProxy(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         QPoint(x, y))
    assert blocker.args[0].toString() == "https://example.com/"
    assert view.page().title() != "pwned"
    pane.clear()
    pane.wait_idle(5000)


def test_a_page_too_big_for_set_html_loads_from_the_preview_folder(qtbot):
    folder = MediaFolder()
    _png(folder.media_dir / "own.png")
    view = WebPreviewView("standard", "dd-body")
    qtbot.addWidget(view)
    view.show()
    filler = "<p>" + "word " * 400 + "</p>\n"
    html = ("<!doctype html><html><head><title>big</title></head><body><div id='dd-body'>"
            + filler * 800 + "<img id='own' src='media/own.png'></div></body></html>")
    assert len(html.encode()) > 1_500_000
    loaded: list[bool] = []
    view.load_page(html, serve_folder(folder.host, folder.root), loaded.append)
    qtbot.waitUntil(lambda: loaded == [True], timeout=15000)
    assert view.url().toString() == f"dd-preview://{folder.host}/preview-standard.html"
    qtbot.waitUntil(lambda: _run(qtbot, view, "document.getElementById('own').naturalWidth") == 32,
                    timeout=5000)
    folder.close()
