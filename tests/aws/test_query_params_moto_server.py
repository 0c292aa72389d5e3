"""The same parameterised query on both backends: the installed ``olistctl``, run as a subprocess,
on the local backend (over the sample data) and on the aws backend (against a moto server).

What the aws half proves, and what it cannot: moto's Athena runs no SQL — it answers every
query with the rows queued through ``/moto-api/static/athena/query-results``. So the answer
printed on aws is the local answer handed to moto; what the test shows is the round trip:
the SQL reaches Athena exactly as written, with its ``?`` marks (no value pasted into it);
the values arrive as ``ExecutionParameters`` in the StartQueryExecution request, one Athena
literal each (a string in single quotes with a quote doubled, a date as ``DATE '…'``), in
the order of the marks; and the typed answer comes back and prints the same as locally. It
does not show that Athena computes that answer: the local answer is checked against pandas
in tests/cli/test_query_params.py and tests/sql/test_analyst_queries.py.

Each backend is a function ``(query arguments) -> printed CSV``. The Python API
(``olistctl.connect()``) runs the same queries in this process, on both backends, and its
DataFrame, printed the way ``query -o csv`` prints rows, must be the same text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from awsstack import NAMES, REGION, create_stack, olistctl, queue_athena_result

from olistctl.sql.named import get_query

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]

# (arguments after `query`, the Athena result types of its columns, the SQL Athena must get,
#  the ExecutionParameters Athena must get)
NAMED = (
    ["--name", "delivery_by_state", "--param", "state=SP", "--param", "since=2018-01-01"],
    ["varchar", "bigint", "decimal", "bigint", "decimal", "bigint", "double"],
    get_query("delivery_by_state").sql,
    ["'SP'", "DATE '2018-01-01'"],
)
OWN_SQL = (
    "SELECT order_status, COUNT(*) AS n FROM olist_orders_dataset"
    " WHERE order_status = ? OR order_purchase_timestamp >= ? GROUP BY order_status"
    " ORDER BY order_status"
)
POSITIONAL = (
    [OWN_SQL, "--param", "shipped' OR '1'='1", "--param", "timestamp:2018-08-01 12:30:00"],
    ["varchar", "bigint"],
    OWN_SQL,
    ["'shipped'' OR ''1''=''1'", "TIMESTAMP '2018-08-01 12:30:00.000'"],
)


@pytest.fixture
def local_workspace(tmp_path, env) -> Callable[..., str]:
    """The sample data through the local pipeline; returns a runner of `query … -o csv`."""
    work = tmp_path / "local"
    work.mkdir()
    local = ["--backend", "local", "--workspace", str(work / "lake")]
    olistctl(work, env, *local, "run", str(REPO / "sample_data"))

    def run(*args: str) -> str:
        return olistctl(work, env, *local, "query", *args, "-o", "csv").stdout

    run.lake = str(work / "lake")  # type: ignore[attr-defined]
    return run


@pytest.fixture
def aws_stack(moto_server, env, tmp_path, monkeypatch) -> Callable[..., str]:
    """The stack on the moto server; returns a runner of `query … -o csv` on aws."""
    from olistctl.backends.aws.clients import AwsClients

    clients = AwsClients(region=REGION, endpoint_url=moto_server)
    create_stack(clients, NAMES)
    work = tmp_path / "aws"
    work.mkdir()

    def run(*args: str) -> str:
        return olistctl(work, env, "query", *args, "-o", "csv").stdout

    run.athena = clients.client("athena")  # type: ignore[attr-defined]
    return run


def started_queries(athena) -> list[dict]:
    """Every query the workgroup got, as moto recorded its StartQueryExecution request."""
    ids = athena.list_query_executions(WorkGroup=NAMES["workgroup"])["QueryExecutionIds"]
    return [athena.get_query_execution(QueryExecutionId=i)["QueryExecution"] for i in ids]


BACKENDS = ("local", "aws")

# The same queries through the Python API (olistctl.connect): (how to call it, its arguments).
API_CALLS = {
    "named": ("named", ("delivery_by_state",), {"state": "SP", "since": date(2018, 1, 1)}),
    "positional": (
        "query",
        (OWN_SQL, "shipped' OR '1'='1", datetime(2018, 8, 1, 12, 30)),
        {},
    ),
}


def api_csv(lake, case: str) -> str:
    """The API's DataFrame printed as `query -o csv` prints rows (render.to_csv)."""
    from olistctl.cli.render import to_csv

    method, args, kwargs = API_CALLS[case]
    frame = getattr(lake, method)(*args, **kwargs)
    rows = [
        tuple(None if v is None or v is pd.NA else v for v in row)
        for row in frame.itertuples(index=False)
    ]
    return to_csv(list(frame.columns), rows)


@pytest.mark.parametrize("case", [NAMED, POSITIONAL], ids=["named", "positional"])
def test_the_same_parameterised_query_on_both_backends(
    local_workspace, aws_stack, moto_server, case, request
):
    import olistctl

    args, types, sql, execution_parameters = case
    case_id = request.node.callspec.id
    printed: dict[str, str] = {}

    printed["local"] = local_workspace(*args)
    rows = list(csv.reader(io.StringIO(printed["local"])))
    header, body = rows[0], rows[1:]
    assert body, "the local answer has rows (checked against pandas elsewhere)"

    # moto runs no SQL: it is handed the local answer, to send back typed, as Athena would.
    queue_athena_result(moto_server, list(zip(header, types, strict=True)), body)
    printed["aws"] = aws_stack(*args)

    assert set(printed) == set(BACKENDS)
    assert printed["aws"] == printed["local"]

    # The Python API, on both backends, in this process: the same rows, the same request.
    with olistctl.connect(workspace=local_workspace.lake) as lake:
        assert api_csv(lake, case_id) == printed["local"]
    queue_athena_result(moto_server, list(zip(header, types, strict=True)), body)
    with olistctl.connect(backend="aws", region=REGION, endpoint_url=moto_server, **NAMES) as lake:
        assert api_csv(lake, case_id) == printed["local"]

    first, from_api = started_queries(aws_stack.athena)
    for started in (first, from_api):
        assert started["Query"] == sql  # the ? marks as written: no value in the SQL text
        assert "?" in started["Query"] and "SP'" not in started["Query"]
        assert started["ExecutionParameters"] == execution_parameters
        assert started["WorkGroup"] == NAMES["workgroup"]


def test_a_bad_value_never_reaches_athena(aws_stack, env, tmp_path):
    proc = olistctl(
        tmp_path,
        env,
        "query",
        "--name",
        "delivery_by_state",
        "--param",
        "since=2018-02-30",
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == (
        "Error: The parameter since must be a date (YYYY-MM-DD), not '2018-02-30':"
        " e.g. since=2018-01-01."
    )
    assert started_queries(aws_stack.athena) == []
