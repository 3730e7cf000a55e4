"""Hypothesis strategies for whole articles: every construct a body can hold, hostile ones too."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import strategies as st

from digest_desk.domain import Article, Image, Link, LinkKind
from digest_desk.render import RenderContext

# The media library the generated bodies draw from: sizes known, unknown, huge; an SVG; a remote one.
MEDIA = {
    "river.jpg": Image(id=1, name="river.jpg", width=1600, height=900, alt="River"),
    "tiny.png": Image(id=2, name="tiny.png", width=1, height=1, mime="image/png"),
    "nosize.jpg": Image(id=3, name="nosize.jpg", width=0, height=0),
    "huge.jpg": Image(id=4, name="huge.jpg", width=40000, height=30000, alt="Huge", caption="A <b>big</b> one"),
    "logo.svg": Image(id=5, name="logo.svg", width=120, height=40, mime="image/svg+xml", alt="Logo"),
    "far.jpg": Image(id=6, name="far.jpg", width=800, height=600, url="https://cdn.example.net/far.jpg"),
    "odd name (1).jpg": Image(id=7, name="odd name (1).jpg", width=300, height=200, alt="Odd"),
}

WORDS = ["council", "river", "vote", "it's", "\"quoted\"", "--", "...", "5%", "a&b", "x<y", "C#", "#tag",
         "snake_case", "*", "_", "**", "`", "|", "\\", "[", "]", "(", ")", "!", "<", ">", "&amp;", "&#0;",
         "&nbsp;", "&bogus;", "http://bare.example/x", "www.example.com"]
RTL = ["مجلس المدينة", "שלום עולם", "\u202eevil\u202c", "\u200fmark\u200e", "abc \u2067isolate\u2069"]
EMOJI = ["😀", "👩\u200d👩\u200d👧", "🏳️\u200d🌈", "🇫🇷", "⚡", "\ufe0f", "1\ufe0f\u20e3"]
CONTROL = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\ufeff",
           "\ufffe", "\uffff", "\ufdd0", "\U0001fffe", "\u200b", "\ud800", "\r", "\t", "\x9f"]
LONG_WORDS = ["a" * 300, "Donaudampfschifffahrtsgesellschaftskapitän" * 4, "x" * 61 + "-" + "y" * 61]
URLS = [
    "https://example.org/page", "http://example.org/a?b=1&c=2#frag", "https://例え.jp/パス", "mailto:desk@example.org",
    "mailto:", "tel:+1234", "ftp://files.example/x", "javascript:alert(1)", "JaVaScRiPt:alert(1)",
    " javascript:x", "java\tscript:x", "data:text/html,<b>x</b>", "vbscript:x", "file:///etc/passwd",
    "//evil.example/x", "/relative/path", "relative.html", "#section", "?q=1", "https://a..b/", "https://.a/",
    "https://user:pw@host.example/", "https://host.example:99999/", "https://[::1]/", "https://[bad/",
    "https://a.example/%zz", "https://a.example/a%", "https://a.example/#a#b", "https://a.example/[x]",
    "https://a.example/sp ace", "https://a.example/\"quote", "https://a.example/<tag>", "https://a.example/{}|^`",
    "https://" + "l" * 70 + ".example/", "https://a.example/" + "p" * 2000, "https://a_b.example/",
    "https://xn--zz.example/", "https://😀.example/", "https://a.example/\u202e", "https://a.example\\@b.example/",
    "http:example.org", "https:/example.org", "https://", "HTTPS://A.EXAMPLE/", "https://a.example/&amp;x",
    "https://youtu.be/dQw4w9WgXcQ", "https://x.com/someone/status/123456789",
]
GOOD_URLS = URLS[:4] + ["/relative/path", "#section", "https://a.example/%zz", "https://a.example/#a#b",
                        "https://a.example/[x]", "https://a.example/sp ace", "https://a.example/{}|^`", "https://a_b.example/",
                        "https://youtu.be/dQw4w9WgXcQ", "https://x.com/someone/status/123456789"]
IMAGE_SOURCES = ["media/river.jpg", "media/tiny.png", "media/nosize.jpg", "media/huge.jpg", "media/logo.svg",
                 "media/far.jpg", "media/odd%20name%20(1).jpg", "<media/odd name (1).jpg>", "https://img.example.org/a.png",
                 "http://img.example.org/b.svg", "https://img.example.org/c.jpg?w=1&h=2", "javascript:alert(1)",
                 "data:image/png;base64,AAAA", "//cdn.example/x.png", "https://a..b/x.png", "media/", "MEDIA/river.jpg"]
RAW_INLINE = ["<b>bold</b>", "<i>", "</b>", "<em>x", "<abbr title=\"a <b> title\">abbr</abbr>", "<kbd>Ctrl</kbd>",
              "<mark>m</mark>", "<q>q</q>", "<sub>2</sub>", "<span style=\"color:red\">red</span>",
              "<span class=\"amp-x i-amphtml-y ok\">c</span>", "<a href=\"https://a.example/\">raw</a>",
              "<a href=\"javascript:x\" onclick=\"x()\">bad</a>", "<a id=\"innerHTML\">id</a>", "<a id=\"dd-body\">id</a>",
              "<a id=\"h-council\">dup</a>", "<a id=\"amp-x\">amp</a>", "<a name=\"n\">n</a>", "<img src=x onerror=alert(1)>",
              "<svg onload=alert(1)><circle/></svg>", "<script>alert(1)</script>", "<style>p{}</style>", "<br>", "<br/>",
              "<wbr>", "<!-- comment -->", "<!--", "-->", "<![CDATA[x]]>", "<?php echo 1 ?>", "<input>", "<button>b</button>",
              "<font color=red>f</font>", "<u>u</u>", "<small>s</small>", "<del>d</del>", "<ins>i</ins>", "<s>s</s>",
              "<cite>c</cite>", "<code>c</code>", "<dfn>d</dfn>", "<time datetime=\"2020\">t</time>", "<a href=\"#x\"><a href=\"#y\">nested</a></a>",
              "<x-custom>x</x-custom>", "<amp-img src=x width=1 height=1></amp-img>", "<li>stray</li>", "<td>cell</td>"]
RAW_BLOCKS = [
    "<div>\nblock\n</div>", "<div class=\"footnote\">x</div>", "<p>para <p>inner</p>", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
    "<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>", "<table></table>",
    "<table><caption>cap</caption><tr><th scope=col>a</th></tr></table>", "<h3 id=\"x\">Raw h3</h3>", "<h1>Raw h1</h1>",
    "<h2></h2>", "<h4><div>block in heading</div></h4>", "<ul><p>not an item</p><li>item</li></ul>", "<ol start=\"3\"><li>x</li></ol>",
    "<ol start=\"-1\"><li>x</li></ol>", "<dl><dt>t</dt><dd>d</dd></dl>", "<dl><dd>no term</dd></dl>", "<blockquote>q</blockquote>",
    "<pre>pre\n  text</pre>", "<details><summary>s</summary>d</details>", "<figure><img src=\"x.png\"><figcaption>c</figcaption></figure>",
    "<form action=\"/x\"><input name=q></form>", "<iframe src=\"https://evil.example/\"></iframe>", "<video src=x></video>",
    "<object data=x></object>", "<template><p>t</p></template>", "<noscript><p>n</p></noscript>", "<math><mi>x</mi></math>",
    "<hr>", "<center>c</center>", "<section><h2>s</h2></section>", "<main>m</main>", "<article>a</article>", "<nav>n</nav>",
    "<span>\n\nsplit span\n\n</span>", "<b>\n\nbold across blocks", "</div></div></main>", "<a href=\"https://a.example/\">\n\n<p>link around</p>\n\n</a>",
    "<p id=\"p1\">a</p><p id=\"p1\">b</p>", "<table><tr><td><table><tr><td>nested</td></tr></table></td></tr></table>",
    "<td>orphan cell</td>", "<tr><td>orphan row</td></tr>", "<li>orphan item</li>", "<dt>orphan term</dt>", "<caption>c</caption>",
    "<thead><tr><th>x</th></tr></thead>",
]
FENCE_INFO = ["", "python", "js", "c++", "{.lang}", "\"><script>", "a b", "amp-x", "language-x", "😀"]


_PRINTABLE = st.characters(exclude_categories=("Cc", "Cs", "Cn"))


def _text(alphabet_extra: list[str], min_size: int = 1, max_size: int = 8, printable: bool = False) -> st.SearchStrategy[str]:
    letters = st.text(_PRINTABLE, min_size=1, max_size=6) if printable else st.text(min_size=1, max_size=6)
    piece = st.sampled_from(WORDS + RTL + EMOJI + LONG_WORDS + alphabet_extra) | letters
    return st.lists(piece, min_size=min_size, max_size=max_size).map(" ".join)


def plain_text() -> st.SearchStrategy[str]:
    return _text(CONTROL)


@st.composite
def link(draw: st.DrawFn) -> str:
    label = draw(st.sampled_from(["link", "", "**bold link**", "[nested](https://n.example/)", "![img](media/river.jpg)",
                                  "`code`", "مجلس", "😀", "x" * 100]))
    url = draw(st.sampled_from(URLS) if draw(st.integers(0, 3)) == 0 else st.sampled_from(GOOD_URLS))
    form = draw(st.sampled_from(["[{l}]({u})", "[{l}](<{u}>)", "[{l}]({u} \"title\")", "<{u}>", "{u}", "[{l}][ref]\n\n[ref]: {u}"]))
    return form.format(l=label, u=url)


@st.composite
def image(draw: st.DrawFn) -> str:
    alt = draw(st.sampled_from(["", "River at dusk", "alt with \"quotes\" & <tags>", "😀", "\u202ertl", "a" * 300]))
    src = draw(st.sampled_from(IMAGE_SOURCES[:11] if draw(st.integers(0, 3)) else IMAGE_SOURCES))
    title = draw(st.sampled_from(["", " \"A caption\"", " \"<b>caption</b>\""]))
    return f"![{alt}]({src}{title})"


@st.composite
def inline(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(
        plain_text(), link(), image(), st.sampled_from(RAW_INLINE),
        plain_text().map(lambda t: f"*{t}*"), plain_text().map(lambda t: f"**{t}**"),
        plain_text().map(lambda t: f"_{t}_"), plain_text().map(lambda t: f"`{t}`"),
        st.sampled_from(["***", "**_x_**", "*a **b* c**", "~~s~~", "[^1]", "[^missing]", "\\*", "  \n", "&copy;"]),
    ), min_size=1, max_size=6))
    return "".join(draw(st.sampled_from([" ", "", "\n"])) + p for p in parts).strip("\n") or "text"


@st.composite
def heading(draw: st.DrawFn) -> str:
    level = draw(st.integers(1, 6))
    text = draw(st.one_of(inline(), st.sampled_from(["", " ", "#", "**", "<b></b>", "Council", "Council"])))
    form = draw(st.sampled_from(["atx", "atx", "closed", "nospace", "setext"]))
    if form == "setext":
        return f"{text or 'Title'}\n{'=' if level == 1 else '-'}{'=' * 3 if level == 1 else '-' * 3}"
    if form == "closed":
        return f"{'#' * level} {text} {'#' * level}"
    return f"{'#' * level}{'' if form == 'nospace' else ' '}{text}"


@st.composite
def list_block(draw: st.DrawFn, depth: int = 0) -> str:
    items = []
    ordered = draw(st.booleans())
    indent = draw(st.sampled_from(["    ", "  "]))
    for n in range(draw(st.integers(1, 4))):
        marker = f"{draw(st.sampled_from([1, n + 1, 0, 99999]))}." if ordered else draw(st.sampled_from(["-", "*", "+"]))
        item = f"{marker} {draw(st.one_of(inline(), heading()))}"
        if depth < 2 and draw(st.integers(0, 3)) == 0:
            inner = draw(list_block(depth + 1))
            item += "\n" + "\n".join(indent + line for line in inner.split("\n"))
        if draw(st.integers(0, 5)) == 0:
            item += "\n\n" + indent + draw(st.sampled_from(["continued paragraph", "```\ncode\n```", "> quoted", "| a | b |\n    |---|---|\n    | 1 | 2 |"]))
        items.append(item)
    return draw(st.sampled_from(["\n", "\n\n"])).join(items)


@st.composite
def table(draw: st.DrawFn) -> str:
    columns = draw(st.integers(1, 4))
    cells = st.one_of(plain_text(), link(), image(), st.sampled_from(["", "`a|b`", "a \\| b", "**b**"]))
    rows = [" | ".join(draw(cells) for _ in range(draw(st.integers(0, columns + 1)))) for _ in range(draw(st.integers(0, 3)))]
    align = " | ".join(draw(st.sampled_from(["---", ":--", "--:", ":-:"])) for _ in range(columns))
    header = " | ".join(draw(cells) for _ in range(columns))
    edge = draw(st.sampled_from(["|", ""]))
    lines = ([] if draw(st.integers(0, 4)) == 0 else [header, align]) + rows  # sometimes no header at all
    return "\n".join(f"{edge}{line}{edge}" for line in lines) or "| a |"


@st.composite
def footnotes(draw: st.DrawFn) -> str:
    label = draw(st.sampled_from(["1", "1", "note", "x y", "😀", "-amp-"]))
    body = draw(st.one_of(inline(), st.just("- a list\n- in a note"), st.just("para\n\n    second para")))
    return f"Text with a note[^{label}].\n\n[^{label}]: {body}"


TAG_SOUP = ["p", "div", "span", "a href=\"https://a.example/\"", "b", "em", "ul", "ol", "li", "dl", "dt", "dd", "table",
            "thead", "tbody", "tr", "th", "td", "caption", "blockquote", "q", "pre", "code", "h2", "h5", "sup", "abbr",
            "del", "ins", "small", "mark", "cite", "hr", "br"]


@st.composite
def tag_soup(draw: st.DrawFn) -> str:
    """Open and close tags in any order, with markdown and embeds between them."""
    parts = draw(st.lists(st.one_of(
        st.sampled_from(TAG_SOUP).map(lambda t: f"<{t}>"), st.sampled_from(TAG_SOUP).map(lambda t: f"</{t.split()[0]}>"),
        _text([]), st.sampled_from(["\n\n", "\n", "\n\n## Heading\n\n", "\n\n- item\n\n",
                                    "\n\nhttps://youtu.be/dQw4w9WgXcQ\n\n", "\n\n![p](media/river.jpg)\n\n", "[^1]"]),
    ), min_size=1, max_size=24))
    return "".join(parts)


@st.composite
def block(draw: st.DrawFn) -> str:
    return draw(st.one_of(
        inline(), inline(), heading(), heading(), list_block(), table(), footnotes(),
        st.builds(lambda b: "\n".join("> " + ln for ln in b.split("\n")), st.one_of(list_block(), inline(), heading())),
        st.builds(lambda b: "> > " + b, inline()),
        st.builds(lambda info, code: f"```{info}\n{code}\n```", st.sampled_from(FENCE_INFO), plain_text()),
        st.builds(lambda code: f"~~~\n{code}", plain_text()),  # never closed
        st.builds(lambda code: "    " + code, plain_text()),
        st.sampled_from(RAW_BLOCKS), tag_soup(), tag_soup(), image(), link(),
        st.sampled_from(["---", "***", "* * *", "https://youtu.be/dQw4w9WgXcQ", "https://x.com/someone/status/1",
                         "https://vimeo.com/1", "$$x$$", "[toc]", "[TOC]", "\\", "&nbsp;", "<", "-", "1.", ">"]),
    ))


@st.composite
def body(draw: st.DrawFn) -> str:
    blocks = draw(st.lists(block(), min_size=1, max_size=10))
    return "".join(b + draw(st.sampled_from(["\n\n", "\n\n", "\n", "\n\n\n", "\r\n\r\n"])) for b in blocks)


@st.composite
def article(draw: st.DrawFn) -> Article:
    meta = st.one_of(_text([], printable=True), _text(["&", "<b>", "\"", "'"], printable=True),
                     st.sampled_from(["", "Council backs the corridor", "<script>x</script>", "a" * 300]))
    if draw(st.integers(0, 9)) == 0:
        meta = plain_text()  # control characters: `check` must call these out
    featured = draw(st.sampled_from([None, "river.jpg", "nosize.jpg", "logo.svg", "far.jpg", "huge.jpg"]))
    a = Article(
        id=1, slug="generated", title=draw(meta.filter(bool) if draw(st.integers(0, 9)) else meta), summary=draw(meta), author=draw(meta), category=draw(meta),
        tags=draw(st.lists(meta, max_size=3)), body=draw(body()),
        published_at=datetime(2026, 3, 14, 9, 30, tzinfo=UTC), updated_at=datetime(2026, 3, 15, 9, 30, tzinfo=UTC),
        created_at=datetime(2026, 3, 14, 9, 30, tzinfo=UTC),
    )
    for position in range(draw(st.integers(0, 3))):
        url = draw(st.sampled_from(GOOD_URLS) if draw(st.booleans()) else st.sampled_from(URLS))
        title = draw(st.one_of(_text([], printable=True), st.just("")))
        kind = draw(st.sampled_from(list(LinkKind)))
        a.links.append(Link(id=position + 1, article_id=1, title=title, url=url, kind=kind, position=position))
    if draw(st.integers(0, 5)) == 0:
        a.links.append(Link(id=9, article_id=1, title="Earlier story", url="", kind=LinkKind.RELATED, position=9,
                            target_article_id=2))
    if featured is not None:
        a.image = MEDIA[featured]
        a.image_id = MEDIA[featured].id
        a.image_alt = draw(st.sampled_from(["", "Featured", "\u202e"]))
    return a


def context() -> RenderContext:
    return RenderContext(media=MEDIA, slugs={2: "older-story"}, categories=["City", "Culture"])
