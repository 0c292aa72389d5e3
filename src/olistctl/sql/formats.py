"""Date/time format patterns: Athena's MySQL-style and Joda patterns as DuckDB strftime formats.

Only specifiers whose output (or parsing) is the same in both engines are
translated; anything else raises :class:`UnsupportedPattern` naming it, and
the caller refuses the query. References: Trino docs "Date and time
functions" (MySQL date functions table; Java date functions / JodaTime
``DateTimeFormat``).
"""

from __future__ import annotations

import re

# What DuckDB's strptime takes for whitespace (StringUtil::CharacterIsSpace): it skips it at
# both ends of the text and lets one in the format match a run of it. Joda matches each
# character of the pattern once and fails text left over.
_DUCKDB_WHITESPACE = r"[ \t\n\v\f\r]"
# Text that DuckDB's strptime reads and Joda fails, once the pattern's own whitespace is
# only single spaces inside it: whitespace at an end, other than a space, or two in a row.
LOOSE_WHITESPACE = (
    rf"^{_DUCKDB_WHITESPACE}|{_DUCKDB_WHITESPACE}$|[\t\n\v\f\r]|{_DUCKDB_WHITESPACE}{{2}}"
)


class UnsupportedPattern(ValueError):
    """A specifier the local engine cannot reproduce exactly."""

    def __init__(self, specifier: str, reason: str = "") -> None:
        super().__init__(specifier)
        self.specifier = specifier
        self.reason = reason


# date_format: MySQL specifier -> DuckDB strftime, same output for timestamp(3) values.
_MYSQL_FORMAT = {
    "a": "%a",  # Sun .. Sat
    "b": "%b",  # Jan .. Dec
    "c": "%-m",  # 1 .. 12
    "d": "%d",
    "e": "%-d",
    # Trino prints 6 digits of a value truncated to milliseconds: 123000.
    "f": "%g000",
    "H": "%H",
    "h": "%I",
    "I": "%I",
    "i": "%M",
    "j": "%j",
    "k": "%-H",
    "l": "%-I",
    "M": "%B",
    "m": "%m",
    "p": "%p",
    "r": "%I:%M:%S %p",
    "S": "%S",
    "s": "%S",
    "T": "%H:%M:%S",
    "v": "%V",  # ISO week, Monday first
    "W": "%A",
    "x": "%G",  # ISO week-based year
    "Y": "%Y",
    "y": "%y",
    "%": "%%",
}

# date_parse: DuckDB's strptime accepts unpadded numbers for its padded specifiers.
_MYSQL_PARSE = {
    "b": "%b",
    "c": "%m",
    "d": "%d",
    "e": "%d",
    "f": "%f",
    "H": "%H",
    "h": "%I",
    "I": "%I",
    "i": "%M",
    "j": "%j",
    "k": "%H",
    "l": "%I",
    "M": "%B",
    "m": "%m",
    "p": "%p",
    "r": "%I:%M:%S %p",
    "S": "%S",
    "s": "%S",
    "T": "%H:%M:%S",
    "Y": "%Y",
    "%": "%%",
}

# Trino documents these as unsupported (it raises); the rest differ when parsing.
_MYSQL_UNSUPPORTED = set("DUuVwX")
_PARSE_REASONS = {
    "y": "two-digit years parse into 1970..2069 in Athena",
    "v": "week-based dates",
    "x": "week-based dates",
    # Joda sets the day of the week after the day of the month (DateTimeParserBucket sorts
    # the fields by range), moving the date within its week: 'Mon 2020-01-05' is 2019-12-30
    # in Athena. DuckDB's strptime ignores the name.
    "a": "a weekday name moves the date to that day of its week in Athena",
    "W": "a weekday name moves the date to that day of its week in Athena",
}


def _literal(char: str) -> str:
    return "%%" if char == "%" else char


