"""HTML (a browser, word processor or e-mail clipboard; later WordPress posts) to clean markdown.

The HTML is first cut down by nh3 to an allowlist (no scripts, styles, comments, handlers or
unsafe URLs), then the few habits of word processors are turned into real markup (Google Docs
and LibreOffice bold/italic spans, Word's paragraph lists, layout tables of e-mails), and
markdownify writes the markdown.
"""

from __future__ import annotations

import re
from functools import cache
from html import unescape
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import nh3
from bs4 import BeautifulSoup, Tag
from markdownify import MarkdownConverter

from digest_desk.render.context import is_safe_url, tidy_url

_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "s", "del",
    "strike", "code", "pre", "kbd", "blockquote", "q", "ul", "ol", "li", "a", "img", "table",
    "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "div", "span", "figure", "figcaption",
    "sub", "sup", "dl", "dt", "dd", "section", "article", "main", "header", "footer", "aside",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "style"},
    "ol": {"start"},
    "table": {"role"},
    # Only what says bold, italic or a Word list level survives (see _keep_style).
    **{tag: {"style"} for tag in ("span", "b", "i", "p", "li", "h1", "h2", "h3", "h4", "h5", "h6")},
    "b": {"style", "id"},
}
_DROP_WITH_CONTENT = {
    "script", "style", "iframe", "object", "embed", "svg", "math", "template", "noscript",
    "textarea", "title", "xmp", "noembed", "noframes", "frameset", "form", "select", "button",
    "nav", "head",
}
_BOLD = re.compile(r"(?<![\w-])font-weight\s*:\s*(?:bold|bolder|[6-9]00)\b", re.I)
_ITALIC = re.compile(r"(?<![\w-])font-style\s*:\s*(?:italic|oblique)\b", re.I)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_MSO_LEVEL = re.compile(r"mso-list\s*:\s*\S+\s+level(\d+)", re.I)
# Word writes each list paragraph's bullet or number inside a downlevel-revealed conditional.
_WORD_BULLET = re.compile(r"<!\[if !supportLists\]>(.*?)<!\[endif\]>", re.I | re.S)
_NUMBERED = re.compile(r"^\s*(?:\d+|[a-zA-Z]|[ivxlcIVXLC]+)[.)]")
_LIST_MARK = {"ol": "\u2063OL\u2063", "ul": "\u2063UL\u2063"}  # invisible, removed in the tree
_TRACKING_PARAMS = re.compile(r"^(?:utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|igshid)$", re.I)
_LINE_START = re.compile(r"^(\s*\d*)(#|[-+*>](?=\s)|(?<=\d)[.)](?=\s))")
_BLOCK_END = re.compile(r"<(?:br|/p|/div|/h[1-6]|/li|/tr|/blockquote|/table|/ul|/ol)\b[^>]*>", re.I)
_BLOCKS = {"p", "div", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "img"}


def _keep_style(value: str) -> str | None:
    """A style attribute reduced to the words the tree pass reads, or dropped."""
    kept = []
    if _BOLD.search(value):
        kept.append("bold")
    if _ITALIC.search(value):
        kept.append("italic")
    if _HIDDEN.search(value):
        kept.append("hidden")
    level = _MSO_LEVEL.search(value)
    if level:
        kept.append(f"level{level.group(1)}")
    return " ".join(kept) or None


def _filter(tag: str, attr: str, value: str) -> str | None:
    if attr == "style":
        return _keep_style(value)
    if attr in ("href", "src"):
        return value if is_safe_url(value) else None
    if attr == "start":
        return value if value.isdigit() and len(value) < 10 else None
    if attr == "id":
        return value if value.startswith("docs-internal-guid") else None
    return value


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes={k: set(v) for k, v in _ATTRIBUTES.items()},
        attribute_filter=_filter,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )


def _mark_word_lists(html: str) -> str:
    """Replace Word's hidden bullet/number runs by a marker saying which kind of list it was."""
    def mark(match: re.Match[str]) -> str:
        text = re.sub(r"<[^>]*>|&nbsp;", "", match.group(1))
        return _LIST_MARK["ol" if _NUMBERED.match(text) else "ul"]
    return _WORD_BULLET.sub(mark, html)


