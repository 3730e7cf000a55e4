"""Parity: the simplified page must tell the same story as the standard page."""

from __future__ import annotations

from collections.abc import Iterator

from digest_desk.checks.pagefacts import PageFacts
from digest_desk.checks.problems import Problem
from digest_desk.domain import Article, Site
from digest_desk.render import amp_url, standard_url


def _norm_link(url: str, standard: str, amp: str, root: str) -> str | None:
    if url in (standard, amp):
        return None  # self links (banner, headline, exit) belong to the page frame
    if url.startswith(root) and url.endswith("/amp/"):
        return url[: -len("amp/")]
    return url


def check_parity(std: PageFacts, amp: PageFacts, article: Article, site: Site) -> Iterator[Problem]:
    if std.paragraphs != amp.paragraphs:
        missing = [p for p in std.paragraphs if p not in amp.paragraphs]
        extra = [p for p in amp.paragraphs if p not in std.paragraphs]
        sample = (missing or extra or ["(order differs)"])[0][:80]
        yield Problem("error", "parity.paragraphs",
                      f"The simplified page does not carry the same paragraphs as the standard page "
                      f"({len(std.paragraphs)} vs {len(amp.paragraphs)}), e.g. “{sample}”.")
    if std.images != amp.images:
        yield Problem("error", "parity.images",
                      f"The pages show different pictures ({len(std.images)} on the standard page, {len(amp.images)} on the simplified one).")
    s_url, a_url = standard_url(article, site), amp_url(article, site)
    root = s_url[: -len(article.slug) - 1]

    def links(facts: PageFacts) -> set[str]:
        return {n for u in facts.article_links if (n := _norm_link(u, s_url, a_url, root))}

    only_std, only_amp = links(std) - links(amp), links(amp) - links(std)
    if only_std or only_amp:
        sample = sorted(only_std or only_amp)[0]
        where = "missing from the simplified page" if only_std else "only on the simplified page"
        yield Problem("error", "parity.links", f"The link “{sample}” is {where}.")
