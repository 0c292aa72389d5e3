"""The polling helper: backoff, cap, deadline, ticks; a fake clock so no test waits."""

from __future__ import annotations

import pytest

from olistctl.errors import DeadlineExceeded, ExitCode
from olistctl.polling import poll


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_returns_the_first_value_that_is_done_with_capped_backoff():
    fake = FakeTime()
    values = iter(["QUEUED", "RUNNING", "RUNNING", "RUNNING", "RUNNING", "RUNNING", "SUCCEEDED"])
    seen: list[str] = []
    result = poll(
        lambda: next(values),
        is_done=lambda v: v == "SUCCEEDED",
        deadline_s=60,
        initial_s=1.0,
        factor=2.0,
        max_interval_s=5.0,
        clock=fake.clock,
        sleep=fake.sleep,
        on_tick=seen.append,
    )
    assert result == "SUCCEEDED"
    assert fake.sleeps == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0]
    assert seen == ["QUEUED", "RUNNING", "RUNNING", "RUNNING", "RUNNING", "RUNNING", "SUCCEEDED"]


def test_done_at_once_never_sleeps():
    fake = FakeTime()
    assert poll(lambda: 7, is_done=lambda v: v == 7, deadline_s=1, sleep=fake.sleep) == 7
    assert fake.sleeps == []


def test_deadline_names_what_was_awaited_and_never_oversleeps():
    fake = FakeTime()
    calls = 0

    def fetch() -> str:
        nonlocal calls
        calls += 1
        return "RUNNING"

    with pytest.raises(DeadlineExceeded) as caught:
        poll(
            fetch,
            is_done=lambda v: False,
            deadline_s=10,
            what="the Glue crawler c1",
            initial_s=3,
            factor=2,
            max_interval_s=100,
            clock=fake.clock,
            sleep=fake.sleep,
        )
    assert caught.value.exit_code == ExitCode.TIMEOUT
    assert "Gave up waiting for the Glue crawler c1 after 10 s" in str(caught.value)
    # 3 + 6 = 9 s, then only the 1 s left, then the deadline check fails.
    assert fake.sleeps == [3, 6, 1]
    assert calls == 4
    assert fake.now - 100.0 == pytest.approx(10)


def test_keyboard_interrupt_from_sleep_propagates():
    def sleep(_: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        poll(lambda: 0, is_done=lambda v: False, deadline_s=10, sleep=sleep)
