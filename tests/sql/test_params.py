"""Query parameters: typed values, the Athena literals sent as ExecutionParameters, the binding
of named and positional values, and the exact message for each kind of bad value.

Evidence for the literal forms: AWS's Athena docs, "Data type examples"
(https://docs.aws.amazon.com/athena/latest/ug/data-types-examples.html) — ``123456790``
(INTEGER), ``BIGINT '1234567890'``, ``1.234`` (DOUBLE), ``DECIMAL '123.456'``,
``'hello ''world''!'`` (a quote doubled), ``DATE '2024-03-25'``, ``TIMESTAMP '…'``,
``true``; and "Use parameterized queries"
(https://docs.aws.amazon.com/athena/latest/ug/querying-with-prepared-statements.html):
string values must be enclosed in single quotes; ``?`` only in a WHERE clause; positional.
The 1,024-character limit is ``ExecutionParameter`` in Athena's API model (botocore).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from olistctl.errors import ExitCode, SqlError, UsageError
from olistctl.sql import named
from olistctl.sql.params import (
    BoundParam,
    Param,
    bind_named,
    bind_values,
    check_count,
    parse_positional,
    parse_value,
    placeholder_count,
)
from olistctl.sql.transpile import transpile


@pytest.mark.parametrize(
    ("type_name", "text", "value", "literal", "sql_type"),
    [
        ("varchar", "SP", "SP", "'SP'", "varchar"),
        ("varchar", "", "", "''", "varchar"),
        ("varchar", "d'Oeste", "d'Oeste", "'d''Oeste'", "varchar"),
        ("varchar", "SP' OR '1'='1", "SP' OR '1'='1", "'SP'' OR ''1''=''1'", "varchar"),
        ("varchar", "são paulo", "são paulo", "'são paulo'", "varchar"),
        ("integer", "10", 10, "10", "integer"),
        ("integer", "-2147483648", -(2**31), "-2147483648", "integer"),
        ("bigint", "2147483648", 2**31, "BIGINT '2147483648'", "bigint"),
        ("double", "0.5", 0.5, "0.5", "double"),
        ("double", "2", 2.0, "2.0", "double"),
        ("double", "1e-5", 1e-5, "1E-05", "double"),
        ("decimal", "12.50", Decimal("12.50"), "DECIMAL '12.50'", "decimal(4,2)"),
        ("decimal", "-0.1", Decimal("-0.1"), "DECIMAL '-0.1'", "decimal(1,1)"),
        ("date", "2018-01-01", date(2018, 1, 1), "DATE '2018-01-01'", "date"),
        (
            "timestamp",
            "2017-11-24 13:05:09.25",
            datetime(2017, 11, 24, 13, 5, 9, 250000),
            "TIMESTAMP '2017-11-24 13:05:09.250'",
            "timestamp",
        ),
        (
            "timestamp",
            "2017-11-24",
            datetime(2017, 11, 24),
            "TIMESTAMP '2017-11-24 00:00:00.000'",
            "timestamp",
        ),
        ("boolean", "TRUE", True, "true", "boolean"),
        ("boolean", "false", False, "false", "boolean"),
    ],
)
def test_a_value_becomes_the_athena_literal_of_its_type(type_name, text, value, literal, sql_type):
    parsed = parse_value(type_name, text, name="p")
    assert parsed == value and type(parsed) is type(value)
    bound = BoundParam("p", type_name, parsed)
    assert bound.literal == literal
    assert bound.sql_type == sql_type


@pytest.mark.parametrize(
    ("type_name", "text", "message"),
    [
        (
            "date",
            "2018-02-30",
            "The parameter since must be a date (YYYY-MM-DD), not '2018-02-30':"
            " e.g. since=2018-01-01",
        ),
        (
            "date",
            "01/02/2018",
            "The parameter since must be a date (YYYY-MM-DD), not '01/02/2018':"
            " e.g. since=2018-01-01",
        ),
        (
            "integer",
            "ten",
            "The parameter since must be a whole number from -2147483648 to 2147483647,"
            " not 'ten': e.g. since=10",
        ),
        (
            "integer",
            "1.5",
            "The parameter since must be a whole number from -2147483648 to 2147483647,"
            " not '1.5': e.g. since=10",
        ),
        (
            "integer",
            "2147483648",
            "The parameter since must be a whole number from -2147483648 to 2147483647,"
            " not 2147483648: e.g. since=10",
        ),
        (
            "integer",
            "1_000",
            "The parameter since must be a whole number from -2147483648 to 2147483647,"
            " not '1_000': e.g. since=10",
        ),
        (
            "double",
            "nan",
            "The parameter since must be a number such as 0.5 or 1e-3, not 'nan': e.g. since=0.5",
        ),
        (
            "double",
            "1e999",
            "The parameter since must be a number such as 0.5 or 1e-3, not inf: e.g. since=0.5",
        ),
        (
            "decimal",
            "1e3",
            "The parameter since must be a decimal number such as 12.50, not '1e3':"
            " e.g. since=12.50",
        ),
        (
            "timestamp",
            "2018-01-01 25:00:00",
            "The parameter since must be a timestamp (YYYY-MM-DD HH:MM:SS[.fff]),"
            " not '2018-01-01 25:00:00': e.g. since=2018-01-01 00:00:00",
        ),
        (
            "boolean",
            "yes",
            "The parameter since must be true or false, not 'yes': e.g. since=true",
        ),
    ],
)
def test_a_mistyped_value_names_the_parameter_and_the_fix(type_name, text, message):
    with pytest.raises(UsageError) as caught:
        parse_value(type_name, text, name="since")
    assert str(caught.value) == message
    assert caught.value.exit_code == ExitCode.USAGE


def test_a_value_too_long_for_athena_is_refused_before_anything_runs():
    parse_value("varchar", "x" * 1022, name="note")  # 1,024 characters with its quotes
    with pytest.raises(UsageError, match=r"too long for Athena \(1,025 characters as a literal"):
        parse_value("varchar", "x" * 1023, name="note")
    with pytest.raises(UsageError, match="more than 38 digits"):
        parse_value("decimal", "1" * 39, name="amount")


def test_a_positional_value_is_text_unless_a_type_prefix_says_otherwise():
    assert parse_positional("shipped", 1) == BoundParam("?1", "varchar", "shipped")
    assert parse_positional("date:2018-01-01", 2) == BoundParam("?2", "date", date(2018, 1, 1))
    assert parse_positional("INTEGER:3", 1) == BoundParam("?1", "integer", 3)
    assert parse_positional("varchar:date:x", 1).value == "date:x"
    assert parse_positional("http://x", 1).value == "http://x"  # not a type name
    with pytest.raises(UsageError) as caught:
        parse_positional("date:2018-1-1", 3)
    assert str(caught.value) == (
        "The parameter ?3 must be a date (YYYY-MM-DD), not '2018-1-1': e.g. date:2018-01-01"
    )


def test_python_values_are_typed_by_their_type():
    bound = bind_values(
        ["SP", 3, 2**40, 0.25, Decimal("9.90"), date(2018, 1, 1), datetime(2018, 1, 1, 8), True]
    )
    assert [(b.type, b.literal) for b in bound] == [
        ("varchar", "'SP'"),
        ("integer", "3"),
        ("bigint", "BIGINT '1099511627776'"),
        ("double", "0.25"),
        ("decimal", "DECIMAL '9.90'"),
        ("date", "DATE '2018-01-01'"),
        ("timestamp", "TIMESTAMP '2018-01-01 08:00:00.000'"),
        ("boolean", "true"),
    ]
    with pytest.raises(UsageError, match=r"The parameter \?1 is a list, which Athena has no"):
        bind_values([["SP"]])


def test_a_timestamp_finer_than_milliseconds_is_refused_not_cut():
    """The aws literal spells milliseconds (TIMESTAMP '… .000'), while the local engine bound
    the Python value as it was: `ts >= datetime(…, 400 µs)` left out a row at the whole
    millisecond locally that the same call keeps on Athena. One sentence instead."""
    kept = bind_values([datetime(2017, 1, 23, 21, 5, 15, 123000)])
    assert [(b.value, b.literal) for b in kept] == [
        (datetime(2017, 1, 23, 21, 5, 15, 123000), "TIMESTAMP '2017-01-23 21:05:15.123'")
    ]
    with pytest.raises(UsageError) as caught:
        bind_values(["SP", datetime(2017, 1, 23, 21, 5, 15, 123400)])
    assert str(caught.value) == (
        "The parameter ?2 is finer than Athena's milliseconds (2017-01-23 21:05:15.123400):"
        " round it to whole milliseconds, e.g. value.replace(microsecond=123000)"
    )


DECLARED = (
    Param("state", "varchar", "%", "a state"),
    Param("since", "date", date(2016, 1, 1)),
    Param("min_orders", "integer"),  # required: no default
)


def test_named_values_are_bound_in_declaration_order_with_defaults():
    bound = bind_named("q", DECLARED, {"min_orders": "5", "state": "SP"})
    assert [(b.name, b.value) for b in bound] == [
        ("state", "SP"),
        ("since", date(2016, 1, 1)),
        ("min_orders", 5),
    ]
    # A Python value of the declared type is taken as it is; another type is refused.
    assert bind_named("q", DECLARED, {"min_orders": 5})[2].value == 5
    with pytest.raises(UsageError) as caught:
        bind_named("q", DECLARED, {"min_orders": 5.0})
    assert str(caught.value) == (
        "The parameter min_orders must be a whole number from -2147483648 to 2147483647,"
        " not 5.0 (float): e.g. min_orders=10"
    )


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            {},
            "The query q needs the parameter min_orders"
            " (a whole number from -2147483648 to 2147483647): give it, e.g. min_orders=10",
        ),
        (
            {"min_orders": "1", "stat": "SP"},
            "The query q has no parameter 'stat': did you mean state? its parameters:"
            " state varchar = %, since date = 2016-01-01, min_orders integer (required)",
        ),
    ],
    ids=["missing", "extra"],
)
def test_a_missing_or_unknown_named_parameter_is_one_sentence(given, message):
    with pytest.raises(UsageError) as caught:
        bind_named("q", DECLARED, given)
    assert str(caught.value) == message


def test_a_query_without_parameters_says_so():
    with pytest.raises(UsageError, match="has no parameter 'x': it takes no parameters"):
        bind_named("q", (), {"x": "1"})


@pytest.mark.parametrize(
    ("sql", "count"),
    [
        ("SELECT 1 FROM t WHERE a = ? AND b = ?", 2),
        ("SELECT '?' FROM t WHERE a = '??'", 0),
        ("SELECT \"odd?\" FROM t WHERE a = 'it''s ?' AND b = ?", 1),
        ("SELECT 1 -- why?\nFROM t /* what? */ WHERE a = ?", 1),
        ("SELECT 1 FROM t WHERE a = ? /* unclosed ?", 1),
    ],
)
def test_placeholders_are_counted_outside_strings_names_and_comments(sql, count):
    assert placeholder_count(sql) == count


@pytest.mark.parametrize(
    ("sql", "count"),
    [
        # SIMPLE_COMMENT: '--' ~[\r\n]* '\r'? '\n'?: a carriage return alone ends it.
        ("SELECT a FROM t WHERE b = 1 -- why?\rAND a = ?", 1),
        ("SELECT a FROM t WHERE b = 1 -- why?\r\nAND a = ?", 1),
        # BACKQUOTED_IDENTIFIER: '`' ( ~'`' | '``' )* '`': one token, its ? with it.
        ("SELECT `odd?` FROM t WHERE a = ?", 1),
        ("SELECT `a``?` FROM t WHERE a = ?", 1),
    ],
)
def test_placeholders_are_the_question_marks_trinos_lexer_reads(sql, count):
    """The ? marks are the QUESTION_MARK tokens of Trino's lexer (trinodb/trino,
    core/trino-grammar/src/main/antlr4/io/trino/grammar/sql/SqlBase.g4), as the transpiler
    reads them (sql/comments.py): the count checked before a query runs, on both backends,
    must be that one, or a right number of values is refused."""
    assert placeholder_count(sql) == count
    if "`" not in sql:  # the local engine refuses backquoted names (Trino's parser does)
        schema = {"t": {"a": "string", "b": "int"}}
        assert "$1" in transpile(sql, schema, param_types=["varchar"] * count).duckdb_sql


@pytest.mark.parametrize(
    ("sql", "values", "message"),
    [
        (
            "SELECT 1 FROM t WHERE a = ? AND b = ?",
            ["x"],
            "The query has 2 ? placeholders but 1 parameter value was given (1 missing):"
            " give one value per ?, in the order the ? marks appear",
        ),
        (
            "SELECT 1 FROM t WHERE a = ?",
            ["x", "y"],
            "The query has 1 ? placeholder but 2 parameter values were given (1 extra):"
            " give one value per ?, in the order the ? marks appear",
        ),
        (
            "SELECT 1 FROM t",
            ["x"],
            "The query has no ? placeholder, but 1 parameter value was given:"
            " put a ? in the WHERE clause for each value, or drop the values",
        ),
    ],
)
def test_a_wrong_number_of_values_is_one_sentence(sql, values, message):
    with pytest.raises(UsageError) as caught:
        check_count(sql, bind_values(values))
    assert str(caught.value) == message


SCHEMA = {"t": {"a": "string", "ts": "timestamp", "price": "decimal(10,2)"}}


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT ? FROM t", "Athena takes a ? parameter only in a WHERE clause (line 1, column 8)"),
        (
            "SELECT a FROM t GROUP BY a HAVING COUNT(*) > ?",
            "Athena takes a ? parameter only in a WHERE clause (line 1, column 46)",
        ),
        (
            "SELECT t.a FROM t JOIN t AS u ON u.a = ?",
            "Athena takes a ? parameter only in a WHERE clause (line 1, column 40)",
        ),
    ],
)
def test_a_placeholder_outside_a_where_clause_is_refused_as_athena_refuses_it(sql, message):
    with pytest.raises(SqlError) as caught:
        transpile(sql, SCHEMA, param_types=["varchar"])
    assert str(caught.value).startswith(message)


def test_placeholders_bind_in_the_order_written_not_the_order_of_the_tree():
    # sqlglot visits a CTE's WHERE after the main query's: the text order is what counts.
    sql = (
        "WITH x AS (SELECT a FROM t WHERE ts >= ?) "
        "SELECT a FROM x WHERE a = ? AND a IN (SELECT a FROM t WHERE price < ?)"
    )
    duckdb_sql = transpile(sql, SCHEMA, param_types=["date", "varchar", "decimal(4,2)"]).duckdb_sql
    assert duckdb_sql.index("CAST($1 AS DATE)") < duckdb_sql.index("CAST($2 AS TEXT)")
    assert "CAST($3 AS DECIMAL(4, 2))" in duckdb_sql
    assert "?" not in duckdb_sql


# -- the header of a named query ------------------------------------------------------------


def test_a_named_query_header_declares_its_parameters():
    query = named._parse(
        "q",
        "-- Orders of a state\n"
        "-- param: state varchar = 'São Paulo -- SP' -- the state's name\n"
        "-- param: since date = 2017-01-01 -- purchased on or after\n"
        "-- param: quiet boolean\n"
        "SELECT 1 FROM t WHERE a = ? AND ts >= ? AND ?",
    )
    assert query.params == (
        Param("state", "varchar", "São Paulo -- SP", "the state's name"),
        Param("since", "date", date(2017, 1, 1), "purchased on or after"),
        Param("quiet", "boolean", None, ""),
    )
    assert not query.runs_as_is


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("-- param: since day = 2017-01-01", "the type must be one of"),
        ("-- param: Since date = 2017-01-01", "the name must be lowercase"),
        ("-- param: since date = 2017-13-01", "must be a date"),
        ("-- param: since date = 'x", "the quoted default is not closed"),
        ("-- param: since date = '2017-01-01' what", "expected '-- <description>'"),
        ("-- param: since date\n-- param: since date", "declares a parameter twice"),
        ("-- param: since date\n-- param: until date", "declares 2 parameters for 1 ?"),
    ],
)
def test_a_bad_header_is_refused_when_the_queries_load(header, problem):
    with pytest.raises((ValueError, UsageError), match=problem):
        named._parse("q", f"-- A query\n{header}\nSELECT 1 FROM t WHERE ts >= ?")


def test_every_shipped_query_runs_as_it_is_and_declares_what_its_sql_uses():
    queries = named.list_queries()
    assert len(queries) >= 22
    for query in queries:
        assert query.runs_as_is, query.name
        assert placeholder_count(query.sql) == len(query.params), query.name
        for param in query.params:
            assert param.description, (query.name, param.name)
