"""Preview and checks render in different threads; the shared lock keeps their output intact."""

from __future__ import annotations

import threading

from digest_desk import render
from digest_desk.domain.models import Article, Site
from digest_desk.ui.checks_panel import run_article_checks
from digest_desk.ui.preview import job
from digest_desk.ui.preview.media import MediaFolder
from digest_desk.ui.tasks import RENDER_LOCK


def test_preview_and_checks_threads_do_not_corrupt_each_other():
    site = Site()
    body = "\n\n".join(f"Preview paragraph {n} with *some* [link](https://e.example/{n})." for n in range(300))
    other = "\n\n".join(f"Checked paragraph {n} with **bold** and `code` {n}." for n in range(300))
    media = MediaFolder()
    errors: list[BaseException] = []
    wrong: list[int] = []

    def preview_side() -> None:
        for i in range(6):
            text = f"{body}\n\nEdit {i}"
            article = Article(id=1, title="P", slug="p", body=text)
            request = job.RenderRequest(article=article, site=site,
                                        ctx=job.preview_context(None, media), meta_key="k", full=False)
            try:
                result = job.compute(request, media)
            except Exception as exc:  # noqa: BLE001 - collected and reported below
                errors.append(exc)
                continue
            with RENDER_LOCK:
                expected = render.render_blocks(text, "standard", request.ctx)
            if [b.html for b in result.blocks["standard"]] != [b.html for b in expected]:
                wrong.append(i)

    def checks_side() -> None:
        for i in range(6):
            article = Article(id=2, title="C", slug="c", body=f"{other}\n\nMore {i}")
            try:
                run_article_checks(article, site, None, None)
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

    threads = [threading.Thread(target=preview_side), threading.Thread(target=checks_side)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    media.close()
    assert errors == [] and wrong == []
