"""A picture's own words in the markdown: ``![alt](media/NAME "caption | credit")``.

The alt text sits between the brackets; the optional title holds the caption, and a credit
after the title's last ``|`` (``"Ferry at dawn | Jane Doe"``; credit only: ``"| Jane Doe"``).
The words belong to this article: the media library only suggests them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

_IMAGE_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|svg|tiff?|bmp|heic)$", re.IGNORECASE)
MAX_ALT = 125  # screen readers and search engines cut longer alternative texts
CREDIT_MARK = "|"
PICTURE_RE = re.compile(
    r'!\[(?P<alt>[^\]\n]*)\]\(\s*<?(?P<src>[^\s<>()"]+)>?(?:\s+"(?P<title>[^"\n]*)")?\s*\)'
)


@dataclass(frozen=True, slots=True)
class PictureWords:
    """What one article says about one picture."""

    alt: str = ""
    caption: str = ""
    credit: str = ""


def split_title(title: str) -> tuple[str, str]:
    """(caption, credit) of a markdown image title: the credit follows the last ``|``."""
    caption, mark, credit = title.rpartition(CREDIT_MARK)
    if not mark:
        return title.strip(), ""
    return caption.strip(), credit.strip()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _quotes(text: str) -> str:
    """Straight double quotes would end the markdown title: typographic ones instead."""
    out, opening = [], True
    for ch in text:
        if ch == '"':
            out.append("“" if opening else "”")
            opening = not opening
        else:
            out.append(ch)
    return "".join(out)


def join_title(caption: str, credit: str) -> str:
    """The markdown title holding ``caption`` and ``credit`` (read back by split_title)."""
    caption, credit = _quotes(_one_line(caption)), _quotes(_one_line(credit))
    if credit or CREDIT_MARK in caption:
        return f"{caption} {CREDIT_MARK} {credit}".strip()
    return caption


def picture_markdown(src: str, words: PictureWords) -> str:
    """``![alt](src "caption | credit")`` with the words made safe for the syntax."""
    alt = _one_line(words.alt).replace("[", "(").replace("]", ")")
    title = join_title(words.caption, words.credit)
    return f'![{alt}]({src} "{title}")' if title else f"![{alt}]({src})"


@dataclass(frozen=True, slots=True)
class PictureSpan:
    """A picture written in a line of markdown: where it is and what it says."""

    start: int  # offsets within the line
    end: int
    src: str
    words: PictureWords

    @property
    def media_name(self) -> str | None:
        return self.src[6:] if self.src.startswith("media/") and len(self.src) > 6 else None


def _span(m: re.Match[str]) -> PictureSpan:
    caption, credit = split_title(m.group("title") or "")
    return PictureSpan(m.start(), m.end(), m.group("src"), PictureWords(m.group("alt"), caption, credit))


def picture_at(line: str, column: int) -> PictureSpan | None:
    """The picture whose markdown covers ``column`` of ``line`` (or, failing that, the only
    picture on the line), else None."""
    spans = [_span(m) for m in PICTURE_RE.finditer(line)]
    for span in spans:
        if span.start <= column <= span.end:
            return span
    return spans[0] if len(spans) == 1 else None


def pictures_in(text: str) -> list[tuple[int, PictureSpan]]:
    """Every picture of a body with its 1-based line number."""
    found = []
    for number, line in enumerate(text.split("\n"), 1):
        found.extend((number, _span(m)) for m in PICTURE_RE.finditer(line))
    return found


def name_words(file_name: str) -> str:
    """A file name as the words it reads as: ``Ferry-Photo_2.JPG`` → ``ferry photo 2``."""
    stem = _IMAGE_EXT.sub("", PurePath(file_name.strip()).name)
    return " ".join(w for w in re.split(r"[\W_]+", stem.casefold()) if w)


def is_file_name(alt: str, file_name: str) -> bool:
    """True when ``alt`` only repeats the file name (``ferry photo`` for ``ferry-photo.jpg``),
    compared without case, punctuation, extension or the ``-2`` a library adds to a twin."""
    said = name_words(alt)
    if not said:
        return False
    named = name_words(file_name)
    return bool({said, _untwinned(said)} & {named, _untwinned(named)})


def _untwinned(words: str) -> str:
    return re.sub(r" \d+$", "", words)


def suggested_alt(suggestion: str, file_name: str) -> str:
    """The library's suggestion for an alt text, never the file name."""
    return "" if is_file_name(suggestion, file_name) else suggestion.strip()
