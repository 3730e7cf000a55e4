"""Checks of an article before publishing: editorial, AMP and parity problems in one list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from digest_desk.checks.amp import check_amp, check_embeds
from digest_desk.checks.editorial import check_editorial
from digest_desk.checks.language import check_sentence_length, check_spelling
from digest_desk.checks.pagefacts import page_facts
from digest_desk.checks.parity import check_parity
from digest_desk.checks.pictures import check_pictures
from digest_desk.checks.problems import SEVERITY_ORDER, Fix, Problem
from digest_desk.checks.schedule import check_schedule
from digest_desk.checks.source import references
from digest_desk.checks.structure import check_characters, check_structure
from digest_desk.domain import Article, Site
from digest_desk.render import RenderContext, amp_css_bytes, simplified, standard

__all__ = ["Fix", "Problem", "run_checks"]


def _default_exists(ctx: RenderContext) -> Callable[[int | str], bool]:
    slugs = set(ctx.slugs.values()) | set(ctx.unpublished.values())

    def exists(target: int | str) -> bool:
        if isinstance(target, int):
            return target in ctx.slugs or target in ctx.unpublished
        return target in slugs

    return exists


def run_checks(article: Article, site: Site, ctx: RenderContext | None = None, *,
               exists: Callable[[int | str], bool] | None = None,
               now: datetime | None = None) -> list[Problem]:
    """Every problem of one article, errors first, then by line.

    ``exists`` answers whether an article (by id or slug) exists; by default ``ctx.slugs`` decides.
    ``now`` (default: this instant) is when a publication time counts as come.
    """
    ctx = ctx or RenderContext()
    exists = exists or _default_exists(ctx)
    std_facts = page_facts(standard(article, site, ctx))
    amp_facts = page_facts(simplified(article, site, ctx))
    problems = list(check_editorial(article, site, ctx, exists))
    problems += check_schedule(article, site, now)
    problems += check_structure(article.body or "")
    problems += check_characters(article)
    refs = references(article.body or "")
    problems += check_embeds(article, ctx, refs)
    problems += check_pictures(article, refs)
    problems += check_amp(amp_facts, amp_css_bytes(article, site, ctx))
    problems += check_parity(std_facts, amp_facts, article, site)
    problems += check_spelling(article, site, ctx.site_words)
    problems += check_sentence_length(article, site)
    problems.sort(key=lambda p: (SEVERITY_ORDER[p.severity], p.line or 0, p.code))
    return problems
