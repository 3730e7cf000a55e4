"""The words of an article's pictures: alt text present, not a file name, not too long; credits."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from digest_desk.checks.problems import Problem
from digest_desk.checks.source import SourceRef
from digest_desk.domain import Article
from digest_desk.render.picture_markdown import MAX_ALT, is_file_name


def _file_name(url: str) -> str:
    if url.startswith("media/"):
        return url[6:]
    try:
        return PurePosixPath(unquote(urlsplit(url).path)).name
    except ValueError:
        return ""


def _alt_problems(alt: str, file_name: str, what: str, where: str, line: int | None) -> Iterator[Problem]:
    alt = alt.strip()
    if not alt:
        yield Problem("warning", "editorial.image-alt-missing",
                      f"{what} has no alternative text for readers who cannot see it; {where}.", line)
    elif file_name and is_file_name(alt, file_name):
        yield Problem("warning", "editorial.image-alt-file-name",
                      f"The alternative text of {what.lower()} (“{alt}”) only repeats its file name; "
                      f"say what the picture shows instead ({where}).", line)
    elif len(alt) > MAX_ALT:
        yield Problem("warning", "editorial.image-alt-too-long",
                      f"The alternative text of {what.lower()} is {len(alt)} characters; screen readers "
                      f"cut it after {MAX_ALT}. Keep it short and put the rest in the caption.", line)


def check_pictures(article: Article, refs: list[SourceRef]) -> Iterator[Problem]:
    """Problems of the featured picture's words (on the article) and each body picture's words
    (in the markdown): the article's own words, never the media library's suggestions."""
    image = article.image
    if image is None and article.image_id is None and (article.missing_image or "").strip():
        yield Problem("warning", "pictures.featured-missing",
                      f"The featured picture “{article.missing_image}” named by the imported file "
                      "was not found; choose one in the image row.")
    if image is not None:
        yield from _alt_problems(article.image_alt or "", image.name, "The featured image",
                                 "write it in the Alt text field or with Picture Words…", None)
        if not (article.image_credit or "").strip():
            yield Problem("warning", "editorial.featured-credit-missing",
                          "The featured image has no credit; name the photographer or source "
                          "with Picture Words… next to the image.")
    for ref in refs:
        if ref.kind == "image":
            yield from _alt_problems(ref.text, _file_name(ref.url), f"The picture “{ref.url}”",
                                     "write it between ![ and ], or right-click the picture and "
                                     "choose Edit Picture…", ref.line)
