"""``olistctl --backend aws run`` through faults: S3 and Athena failing some calls, and a server
that vanishes in the middle of a multipart upload.

The installed ``olistctl`` runs as a subprocess against a moto server, through the proxy of
tests/aws/faultproxy.py; the Lambda function runs the real handler from its zip inside the
server (``deploy_function``), and its own S3 calls go through the proxy too. What must hold:
every raw object is the file's bytes, every Parquet object is the bytes the local transform
writes from that file, each table has one raw and one processed object (one version each:
nothing was written twice), and the row counts are the CSVs'.

The faults are 503 SlowDown, 500 InternalError and connection resets, on a fraction of the
S3 and Athena calls (first attempts only, never forwarded: see faultproxy.py). They are
absorbed by botocore's retries (standard mode), which is what these tests hold olistctl to.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from awsstack import NAMES, REGION, create_stack, deploy_function, olistctl, orders_csv
from faultproxy import FAULT_KINDS, FaultProxy, Faults

from olistctl import layout
from olistctl.dataset import TABLES, get_table
from olistctl.errors import ExitCode

pytestmark = pytest.mark.slow

# Big enough for a multipart upload (olistctl's threshold: 16 MiB) and a Parquet file the
# function sends in two parts (8 MiB each): 21.6 MB of CSV, 10.6 MB of Parquet.
BIG_ORDERS = 120_000


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory, sample_data) -> Path:
    """The sample data, its orders file replaced by a multipart-sized one."""
    folder = tmp_path_factory.mktemp("faults") / "data"
    shutil.copytree(sample_data, folder, ignore=shutil.ignore_patterns("*.md"))
    (folder / "olist_orders_dataset.csv").write_bytes(orders_csv(BIG_ORDERS))
    return folder


@pytest.fixture
def stack_on_server(moto_server, env, tmp_path, monkeypatch):
    from olistctl.backends.aws.clients import AwsClients

    clients = AwsClients(region=REGION, endpoint_url=moto_server)  # straight to the server
    create_stack(clients, NAMES)
    deploy_function(clients, NAMES, tmp_path, monkeypatch)
    return clients


def through(proxy: FaultProxy, env: dict[str, str], monkeypatch) -> dict[str, str]:
    """The CLI's environment, and the function's (this process), sent through the proxy."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    return {**env, "AWS_ENDPOINT_URL": proxy.url}


def ledger_uploads(clients) -> list[str]:
    """The raw keys the run ledger (in the results bucket) records as uploaded, in order."""
    from olistctl.backends.aws.ledger import LEDGER_PREFIX

    s3 = clients.client("s3")
    listed = s3.list_objects_v2(Bucket=NAMES["results_bucket"], Prefix=LEDGER_PREFIX)
    keys = []
    for obj in listed.get("Contents", []):
        body = s3.get_object(Bucket=NAMES["results_bucket"], Key=obj["Key"])["Body"].read()
        keys += [e["key"] for e in json.loads(body)["entries"] if e["stage"] == "upload"]
    return keys


