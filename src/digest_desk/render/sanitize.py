"""The one HTML sanitiser of rendered markdown: nh3 with a tight allowlist."""

from __future__ import annotations

import re
from functools import cache

import nh3

from digest_desk.render.context import clean_mailto, is_safe_url, tidy_url, url_scheme

TAGS = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "s", "del",
    "ins", "sub", "sup", "mark", "small", "code", "pre", "kbd", "samp", "var", "blockquote", "q",
    "ul", "ol", "li", "dl", "dt", "dd", "a", "abbr", "cite", "table", "thead", "tbody", "tfoot",
    "tr", "th", "td", "caption", "div", "span",
})
ATTRIBUTES = {
    "a": {"href", "title", "class", "id"},
    "abbr": {"title"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
    "div": {"class"},
    "code": {"class"},
    "th": {"class"}, "td": {"class"},
    **{f"h{n}": {"id"} for n in range(1, 7)},
}
_CLASS_OK = re.compile(r"^(?:footnote|footnote-ref|footnote-backref|ta-left|ta-right|ta-center|language-[A-Za-z0-9_+-]{1,40})$")
ID_OK = re.compile(r"^(?!-?amp-|i-amp-)[A-Za-z][A-Za-z0-9_:.-]{0,80}$")
# Ids the AMP validator refuses (any case): names of DOM properties and methods a page's
# scripts could be tricked into reading ("DOM clobbering"), and the runtime's own prefixes.
_AMP_ID_REFUSED = re.compile(
    r"^(?:i-amphtml-.*|(?:webkit|moz|ms|o)(?:dropzone|matchesselector|requestfullscreen)|"
    r"acceptcharset|addeventlistener|appendchild|assignedslot|attachshadow|baseuri|checkvalidity|"
    r"childelementcount|childnodes|classlist|classname|clientheight|clientleft|clienttop|clientwidth|"
    r"comparedocumentposition|computedname|computedrole|contenteditable|createshadowroot|enqueaction|"
    r"firstchild|firstelementchild|getanimations|getattribute|getattributens|getattributenode|"
    r"getattributenodens|getboundingclientrect|getclientrects|getdestinationinsertionpoints|"
    r"getelementsbyclassname|getelementsbytagname|getelementsbytagnamens|getrootnode|hasattribute|"
    r"hasattributens|hasattributes|haschildnodes|haspointercapture|innerhtml|innertext|inputmode|"
    r"insertadjacentelement|insertadjacenthtml|insertadjacenttext|iscontenteditable|isdefaultnamespace|"
    r"isequalnode|issamenode|lastchild|lastelementchild|lookupnamespaceuri|namespaceuri|"
    r"nextelementsibling|nextsibling|nodename|nodetype|nodevalue|offsetheight|offsetleft|offsetparent|"
    r"offsettop|offsetwidth|outerhtml|outertext|ownerdocument|parentelement|parentnode|"
    r"previouselementsibling|previoussibling|queryselector|queryselectorall|releasepointercapture|"
    r"removeattribute|removeattributens|removeattributenode|removechild|removeeventlistener|"
    r"requestfullscreen|requestpointerlock|scrollheight|scrollintoview|scrollintoviewifneeded|"
    r"scrollleft|scrollwidth|setattribute|setattributens|setattributenode|setattributenodens|"
    r"setpointercapture|shadowroot|stylemap|tabindex|tagname|textcontent|tostring|valueof)$"
)
_PERCENT_BAD = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST_LABEL = re.compile(r"^[^\x00-\x20%/:?#@\[\]\\]{1,63}$")


def id_ok(value: str) -> bool:
    """Whether an id from the editor's HTML may stay: our syntax, allowed by AMP too."""
    return ID_OK.match(value) is not None and _AMP_ID_REFUSED.match(value.lower()) is None


def _host_ok(netloc: str) -> bool:
    """Hosts both validators accept: no credentials, a port below 65536, no empty or
    over-long label, Punycode that decodes."""
    host, _, port = netloc.rpartition(":") if not netloc.endswith("]") and ":" in netloc else (netloc, "", "")
    if port and not (port.isascii() and port.isdigit() and int(port) < 65536):
        return False
    if "@" in netloc or not host or len(host) > 253:
        return False
    if host.startswith("["):
        return True  # is_safe_url has already parsed the address
    labels = host.split(".")
    if labels[-1] == "":
        labels.pop()  # a final dot names the root: allowed
    return bool(labels) and all(_HOST_LABEL.match(label) and _punycode_ok(label) for label in labels)


def _punycode_ok(label: str) -> bool:
    if not label[:4].lower() == "xn--":
        return True
    try:
        label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return False
    return True


# Addresses safe_href returns unchanged, recognised without parsing (most links of prose):
# http(s), host labels of letters, digits and inner hyphens (not Punycode), no port or
# credentials, a path and query without %, brackets, spaces or a second #.
_PLAIN_URL = re.compile(
    r"https?://(?:(?!xn--)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?!xn--)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:/[A-Za-z0-9._~!$&'()*+,;=:@/-]*)?(?:\?[A-Za-z0-9._~!$&'()*+,;=:@/?-]*)?(?:#[A-Za-z0-9._~!$&'()*+,;=:@/?-]*)?",
    re.IGNORECASE,
)


def safe_href(value: str) -> str | None:
    """A link or picture address as published: tidied and escaped where checkers want it,
    or None when it is unsafe or no browser could resolve it."""
    if len(value) < 2000 and _PLAIN_URL.fullmatch(value):
        return value
    if url_scheme(value) == "mailto":
        value = clean_mailto(value)  # subject and body only: never cc, bcc or attach=
    try:
        if not is_safe_url(value):
            return None
    except ValueError:  # urlsplit cannot read it ("https://[bad/")
        return None
    url = tidy_url(value)
    head, _, rest = url.partition("//") if url[:6].lower() in ("http:/", "https:") else ("", "", "")
    if head:
        netloc = re.split(r"[/?#]", rest, maxsplit=1)[0]
        if not _host_ok(netloc):
            return None
        url = head + "//" + netloc + _escape_tail(rest[len(netloc):])
    else:
        url = _escape_tail(url)
    return url


def _escape_tail(tail: str) -> str:
    """Path, query and fragment with the characters the Nu checker refuses there escaped."""
    if "%" in tail:
        tail = _PERCENT_BAD.sub("%25", tail)
    tail = tail.replace("[", "%5B").replace("]", "%5D")
    before, hash_, fragment = tail.partition("#")
    return before + hash_ + fragment.replace("#", "%23")


def _filter(tag: str, attr: str, value: str) -> str | None:
    if attr == "href":
        return safe_href(value)
    if attr == "class":
        kept = [c for c in value.split() if _CLASS_OK.match(c)]
        return " ".join(kept) or None
    if attr == "id":
        return value if id_ok(value) else None
    if attr == "start":
        return value if value.isdigit() and len(value) < 10 else None
    return value


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags={"script", "style", "iframe", "object", "embed", "svg", "math",
                            "template", "noscript", "textarea", "title", "xmp", "noembed",
                            "noframes", "frameset", "form", "select"},
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        attribute_filter=_filter,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )


def clean(html: str) -> str:
    """Markup safe to embed in both renditions: no scripts, handlers, styles or unsafe URLs."""
    return _cleaner().clean(html)
