"""Athena's double arithmetic, recomputed in Python for the tests' expected answers.

- ``ROUND(x, d)`` on a double is Trino's ``MathFunctions.round``: Java's
  ``Math.round(x * 10^d) / 10^d``, half away from zero (checked by Trino's
  TestMathFunctions.testRound: round(3.5E0) = 4.0, round(-3.5E0) = -4.0,
  round(3.499E0, 1) = 3.5).
- ``CAST(x AS varchar)`` of a double is Java's ``Double.toString`` on Athena (the
  real Athena engine v3 run printed '154.1' and '1.600887212E7'): the shortest
  digits that read back as x, plainly from 10^-3 to 10^7, else as ``d.dddE<n>``.

Written from those definitions, not from the engine's code, so the tests that
use them check the engine against an independent computation.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def athena_round(x: float, places: int = 0) -> float:
    """Trino's round(double, places)."""
    if math.isnan(x) or math.isinf(x):
        return x
    factor = math.pow(10, places)
    scaled = Decimal(x * factor).to_integral_value(rounding=ROUND_HALF_UP)
    return float(scaled) / factor


def share(part: int, whole: int, places: int = 2) -> float:
    """``ROUND(part * 100.0 / whole, places)`` as Athena computes it (a double)."""
    return athena_round(float(part) * 100.0 / float(whole), places)


def java_double_text(x: float) -> str:
    """Java's Double.toString(x) for a normal double (Python's repr has the same digits)."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0.0" if math.copysign(1, x) < 0 else "0.0"
    mantissa, _, exponent = repr(abs(x)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    point = len(whole) + int(exponent or 0) - (len(whole + fraction) - len(digits))
    digits = digits.rstrip("0")
    sign = "-" if x < 0 else ""
    if -2 <= point <= 7:
        if point <= 0:
            return f"{sign}0.{'0' * -point}{digits}"
        if point >= len(digits):
            return f"{sign}{digits}{'0' * (point - len(digits))}.0"
        return f"{sign}{digits[:point]}.{digits[point:]}"
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{point - 1}"