def tidy_link(url: str, base: str | None = None) -> str | None:
    """A pasted link's address to keep (absolute, safe, without tracking parameters), or None."""
    url = url.strip()
    if base and is_safe_url(base, allow_relative=False):
        url = urljoin(base, url)
    if not is_safe_url(url, allow_relative=False):
        return None
    parts = urlsplit(url)
    if parts.netloc.endswith("google.com") and parts.path == "/url":  # Google Docs redirects
        target = dict(parse_qsl(parts.query)).get("q", "")
        if is_safe_url(target, allow_relative=False):
            return tidy_link(target)
    if parts.query:
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                 if not _TRACKING_PARAMS.match(k)]
        parts = parts._replace(query=urlencode(query))
    return tidy_url(urlunsplit(parts))


def _wrap(soup: BeautifulSoup, tag: Tag, name: str) -> None:
    inner = soup.new_tag(name)
    for child in list(tag.contents):
        inner.append(child.extract())
    tag.append(inner)


def _styles_to_markup(soup: BeautifulSoup) -> None:
    """Bold and italic written as styles (Google Docs, LibreOffice) become strong and em."""
    for tag in soup.find_all(style=True):
        words = tag["style"].split()
        if "hidden" in words:
            tag.decompose()
            continue
        if tag.name in ("span", "b", "i"):
            if "bold" in words and tag.name != "b":
                _wrap(soup, tag, "strong")
            if "italic" in words and tag.name != "i":
                _wrap(soup, tag, "em")
    for tag in soup.find_all("b", id=True):  # Google Docs' whole-paste wrapper is not bold
        tag.unwrap()
    for tag in soup.find_all(style=True):
        if "level" not in tag["style"]:
            del tag["style"]


def _word_lists(soup: BeautifulSoup) -> None:
    """Word's list paragraphs (a marker and a level each) become nested ul/ol lists."""
    for para in soup.find_all("p"):
        if para.parent is None or not _starts_with_mark(para):
            continue
        run = [para]
        node = para.find_next_sibling()
        while isinstance(node, Tag) and node.name == "p" and _starts_with_mark(node):
            run.append(node)
            node = node.find_next_sibling()
        _nest(soup, run)


def _starts_with_mark(para: Tag) -> bool:
    text = para.get_text()
    return text.lstrip().startswith(tuple(_LIST_MARK.values()))


def _level(para: Tag) -> int:
    match = re.search(r"level(\d+)", para.get("style", ""))
    return int(match.group(1)) if match else 1


def _nest(soup: BeautifulSoup, run: list[Tag]) -> None:
    stack: list[Tag] = []
    first = run[0]
    for para in run:
        kind = "ol" if _LIST_MARK["ol"] in para.get_text() else "ul"
        level = max(1, min(_level(para), len(stack) + 1))
        while len(stack) > level:
            stack.pop()
        if len(stack) < level:
            new = soup.new_tag(kind)
            if stack:
                last = stack[-1].find_all("li", recursive=False)
                (last[-1] if last else stack[-1]).append(new)
            else:
                first.insert_before(new)
            stack.append(new)
        item = soup.new_tag("li")
        for child in list(para.contents):
            item.append(child.extract())
        stack[-1].append(item)
        para.decompose()
    for text in soup.find_all(string=lambda s: "\u2063" in s):
        text.replace_with(re.sub("\u2063(?:OL|UL)\u2063\\s*", "", str(text)))


def _layout_tables(soup: BeautifulSoup) -> None:
    """Tables that lay out a page (e-mails) are unwrapped; tables of data stay tables."""
    for table in soup.find_all("table"):
        cells = table.find_all(["td", "th"])
        layout = (table.get("role") == "presentation" or table.find("table") is not None
                  or any(c.find(_BLOCKS) for c in cells) or not table.find("th")
                  and all(len(r.find_all(["td", "th"], recursive=False)) < 2
                          for r in table.find_all("tr")))
        if layout:
            for part in table.find_all(["thead", "tbody", "tfoot", "tr", "td", "th", "caption"]):
                part.name = "div"
            table.name = "div"
        table.attrs.pop("role", None)


