"""Time helpers and purchase timestamps with the real seasonality.

Times are int64 seconds since 1970-01-01 (naive, as the files are); NULL is
carried as a separate mask and only becomes ``NaT`` when a table is written.
"""

from __future__ import annotations

import numpy as np

import olistctl.synth.distributions as dist
from olistctl.synth.sampling import DAY, allocate, choose


def day_seconds(day: str) -> int:
    """``"2017-11-24"`` as seconds since the epoch."""
    return int(np.datetime64(day, "s").astype(np.int64))


def midnight(seconds: np.ndarray) -> np.ndarray:
    return seconds - seconds % DAY


def as_datetimes(seconds: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
    """Seconds to ``datetime64[s]``, ``NaT`` where not ``present``."""
    out = np.asarray(seconds, dtype=np.int64).astype("datetime64[s]")
    if present is not None:
        out = np.where(present, out, np.datetime64("NaT"))
    return out


def time_of_day(rng: np.random.Generator, n: int, hour_weights) -> np.ndarray:
    """Seconds after midnight: the hour drawn from ``hour_weights``, minute and second uniform."""
    return choose(rng, n, hour_weights) * 3_600 + rng.integers(0, 3_600, size=n)


def month_counts(n_orders: int) -> np.ndarray:
    """Orders per purchase month, in ORDERS_PER_MONTH's order, summing to ``n_orders``."""
    return allocate(n_orders, [count for _, _, count in dist.ORDERS_PER_MONTH])


def months_from(day: str) -> list[int]:
    """Indices of the months of ORDERS_PER_MONTH from ``day`` on (the first of a month)."""
    starts = [day_seconds(f"{y:04d}-{m:02d}-01") for y, m, _ in dist.ORDERS_PER_MONTH]
    if day_seconds(day) not in starts and day_seconds(day) <= starts[-1]:
        raise ValueError(f"{day} does not start a month")
    return [i for i, start in enumerate(starts) if start >= day_seconds(day)]


def purchase_times(rng: np.random.Generator, per_month: np.ndarray) -> np.ndarray:
    """Purchase timestamps, sorted: ``per_month[i]`` in the i-th month of ORDERS_PER_MONTH
    (see :func:`month_counts`), with the real weekday shares, Black Friday and hour-of-day
    profile."""
    first = day_seconds(dist.FIRST_PURCHASE_DAY)
    last = day_seconds(dist.LAST_PURCHASE_DAY)
    black_friday = day_seconds(dist.BLACK_FRIDAY)
    days = []
    for (year, month, _), count in zip(dist.ORDERS_PER_MONTH, per_month.tolist(), strict=True):
        if not count:
            continue
        start = np.datetime64(f"{year:04d}-{month:02d}-01", "D")
        stop = start.astype("datetime64[M]") + 1
        span = np.arange(start, stop.astype("datetime64[D]")).astype("datetime64[s]")
        seconds = span.astype(np.int64)
        seconds = seconds[(seconds >= first) & (seconds <= last)]
        # 1970-01-01 was a Thursday: (days + 3) % 7 is 0 on Mondays.
        weekday = (seconds // DAY + 3) % 7
        weight = np.asarray(dist.WEEKDAY_SHARES)[weekday]
        weight = np.where(seconds == black_friday, weight * dist.BLACK_FRIDAY_DAY_WEIGHT, weight)
        days.append(seconds[choose(rng, int(count), weight)])
    day = np.concatenate(days) if days else np.zeros(0, dtype=np.int64)
    return np.sort(day + time_of_day(rng, len(day), dist.PURCHASE_HOUR_WEIGHTS))
