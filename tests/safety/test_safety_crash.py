"""Crash harness: real processes type through the draft/save path and are killed with SIGKILL.

After every kill the database must pass integrity_check and the recovered text (article or newest
draft) must hold everything typed up to 3 seconds before the kill, for saved and never-saved
articles alike. DIGEST_DESK_CRASH_ROUNDS sets the number of rounds (3 kills per round).
"""

from __future__ import annotations

import json
import os
import random
import signal
import time
import uuid
from dataclasses import dataclass

import pytest
from crash_tools import HERE, Child, integrity

from digest_desk.store import open_store
from digest_desk.store.articles import create_article, get_article
from digest_desk.store.drafts import apply_draft, discard_draft, pending_drafts

ROUNDS = int(os.environ.get("DIGEST_DESK_CRASH_ROUNDS", "10"))
LOSS_BUDGET = 3.0


def typed_chars(seed: int, count: int) -> str:
    from child_typist import typed_chars as chars

    return chars(seed, count)


@dataclass
class Typist:
    session: str
    seed: int
    base: str
    article_id: int | None  # None: a new article
    create_after: float = 0.0
    child: Child | None = None
    kill_at: float = 0.0

    def argv(self, db) -> list[str]:
        article = "new" if self.article_id is None else str(self.article_id)
        return [str(HERE / "child_typist.py"), str(db), self.session, article, str(self.seed),
                "--create-after", str(self.create_after)]

    def typed(self) -> list[tuple[int, float]]:
        out = []
        for line in self.child.lines:
            parts = line.split()
            if len(parts) == 2 and parts[0].isdigit():
                out.append((int(parts[0]), float(parts[1])))
        return out

    def created_id(self) -> int | None:
        found = [int(x.split()[1]) for x in self.child.lines if x.startswith("created ")]
        return found[-1] if found else self.article_id


def _candidates(store, typist: Typist) -> dict[str, str]:
    found: dict[str, str] = {}
    article_id = typist.created_id()
    if article_id is not None:
        found["article"] = get_article(store, article_id).body
    with store.read() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT id, data FROM draft WHERE session_id = ?", (typist.session,)).all()
    for draft_id, data in rows:
        found[f"draft {draft_id}"] = json.loads(data)["body"]
    return found


def _check_and_recover(db, typist: Typist, chars=None) -> tuple[str, float]:
    """Assert nothing older than 3 s was lost; recover the newest text; returns it and the loss."""
    typed = typist.typed()
    last_n = typed[-1][0] if typed else 0
    full = typist.base + (chars or typed_chars)(typist.seed, last_n + 1)
    must = max((n for n, t in typed if t <= typist.kill_at - LOSS_BUDGET), default=0)
    store = open_store(db, create=False)
    try:
        texts = _candidates(store, typist)
        for where, text in texts.items():
            assert full.startswith(text), f"{where} holds text that was never typed"
        best_where, best = max(texts.items(), key=lambda kv: len(kv[1]), default=("none", ""))
        kept = len(best) - len(typist.base)
        assert kept >= must, (
            f"lost typing: {must} chars were typed 3 s before the kill, only {kept} recovered"
        )
        loss = typist.kill_at - next((t for n, t in typed if n == kept), typist.kill_at)
        recovered = _recover(store, typist, best_where)
        assert recovered == best
        return best, loss
    finally:
        store.close()


def _recover(store, typist: Typist, best_where: str) -> str:
    mine = [d for d in pending_drafts(store) if d.session_id == typist.session]
    if best_where.startswith("draft"):
        [draft] = [d for d in mine if f"draft {d.id}" == best_where]
        return apply_draft(store, draft).body
    for draft in mine:
        discard_draft(store, draft.id)
    return get_article(store, typist.created_id()).body if typist.created_id() else ""


def _spawn(db, stories, rng: random.Random, create_after: float) -> list[Typist]:
    typists = [Typist(uuid.uuid4().hex, rng.randrange(10**9), "", s.id) for s in stories]
    typists.append(Typist(uuid.uuid4().hex, rng.randrange(10**9), "", None, create_after))
    for typist in typists:
        typist.child = Child(typist.argv(db)).start()
    return typists


