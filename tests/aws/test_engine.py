"""The Athena engine on moto: typed results, paging, the CSV path, failures, cancel, deadline."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from awsstack import NAMES, REGION, serve

from olistctl.errors import (
    AwsError,
    DeadlineExceeded,
    ExitCode,
    Interrupted,
    Refused,
    SqlError,
)

ACCOUNT = "123456789012"
RESULTS = f"s3://{NAMES['results_bucket']}/athena/"


def cell(value: str | None) -> dict[str, str]:
    return {} if value is None else {"VarCharValue": value}


def row(*values: str | None) -> dict[str, Any]:
    return {"Data": [cell(v) for v in values]}


def info(name: str, type_: str, precision: int = 0, scale: int = 0) -> dict[str, Any]:
    return {"Name": name, "Label": name, "Type": type_, "Precision": precision, "Scale": scale}


def queue_result(rows: list[dict[str, Any]], column_info: list[dict[str, Any]]) -> None:
    """What Athena would answer for the next query (moto runs no SQL)."""
    from moto.athena.models import QueryResults, athena_backends

    athena_backends[ACCOUNT][REGION].query_results_queue.append(QueryResults(rows, column_info))


@pytest.fixture
def athena_transition():
    from moto.moto_api import state_manager

    def set_ticks(times: int) -> None:
        state_manager.set_transition(
            model_name="athena::execution", transition={"progression": "manual", "times": times}
        )

    yield set_ticks
    state_manager.unset_transition("athena::execution")


TYPED_COLUMNS = [
    info("state", "varchar"),
    info("orders", "bigint"),
    info("items", "integer"),
    info("share", "double"),
    info("revenue", "decimal", 10, 2),
    info("late", "boolean"),
    info("day", "date"),
    info("first", "timestamp"),
]


def test_results_are_typed_by_athenas_column_types(stack):
    queue_result(
        [
            row("state", "orders", "items", "share", "revenue", "late", "day", "first"),
            row(
                "SP",
                "41746",
                "3",
                "0.4198",
                "5202955.05",
                "true",
                "2017-10-02",
                "2017-10-02 10:56:33.000",
            ),
            row("RJ", "12852", None, "1.2E-4", "1824092.67", "false", None, None),
        ],
        TYPED_COLUMNS,
    )  # fmt: skip
    result = stack.backend().engine.execute("SELECT …")

    assert result.columns == [
        "state",
        "orders",
        "items",
        "share",
        "revenue",
        "late",
        "day",
        "first",
    ]
    assert result.types == [
        "varchar", "bigint", "integer", "double", "decimal(10,2)", "boolean", "date", "timestamp"
    ]  # fmt: skip
    assert result.rows == [
        ("SP", 41746, 3, 0.4198, Decimal("5202955.05"), True, date(2017, 10, 2),
         datetime(2017, 10, 2, 10, 56, 33)),
        ("RJ", 12852, None, 0.00012, Decimal("1824092.67"), False, None, None),
    ]  # fmt: skip
    assert result.query_id and result.output_location == f"{RESULTS}{result.query_id}.csv"
    assert result.truncated is False


def test_max_rows_truncates_and_says_so(stack):
    queue_result([row("n"), *(row(str(i)) for i in range(5))], [info("n", "integer")])
    result = stack.backend().engine.execute("SELECT n", max_rows=2)
    assert result.rows == [(0,), (1,)]
    assert result.truncated is True


def test_bytes_scanned_and_engine_time_come_from_the_statistics(stack):
    def succeeded(params: dict[str, Any]) -> dict[str, Any]:
        return {
            "QueryExecution": {
                "QueryExecutionId": params["QueryExecutionId"],
                "StatementType": "DML",
                "ResultConfiguration": {"OutputLocation": f"{RESULTS}x.csv"},
                "Status": {"State": "SUCCEEDED"},
                "Statistics": {
                    "EngineExecutionTimeInMillis": 1234,
                    "DataScannedInBytes": 10_485_761,
                },
            }
        }

    serve(stack.client("athena"), "GetQueryExecution", succeeded)
    queue_result([row("n"), row("1")], [info("n", "integer")])
    result = stack.backend().engine.execute("SELECT 1 AS n")
    assert (result.bytes_scanned, result.engine_ms) == (10_485_761, 1234.0)


def test_results_are_paged_and_only_the_first_row_of_the_first_page_is_a_header(stack):
    columns = [info("n", "integer"), info("name", "varchar")]
    pages = {
        None: ([row("n", "name")] + [row(str(i), f"x{i}") for i in range(999)], "page2"),
        "page2": ([row(str(i), f"x{i}") for i in range(999, 1999)], "page3"),
        "page3": ([row("n", "name"), row("2000", None)], None),  # a data row equal to the header
    }
    asked: list[tuple[str | None, int]] = []

    def results(params: dict[str, Any]) -> dict[str, Any]:
        asked.append((params.get("NextToken"), params["MaxResults"]))
        rows, token = pages[params.get("NextToken")]
        answer: dict[str, Any] = {
            "ResultSet": {"Rows": rows, "ResultSetMetadata": {"ColumnInfo": columns}}
        }
        if token:
            answer["NextToken"] = token
        return answer

    serve(stack.client("athena"), "GetQueryResults", results)
    with pytest.raises(ValueError):
        stack.backend().engine.execute("SELECT n, name")  # "n" is no integer: shows it was read
    asked.clear()
    pages["page3"] = ([row("2000", None)], None)
    result = stack.backend().engine.execute("SELECT n, name")
    assert asked == [(None, 1000), ("page2", 1000), ("page3", 1000)]
    assert len(result.rows) == 2000
    assert result.rows[0] == (0, "x0") and result.rows[-1] == (2000, None)
    assert [r[0] for r in result.rows[:-1]] == list(range(1999))


def test_past_the_page_budget_the_rest_comes_from_the_result_csv(stack):
    s3 = stack.client("s3")
    columns = [info("id", "integer"), info("comment", "varchar"), info("value", "decimal", 10, 2)]
    csv = (
        '"id","comment","value"\n'
        '"1","first","1.00"\n'
        '"2","","2.50"\n'  # an empty string ...
        '"3",,\n'  # ... is not a NULL
        '"4","with, comma and ""quotes""\nand a newline","4.00"\n'
        '"5","last","5.00"\n'
    )

    def first_page(params: dict[str, Any]) -> dict[str, Any]:
        key = f"athena/{params['QueryExecutionId']}.csv"
        s3.put_object(Bucket=NAMES["results_bucket"], Key=key, Body=csv.encode())
        return {
            "ResultSet": {
                "Rows": [row("id", "comment", "value"), row("1", "first", "1.00")],
                "ResultSetMetadata": {"ColumnInfo": columns},
            },
            "NextToken": "more",
        }

    serve(stack.client("athena"), "GetQueryResults", first_page)
    engine = stack.backend().engine
    engine.page_budget = 1
    result = engine.execute("SELECT …")
    assert result.rows == [
        (1, "first", Decimal("1.00")),
        (2, "", Decimal("2.50")),
        (3, None, None),
        (4, 'with, comma and "quotes"\nand a newline', Decimal("4.00")),
        (5, "last", Decimal("5.00")),
    ]
    engine.page_budget = 1
    limited = engine.execute("SELECT …", max_rows=3)
    assert [r[0] for r in limited.rows] == [1, 2, 3] and limited.truncated


def failed_execution(state: str, reason: str, category: int | None = None):
    def answer(params: dict[str, Any]) -> dict[str, Any]:
        status: dict[str, Any] = {"State": state, "StateChangeReason": reason}
        if category is not None:
            status["AthenaError"] = {"ErrorCategory": category, "ErrorType": 1006}
        return {
            "QueryExecution": {"QueryExecutionId": params["QueryExecutionId"], "Status": status}
        }

    return answer


def test_a_sql_error_is_a_usage_error_with_athenas_reason(stack):
    serve(
        stack.client("athena"),
        "GetQueryExecution",
        failed_execution(
            "FAILED",
            "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved",
            category=2,
        ),
    )
    with pytest.raises(SqlError) as caught:
        stack.backend().engine.execute("SELECT nope FROM olist_orders_dataset")
    assert caught.value.exit_code == ExitCode.USAGE
    message = str(caught.value)
    assert message.startswith("Athena rejected query ")
    assert message.endswith(
        ": COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved: fix the SQL; "
        "`olistctl --backend local query …` checks it without Athena"
    )


def test_a_service_failure_is_an_aws_error_with_athenas_reason(stack):
    serve(
        stack.client("athena"),
        "GetQueryExecution",
        failed_execution("FAILED", "Internal error while reading S3", category=1),
    )
    with pytest.raises(AwsError) as caught:
        stack.backend().engine.execute("SELECT 1")
    assert caught.value.exit_code == ExitCode.AWS
    assert "failed: Internal error while reading S3: run it again" in str(caught.value)


@pytest.mark.parametrize("state", ["FAILED", "CANCELLED"])
def test_the_scan_cutoff_is_a_refusal_naming_the_limit_and_the_fix(stack, state):
    serve(
        stack.client("athena"),
        "GetQueryExecution",
        failed_execution(state, "Query cancelled! : Bytes scanned limit was exceeded"),
    )
    with pytest.raises(Refused) as caught:
        stack.backend().engine.execute("SELECT * FROM olist_geolocation_dataset")
    assert caught.value.exit_code == ExitCode.REFUSED
    assert str(caught.value).endswith(
        ": Bytes scanned limit was exceeded (the workgroup's per-query cutoff): add a filter or "
        "select fewer columns, or raise the workgroup's bytes_scanned_cutoff_per_query "
        "(infra/ variable) and apply"
    )


def test_a_query_cancelled_elsewhere_is_an_aws_error(stack):
    serve(
        stack.client("athena"),
        "GetQueryExecution",
        failed_execution("CANCELLED", "Query was cancelled by user"),
    )
    with pytest.raises(AwsError) as caught:
        stack.backend().engine.execute("SELECT 1")
    assert "was cancelled before it finished (Query was cancelled by user): run it again" in str(
        caught.value
    )


def test_ctrl_c_while_waiting_stops_the_query_and_names_it(stack, athena_transition):
    athena_transition(100)  # stays QUEUED: the query is still running when Ctrl-C comes
    athena = stack.client("athena")
    stopped: list[str] = []
    athena.meta.events.register(
        "before-parameter-build.athena.StopQueryExecution",
        lambda params, **kw: stopped.append(params["QueryExecutionId"]),
    )
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 2:
            raise KeyboardInterrupt

    engine = stack.backend().engine
    engine.sleep = sleep
    with pytest.raises(Interrupted) as caught:
        engine.execute("SELECT * FROM olist_geolocation_dataset")

    assert len(stopped) == 1
    query_id = stopped[0]
    assert caught.value.exit_code == ExitCode.INTERRUPTED
    assert str(caught.value) == (
        f"Athena query {query_id} was cancelled: nothing more is billed for it"
    )
    state = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
    assert state["State"] == "CANCELLED"


def test_a_query_past_the_deadline_is_stopped_and_reported(stack, athena_transition):
    athena_transition(10_000)
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    engine = stack.backend().engine
    engine.clock, engine.sleep, engine.deadline_s = (lambda: now[0]), sleep, 60
    stopped: list[str] = []
    stack.client("athena").meta.events.register(
        "before-parameter-build.athena.StopQueryExecution",
        lambda params, **kw: stopped.append(params["QueryExecutionId"]),
    )
    with pytest.raises(DeadlineExceeded) as caught:
        engine.execute("SELECT 1")
    assert caught.value.exit_code == ExitCode.TIMEOUT
    assert str(caught.value) == (
        f"Athena query {stopped[0]} ran longer than 60 s and was cancelled: add a filter or "
        "select fewer columns, or allow more time"
    )


def test_cancel_stops_the_running_query_and_is_harmless_otherwise(stack, athena_transition):
    athena_transition(100)
    engine = stack.backend().engine
    engine.cancel()  # nothing running: no call, no error
    seen: list[str] = []

    def sleep(seconds: float) -> None:
        if not seen:
            seen.append(engine._running)
            engine.cancel()  # what the CLI's signal handler would do from another thread

    engine.sleep = sleep
    with pytest.raises(AwsError) as caught:
        engine.execute("SELECT 1")
    assert seen[0] and f"Athena query {seen[0]} was cancelled before it finished" in str(
        caught.value
    )


def test_an_unknown_workgroup_is_reported_with_the_fix(stack):
    backend = stack.backend(workgroup="nope")
    with pytest.raises(AwsError) as caught:
        backend.engine.execute("SELECT 1")
    assert str(caught.value).startswith(
        "Athena StartQueryExecution on workgroup nope failed (InvalidRequestException: "
        "WorkGroup does not exist"
    )


def test_start_uses_workgroup_database_and_an_idempotency_token(stack):
    sent: list[dict[str, Any]] = []
    stack.client("athena").meta.events.register(
        "before-parameter-build.athena.StartQueryExecution",
        lambda params, **kw: sent.append(json.loads(json.dumps(params))),
    )
    queue_result([row("n"), row("1")], [info("n", "integer")])
    stack.backend().engine.execute("SELECT 1 AS n")
    assert sent[0]["WorkGroup"] == NAMES["workgroup"]
    assert sent[0]["QueryExecutionContext"] == {"Database": NAMES["database"]}
    assert len(sent[0]["ClientRequestToken"]) >= 32
