"""Embeds found in a body (images, YouTube videos, tweets) and how to recognise their URLs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from digest_desk.render.picture_markdown import split_title

_YT_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_YT_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}
_TWEET = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/([A-Za-z0-9_]{1,15})/status(?:es)?/(\d{1,25})/?(?:[?#]\S*)?$"
)
_BARE_URL = re.compile(r"^<?(https?://\S+?)>?$")


@dataclass(frozen=True, slots=True)
class ImageEmbed:
    """``![alt](src "title")``: a media-store name (``media/NAME``) or a web URL."""

    src: str
    alt: str
    title: str
    block: bool  # alone in its paragraph: becomes a figure

    @property
    def media_name(self) -> str | None:
        return self.src[6:] if self.src.startswith("media/") and len(self.src) > 6 else None

    @property
    def caption(self) -> str:
        """The title before its last ``|`` (render/picture_markdown.py)."""
        return split_title(self.title)[0]

    @property
    def credit(self) -> str:
        return split_title(self.title)[1]


@dataclass(frozen=True, slots=True)
class YouTubeEmbed:
    url: str
    video_id: str
    block: bool = True


@dataclass(frozen=True, slots=True)
class TweetEmbed:
    url: str
    tweet_id: str
    user: str
    block: bool = True


Embed = ImageEmbed | YouTubeEmbed | TweetEmbed


def youtube_id(url: str) -> str | None:
    """The video id of a YouTube watch/short/embed/youtu.be URL, else None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"}:
        return None
    host = (parts.hostname or "").lower()
    candidate = ""
    if host == "youtu.be":
        candidate = parts.path.strip("/")
    elif host in _YT_HOSTS:
        path = parts.path.rstrip("/")
        if path == "/watch":
            candidate = (parse_qs(parts.query).get("v") or [""])[0]
        else:
            for prefix in ("/shorts/", "/embed/", "/live/"):
                if path.startswith(prefix):
                    candidate = path[len(prefix):]
    return candidate if _YT_ID.match(candidate) else None


def line_embed(line: str) -> YouTubeEmbed | TweetEmbed | None:
    """A YouTube or tweet embed when the line holds nothing but its URL."""
    m = _BARE_URL.match(line.strip())
    if not m:
        return None
    url = m.group(1)
    video = youtube_id(url)
    if video:
        return YouTubeEmbed(url=url, video_id=video)
    tweet = _TWEET.match(url)
    if tweet:
        return TweetEmbed(url=url, tweet_id=tweet.group(2), user=tweet.group(1))
    return None
