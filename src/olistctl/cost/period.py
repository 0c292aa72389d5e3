"""The stretch of time a cost report covers, and how much of a billing month that is.

AWS bills per calendar month (UTC): Free Tier allowances reset on the 1st, and a
GB-month of storage is one GB kept for every hour of that month. A period may
be part of a month (the default: this month to date), a whole past month
(``--month``), or anything from a date until now (``--since``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from olistctl.errors import UsageError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_HOUR = timedelta(hours=1)


def month_start(moment: datetime) -> datetime:
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def next_month(start: datetime) -> datetime:
    return datetime(start.year + start.month // 12, start.month % 12 + 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Period:
    start: datetime  # inclusive, UTC
    end: datetime  # exclusive, UTC
    label: str
    to_date: bool = False  # the period runs until the moment the report was made

    def contains(self, moment: datetime) -> bool:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return self.start <= moment < self.end

    def _months(self) -> list[tuple[datetime, datetime]]:
        """Each calendar month the period touches, as (month start, next month start)."""
        months = []
        cursor = month_start(self.start)
        while cursor < self.end:
            months.append((cursor, next_month(cursor)))
            cursor = next_month(cursor)
        return months or [(month_start(self.start), next_month(month_start(self.start)))]

    @property
    def months_touched(self) -> int:
        """How many monthly Free Tier allowances the period can draw on."""
        return len(self._months())

    @property
    def month_fraction(self) -> float:
        """The period in billing months: each month's share of its own hours, summed.

        At least one hour, so a report made in the first minutes of a month
        can still be extrapolated.
        """
        total = 0.0
        for first, after in self._months():
            overlap = min(self.end, after) - max(self.start, first)
            total += max(overlap, timedelta(0)) / (after - first)
        floor = _HOUR / (next_month(month_start(self.start)) - month_start(self.start))
        return max(total, floor)


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _parse_month(value: str) -> datetime:
    match = _MONTH.match(value.strip())
    if match and 1 <= int(match.group(2)) <= 12 and int(match.group(1)) >= 1:
        return datetime(int(match.group(1)), int(match.group(2)), 1, tzinfo=UTC)
    raise UsageError(
        f"--month {value!r} is not a month", hint="write it as YYYY-MM, for example 2026-11"
    )


def _parse_since(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(value.strip()), datetime.min.time())
        except ValueError:
            raise UsageError(
                f"--since {value!r} is not a date",
                hint="write it as YYYY-MM-DD, for example 2026-11-01",
            ) from None
    try:
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except OverflowError:  # a time zone offset that takes it past year 1 or 9999
        raise UsageError(
            f"--since {value!r} is out of range",
            hint="give a date between the years 1 and 9999, for example 2026-11-01",
        ) from None


def resolve_period(
    *, since: str | None = None, month: str | None = None, now: datetime | None = None
) -> Period:
    """The period ``--since`` or ``--month`` names; by default, this month to date (UTC)."""
    now = _now(now)
    if since and month:
        raise UsageError("--since and --month cannot be combined", hint="give one of them")
    stamp = now.strftime("%d %b %H:%M UTC")
    if month:
        start = _parse_month(month)
        if start > now:
            raise UsageError(
                f"--month {month} has not started yet", hint="choose this month or an earlier one"
            )
        end = next_month(start)
        if end > now:
            return Period(start, now, f"{start:%Y-%m} (to {stamp})", to_date=True)
        return Period(start, end, f"{start:%Y-%m}")
    if since:
        start = _parse_since(since)
        if start >= now:
            raise UsageError(f"--since {since} is not in the past", hint="give a date before today")
        return Period(start, now, f"{start:%Y-%m-%d} to {stamp}", to_date=True)
    start = month_start(now)
    return Period(start, now, f"{start:%Y-%m} (to {stamp})", to_date=True)
