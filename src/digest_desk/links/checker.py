"""The link checker: HEAD then GET, redirects recorded, bounded time, cancellable, results stored."""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from digest_desk.domain.types import utcnow
from digest_desk.links.validate import to_ascii_url

MAX_REDIRECTS = 10
DNS_HEDGE = 1.0  # seconds before a second, parallel host name look-up
URL_BUDGET = 3  # a whole redirect chain gets this many request timeouts, however servers answer
_TIME_UP = "time up"
RUN_BUDGET = 600.0  # seconds for a whole run; checks still running then are stopped
USER_AGENT = "DigestDesk-LinkChecker/0.1 (+https://example.com/digest-desk)"
RETRY_WITH_GET = {400, 403, 404, 405, 406, 429, 500, 501, 502, 503}


@dataclass(slots=True)
class CheckResult:
    """What one URL answered: final status, where redirects led, or why it could not be reached."""

    url: str
    status: int | None = None
    final_url: str = ""
    redirects: list[tuple[int, str]] = field(default_factory=list)
    error: str = ""
    checked_at: datetime = field(default_factory=utcnow)
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 400 and not self.error

    @property
    def state(self) -> str:
        """"ok", "redirected", "broken" (an error status) or "unreachable" (no answer)."""
        if self.status is None:
            return "unreachable"
        if not self.ok:
            return "broken"
        return "redirected" if self.redirects else "ok"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102
        return None  # let the 3xx surface as an HTTPError so the chain can be recorded


