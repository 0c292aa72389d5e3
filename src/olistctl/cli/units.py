"""Sizes, times and durations in a command's output: one convention for every command
(for users: README, Machine-readable output).

The machine formats (csv, json, jsonl, and markdown, which carries the same exact values)
write what olistctl reports about its own work as a script reads it best:

- a size is a whole number of bytes, in a field named ``bytes`` or ``<what>_bytes``;
- a time is ISO 8601 in UTC with its offset, to the second: ``2026-12-07T19:17:57+00:00``
  (the offset form Python's ``isoformat`` writes, as the ledger and the KPI answers do);
- a duration is a number of seconds, in a field named ``seconds`` or ``<what>_seconds``;
- a calendar day is ``YYYY-MM-DD``.

The table format writes the same values for people: ``1.3 MB``, ``2026-12-07 19:17:57 UTC``.
Query answers are not olistctl's figures but the SQL's values, written as Athena writes
them (``cli/render.py``), and are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from olistctl.cli.render import human_bytes


def _utc(when: datetime) -> datetime:
    # olistctl records its times in UTC: one without a zone (an old ledger line) is UTC too.
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def iso_time(when: datetime) -> str:
    """A time as the machine formats write it."""
    return _utc(when).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Units:
    """How one output format writes sizes and times (its column names too)."""

    for_people: bool

    def size_column(self, what: str | None = None) -> str:
        """``size``/``csv size`` in a table; ``bytes``/``csv_bytes`` for a script."""
        if self.for_people:
            return f"{what} size" if what else "size"
        return f"{what}_bytes" if what else "bytes"

    def size(self, n: int | None) -> str | int | None:
        if n is None:
            return None
        return human_bytes(n) if self.for_people else int(n)

    def time(self, when: datetime | None) -> str | None:
        if when is None:
            return None
        if self.for_people:
            return _utc(when).strftime("%Y-%m-%d %H:%M:%S UTC")
        return iso_time(when)


def units(output: StrEnum) -> Units:
    """The units of ``output`` (an ``OutputFormat`` or ``QualityFormat``): people read the
    table, scripts read every other format."""
    return Units(for_people=output.value == "table")
