"""The S3 object store on moto: multipart uploads with SSE and the checksum, listing, reading."""

from __future__ import annotations

import hashlib
import os
import threading

import pytest
from awsstack import NAMES

from olistctl import layout
from olistctl.backends.aws.ledger import LEDGER_PREFIX

MIB = 1024 * 1024


def test_big_file_goes_multipart_with_sse_checksum_and_thread_safe_progress(stack, tmp_path):
    path = tmp_path / "olist_geolocation_dataset.csv"
    data = os.urandom(11 * MIB + 123)
    path.write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    reported: list[int] = []
    threads: set[str] = set()

    def progress(n: int) -> None:
        threads.add(threading.current_thread().name)
        reported.append(n)

    store = stack.backend().store
    info = store.put_file(
        "raw", "olist_geolocation_dataset/x.csv", str(path), sha256=sha, progress=progress
    )

    head = stack.client("s3").head_object(
        Bucket=NAMES["raw_bucket"], Key="olist_geolocation_dataset/x.csv"
    )
    assert head["ETag"].endswith('-3"')  # 5 + 5 + 1 MiB parts: a multipart upload
    assert head["ServerSideEncryption"] == "AES256"
    assert head["Metadata"] == {layout.CONTENT_SHA256: sha}
    assert sum(reported) == len(data)
    assert info.sha256 == sha and info.size == len(data) and info.stage == "raw"
    assert info.version_id  # the raw bucket is versioned
    body = store.open("raw", "olist_geolocation_dataset/x.csv")
    assert hashlib.sha256(body.read()).hexdigest() == sha


def test_small_file_is_one_put_with_sse_and_processed_objects_record_the_source_sha(
    stack, tmp_path
):
    path = tmp_path / "part.parquet"
    path.write_bytes(b"PAR1 not really PAR1")
    store = stack.backend().store
    store.put_file("processed", "olist_orders_dataset/part.parquet", str(path), sha256="abc")
    head = stack.client("s3").head_object(
        Bucket=NAMES["processed_bucket"], Key="olist_orders_dataset/part.parquet"
    )
    assert "-" not in head["ETag"]
    assert head["ServerSideEncryption"] == "AES256"
    assert head["Metadata"] == {layout.SOURCE_SHA256: "abc"}
    assert store.head("processed", "olist_orders_dataset/part.parquet").sha256 == "abc"


def test_head_of_a_missing_object_is_none(stack):
    assert stack.backend().store.head("raw", "olist_orders_dataset/nope.csv") is None


def test_list_pages_and_carries_checksums(stack):
    s3 = stack.client("s3")
    pages: list[str | None] = []

    def two_per_page(params, **kwargs):
        params["MaxKeys"] = 2
        pages.append(params.get("ContinuationToken"))

    s3.meta.events.register("before-parameter-build.s3.ListObjectsV2", two_per_page)
    for i in range(5):
        s3.put_object(Bucket=NAMES["results_bucket"], Key=f"athena/{i:04d}.csv", Body=b"x")
    s3.put_object(Bucket=NAMES["results_bucket"], Key=f"{LEDGER_PREFIX}a.json", Body=b"{}")
    stack.put_raw("olist_orders_dataset/a.csv", b"a,b\n")
    stack.put_raw("olist_orders_dataset/b.csv", b"c,d\n", sha=None)
    stack.put_raw("olist_sellers_dataset/c.csv", b"e,f\n")
    store = stack.backend().store

    results = store.list("results")
    assert [o.key for o in results] == [f"athena/{i:04d}.csv" for i in range(5)]  # no ledger
    assert len(pages) == 3 and pages[0] is None and all(pages[1:])

    raw = store.list("raw", "olist_orders_dataset/")
    assert [(o.key, o.sha256, o.size) for o in raw] == [
        ("olist_orders_dataset/a.csv", hashlib.sha256(b"a,b\n").hexdigest(), 4),
        ("olist_orders_dataset/b.csv", None, 4),
    ]
    assert [o.table for o in store.list("raw")] == [
        "olist_orders_dataset",
        "olist_orders_dataset",
        "olist_sellers_dataset",
    ]
    assert [o.sha256 for o in store.list("raw", checksums=False)] == [None, None, None]