def csv_rows(path: Path) -> int:
    """Records in a CSV file (quoted line breaks included), the header not counted."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def local_parquet(source: Path, key: str, tmp_path: Path) -> bytes:
    """The Parquet the local transform writes from this file (the Lambda must match it)."""
    from olistctl.transform import convert_csv

    dest = tmp_path / "expected" / layout.processed_key(key)
    convert_csv(
        source,
        dest,
        table=get_table(key.split("/", 1)[0]),
        source_name=key,
        source_sha256=hashlib.sha256(source.read_bytes()).hexdigest(),
    )
    return dest.read_bytes()


def assert_every_object_right(clients, data: Path, tmp_path: Path) -> None:
    """One raw and one processed object per table, each exactly the expected bytes."""
    s3 = clients.client("s3")
    for bucket in (NAMES["raw_bucket"], NAMES["processed_bucket"]):
        listing = s3.list_object_versions(Bucket=bucket)
        keys = [v["Key"] for v in listing.get("Versions", [])]
        assert sorted(keys) == sorted(set(keys)), f"a key of {bucket} was written twice"
        assert len(keys) == len(TABLES), keys
        assert "DeleteMarkers" not in listing
    for table in TABLES:
        source = data / table.file_name
        key = layout.raw_key(table.name, table.file_name)
        raw = s3.get_object(Bucket=NAMES["raw_bucket"], Key=key)
        body = raw["Body"].read()
        sha = hashlib.sha256(source.read_bytes()).hexdigest()
        assert hashlib.sha256(body).hexdigest() == sha, key
        assert raw["Metadata"][layout.CONTENT_SHA256] == sha
        processed = s3.get_object(Bucket=NAMES["processed_bucket"], Key=layout.processed_key(key))
        parquet = processed["Body"].read()
        assert processed["Metadata"][layout.SOURCE_SHA256] == sha
        assert parquet == local_parquet(source, key, tmp_path), key
        assert pq.read_metadata(io.BytesIO(parquet)).num_rows == csv_rows(source), key


def test_run_completes_through_slowdowns_internal_errors_and_resets(
    stack_on_server, env, data_folder, tmp_path, monkeypatch
):
    with FaultProxy(stack_on_server.endpoint_url, Faults(every=3)) as proxy:
        cli_env = through(proxy, env, monkeypatch)
        work = tmp_path / "work"
        work.mkdir()
        ran = olistctl(work, cli_env, "run", str(data_folder), "--output", "json", timeout=600)

    summary = json.loads(ran.stdout)
    results = {s["stage"]: s["result"] for s in summary["stages"]}
    assert results["upload"].startswith(f"{len(TABLES)} uploaded"), results
    assert results["transform"].startswith(f"{len(TABLES)} converted"), results
    # The faults did happen, of every kind, on both services, and each was retried.
    faulted = [c for c in proxy.calls if c.fault]
    for service in ("s3", "athena"):
        assert {c.fault for c in faulted if c.service == service} == set(FAULT_KINDS), service
    for call in faulted:
        retries = [
            c
            for c in proxy.calls
            if (c.service, c.operation, c.path) == (call.service, call.operation, call.path)
            and c.attempt > 1
        ]
        assert retries, call
    uploaded_in_parts = {c.operation for c in proxy.calls if c.service == "s3"}
    assert {"CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"} <= uploaded_in_parts
    assert_every_object_right(stack_on_server, data_folder, tmp_path)


def test_a_server_gone_mid_upload_then_back_finishes_on_rerun_with_nothing_twice(
    stack_on_server, env, data_folder, tmp_path, monkeypatch
):
    s3 = stack_on_server.client("s3")
    raw = NAMES["raw_bucket"]
    with FaultProxy(stack_on_server.endpoint_url) as proxy:
        cli_env = through(proxy, env, monkeypatch)
        work = tmp_path / "work"
        work.mkdir()
        # The server vanishes at the first part of the orders file's multipart upload, and
        # stays away: the parts, then the upload's abort, find nobody.
        proxy.go_down_when(lambda call: call.operation == "UploadPart" and raw in call.path)
        failed = olistctl(work, cli_env, "run", str(data_folder), check=False, timeout=600)
        assert failed.returncode == ExitCode.AWS, failed.stderr
        assert "Traceback" not in failed.stderr
        [line] = [x for x in failed.stderr.splitlines() if x.startswith("Error: ")]
        assert line.startswith("Error: The connection to AWS was lost, even after retrying ("), line
        assert line.endswith(
            "): check the network and run the same command again: what was finished is kept"
            " and skipped."
        ), line
        assert proxy.is_down
        # What the failed run left: the files before orders, on the ledger too, and the
        # orders upload's parts (its abort failed as well), which no object listing shows.
        stored = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=raw).get("Contents", []))
        before = sorted(
            layout.raw_key(t.name, t.file_name) for t in TABLES if t.file_name < "olist_orders_"
        )
        assert stored == before
        [orphan] = s3.list_multipart_uploads(Bucket=raw)["Uploads"]
        assert orphan["Key"] == "olist_orders_dataset/olist_orders_dataset.csv"

        assert ledger_uploads(stack_on_server) == before  # written as each file landed

        proxy.come_back()
        again = olistctl(work, cli_env, "run", str(data_folder), "--output", "json", timeout=600)
        results = {s["stage"]: s["result"] for s in json.loads(again.stdout)["stages"]}
        done = len(TABLES) - len(before)
        assert results["upload"].startswith(f"{done} uploaded"), results
        assert results["upload"].endswith(f", {len(before)} unchanged"), results
        assert_every_object_right(stack_on_server, data_folder, tmp_path)
        assert sorted(ledger_uploads(stack_on_server)) == sorted(
            layout.raw_key(t.name, t.file_name) for t in TABLES
        )

        # The orphan is still there (S3 keeps parts until aborted): teardown finds it,
        # aborts it with the rest, and then finds nothing left.
        assert len(s3.list_multipart_uploads(Bucket=raw)["Uploads"]) == 1
        gone = olistctl(work, cli_env, "teardown", "--yes")
        assert "Verified: nothing of the stack's data is left." in gone.stderr
        assert "Uploads" not in s3.list_multipart_uploads(Bucket=raw)
