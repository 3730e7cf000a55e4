"""The export's tasks for the render workers: every article once, in order, shrinking at the end."""

from __future__ import annotations

import pytest

from digest_desk.export.render_pool import CHUNK, MIN_CHUNK, chunked


@pytest.mark.parametrize("n", [0, 1, 7, 150, 999, 1000, 10_007])
def test_every_article_is_in_one_task_in_order(n):
    ids = list(range(5, 5 + n))
    tasks = chunked(ids, 2)
    assert [i for task in tasks for i in task] == ids
    assert all(0 < len(task) <= CHUNK for task in tasks)


def test_tasks_shrink_so_the_workers_finish_together():
    tasks = chunked(list(range(10_000)), 2)
    sizes = [len(task) for task in tasks]
    assert sizes[0] == CHUNK
    assert sizes == sorted(sizes, reverse=True)
    assert max(sizes[-4:]) <= MIN_CHUNK  # the last tasks are small: little work left for one core alone
