"""``query --out`` on aws: awswrangler's UNLOAD against a moto server, the files downloaded.

What this proves, and what it cannot. moto's Athena runs no SQL, so it writes nothing for
an UNLOAD: the test stands in for Athena by putting Parquet files where the statement's
``TO`` names, when the statement reaches moto (a patch of moto's StartQueryExecution in
this process, where the server runs). What is checked is olistctl's part: the UNLOAD
statement awswrangler builds reaches Athena with the SQL and its ``?`` marks unchanged and
the values as ``ExecutionParameters``; every staged file is read and written into one local
file with its types (decimal, timestamp in milliseconds); the UNLOAD's prefix in the
results bucket is removed afterwards; a failed UNLOAD gives the error an ordinary failed
query gives and leaves no file. It does not show that Athena's UNLOAD writes these rows:
that the local engine's answers are Athena's is tested elsewhere. awswrangler itself runs
for real here (the installed ``olistctl[unload]`` extra), through olistctl's own clients.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from decimal import Decimal

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from awsstack import NAMES, REGION, create_stack, olistctl

pytestmark = pytest.mark.slow

ACCOUNT = "123456789012"  # moto's
SQL = (
    "SELECT order_id, price, shipping_limit_date FROM olist_order_items_dataset"
    " WHERE seller_id = ? AND shipping_limit_date >= ?"
)
UNLOAD = re.compile(r"^UNLOAD \((?P<sql>.*)\) TO '(?P<to>s3://[^']+)' WITH \((?P<with>.*)\)$", re.S)


def _part(start: int, rows: int) -> pa.Table:
    numbers = range(start, start + rows)
    return pa.table(
        {
            "order_id": pa.array([f"order-{n:05d}" for n in numbers]),
            "price": pa.array([Decimal(n) / 100 for n in numbers], pa.decimal128(10, 2)),
            # Athena may write microseconds or nanoseconds; the file keeps milliseconds.
            "shipping_limit_date": pa.array(
                [datetime(2018, 1, 1, 12, 0, n % 60) for n in numbers],
                pa.timestamp("us"),
            ),
        }
    )


PARTS = [_part(0, 700), _part(700, 300)]


@pytest.fixture
def athena_writes_unload(monkeypatch):
    """moto's StartQueryExecution, plus what Athena would write for an UNLOAD: PARTS, or a
    failure (``fail=True``). Returns the list of UNLOAD statements seen."""
    from moto.athena.models import AthenaBackend
    from moto.s3.models import s3_backends

    seen: list[dict] = []
    original = AthenaBackend.start_query_execution

    def start(self, query, context, config, workgroup, execution_parameters):
        query_id = original(self, query, context, config, workgroup, execution_parameters)
        found = UNLOAD.match(query)
        if found:
            seen.append({"parts": found.groupdict(), "params": execution_parameters})
            if seen_fail:
                execution = self.executions[query_id]
                execution.status = "FAILED"
                return query_id
            bucket, _, prefix = found["to"].removeprefix("s3://").partition("/")
            s3 = s3_backends[ACCOUNT]["aws"]
            for index, part in enumerate(PARTS):
                buffer = io.BytesIO()
                pq.write_table(part, buffer)
                s3.put_object(bucket, f"{prefix}{query_id}_{index:05d}", buffer.getvalue())
        return query_id

    seen_fail = False
    monkeypatch.setattr(AthenaBackend, "start_query_execution", start)

    def failing(value: bool = True) -> None:
        nonlocal seen_fail
        seen_fail = value

    return seen, failing


@pytest.fixture
def stack(moto_server, env):
    from olistctl.backends.aws.clients import AwsClients

    clients = AwsClients(region=REGION, endpoint_url=moto_server)
    create_stack(clients, NAMES)
    return clients


def _left_in_results(clients) -> list[str]:
    listed = clients.client("s3").list_objects_v2(Bucket=NAMES["results_bucket"], Prefix="unload/")
    return [o["Key"] for o in listed.get("Contents", [])]


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_unload_is_downloaded_into_one_file(stack, env, tmp_path, athena_writes_unload, suffix):
    seen, _ = athena_writes_unload
    out = f"items.{suffix}"
    args = ["query", SQL, "--param", "abc'd", "--param", "timestamp:2018-01-01 00:00:00"]
    proc = olistctl(tmp_path, env, *args, "--out", out)

    ((statement,),) = [[s] for s in seen]
    assert statement["parts"]["sql"] == SQL  # as written: the ? marks, no value pasted in
    assert statement["parts"]["to"].startswith(f"s3://{NAMES['results_bucket']}/unload/")
    assert statement["parts"]["with"].replace(" ", "") == "format='PARQUET',compression='snappy'"
    assert statement["params"] == ["'abc''d'", "TIMESTAMP '2018-01-01 00:00:00.000'"]

    expected = pa.concat_tables(PARTS)
    if suffix == "parquet":
        written = pq.read_table(tmp_path / out)
        assert written.schema.field("price").type == pa.decimal128(10, 2)
        assert written.schema.field("shipping_limit_date").type == pa.timestamp("ms")
    else:
        written = pacsv.read_csv(
            tmp_path / out,
            convert_options=pacsv.ConvertOptions(
                column_types={
                    "price": pa.decimal128(10, 2),
                    "shipping_limit_date": pa.timestamp("ms"),
                }
            ),
        )
        header = (tmp_path / out).read_text().splitlines()[:2]
        assert header == [
            '"order_id","price","shipping_limit_date"',
            '"order-00000","0.00","2018-01-01 12:00:00.000"',
        ]
    assert written.num_rows == 1000
    assert written.column("order_id").to_pylist() == expected.column("order_id").to_pylist()
    assert written.column("price").to_pylist() == expected.column("price").to_pylist()
    assert written.column("shipping_limit_date").cast(pa.timestamp("us")).to_pylist() == (
        expected.column("shipping_limit_date").to_pylist()
    )
    assert proc.stderr.strip().splitlines()[-1].startswith(f"Wrote 1,000 rows to {out} ({suffix}, ")
    assert _left_in_results(stack) == []  # the UNLOAD's own prefix is removed
    assert sorted(p.name for p in tmp_path.iterdir()) == [out]  # no temporary file left


def test_a_failed_unload_leaves_nothing(stack, env, tmp_path, athena_writes_unload):
    seen, failing = athena_writes_unload
    failing()
    proc = olistctl(tmp_path, env, "query", "SELECT 1 AS one", "--out", "one.parquet", check=False)
    assert len(seen) == 1
    assert proc.returncode == 4, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert re.fullmatch(
        r"Error: Athena query [0-9a-f-]+ failed: Athena gave no reason: run it again"
        r" if it was a transient Athena error\.",
        last,
    ), last
    assert "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []
    assert _left_in_results(stack) == []


def test_without_awswrangler_one_sentence_names_the_extra(stack, env, tmp_path):
    # A module that fails to import stands in for the extra not being installed.
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "awswrangler.py").write_text("raise ImportError('not installed')\n")
    work = tmp_path / "work"
    work.mkdir()
    proc = olistctl(
        work, {**env, "PYTHONPATH": str(blocker)}, "query", "SELECT 1 AS one", "--out", "one.csv",
        check=False,
    )  # fmt: skip
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        "Error: `query --out` on aws runs an Athena UNLOAD through awswrangler, which is not"
        " installed: install it with: pip install 'olistctl[unload]'."
    )
    assert list(work.iterdir()) == []