class _Deadline:
    """Shuts the sockets of one check down when its time is up, whatever a server is sending.

    A socket timeout only bounds each read, so a server dripping a byte a second could keep a
    check busy for ever; this closes the connection at a wall-clock deadline instead.
    """

    def __init__(self, at: float) -> None:
        self.at = at
        self.expired = False
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, at - time.monotonic()), self.expire)
        self._timer.daemon = True
        self._timer.start()

    def add(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            self._socks.append(sock)
            if self.expired:
                _shut(sock)
        return sock

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._socks:
                _shut(sock)

    def stop(self) -> None:
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _opener(deadline: _Deadline) -> urllib.request.OpenerDirector:
    """An opener whose every connection is registered with ``deadline``."""

    def create(*args: object, **kwargs: object) -> socket.socket:
        return deadline.add(socket.create_connection(*args, **kwargs))  # type: ignore[arg-type]

    class Plain(http.client.HTTPConnection):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self._create_connection = create

    class Secure(http.client.HTTPSConnection):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self._create_connection = create

    class PlainHandler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(Plain, req)

    class SecureHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(Secure, req, context=self._context)

    return urllib.request.build_opener(_NoRedirect(), PlainHandler(), SecureHandler())


def _resolves(host: str, port: int, timeout: float) -> str:
    """'' when ``host`` resolves within ``timeout``, else the reason (never blocks longer).

    A resolver that drops a query only retries after seconds, so when no answer came within
    DNS_HEDGE seconds a second look-up is started and the first answer wins.
    """
    outcome: list[str] = []
    answered = threading.Event()

    def lookup() -> None:
        try:
            socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            outcome.append("")
        except OSError as exc:
            outcome.append(f"host name not found ({exc.strerror or exc})")
        answered.set()

    start = time.monotonic()
    threading.Thread(target=lookup, name="dd-dns", daemon=True).start()
    if not answered.wait(min(DNS_HEDGE, timeout)):
        threading.Thread(target=lookup, name="dd-dns-hedge", daemon=True).start()
        answered.wait(max(0.0, timeout - (time.monotonic() - start)))
    return outcome[0] if outcome else f"host name lookup timed out after {timeout:g} s"


def _request(opener, url: str, method: str, timeout: float) -> tuple[int, str]:
    """(status, Location) of one request, without following redirects."""
    req = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(req, timeout=timeout) as resp:
            return resp.status, ""
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers.get("Location", "") if exc.headers else ""


def _describe(exc: BaseException, timeout: float) -> str:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"unreachable: no answer within {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "unreachable: connection refused"
    if isinstance(reason, socket.gaierror):
        return "unreachable: host name not found"
    if isinstance(reason, http.client.HTTPException):
        return f"unreachable: bad answer ({type(reason).__name__})"
    text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return f"unreachable: {text}"


def _one_hop(opener, url: str, timeout: float) -> tuple[int, str]:
    """HEAD, falling back to GET when the server refuses or mishandles HEAD."""
    try:
        status, location = _request(opener, url, "HEAD", timeout)
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        if _is_final_failure(exc):
            raise
        status, location = 0, ""
    if status == 0 or status in RETRY_WITH_GET:
        status, location = _request(opener, url, "GET", timeout)
    return status, location


def _is_final_failure(exc: BaseException) -> bool:
    """Failures a GET would meet too (no point retrying): refused, unknown host, timeout."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    return isinstance(reason, ConnectionRefusedError | socket.gaierror | TimeoutError | socket.timeout)


def check_url(url: str, *, timeout: float = 5.0, cancel: threading.Event | None = None,
              stop_at: float | None = None) -> CheckResult:
    """Check one http(s) URL, following up to MAX_REDIRECTS redirects.

    Each request waits at most ``timeout`` seconds, and the whole check (redirects, slow or
    dripping servers included) at most ``URL_BUDGET`` times that, or until ``stop_at`` (a
    ``time.monotonic()`` value) when that comes first.
    """
    start = time.monotonic()
    deadline = start + timeout * URL_BUDGET
    if stop_at is not None:
        deadline = min(deadline, stop_at)
    result = CheckResult(url=url)
    current = to_ascii_url(url)
    watch = _Deadline(deadline)
    opener = _opener(watch)
    try:
        _follow(result, opener, current, timeout, deadline, cancel)
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
        result.status = None
        result.error = _describe(exc, timeout)
    finally:
        watch.stop()
    time_up = watch.expired and (result.error or result.status is None)
    if (time_up and result.error != "cancelled") or result.error == _TIME_UP:
        result.status = None
        result.error = f"unreachable: no final answer within {deadline - start:.3g} s"
    if not result.error and result.status and 300 <= result.status < 400:
        result.error = "redirect without a target"
    result.elapsed = time.monotonic() - start
    result.checked_at = utcnow()
    return result


def _follow(result: CheckResult, opener: urllib.request.OpenerDirector, current: str,
            timeout: float, deadline: float, cancel: threading.Event | None) -> None:
    """Request ``current`` and the redirects it leads to, filling ``result``."""
    for _hop in range(MAX_REDIRECTS + 1):
        if cancel is not None and cancel.is_set():
            result.error = "cancelled"
            break
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            result.status = None
            result.error = _TIME_UP
            break
        parts = urlsplit(current)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            result.error = f"unreachable: cannot check “{current}”"
            break
        port = parts.port or (443 if parts.scheme == "https" else 80)
        wait_for = min(timeout, remaining)
        dns_problem = _resolves(parts.hostname, port, wait_for)
        if dns_problem:
            result.error = f"unreachable: {dns_problem}"
            break
        status, location = _one_hop(opener, current, wait_for)
        result.status, result.final_url = status, current
        if 300 <= status < 400 and location:
            current = urljoin(current, location)
            result.redirects.append((status, current))
            continue
        break
    else:
        result.error = f"more than {MAX_REDIRECTS} redirects"


def checkable(url: str) -> bool:
    return urlsplit(url.strip()).scheme.lower() in ("http", "https")


def check_links(
    urls: Iterable[str],
    *,
    timeout: float = 5.0,
    concurrency: int = 8,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int, CheckResult], None] | None = None,
    run_budget: float = RUN_BUDGET,
) -> list[CheckResult]:
    """Check each distinct http(s) URL once, ``concurrency`` at a time, in the order given.

    ``progress(done, total, result)`` is called (on a worker thread) as each finishes. When
    ``cancel`` is set, URLs not yet started are dropped and running checks stop after their
    current request (bounded by ``timeout``); only finished results are returned. The whole
    run ends after ``run_budget`` seconds: checks still running are stopped then (reported as
    unreachable within the time) and URLs not yet started are dropped.
    """
    unique = list(dict.fromkeys(u.strip() for u in urls if u and checkable(u)))
    cancel = cancel or threading.Event()
    results: dict[str, CheckResult] = {}
    if not unique:
        return []
    stop_at = time.monotonic() + run_budget
    pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="dd-check")
    try:
        pending: set[Future] = {
            pool.submit(_guarded, url, timeout, cancel, stop_at) for url in unique
        }
        while pending:
            done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            for future in done:
                if future.cancelled() or future.result() is None:
                    continue
                result = future.result()
                results[result.url] = result
                if progress is not None:
                    progress(len(results), len(unique), result)
            if cancel.is_set():
                for future in pending:
                    future.cancel()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [results[u] for u in unique if u in results]


def _guarded(url: str, timeout: float, cancel: threading.Event, stop_at: float) -> CheckResult | None:
    if cancel.is_set() or time.monotonic() >= stop_at:
        return None
    result = check_url(url, timeout=timeout, cancel=cancel, stop_at=stop_at)
    return None if result.error == "cancelled" else result
