"""The tables of a Digest Desk database: Site, Article, Link, Image and Revision."""

# No "from __future__ import annotations" here: SQLModel resolves relationship types at runtime.
from datetime import datetime
from enum import StrEnum
from typing import Any  # noqa: UP035

from sqlalchemy import JSON, Column, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy import Enum as SAEnum
from sqlmodel import Field, Relationship, SQLModel

from digest_desk.domain.types import TZDateTime, as_utc, utcnow


class Status(StrEnum):
    DRAFT = "draft"
    READY = "ready"
    PUBLISHED = "published"
    SCHEDULED = "scheduled"  # on the site once its publication time has come


class LinkKind(StrEnum):
    READ_MORE = "read-more"
    RELATED = "related"
    SOURCE = "source"


def _value_enum(enum_type: type[StrEnum]) -> SAEnum:
    """Store an enum by its value ("draft"), not its Python name ("DRAFT"), as plain text."""
    return SAEnum(
        enum_type,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        create_constraint=False,
        length=20,
    )


def default_footer_links() -> list[dict[str, str]]:
    """The site footer every new profile starts with (relative to the site root)."""
    return [
        {"title": "See More Digest", "url": "/"},
        {"title": "Contact Us", "url": "/contact/"},
        {"title": "About Us", "url": "/about/"},
    ]


class Site(SQLModel, table=True):
    """The publication profile: one row per database."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = "Digest"
    base_url: str = "https://example.com/"
    language: str = "en"
    timezone: str = "UTC"  # IANA name: dates are shown and entered in it, stored in UTC
    tagline: str = ""
    partner_name: str = ""
    partner_url: str = ""
    logo: str = ""  # path or URL of a raster logo (fits 60x600)
    logo_width: int | None = None
    logo_height: int | None = None
    # Texts of the simplified page; every visible word comes from here, not from templates.
    banner_text: str = "This Is A Simplified Version (AMP)! For Latest Updates And Additions…"
    banner_link_text: str = "»Read Standard Version«"
    read_more_text: str = "Read More On The Topic On {partner}"
    exit_text: str = "Exit mobile version"
    related_heading: str = "Read more on the topic"
    footer_links: list[dict[str, str]] = Field(
        default_factory=default_footer_links, sa_column=Column(JSON, nullable=False)
    )
    about_md: str = ""
    contact_md: str = ""
    long_sentence_words: int = 30  # the checks warn about sentences longer than this
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(TZDateTime, nullable=False))


class Image(SQLModel, table=True):
    """A picture in the media store: bytes kept in the database, pixel size known."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True)  # stable file name used in markdown: media/<name>
    mime: str = "image/jpeg"
    width: int
    height: int
    # Suggestions only: an article keeps its own words for a picture (Article.image_alt,
    # image_caption, image_credit; in the body, the markdown). Nothing renders these.
    alt: str = ""
    caption: str = ""
    credit: str = ""
    sha256: str = Field(default="", index=True)
    data: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    url: str = ""  # a remote picture (no bytes kept) when data is None
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(TZDateTime, nullable=False))


MISSING_IMAGE_MAX = 300  # characters of a missing featured picture's name kept for the checks
HEADLINE_MAX = 110  # characters of a headline search engines show; the checks warn past it


class Article(SQLModel, table=True):
    """One story. ``version`` moves on at every save and guards against lost updates."""

    __table_args__ = (UniqueConstraint("slug_key", name="uq_article_slug_key"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = ""
    slug: str = Field(index=True)
    slug_key: str = ""  # normalised, case-folded slug: the uniqueness key
    summary: str = ""
    body: str = ""
    author: str = ""
    category: str = Field(default="", index=True)
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: Status = Field(
        default=Status.DRAFT, sa_column=Column(_value_enum(Status), nullable=False, index=True)
    )
    published_at: datetime | None = Field(default=None, sa_column=Column(TZDateTime, index=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(TZDateTime, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(TZDateTime, nullable=False))
    image_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("image.id", ondelete="SET NULL"))
    )
    image_alt: str = ""
    image_caption: str = ""  # the featured picture's words in this article (migration 0006)
    image_credit: str = ""
    # The featured picture an import named but could not find, as the source wrote it (capped at
    # MISSING_IMAGE_MAX); an import fact, not an edit: cleared when a featured picture is set.
    missing_image: str = ""
    version: int = 1

    image: Image | None = Relationship(sa_relationship_kwargs={"lazy": "selectin"})
    links: list["Link"] = Relationship(
        back_populates="article",
        sa_relationship_kwargs={
            "lazy": "selectin",
            "order_by": "Link.position",
            "cascade": "all, delete-orphan",
            "foreign_keys": "Link.article_id",
        },
    )

    def snapshot(self) -> dict[str, Any]:
        """Plain data of the editable fields, as kept in a revision."""
        return {
            "title": self.title,
            "slug": self.slug,
            "summary": self.summary,
            "body": self.body,
            "author": self.author,
            "category": self.category,
            "tags": list(self.tags or []),
            "status": str(self.status),
            "published_at": as_utc(self.published_at).isoformat() if self.published_at else None,
            "image_id": self.image_id,
            "image_alt": self.image_alt,
            "image_caption": self.image_caption,
            "image_credit": self.image_credit,
            "links": [link.snapshot() for link in self.links],
        }


class Link(SQLModel, table=True):
    """A related link of an article; ``target_article_id`` makes it an internal link."""

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    title: str = ""
    url: str = ""
    kind: LinkKind = Field(
        default=LinkKind.READ_MORE, sa_column=Column(_value_enum(LinkKind), nullable=False)
    )
    position: int = 0
    target_article_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("article.id", ondelete="SET NULL"))
    )
    check_status: int | None = None  # HTTP status of the last check, None when unreachable
    check_final_url: str = ""
    check_error: str = ""
    checked_at: datetime | None = Field(default=None, sa_column=Column(TZDateTime))

    article: Article | None = Relationship(
        back_populates="links", sa_relationship_kwargs={"foreign_keys": "Link.article_id"}
    )

    def snapshot(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "url": self.url,
            "kind": str(self.kind),
            "target_article_id": self.target_article_id,
        }


class Revision(SQLModel, table=True):
    """A snapshot of an article taken at a save, with the reason it was taken."""

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    version: int
    reason: str = "save"
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(TZDateTime, nullable=False))
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    editor: str = Field(default="", sa_column=Column(String, nullable=False, server_default=""))
