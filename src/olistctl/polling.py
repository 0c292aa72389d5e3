"""Wait for something that has no boto3 waiter (a Glue crawler, an Athena query).

One helper with a deadline and capped exponential backoff serves both. The
clock and the sleep are parameters, so tests of waiting take no time: a fake
sleep advances a fake clock (or raises KeyboardInterrupt to play Ctrl-C).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from olistctl.errors import DeadlineExceeded

T = TypeVar("T")


def poll(
    fetch: Callable[[], T],
    *,
    is_done: Callable[[T], bool],
    deadline_s: float,
    what: str = "the operation",
    hint: str | None = None,
    initial_s: float = 0.5,
    factor: float = 1.6,
    max_interval_s: float = 5.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    on_tick: Callable[[T], None] | None = None,
) -> T:
    """Call ``fetch`` until ``is_done(value)``; return that value.

    Sleeps ``initial_s``, then ``factor`` times longer each round, never more
    than ``max_interval_s`` and never past the deadline. ``on_tick`` sees every
    value (a spinner, a status line). Raises :class:`DeadlineExceeded` naming
    ``what`` once ``deadline_s`` seconds have passed without it finishing.
    """
    started = clock()
    interval = initial_s
    while True:
        value = fetch()
        if on_tick is not None:
            on_tick(value)
        if is_done(value):
            return value
        remaining = deadline_s - (clock() - started)
        if remaining <= 0:
            raise DeadlineExceeded(
                f"Gave up waiting for {what} after {deadline_s:g} s",
                hint=hint or "try again later, or allow more time",
            )
        sleep(min(interval, remaining))
        interval = min(interval * factor, max_interval_s)
