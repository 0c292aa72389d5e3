"""The period a report covers: --month, --since, the default, and bad values."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from olistctl.cost import resolve_period
from olistctl.errors import ExitCode, UsageError

NOW = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)  # 15.5 of November's 30 days


def test_default_is_this_month_to_date():
    period = resolve_period(now=NOW)
    assert (period.start, period.end) == (datetime(2026, 11, 1, tzinfo=UTC), NOW)
    assert period.to_date
    assert period.month_fraction == pytest.approx(15.5 / 30)
    assert period.months_touched == 1


def test_a_past_month_is_the_whole_month():
    period = resolve_period(month="2026-02", now=NOW)
    assert period.start == datetime(2026, 2, 1, tzinfo=UTC)
    assert period.end == datetime(2026, 3, 1, tzinfo=UTC)
    assert not period.to_date
    assert period.month_fraction == 1
    assert period.label == "2026-02"


def test_december_ends_on_the_first_of_january():
    period = resolve_period(month="2025-12", now=NOW)
    assert period.end == datetime(2026, 1, 1, tzinfo=UTC)


def test_the_current_month_runs_to_now():
    period = resolve_period(month="2026-11", now=NOW)
    assert period.end == NOW and period.to_date


def test_since_spanning_two_months():
    period = resolve_period(since="2026-10-16", now=NOW)
    assert period.start == datetime(2026, 10, 16, tzinfo=UTC)
    assert period.months_touched == 2
    # 16 of October's 31 days, then 15.5 of November's 30.
    assert period.month_fraction == pytest.approx(16 / 31 + 15.5 / 30)


def test_entries_are_in_the_period_by_start_time():
    period = resolve_period(month="2026-02", now=NOW)
    assert period.contains(datetime(2026, 2, 28, 23, 59, tzinfo=UTC))
    assert not period.contains(datetime(2026, 3, 1, tzinfo=UTC))
    assert period.contains(datetime(2026, 2, 1))  # naive means UTC


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"month": "2026-13"},
            "--month '2026-13' is not a month: write it as YYYY-MM, for example 2026-11",
        ),
        (
            {"month": "November"},
            "--month 'November' is not a month: write it as YYYY-MM, for example 2026-11",
        ),
        (
            {"month": "2027-01"},
            "--month 2027-01 has not started yet: choose this month or an earlier one",
        ),
        (
            {"since": "yesterday"},
            "--since 'yesterday' is not a date: write it as YYYY-MM-DD, for example 2026-11-01",
        ),
        (
            {"since": "2026-12-01"},
            "--since 2026-12-01 is not in the past: give a date before today",
        ),
        (
            {"since": "2026-11-01", "month": "2026-11"},
            "--since and --month cannot be combined: give one of them",
        ),
    ],
)
def test_bad_periods_are_usage_errors(kwargs, message):
    with pytest.raises(UsageError) as caught:
        resolve_period(now=NOW, **kwargs)
    assert str(caught.value) == message
    assert caught.value.exit_code == ExitCode.USAGE
