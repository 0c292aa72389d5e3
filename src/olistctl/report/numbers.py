"""How report numbers are written: money, quantities, unit prices, numbers held as text.

Shared by the terminal tables and the HTML report, so a figure reads the same in both.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

_MAX_DECIMALS = 6


def money_format(amounts: Sequence[float]) -> Callable[[float], str]:
    """``$1,234.50`` style, with as many decimals as the smallest non-zero amount needs
    (2 to 6), the same for every amount of the column."""
    smallest = min((abs(a) for a in amounts if a), default=0.0)
    places = 2
    if 0 < smallest < 0.01:
        places = min(_MAX_DECIMALS, -math.floor(math.log10(smallest)) + 1)

    def fmt(amount: float) -> str:
        sign = "-" if amount < 0 else ""
        return f"{sign}${abs(amount):,.{places}f}"

    return fmt


def quantity(value: float) -> str:
    """Whole numbers with separators; small ones fixed-point with three significant digits."""
    if value == int(value) or abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.2f}"
    digits = 2 - math.floor(math.log10(abs(value)))
    return f"{value:.{digits}f}"


def unit_price(value: float) -> str:
    """At least two decimals, and every significant one of a sub-cent price."""
    whole, _, fraction = f"{value:.10f}".rstrip("0").partition(".")
    return f"${int(whole):,}.{fraction.ljust(2, '0')}"


_NUMBER_TEXT = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")


def is_number_text(value: object) -> bool:
    """Whether ``value`` is a number written out as text (a KPI's value column)."""
    return isinstance(value, str) and _NUMBER_TEXT.fullmatch(value) is not None


def grouped(text: str) -> str:
    """A number written as text (a KPI's value) with thousands separators: 165,951.94."""
    if not is_number_text(text):
        return text
    head, dot, frac = text.partition(".")
    sign = "-" if head.startswith("-") else ""
    return f"{sign}{int(head.lstrip('-')):,}{dot}{frac}"
