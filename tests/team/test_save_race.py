"""Two workstations (two processes) racing saves of one article on PostgreSQL: exactly one winner
per version, the other goes through the conflict flow and both texts are kept."""

from __future__ import annotations

from digest_desk.store import open_store
from digest_desk.store.articles import create_article, get_article, revisions
from digest_desk.store.conflicts import YOURS_KEPT
from tests.team.editors import Editor, at_once

ROUNDS = 12


def test_two_processes_racing_saves_end_with_one_winner_and_both_texts_kept(pg_url):
    store = open_store(pg_url)
    editors: list[Editor] = []
    try:
        article = create_article(store, title="Contested", body="start")
        editors = [Editor(pg_url, "a"), Editor(pg_url, "b")]
        for round_ in range(ROUNDS):
            seen = at_once(editors, [f"load {article.id}"] * 2)
            assert seen[0] == seen[1] == f"loaded {round_ + 1}"  # both read the same version
            texts = [f"a wrote {round_}", f"b wrote {round_}"]
            answers = at_once(editors, [f"save {t}" for t in texts])
            winners = [i for i, a in enumerate(answers) if a.startswith("won ")]
            assert len(winners) == 1, answers
            winner = winners[0]
            loser = 1 - winner
            assert answers[winner] == f"won {round_ + 2}"
            assert answers[loser] == f"conflict {article.id}", answers
            stored = get_article(store, article.id)
            assert stored.version == round_ + 2  # one version step per round, never two
            assert stored.body == texts[winner]
            kept = [r for r in revisions(store, article.id) if r.reason == YOURS_KEPT]
            assert kept[0].data["body"] == texts[loser]  # the loser's text, kept beside
        assert len([r for r in revisions(store, article.id) if r.reason == YOURS_KEPT]) == ROUNDS
    finally:
        for editor in editors:
            editor.close()
        store.close()
