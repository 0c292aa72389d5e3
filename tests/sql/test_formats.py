"""Translation of Athena date/time patterns, checked against Python's own strftime output."""

from __future__ import annotations

from datetime import datetime

import pytest

from olistctl.sql.formats import UnsupportedPattern, joda_to_strftime, mysql_to_strftime

MOMENT = datetime(2021, 1, 3, 9, 4, 5, 123000)  # a Sunday, in ISO week 53 of 2020


def duckdb_strftime(con, fmt: str) -> str:
    return con.execute("SELECT strftime(TIMESTAMP '2021-01-03 09:04:05.123', ?)", [fmt]).fetchone()[
        0
    ]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        # Trino docs, MySQL date functions: one specifier each.
        ("%a", "Sun"),
        ("%b", "Jan"),
        ("%c", "1"),
        ("%d", "03"),
        ("%e", "3"),
        ("%f", "123000"),
        ("%H", "09"),
        ("%h", "09"),
        ("%I", "09"),
        ("%i", "04"),
        ("%j", "003"),
        ("%k", "9"),
        ("%l", "9"),
        ("%M", "January"),
        ("%m", "01"),
        ("%p", "AM"),
        ("%r", "09:04:05 AM"),
        ("%S", "05"),
        ("%s", "05"),
        ("%T", "09:04:05"),
        ("%v", "53"),
        ("%W", "Sunday"),
        ("%x", "2020"),
        ("%Y", "2021"),
        ("%y", "21"),
        ("%%", "%"),
        # "%x, for any x not listed above" prints x: the % itself disappears.
        ("100% on %Y", "100 on 2021"),
    ],
)
def test_date_format_specifiers(duck, pattern, expected):
    assert duckdb_strftime(duck, mysql_to_strftime(pattern)) == expected


@pytest.mark.parametrize("specifier", ["%D", "%U", "%u", "%V", "%w", "%X"])
def test_unsupported_date_format_specifiers_are_named(specifier):
    # Trino's TestDateTimeFunctions.testDateFormat: "%D not supported in date format string".
    with pytest.raises(UnsupportedPattern) as caught:
        mysql_to_strftime(f"%Y {specifier}")
    assert caught.value.specifier == specifier


@pytest.mark.parametrize(("pattern", "expected"), [("%g", "g"), ("%Q", "Q"), ("%4", "4")])
def test_unlisted_specifiers_print_their_letter(duck, pattern, expected):
    # Trino's TestDateTimeFunctions.testDateFormat: date_format(…, '%g') = 'g', '%4' = '4'.
    assert duckdb_strftime(duck, mysql_to_strftime(pattern)) == expected


@pytest.mark.parametrize("pattern", ["%Y-%m-%d %h:%i", "%Y %l", "%Y %Q"])
def test_parse_patterns_that_read_differently_are_refused(pattern):
    # Trino reads hour 12 of '%h' without '%p' as 0 (testDateParse: '2013-05-17 12:35:10'
    # with '%Y-%m-%d %h:%i:%s' is 00:35:10); DuckDB keeps 12.
    with pytest.raises(UnsupportedPattern):
        mysql_to_strftime(pattern, parsing=True)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("yyyy-MM-dd HH:mm:ss", "2021-01-03 09:04:05"),
        ("yyyy-MM", "2021-01"),
        ("yy", "21"),
        ("M/d/y", "1/3/2021"),
        ("MMM", "Jan"),
        ("MMMM", "January"),
        ("EEE", "Sun"),
        ("EEEE", "Sunday"),
        ("e", "7"),
        ("D", "3"),
        ("DDD", "003"),
        ("H:m:s", "9:4:5"),
        ("hh a", "09 AM"),
        ("SSS", "123"),
        ("ww xxxx", "53 2020"),
        ("yyyy-MM-dd'T'HH", "2021-01-03T09"),
        ("'o''clock' H", "o'clock 9"),
        ("100%", "100%"),
    ],
)
def test_joda_patterns(duck, pattern, expected):
    assert duckdb_strftime(duck, joda_to_strftime(pattern)) == expected


@pytest.mark.parametrize("pattern", ["zzz", "Z", "kk", "K", "G", "SS", "yyy", "'open"])
def test_unsupported_joda_patterns_are_named(pattern):
    with pytest.raises(UnsupportedPattern) as caught:
        joda_to_strftime(pattern)
    assert caught.value.specifier in pattern


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("%Y-%m-%d %H:%i:%s", "2021-01-03 09:04:05", datetime(2021, 1, 3, 9, 4, 5)),
        ("%d/%c/%Y %k:%i", "3/1/2021 9:04", datetime(2021, 1, 3, 9, 4)),
        ("%Y-%m-%d %T.%f", "2021-01-03 09:04:05.123", MOMENT),
        ("%e %M %Y %r", "3 January 2021 09:04:05 AM", datetime(2021, 1, 3, 9, 4, 5)),
        ("%b %d %Y", "Jan 03 2021", datetime(2021, 1, 3)),
    ],
)
def test_date_parse_patterns(duck, pattern, text, expected):
    fmt = mysql_to_strftime(pattern, parsing=True)
    assert duck.execute("SELECT strptime(?, ?)", [text, fmt]).fetchone()[0] == expected


@pytest.mark.parametrize(
    "pattern",
    [
        "%y-%m-%d",
        "%x-%v",
        "%H:%i",
        "%Y %D",
        "%Y %H:%i %p",
        "%Y %k %p",
        "%Y %T %r",
        "%a %Y-%m-%d",
        "%W %b %d %Y",
        "%Y-%m-%d  %H",
        " %Y-%m-%d",
        "%Y-%m-%d\t%H",
    ],
)
def test_date_parse_refuses_what_parses_differently(pattern):
    with pytest.raises(UnsupportedPattern):
        mysql_to_strftime(pattern, parsing=True)