def _images_and_links(soup: BeautifulSoup, base: str | None, pictures: bool = False) -> None:
    """Links keep absolute safe URLs (else only their text); pictures become links to their file,
    or stay pictures (``pictures``: an import, whose pictures the importer fetches)."""
    for link in soup.find_all("a"):
        href = tidy_link(link.get("href", ""), base) if link.get("href") else None
        if href is None:
            link.unwrap()
        else:
            link.attrs = {"href": href}
    for img in soup.find_all("img"):
        src = tidy_link(img.get("src", ""), base) if img.get("src") else None
        tiny = any(img.get(side, "").strip() in ("0", "1", "2") for side in ("width", "height"))
        if src is None or tiny:
            img.decompose()
            continue
        alt = " ".join(img.get("alt", "").split())
        if pictures:
            img.attrs = {"src": src, "alt": alt}
            continue
        if img.find_parent("a") is not None:
            img.replace_with(alt)
            continue
        link = soup.new_tag("a", href=src)
        link.string = f"Picture: {alt}" if alt else "Picture"
        img.replace_with(link)


class _Converter(MarkdownConverter):
    """markdownify with our markdown style: text never turns into markup (no links from
    brackets, no heading from a leading "#1", no list from "2026. A year")."""

    def escape(self, text: str, parent_tags: set[str]) -> str:
        text = super().escape(text, parent_tags)
        return text.replace("[", r"\[").replace("]", r"\]").replace("<", "&lt;")

    def process_text(self, el, parent_tags=None) -> str:  # noqa: ANN001  markdownify's signature
        text = super().process_text(el, parent_tags)
        starts_line = el.previous_sibling is None or getattr(el.previous_sibling, "name", "") == "br"
        if starts_line and "_noformat" not in (parent_tags or set()):
            text = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)
        return text

    def convert_s(self, el, text: str, parent_tags: set[str]) -> str:  # noqa: ANN001
        return text  # our markdown has no strikethrough: the words stay

    convert_del = convert_strike = convert_s


@cache
def _converter() -> _Converter:
    return _Converter(heading_style="ATX", bullets="-", strong_em_symbol="*",
                      escape_underscores=False, newline_style="spaces")


def _tidy(markdown: str) -> str:
    lines = [line.rstrip() if not line.endswith("  ") or not line.strip() else line
             for line in markdown.replace("\u00a0", " ").split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n")


def _soup(html: str, base: str | None, pictures: bool = False) -> BeautifulSoup:
    cleaned = _cleaner().clean(_mark_word_lists(html))
    soup = BeautifulSoup(cleaned, "html.parser")
    _styles_to_markup(soup)
    _word_lists(soup)
    _layout_tables(soup)
    _images_and_links(soup, base, pictures)
    return soup


def html_to_markdown(html: str, base_url: str | None = None, *, pictures: bool = False) -> str:
    """Clean markdown for an HTML fragment; relative links resolve against ``base_url`` (when
    known: the page it was copied from) or lose their link and keep their text. ``pictures``
    keeps ``<img>`` as markdown pictures (a WordPress import) instead of links to the file."""
    return _tidy(_converter().convert_soup(_soup(html, base_url, pictures)))


def html_to_text(html: str) -> str:
    """The plain words of an HTML fragment, blocks on lines of their own; quick even for
    megabytes (no tree is built), so it is the fallback for pastes too big to convert."""
    marked = _BLOCK_END.sub("\n", html)
    text = unescape(nh3.clean(marked, tags=set(), clean_content_tags=set(_DROP_WITH_CONTENT),
                              strip_comments=True))
    text = re.sub(r"[ \t\r\f\v\u00a0]+", " ", text)
    return re.sub(r" *\n[ \n]*", lambda m: "\n\n" if m.group().count("\n") > 1 else "\n",
                  text).strip()
