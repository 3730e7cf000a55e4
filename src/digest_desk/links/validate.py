"""URL rules for links as the editor types: schemes, punycode hosts, duplicates, pasted blocks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from digest_desk.domain.slugs import clean_text

SCHEMES = {
    "read-more": ("http", "https"),
    "related": ("http", "https"),
    "source": ("http", "https", "mailto"),
}
_MD_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^\s)>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_BARE_URL = re.compile(r"(?:https?://|mailto:)[^\s<>\"]+", re.IGNORECASE)
_TRAILING = ".,;:!?)»\"'"


@dataclass(frozen=True, slots=True)
class LinkIssue:
    """Something wrong with one link: ``severity`` is "error" or "warning"."""

    severity: str
    code: str
    message: str


def _error(code: str, message: str) -> LinkIssue:
    return LinkIssue("error", code, message)


def host_forms(url: str) -> tuple[str, str]:
    """The host of ``url`` as readable Unicode and as punycode (equal for plain ASCII hosts)."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return "", ""
    return _readable_host(host), _ascii_host(host) or host


def _ascii_host(host: str) -> str:
    try:
        return ".".join(
            label.encode("idna").decode("ascii") if label else "" for label in host.split(".")
        )
    except UnicodeError:
        return ""


def _readable_host(host: str) -> str:
    labels = []
    for label in host.split("."):
        try:
            labels.append(label.encode("ascii").decode("idna") if label else "")
        except UnicodeError:
            labels.append(label)
    return ".".join(labels)


def is_idn(url: str) -> bool:
    readable, ascii_form = host_forms(url)
    return bool(readable) and readable != ascii_form


def to_ascii_url(url: str) -> str:
    """``url`` with its host in punycode (what goes on the wire); unchanged when that fails."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    ascii_host = _ascii_host(host)
    if not host or not ascii_host or ascii_host == host:
        return url.strip()
    netloc = parts.netloc.replace(host, ascii_host) if host in parts.netloc else ascii_host
    return urlunsplit(parts._replace(netloc=netloc))


def validate_url(url: str, kind: str = "read-more") -> LinkIssue | None:
    """The first problem of ``url`` for a link of ``kind``, or None when it can be published."""
    url = url.strip()
    allowed = SCHEMES.get(str(kind), SCHEMES["read-more"])
    if not url:
        return _error("empty-url", "The link has no URL.")
    if any(ch.isspace() for ch in url):
        return _error("space-in-url", "The URL contains spaces; encode them as %20.")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return _error("malformed-url", f"The URL cannot be read: {exc}.")
    scheme = parts.scheme.lower()
    if not scheme:
        return _error("no-scheme", f"The URL needs to start with {allowed[0]}:// or {allowed[1]}://.")
    if scheme not in allowed:
        names = ", ".join(allowed)
        return _error("bad-scheme", f"“{scheme}:” links are not allowed for a {kind} link (only {names}).")
    if scheme == "mailto":
        return _validate_mailto(parts.path, parts.query)
    return _validate_host(parts)


MAILTO_PARAMS = frozenset({"subject", "body"})


def _validate_mailto(address: str, query: str = "") -> LinkIssue | None:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address.split("?")[0]):
        return _error("bad-email", "The mailto: link needs an e-mail address like name@example.org.")
    extra = sorted({k for k, _v in parse_qsl(query, keep_blank_values=True)
                    if k.lower() not in MAILTO_PARAMS})
    if extra:
        return _error("mailto-params", f"A mailto: link may only carry subject and body, not "
                                       f"{', '.join(extra)}.")
    return None


def site_path_issue(url: str) -> str | None:
    """Why ``url`` (starting with /) is not a plain path on this site, or None when it is.

    Browsers read ``/\\host`` and ``//host`` as another site, so neither is a site path.
    """
    if "\\" in url or url.startswith("//") or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return f"“{url}” is not a usable site path (no backslashes, spaces or // at the start)."
    try:
        if urlsplit(url).netloc:
            return f"“{url}” is not a usable site path."
    except ValueError as exc:
        return f"“{url}” cannot be read: {exc}."
    return None


def _validate_host(parts) -> LinkIssue | None:
    try:
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return _error("bad-port", "The URL has an invalid port number.")
    if not host:
        return _error("no-host", "The URL has no host name.")
    if not _ascii_host(host):
        return _error("bad-host", f"The host name “{host}” is not a valid (international) domain name.")
    if "." not in host and host != "localhost":
        return LinkIssue("warning", "bare-host", f"The host “{host}” has no domain ending (.com, .org…).")
    return None


def normalized(url: str) -> str:
    """A comparison key: scheme and host case-folded, host in punycode, trailing slash ignored."""
    url = url.strip()
    try:
        parts = urlsplit(to_ascii_url(url))
    except ValueError:
        return url
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, "")) or url


def link_key(link: Mapping[str, object]) -> str:
    target = link.get("target_article_id")
    if target:
        return f"article:{target}"
    return normalized(str(link.get("url") or ""))


def duplicates(links: Iterable[Mapping[str, object]]) -> set[int]:
    """Indices of links that repeat an earlier link (same normalised URL or same target article)."""
    seen: set[str] = set()
    dup: set[int] = set()
    for index, link in enumerate(links):
        key = link_key(link)
        if not key:
            continue
        if key in seen:
            dup.add(index)
        seen.add(key)
    return dup


def link_issues(links: list[Mapping[str, object]]) -> list[list[LinkIssue]]:
    """Every problem of every link, in list order (a list per link, empty when fine)."""
    dup = duplicates(links)
    result: list[list[LinkIssue]] = []
    for index, link in enumerate(links):
        issues: list[LinkIssue] = []
        if not link.get("target_article_id"):
            issue = validate_url(str(link.get("url") or ""), str(link.get("kind") or "read-more"))
            if issue:
                issues.append(issue)
        if not clean_text(str(link.get("title") or "")).strip():
            issues.append(LinkIssue("warning", "no-title", "The link has no title; readers see the bare URL."))
        if index in dup:
            issues.append(LinkIssue("warning", "duplicate", "This link repeats an earlier link."))
        result.append(issues)
    return result


def _strip_trailing(url: str) -> str:
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def title_from_url(url: str) -> str:
    readable, _ = host_forms(url)
    if readable:
        return readable.removeprefix("www.")
    return url.removeprefix("mailto:")


def parse_pasted(text: str, kind: str = "read-more") -> list[dict[str, str]]:
    """Links found in a pasted block: markdown ``[title](url)`` links and bare URLs, in order.

    A line holding ``Title - https://…`` or ``Title https://…`` keeps the text before the URL
    as the title; a bare URL gets its host as title. Empty and URL-less lines are skipped.
    """
    found: list[dict[str, str]] = []
    for line in text.splitlines():
        line = clean_text(line).strip()
        if not line:
            continue
        md = list(_MD_LINK.finditer(line))
        if md:
            found += [
                {"title": m.group(1).strip() or title_from_url(m.group(2)), "url": m.group(2), "kind": kind}
                for m in md
            ]
            continue
        urls = list(_BARE_URL.finditer(line))
        for i, m in enumerate(urls):
            url = _strip_trailing(m.group(0))
            before = line[: m.start()].strip(" \t-–—:|•*([") if i == 0 else ""
            found.append({"title": before or title_from_url(url), "url": url, "kind": kind})
    return found