def mysql_to_strftime(pattern: str, *, parsing: bool = False) -> str:
    """A DuckDB strftime/strptime format for an Athena ``date_format``/``date_parse`` pattern."""
    table = _MYSQL_PARSE if parsing else _MYSQL_FORMAT
    out: list[str] = []
    specs: set[str] = set()
    literals: list[str] = []  # the pattern's literal text, each specifier as a NUL
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char != "%":
            out.append(_literal(char))
            literals.append(char)
            i += 1
            continue
        if i + 1 >= len(pattern):
            raise UnsupportedPattern("%", "a pattern cannot end with a lone %")
        spec = pattern[i + 1]
        specs.add(spec)
        i += 2
        literals.append("\0" if spec in table else spec)
        if spec in table:
            out.append(table[spec])
        elif spec in _MYSQL_UNSUPPORTED or (parsing and spec in _PARSE_REASONS):
            raise UnsupportedPattern("%" + spec, _PARSE_REASONS.get(spec, ""))
        elif spec.isalpha() and parsing:
            raise UnsupportedPattern("%" + spec)
        else:
            # Athena prints an unlisted specifier as its letter ('%g' -> 'g', Trino's
            # TestDateTimeFunctions.testDateFormat); written out as a literal here.
            out.append(_literal(spec))
    if parsing:
        _refuse_parse_combinations(pattern, specs)
        if re.search(LOOSE_WHITESPACE, "".join(literals)):
            # Only single spaces inside the pattern match the same text in both engines.
            raise UnsupportedPattern(
                pattern, "whitespace other than single spaces between the pattern's parts"
            )
    return "".join(out)


def _refuse_parse_combinations(pattern: str, specs: set[str]) -> None:
    """Specifiers DuckDB's strptime combines otherwise than Joda, which Trino parses with."""
    if "Y" not in specs:
        # Without a year DuckDB starts from 1900-01-01, Athena from 1970-01-01.
        raise UnsupportedPattern(pattern, "a date_parse pattern without %Y")
    if specs & set("hIl") and "p" not in specs:
        # Without AM/PM Trino reads hour 12 as 0 (00:35); DuckDB keeps 12.
        raise UnsupportedPattern("%h", "a 12-hour field without %p")
    hour_of_day = sorted(specs & set("HkT"))
    if hour_of_day and specs & set("pr"):
        # Joda sets the parsed fields in order (DateTimeParserBucket.computeMillis):
        # AM/PM first, then the hour of the day as written, so '01:00 PM' with '%H:%i %p'
        # is 01:00 in Athena; DuckDB adds the 12 hours.
        raise UnsupportedPattern("%" + hour_of_day[0], "a 24-hour field with %p")


# format_datetime: Joda letter -> {repeat count: strftime}. A count not listed is refused.
_JODA = {
    "y": {1: "%Y", 2: "%y", 4: "%Y"},
    "Y": {1: "%Y", 2: "%y", 4: "%Y"},
    "M": {1: "%-m", 2: "%m", 3: "%b", 4: "%B"},
    "d": {1: "%-d", 2: "%d"},
    "D": {1: "%-j", 3: "%j"},
    "H": {1: "%-H", 2: "%H"},
    "h": {1: "%-I", 2: "%I"},
    "m": {1: "%-M", 2: "%M"},
    "s": {1: "%-S", 2: "%S"},
    "S": {3: "%g", 6: "%g000"},  # timestamp(3): the digits past the millisecond are zeros
    "a": {1: "%p"},
    "E": {1: "%a", 2: "%a", 3: "%a", 4: "%A"},
    "e": {1: "%u"},  # ISO day of week, Monday = 1
    "w": {2: "%V"},
    "x": {4: "%G"},
}


def _quoted(pattern: str, start: int) -> tuple[str, int]:
    """Joda quoted text at ``start`` (``''`` is a quote): (the text, the index after it)."""
    if pattern.startswith("''", start):
        return "'", start + 2
    text: list[str] = []
    i = start + 1
    while i < len(pattern):
        if pattern[i] == "'":
            if pattern.startswith("''", i):
                text.append("'")
                i += 2
                continue
            return "".join(text), i + 1
        text.append(pattern[i])
        i += 1
    raise UnsupportedPattern("'", "an unterminated quoted literal")


def joda_to_strftime(pattern: str) -> str:
    """A DuckDB strftime format for an Athena ``format_datetime`` (Joda) pattern."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "'":
            text, i = _quoted(pattern, i)
            out.append(text.replace("%", "%%"))
            continue
        if not char.isalpha():
            out.append(_literal(char))
            i += 1
            continue
        run = 1
        while i + run < len(pattern) and pattern[i + run] == char:
            run += 1
        counts = _JODA.get(char, {})
        # Four or more text letters mean the full form in Joda (MMMM, EEEE …).
        key = min(run, 4) if char in "ME" and run >= 4 else run
        if key not in counts:
            raise UnsupportedPattern(char * run)
        out.append(counts[key])
        i += run
    return "".join(out)
