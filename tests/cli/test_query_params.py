"""`olistctl query --param` on the local backend: named and positional values bound (never pasted
into the SQL), answers equal to pandas on the sample data, `--list` with the parameters, and
one exact sentence (exit 2, nothing on stdout, nothing written) for each kind of bad value."""

from __future__ import annotations

from datetime import date

import pytest
from lake import athena_text, rows_from
from refused_command import assert_debug_shows_traceback
from refused_query import error_line

import analyses
from olistctl.errors import ExitCode
from olistctl.sql.named import list_queries
from olistctl.sql.params import value_text


@pytest.fixture(scope="module")
def sample_frames(sample_data):
    return analyses.frames_of(analyses.arrow_tables(sample_data))


def answer_rows(columns: list[str], rows: list[tuple]) -> list[dict]:
    return [dict(zip(columns, (athena_text(v) for v in row), strict=True)) for row in rows]


def test_query_list_shows_every_query_with_its_parameters(cli):
    result = cli("query", "--list", "-o", "csv")
    assert result.exit_code == 0, result
    listed = {row["name"]: row for row in rows_from("csv", result.stdout)}
    assert len(listed) >= 22
    assert set(listed) == {q.name for q in list_queries()}
    assert listed["delivery_by_state"]["parameters"] == (
        "state varchar = %, since date = 2016-01-01"
    )
    assert listed["cohort_retention"]["parameters"] == (
        "since date = 2017-01-01, max_months integer = 12"
    )
    assert listed["order_status_mix"]["parameters"] is None  # no parameters: an empty cell
    parameterised = [name for name, row in listed.items() if row["parameters"]]
    assert len(parameterised) >= 10


def test_a_named_query_takes_name_value_parameters(cli, lake, sample_frames):
    lake("crawled")
    result = cli(
        "query",
        "--name",
        "delivery_by_state",
        "--param",
        "state=SP",
        "--param",
        "since=2018-01-01",
        "-o",
        "csv",
    )
    assert result.exit_code == 0, result
    columns = list(rows_from("csv", result.stdout)[0])
    expected = analyses.delivery_by_state(sample_frames, state="SP", since=date(2018, 1, 1))
    assert rows_from("csv", result.stdout) == answer_rows(columns, expected)
    assert [row["state"] for row in rows_from("csv", result.stdout)] == ["SP"]
    # Without --param: the defaults (every state, every date).
    everything = cli("query", "--name", "delivery_by_state", "-o", "csv")
    assert rows_from("csv", everything.stdout) == answer_rows(
        columns, analyses.delivery_by_state(sample_frames)
    )


def test_own_sql_takes_one_value_per_question_mark_in_order(cli, lake, sample_frames):
    lake("crawled")
    orders = sample_frames["orders"]
    result = cli(
        "query",
        "SELECT COUNT(*) AS n FROM olist_orders_dataset"
        " WHERE order_status = ? AND order_purchase_timestamp >= ?",
        "--param",
        "shipped",
        "--param",
        "date:2018-01-01",
        "-o",
        "csv",
    )
    assert result.exit_code == 0, result
    chosen = orders[
        (orders.order_status == "shipped") & (orders.order_purchase_timestamp >= "2018-01-01")
    ]
    assert rows_from("csv", result.stdout) == [{"n": str(len(chosen))}]
    assert len(chosen) > 0


def test_a_question_mark_after_a_comment_ended_by_a_carriage_return_takes_a_value(
    cli, lake, sample_frames
):
    # Trino's SIMPLE_COMMENT ends at a carriage return as at a line feed (SqlBase.g4:
    # '--' ~[\r\n]* '\r'? '\n'?), so the ? after it is a parameter: one value, bound.
    lake("crawled")
    orders = sample_frames["orders"]
    result = cli(
        "query",
        "SELECT COUNT(*) AS n FROM olist_orders_dataset -- which?\rWHERE order_status = ?",
        "--param",
        "shipped",
        "-o",
        "csv",
    )
    assert result.exit_code == 0, result.stderr
    shipped = orders[orders.order_status == "shipped"]
    assert rows_from("csv", result.stdout) == [{"n": str(len(shipped))}]
    assert 0 < len(shipped) < len(orders)


def test_an_injection_attempt_is_one_string_value(cli, lake):
    lake("crawled")
    for args in (
        ["--name", "delivery_by_state", "--param", "state=SP' OR '1'='1"],
        [
            "SELECT COUNT(*) AS n FROM olist_orders_dataset WHERE order_status = ?",
            "--param",
            "shipped' OR '1'='1",
        ],
    ):
        result = cli("query", *args, "-o", "csv")
        assert result.exit_code == 0, result
        rows = rows_from("csv", result.stdout)
        assert rows in ([], [{"n": "0"}]), rows


