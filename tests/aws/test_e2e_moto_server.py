"""End to end on a moto server: the installed ``olistctl``, run as a subprocess, through upload,
transform (the real handler from the Lambda zip), crawl --direct, query, report, status and
teardown, against a ThreadedMotoServer on 127.0.0.1.

The server runs in this process, so the Lambda stand-in (``deploy_function``) can run the
zip's handler when the subprocess invokes the function; the handler's own S3 calls reach
the same server through AWS_ENDPOINT_URL.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import datetime

import pytest
from awsstack import (
    NAMES,
    ORDERS_CSV,
    REGION,
    create_stack,
    deploy_function,
    olistctl,
    queue_athena_result,
    require_transform,
)

from olistctl import dataset, layout

pytestmark = pytest.mark.slow
require_transform()
pytest.importorskip("olistctl.ingest.inputs", reason="upload needs olistctl.ingest.inputs")

ORDERS_KEY = "olist_orders_dataset/olist_orders_dataset.csv"


def test_the_whole_pipeline_on_a_moto_server(moto_server, env, tmp_path, monkeypatch):
    from olistctl.backends.aws.clients import AwsClients

    clients = AwsClients(region=REGION, endpoint_url=moto_server)
    create_stack(clients, NAMES)
    function = deploy_function(clients, NAMES, tmp_path, monkeypatch)
    s3, glue = clients.client("s3"), clients.client("glue")
    data = tmp_path / "data"
    data.mkdir()
    (data / "olist_orders_dataset.csv").write_bytes(ORDERS_CSV)
    work = tmp_path / "work"
    work.mkdir()

    # upload, then again: unchanged, skipped
    olistctl(work, env, "upload", str(data))
    head = s3.head_object(Bucket=NAMES["raw_bucket"], Key=ORDERS_KEY)
    assert head["ServerSideEncryption"] == "AES256"
    again = json.loads(olistctl(work, env, "upload", str(data), "--output", "json").stdout)
    assert [r["status"] for r in again] == ["skipped"]

    # transform through the Lambda function: Parquet equal to an independent parse of the CSV
    converted = json.loads(olistctl(work, env, "transform", "--output", "json").stdout)
    assert [(r["file"], r["status"], r["rows"]) for r in converted] == [
        (ORDERS_KEY, "converted", 3)
    ]
    import pyarrow.parquet as pq

    body = s3.get_object(Bucket=NAMES["processed_bucket"], Key=layout.processed_key(ORDERS_KEY))
    table = pq.read_table(io.BytesIO(body["Body"].read()))
    assert table.schema.equals(dataset.arrow_schema(dataset.ORDERS), check_metadata=False)
    expected = list(csv.DictReader(io.StringIO(ORDERS_CSV.decode())))
    assert table.column("order_id").to_pylist() == [r["order_id"] for r in expected]
    delivered = table.column("order_delivered_customer_date").to_pylist()
    assert delivered == [
        datetime.strptime(r["order_delivered_customer_date"], "%Y-%m-%d %H:%M:%S")
        if r["order_delivered_customer_date"]
        else None
        for r in expected
    ]
    assert function.events == [{"bucket": NAMES["raw_bucket"], "key": ORDERS_KEY}]
    skipped = json.loads(olistctl(work, env, "transform", "--output", "json").stdout)
    assert [r["status"] for r in skipped] == ["skipped"]
    assert len(function.events) == 1

    # crawl --direct: the Glue table has the dataset's columns and types
    olistctl(work, env, "crawl", "--direct")
    columns = glue.get_table(DatabaseName=NAMES["database"], Name="olist_orders_dataset")["Table"][
        "StorageDescriptor"
    ]["Columns"]
    assert [(c["Name"], c["Type"]) for c in columns] == [
        (c.name, c.athena_type) for c in dataset.ORDERS.columns
    ]

    # query: moto runs no SQL, so the answer is Athena's as computed here from the CSV;
    # what is tested is the way there and back (start, poll, page, type, print)
    by_status = sorted(Counter(r["order_status"] for r in expected).items())
    queue_athena_result(moto_server, [("order_status", "varchar"), ("orders", "bigint")], by_status)
    printed = olistctl(
        work,
        env,
        "query",
        "SELECT order_status, count(*) AS orders FROM olist_orders_dataset GROUP BY 1 ORDER BY 1",
        "--output",
        "json",
    )
    assert json.loads(printed.stdout) == [{"order_status": s, "orders": n} for s, n in by_status]

    olistctl(work, env, "report", "quality", "--fail-on", "never", "--output", "json")
    status = olistctl(work, env, "status")
    assert "olist_orders_dataset" in status.stdout + status.stderr

    # teardown: every version, marker and table goes; the check afterwards finds nothing
    olistctl(work, env, "teardown", "--yes")
    for bucket in (NAMES["raw_bucket"], NAMES["processed_bucket"], NAMES["results_bucket"]):
        listing = s3.list_object_versions(Bucket=bucket)
        assert not listing.get("Versions") and not listing.get("DeleteMarkers"), bucket
    assert glue.get_tables(DatabaseName=NAMES["database"])["TableList"] == []