def test_ranged_reads(stack):
    s3 = stack.client("s3")
    s3.put_object(Bucket=NAMES["processed_bucket"], Key="t/f.parquet", Body=b"0123456789")
    store = stack.backend().store
    assert store.read_tail("processed", "t/f.parquet", 4) == b"6789"
    assert store.read_tail("processed", "t/f.parquet", 100) == b"0123456789"
    assert store.read_range("processed", "t/f.parquet", 2, 4) == b"234"
    assert (
        store.location("processed", "t/f.parquet")
        == f"s3://{NAMES['processed_bucket']}/t/f.parquet"
    )


def test_a_missing_bucket_setting_is_a_config_error(stack):
    from olistctl.errors import ConfigError
    from olistctl.settings import Value

    stack.settings.values["raw_bucket"] = Value(None, "default")
    with pytest.raises(ConfigError) as caught:
        stack.backend().store.list("raw")
    assert str(caught.value).startswith("No raw bucket is configured: pass --raw-bucket")


SELLERS_CSV = (
    b'"seller_id","seller_zip_code_prefix","seller_city","seller_state"\n'
    b"3442f8959a84dea7ee197c632cb2df15,13023,campinas,SP\n"
)


def test_pipeline_upload_stores_each_file_once_until_its_content_changes(stack, tmp_path):
    pytest.importorskip("olistctl.ingest.inputs", reason="upload needs olistctl.ingest.inputs")
    from awsstack import ORDERS_CSV

    from olistctl import pipeline

    folder = tmp_path / "data"
    folder.mkdir()
    csv_path = folder / "olist_orders_dataset.csv"
    csv_path.write_bytes(ORDERS_CSV)
    backend = stack.backend()
    key = "olist_orders_dataset/olist_orders_dataset.csv"

    assert [o.status for o in pipeline.upload(backend, [str(folder)])] == ["uploaded"]
    assert [o.status for o in pipeline.upload(backend, [str(folder)])] == ["skipped"]
    changed = ORDERS_CSV + ORDERS_CSV.splitlines(keepends=True)[1]
    csv_path.write_bytes(changed)
    assert [o.status for o in pipeline.upload(backend, [str(folder)])] == ["uploaded"]

    assert backend.store.head("raw", key).sha256 == hashlib.sha256(changed).hexdigest()
    versions = stack.client("s3").list_object_versions(Bucket=NAMES["raw_bucket"])["Versions"]
    assert len(versions) == 2  # two uploads, not three
    assert [e.stage for e in backend.ledger.entries()] == ["upload", "upload"]


def test_a_failed_upload_run_keeps_the_ledger_of_what_it_stored_and_a_rerun_skips_it(
    stack, tmp_path
):
    """The ledger is written as each file lands: the upload that failed on its second file
    still records the first, and running again uploads only what is missing."""
    pytest.importorskip("olistctl.ingest.inputs", reason="upload needs olistctl.ingest.inputs")
    import botocore.exceptions
    from awsstack import ORDERS_CSV

    from olistctl import pipeline
    from olistctl.errors import AwsError

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "olist_orders_dataset.csv").write_bytes(ORDERS_CSV)
    sellers = SELLERS_CSV
    (folder / "olist_sellers_dataset.csv").write_bytes(sellers)
    orders_key = "olist_orders_dataset/olist_orders_dataset.csv"
    sellers_key = "olist_sellers_dataset/olist_sellers_dataset.csv"

    def refuse_sellers(request, **kwargs):
        if sellers_key in request.url:
            raise botocore.exceptions.ClientError(
                {"Error": {"Code": "AccessDenied", "Message": "Access Denied"}}, "PutObject"
            )

    s3 = stack.client("s3")
    s3.meta.events.register_first("before-send.s3.PutObject", refuse_sellers)
    backend = stack.backend()
    with pytest.raises(AwsError):
        pipeline.upload(backend, [str(folder)])
    assert [(e.stage, e.key, e.bytes_in) for e in backend.ledger.entries()] == [
        ("upload", orders_key, len(ORDERS_CSV))
    ]

    s3.meta.events.unregister("before-send.s3.PutObject", refuse_sellers)
    again = {o.key: o.status for o in pipeline.upload(backend, [str(folder)])}
    assert again == {orders_key: "skipped", sellers_key: "uploaded"}
    assert [(e.key, e.bytes_in) for e in backend.ledger.entries()] == [
        (orders_key, len(ORDERS_CSV)),
        (sellers_key, len(sellers)),
    ]
    versions = s3.list_object_versions(Bucket=NAMES["raw_bucket"])["Versions"]
    assert sorted(v["Key"] for v in versions) == [orders_key, sellers_key]  # none twice