# (arguments after `query`, the exact error line)
PARAM_ERRORS = {
    "a mistyped date": (
        ["--name", "delivery_by_state", "--param", "since=2018-02-30"],
        "Error: The parameter since must be a date (YYYY-MM-DD), not '2018-02-30':"
        " e.g. since=2018-01-01.",
    ),
    "a non-integer": (
        ["--name", "seller_scorecard", "--param", "min_orders=ten"],
        "Error: The parameter min_orders must be a whole number from -2147483648 to"
        " 2147483647, not 'ten': e.g. min_orders=10.",
    ),
    "an unknown parameter": (
        ["--name", "delivery_by_state", "--param", "stat=SP"],
        "Error: The query delivery_by_state has no parameter 'stat': did you mean state?"
        " its parameters: state varchar = %, since date = 2016-01-01.",
    ),
    "a parameter to a query that takes none": (
        ["--name", "order_status_mix", "--param", "state=SP"],
        "Error: The query order_status_mix has no parameter 'state': it takes no parameters.",
    ),
    "a value without a name": (
        ["--name", "delivery_by_state", "--param", "SP"],
        "Error: --param SP is not NAME=VALUE: a shipped query takes --param NAME=VALUE"
        " (delivery_by_state takes state, since).",
    ),
    "a parameter given twice": (
        ["--name", "delivery_by_state", "--param", "state=SP", "--param", "state=RJ"],
        "Error: The parameter state is given twice: give each parameter once.",
    ),
    "a missing value": (
        [
            "SELECT COUNT(*) FROM olist_orders_dataset WHERE order_status = ? AND order_id = ?",
            "--param",
            "shipped",
        ],
        "Error: The query has 2 ? placeholders but 1 parameter value was given (1 missing):"
        " give one value per ?, in the order the ? marks appear.",
    ),
    "an extra value": (
        [
            "SELECT COUNT(*) FROM olist_orders_dataset WHERE order_status = ?",
            "--param",
            "shipped",
            "--param",
            "delivered",
        ],
        "Error: The query has 1 ? placeholder but 2 parameter values were given (1 extra):"
        " give one value per ?, in the order the ? marks appear.",
    ),
    "a mistyped positional value": (
        [
            "SELECT COUNT(*) FROM olist_orders_dataset WHERE order_purchase_timestamp >= ?",
            "--param",
            "date:yesterday",
        ],
        "Error: The parameter ?1 must be a date (YYYY-MM-DD), not 'yesterday':"
        " e.g. date:2018-01-01.",
    ),
    "a value where Athena takes none": (
        ["SELECT ? FROM olist_orders_dataset", "--param", "x"],
        "Error: Athena takes a ? parameter only in a WHERE clause (line 1, column 8):"
        " move the condition into a WHERE clause.",
    ),
    "a value for a catalog statement": (
        ["SHOW TABLES", "--param", "x"],
        "Error: SHOW and DESCRIBE statements take no parameters: drop the values.",
    ),
}


@pytest.mark.parametrize("case", PARAM_ERRORS, ids=list(PARAM_ERRORS))
def test_a_bad_parameter_is_one_sentence_and_nothing_runs(cli, lake, case):
    args, expected = PARAM_ERRORS[case]
    workspace = lake("crawled")
    results = workspace / "results"
    before = sorted(results.iterdir()) if results.exists() else []
    result = cli("query", *args)
    assert result.exit_code == ExitCode.USAGE, result
    assert error_line(result) == expected
    assert result.stdout == ""
    after = sorted(results.iterdir()) if results.exists() else []
    assert after == before  # no query ran: no result file
    assert_debug_shows_traceback(cli, ["query", *args], ExitCode.USAGE)


def test_every_default_given_on_the_command_line_gives_the_same_answer(cli, lake):
    lake("crawled")
    for query in list_queries():
        if not query.params:
            continue
        args = []
        for param in query.params:  # each default, written as a user writes it
            args += ["--param", f"{param.name}={value_text(param.type, param.default)}"]
        given = cli("query", "--name", query.name, *args, "-o", "csv")
        plain = cli("query", "--name", query.name, "-o", "csv")
        assert given.exit_code == plain.exit_code == 0, (query.name, given, plain)
        assert given.stdout == plain.stdout, query.name
