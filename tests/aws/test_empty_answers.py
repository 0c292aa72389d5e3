"""`run --runner local` on aws, and empty answers said out loud (issue 16).

The CLI runs in-process on the moto stack (tests/aws/conftest.py), which has no Lambda
function: ``--runner local`` converts the files in this process. moto's Athena runs no
SQL: without a queued result every query comes back with no columns and no rows, which
real Athena never answers to a SELECT (its first result row repeats the column labels);
a queued header-only result is what Athena answers when the tables hold no rows.
"""

from __future__ import annotations

import json

import pytest
from awsstack import NAMES, REGION, STACK_ENV, queue_result

from olistctl.sql.named import list_queries

KPIS = [q.name for q in list_queries() if q.kpi]
NO_SQL_RAN = (
    "the endpoint described no columns either, so its Athena did not run the SQL (moto's runs"
    " none): the answers are not the data's."
)
NO_DATA = "the tables hold no rows; `olistctl status` shows what is loaded."


@pytest.fixture
def aws_cli(cli, stack, monkeypatch):
    import logging

    from olistctl.backends.aws.clients import AwsClients

    # The handler logs to stdout only when Lambda calls handler(); a test of this process
    # may have done so, leaving its handler on the logger that --runner local shares.
    monkeypatch.setattr(logging.getLogger("olistctl.lambda"), "handlers", [logging.NullHandler()])
    monkeypatch.setattr(AwsClients, "from_settings", classmethod(lambda cls, s: stack.clients))
    return lambda *args: cli("--no-progress", *args, env=dict(STACK_ENV))


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Warning:")]


def test_run_with_the_local_runner_converts_without_a_function_and_warns_once(
    aws_cli, stack, sample_data
):
    ran = aws_cli("run", str(sample_data), "--runner", "local", "-o", "json")
    assert ran.exit_code == 0, ran
    summary = json.loads(ran.stdout)
    stages = {s["stage"]: s["result"] for s in summary["stages"]}
    assert stages["transform"].startswith("9 converted")
    processed = stack.client("s3").list_objects_v2(Bucket=NAMES["processed_bucket"])
    assert len(processed["Contents"]) == 9
    assert summary["kpis"] == {name: [] for name in KPIS}
    assert warnings(ran.stderr) == [
        f"Warning: {len(KPIS)} of {len(KPIS)} KPI queries returned no rows"
        f" ({', '.join(KPIS)}): {NO_SQL_RAN}"
    ]


def test_run_refuses_an_unknown_runner(aws_cli, sample_data):
    ran = aws_cli("run", str(sample_data), "--runner", "docker")
    assert ran.exit_code == 3
    assert ran.stderr.strip().splitlines()[-1] == (
        "Error: Unknown transform runner 'docker' (from flag): use --runner lambda or"
        " --runner local."
    )


def test_a_named_query_with_no_columns_names_the_endpoint(aws_cli):
    done = aws_cli("query", "--name", "revenue_by_category")
    assert done.exit_code == 0, done
    assert warnings(done.stderr) == [
        f"Warning: the query revenue_by_category returned no rows: {NO_SQL_RAN}"
    ]


def test_a_named_query_with_columns_and_no_rows_names_the_data(aws_cli):
    queue_result([], [("category", "varchar"), ("revenue", "double"), ("items", "bigint")])
    done = aws_cli("query", "--name", "revenue_by_category", "-o", "csv")
    assert done.exit_code == 0, done
    assert done.stdout == "category,revenue,items\n"
    assert warnings(done.stderr) == [
        f"Warning: the query revenue_by_category returned no rows: {NO_DATA}"
    ]


def test_answers_with_rows_and_ad_hoc_sql_get_no_warning(aws_cli):
    queue_result(
        [["housewares", "10.5", "2"]],
        [("category", "varchar"), ("revenue", "double"), ("items", "bigint")],
    )
    done = aws_cli("query", "--name", "revenue_by_category")
    assert done.exit_code == 0, done
    assert warnings(done.stderr) == []
    # An ad-hoc query may rightly return nothing (a WHERE that matches no row).
    empty = aws_cli("query", "SELECT order_id FROM olist_orders_dataset WHERE 1 = 0")
    assert empty.exit_code == 0, empty
    assert warnings(empty.stderr) == []


@pytest.mark.parametrize(("backend", "said"), [("local", 0), ("aws", 1)])
def test_only_the_aws_backend_warns(backend, said, capsys, tmp_path, monkeypatch):
    """Local answers come from the data itself: an empty one is the data's answer."""
    from olistctl.backends.base import QueryResult
    from olistctl.cli.state import AppState
    from olistctl.cli.summaries import warn_if_empty

    monkeypatch.chdir(tmp_path)
    state = AppState(flags={"backend": backend, "region": REGION})
    warn_if_empty(state, [("payment_mix", QueryResult([], [], [], 1.0, 0))])
    assert len(warnings(capsys.readouterr().err)) == said
