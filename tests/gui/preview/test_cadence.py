"""The preview cadence: render at once while renders are cheap, space them out as they grow."""

from __future__ import annotations

import pytest

from digest_desk.ui.preview.cadence import LOST_AFTER_S, Cadence, Pacing


class FakeClock:
    """Seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += ms / 1000.0


def test_the_first_render_and_cheap_ones_start_at_once() -> None:
    clock = FakeClock()
    pacing = Pacing(clock, share=0.5)
    assert pacing.delay_ms() == 0
    pacing.begin()
    clock.advance(3)
    pacing.end()
    assert pacing.cost == pytest.approx(0.003)
    clock.advance(100)  # the next key comes 100 ms later: long past 2 x 3 ms
    assert pacing.delay_ms() == 0


def test_an_expensive_render_spaces_the_next_one_by_its_cost_over_the_share() -> None:
    clock = FakeClock()
    pacing = Pacing(clock, share=0.5)
    pacing.begin()
    clock.advance(80)
    pacing.end()
    assert pacing.delay_ms() == 80  # next start 160 ms after the last start: 80 ms from now
    clock.advance(50)
    assert pacing.delay_ms() == 30
    clock.advance(40)
    assert pacing.delay_ms() == 0


def test_a_larger_share_allows_renders_closer_together() -> None:
    clock = FakeClock()
    pacing = Pacing(clock, share=0.8)
    pacing.begin()
    clock.advance(40)
    pacing.end()
    assert pacing.delay_ms() == 10  # 40 / 0.8 = 50 ms after the start


def test_an_unmeasured_render_keeps_the_pace_of_the_last_measured_one() -> None:
    clock = FakeClock()
    pacing = Pacing(clock, share=0.5)
    pacing.begin()
    clock.advance(5)
    pacing.end()
    pacing.begin()
    clock.advance(400)  # a whole page loaded: typing will not cost that
    pacing.end(measured=False)
    assert pacing.cost == pytest.approx(0.005)
    assert pacing.delay_ms() == 0


def test_a_render_is_busy_until_it_ends_or_is_taken_as_lost() -> None:
    clock = FakeClock()
    pacing = Pacing(clock)
    pacing.begin()
    assert pacing.busy()
    clock.advance(LOST_AFTER_S * 1000 + 1)
    assert not pacing.busy()  # its answer never came: do not wait for it for ever
    pacing.end()
    assert not pacing.running


def test_share_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="share"):
        Pacing(share=0.0)
    with pytest.raises(ValueError, match="share"):
        Pacing(share=1.5)


def test_requests_coalesce_and_wait_for_the_running_render(qtbot) -> None:
    clock = FakeClock()
    runs: list[float] = []
    cadence = Cadence(lambda: runs.append(clock()), clock=clock)
    for _ in range(5):  # keys handled in one event-loop turn
        cadence.request()
    assert runs == []  # not inside the key handler: on the next turn
    qtbot.waitUntil(lambda: len(runs) == 1, timeout=2000)
    cadence.began()
    cadence.request()
    cadence.request()
    qtbot.wait(30)
    assert len(runs) == 1  # the render is still running: the new changes wait for it
    clock.advance(2)
    cadence.finished()
    qtbot.waitUntil(lambda: len(runs) == 2, timeout=2000)  # cheap: at once, and only once
    qtbot.wait(30)
    assert len(runs) == 2


def test_after_an_expensive_render_the_next_waits_out_the_pacing(qtbot) -> None:
    clock = FakeClock()
    runs: list[int] = []
    cadence = Cadence(lambda: runs.append(1), clock=clock)
    cadence.began()
    clock.advance(150)
    cadence.finished()
    cadence.request()
    assert cadence.pacing.delay_ms() == 150
    qtbot.wait(40)
    assert runs == []  # a cheap render would have run by now
    qtbot.waitUntil(lambda: len(runs) == 1, timeout=2000)


def test_cancel_drops_what_was_wanted(qtbot) -> None:
    runs: list[int] = []
    cadence = Cadence(lambda: runs.append(1))
    cadence.request()
    cadence.cancel()
    qtbot.wait(30)
    assert runs == [] and not cadence.pending()