@pytest.mark.slow
def test_sigkill_at_random_instants_loses_at_most_three_seconds(tmp_path):
    db = tmp_path / "crash.sqlite3"
    store = open_store(db)
    stories = [create_article(store, title=f"Story {i}", body=f"Story {i}. ") for i in range(2)]
    store.close()
    bases = {s.id: s.body for s in stories}
    rng = random.Random(20261128)
    losses: list[float] = []
    new_kills = [rng.choice([0.0, 1.0]) for _ in range(ROUNDS)]
    waiting = _spawn(db, stories, rng, new_kills[0])
    for round_no in range(ROUNDS):
        typists = waiting
        for typist in typists:
            typist.base = bases.get(typist.article_id, "")
            typist.kill_at = typist.child.go() + rng.uniform(0.2, 5.0)
        # the next round's processes start (slowly, imports) while this round types
        waiting = _spawn(db, stories, rng, new_kills[round_no + 1]) if round_no + 1 < ROUNDS else []
        for typist in sorted(typists, key=lambda t: t.kill_at):
            time.sleep(max(0.0, typist.kill_at - time.time()))
            typist.kill_at = time.time()
            typist.child.proc.send_signal(signal.SIGKILL)
        for typist in typists:
            code, err = typist.child.finish()
            assert code == -signal.SIGKILL, f"child ended on its own ({code}): {err[-2000:]}"
            assert integrity(db) == "ok"
            text, loss = _check_and_recover(db, typist)
            losses.append(loss)
            if typist.article_id is not None:
                bases[typist.article_id] = text
    print(f"\n{len(losses)} kills; worst loss {max(losses):.2f} s, mean {sum(losses)/len(losses):.2f} s")
    assert len(losses) >= 30 or ROUNDS < 10


WINDOW_ROUNDS = int(os.environ.get("DIGEST_DESK_WINDOW_CRASH_ROUNDS", "6"))


@dataclass
class WindowTypist(Typist):
    """The real window typing into an existing article; its session id comes from its output."""

    ini: str = ""

    def argv(self, db) -> list[str]:
        return [str(HERE / "child_window_typist.py"), str(db), str(self.article_id), str(self.seed),
                self.ini]

    @property
    def session_from_output(self) -> str:
        return next(x.split()[1] for x in self.child.lines if x.startswith("session "))


def window_chars(seed: int, count: int) -> str:
    return typed_chars(seed, count).replace("\n", " ")


@pytest.mark.slow
def test_sigkill_of_the_real_window_while_typing(tmp_path):
    db = tmp_path / "window-crash.sqlite3"
    store = open_store(db)
    story = create_article(store, title="Window story", body="Typed in the window. ")
    store.close()
    base = story.body
    rng = random.Random(4242)
    losses: list[float] = []
    gains: list[int] = []  # characters each round added to the article

    def spawn(i: int) -> WindowTypist:
        typist = WindowTypist("", rng.randrange(10**9), "", story.id, ini=str(tmp_path / f"s{i}.ini"))
        typist.child = Child(typist.argv(db)).start()
        return typist

    waiting = spawn(0)
    for round_no in range(WINDOW_ROUNDS):
        typist = waiting
        typist.base = base
        typist.kill_at = typist.child.go(timeout=120) + rng.uniform(1.0, 6.0)
        typist.session = typist.session_from_output
        waiting = spawn(round_no + 1) if round_no + 1 < WINDOW_ROUNDS else None
        time.sleep(max(0.0, typist.kill_at - time.time()))
        typist.kill_at = time.time()
        typist.child.proc.send_signal(signal.SIGKILL)
        code, err = typist.child.finish()
        assert code == -signal.SIGKILL, f"window ended on its own ({code}): {err[-2000:]}"
        assert integrity(db) == "ok"
        before = len(base)
        base, loss = _check_and_recover(db, typist, chars=window_chars)
        losses.append(loss)
        gains.append(len(base) - before)
        # a window restarted after a crash is not locked out by the dead window's edit lock
        assert "editing True" in typist.child.lines
    print(f"\nwindow: {len(losses)} kills; worst loss {max(losses):.2f} s; kept {gains}")
