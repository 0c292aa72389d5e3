"""The Lambda handler against moto's S3: events, outputs, logs, checksums, /tmp hygiene, and
byte-identical Parquet with the local transform, whether it goes up in one PutObject or in
the parts of a multipart upload streamed as it is written (nothing staged in /tmp)."""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
from types import SimpleNamespace

import pytest
from awsstack import NAMES, ORDERS_CSV, ORDERS_HEADER, orders_csv, require_transform

require_transform()

from olistctl import lambda_handler, layout  # noqa: E402 (needs the transform core)
from olistctl.errors import ConfigError, InputError, OperationFailed  # noqa: E402

RAW_KEY = "olist_orders_dataset/olist_orders_dataset.csv"
PROCESSED_KEY = "olist_orders_dataset/olist_orders_dataset.parquet"


@pytest.fixture
def lambda_tmp(tmp_path, monkeypatch):
    """The function's /tmp, watched: it must be empty after every object."""
    folder = tmp_path / "lambda-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def function_env(stack, monkeypatch):
    monkeypatch.setenv("OLISTCTL_PROCESSED_BUCKET", NAMES["processed_bucket"])
    monkeypatch.setenv("OLISTCTL_LOG_LEVEL", "INFO")
    monkeypatch.setattr(lambda_handler, "_s3_client", None)


def test_events_of_every_shape_name_the_objects():
    one = {"bucket": "b", "key": "t/a.csv"}
    refs = [lambda_handler.ObjectRef("b", "t/a.csv")]
    assert lambda_handler.parse_event(one) == refs
    assert lambda_handler.parse_event([one, one]) == refs * 2
    assert lambda_handler.parse_event({"objects": [one]}) == refs
    notification = {
        "Records": [
            {
                "eventName": "ObjectCreated:Put",
                "s3": {"bucket": {"name": "raw"}, "object": {"key": "t/my+file%281%29.csv"}},
            },
            {
                "eventName": "ObjectRemoved:Delete",
                "s3": {"bucket": {"name": "raw"}, "object": {"key": "t/x.csv"}},
            },
        ]
    }
    assert lambda_handler.parse_event(notification) == [
        lambda_handler.ObjectRef("raw", "t/my file(1).csv")
    ]
    with pytest.raises(ValueError) as caught:
        lambda_handler.parse_event({"bucket": "b"})
    assert str(caught.value) == (
        'Unrecognised event {"bucket": "b"}: expected {"bucket": ..., "key": ...}, a list of '
        "those, or an S3 notification"
    )


def test_handler_converts_writes_with_sse_and_source_sha_and_logs_json(
    stack, function_env, lambda_tmp, capsys
):
    stack.put_raw(RAW_KEY, ORDERS_CSV)
    context = SimpleNamespace(aws_request_id="req-123")

    answer = lambda_handler.handler({"bucket": NAMES["raw_bucket"], "key": RAW_KEY}, context)

    assert answer["request_id"] == "req-123"
    [record] = answer["objects"]
    assert record["key"] == RAW_KEY and record["processed_key"] == PROCESSED_KEY
    assert (record["table"], record["rows"], record["bytes_in"]) == (
        "olist_orders_dataset",
        3,
        len(ORDERS_CSV),
    )
    json.dumps(answer)  # the answer is JSON as it is
    head = stack.client("s3").head_object(Bucket=NAMES["processed_bucket"], Key=PROCESSED_KEY)
    sha = hashlib.sha256(ORDERS_CSV).hexdigest()
    assert head["ServerSideEncryption"] == "AES256"
    assert head["Metadata"] == {layout.SOURCE_SHA256: sha}
    assert record["bytes_out"] == head["ContentLength"] and record["source_sha256"] == sha
    assert list(lambda_tmp.iterdir()) == []

    logs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(e["level"], e["message"]) for e in logs] == [
        ("INFO", "converting"),
        ("INFO", "converted"),
    ]
    assert logs[1]["request_id"] == "req-123" and logs[1]["key"] == RAW_KEY
    assert logs[1]["rows"] == 3 and logs[1]["processed_key"] == PROCESSED_KEY


def test_a_notification_event_with_an_encoded_key_is_converted(stack, function_env, lambda_tmp):
    key = "olist_orders_dataset/orders (copy).csv"
    stack.put_raw(key, ORDERS_CSV)
    event = {
        "Records": [
            {
                "eventName": "ObjectCreated:CompleteMultipartUpload",
                "s3": {
                    "bucket": {"name": NAMES["raw_bucket"]},
                    "object": {"key": "olist_orders_dataset/orders+%28copy%29.csv"},
                },
            }
        ]
    }
    answer = lambda_handler.handler(event, SimpleNamespace(aws_request_id="r"))
    assert answer["objects"][0]["processed_key"] == "olist_orders_dataset/orders (copy).parquet"


def test_without_a_checksum_it_is_computed_first_and_carried_by_the_parquet(
    stack, function_env, lambda_tmp
):
    import pyarrow.parquet as pq

    stack.put_raw(RAW_KEY, ORDERS_CSV, sha=None)
    lambda_handler.handler({"bucket": NAMES["raw_bucket"], "key": RAW_KEY}, None)
    s3 = stack.client("s3")
    head = s3.head_object(Bucket=NAMES["processed_bucket"], Key=PROCESSED_KEY)
    sha = hashlib.sha256(ORDERS_CSV).hexdigest()
    assert head["Metadata"] == {layout.SOURCE_SHA256: sha}
    body = s3.get_object(Bucket=NAMES["processed_bucket"], Key=PROCESSED_KEY)["Body"].read()
    footer = pq.read_metadata(io.BytesIO(body)).metadata
    assert footer[layout.SOURCE_SHA256.encode()] == sha.encode()  # as the local path writes


def test_a_checksum_that_lies_fails_and_writes_nothing(stack, function_env, lambda_tmp):
    stack.put_raw(RAW_KEY, ORDERS_CSV, sha="0" * 64)
    with pytest.raises(OperationFailed) as caught:
        lambda_handler.handler({"bucket": NAMES["raw_bucket"], "key": RAW_KEY}, None)
    assert str(caught.value) == (
        f"s3://{NAMES['raw_bucket']}/{RAW_KEY}: its content's SHA-256 "
        f"{hashlib.sha256(ORDERS_CSV).hexdigest()} differs from its olistctl-sha256 metadata "
        f"{'0' * 64}: upload the file again with `olistctl upload --force`"
    )
    listing = stack.client("s3").list_objects_v2(Bucket=NAMES["processed_bucket"])
    assert "Contents" not in listing
    assert list(lambda_tmp.iterdir()) == []


def test_a_bad_csv_raises_logs_the_error_and_leaves_nothing(
    stack, function_env, lambda_tmp, capsys
):
    ragged = (ORDERS_HEADER + "a,b,c\n").encode()
    stack.put_raw(RAW_KEY, ragged)
    with pytest.raises(InputError):
        lambda_handler.handler(
            {"bucket": NAMES["raw_bucket"], "key": RAW_KEY}, SimpleNamespace(aws_request_id="r9")
        )
    assert list(lambda_tmp.iterdir()) == []
    assert "Contents" not in stack.client("s3").list_objects_v2(Bucket=NAMES["processed_bucket"])
    last = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert (last["level"], last["message"], last["request_id"], last["key"]) == (
        "ERROR",
        "conversion failed",
        "r9",
        RAW_KEY,
    )
    assert "error" in last


def test_the_processed_bucket_must_be_configured(stack, monkeypatch):
    monkeypatch.delenv("OLISTCTL_PROCESSED_BUCKET", raising=False)
    with pytest.raises(ConfigError) as caught:
        lambda_handler.handler({"bucket": "b", "key": "t/a.csv"}, None)
    assert str(caught.value) == (
        "The function has no OLISTCTL_PROCESSED_BUCKET environment variable: set it to the "
        "processed bucket's name (infra/lambda.tf does)"
    )


def test_lambda_parquet_is_byte_identical_to_the_local_transform(
    stack, function_env, lambda_tmp, tmp_path
):
    from olistctl.dataset import ORDERS
    from olistctl.transform import convert_csv

    stack.put_raw(RAW_KEY, ORDERS_CSV)
    lambda_handler.handler({"bucket": NAMES["raw_bucket"], "key": RAW_KEY}, None)
    from_lambda = (
        stack.client("s3")
        .get_object(Bucket=NAMES["processed_bucket"], Key=PROCESSED_KEY)["Body"]
        .read()
    )
    source = tmp_path / "olist_orders_dataset.csv"
    source.write_bytes(ORDERS_CSV)
    local = tmp_path / "local.parquet"
    convert_csv(
        source,
        local,
        table=ORDERS,
        source_name=RAW_KEY,
        source_sha256=hashlib.sha256(ORDERS_CSV).hexdigest(),
    )
    assert from_lambda == local.read_bytes()


# -- streamed to S3 in parts: the Lambda's /tmp never holds the Parquet ---------------------

BIG_ROWS = 120_000  # 21.6 MB of CSV, 10.6 MB of Parquet: three parts of 5 MiB


@pytest.fixture(scope="module")
def big_csv() -> bytes:
    return orders_csv(BIG_ROWS)


@pytest.fixture
def small_parts(monkeypatch):
    """Parts of S3's smallest size, so a test-sized file goes up in several."""
    from olistctl import s3_stream

    monkeypatch.setattr(s3_stream, "PART_BYTES", 5 * 1024 * 1024)


def watch_uploads(s3, lambda_tmp) -> dict[str, list]:
    """Record the multipart calls, and what /tmp holds at each part sent."""
    seen: dict[str, list] = {"operations": [], "tmp_bytes": []}

    def record(event_name, **kwargs):
        operation = event_name.rsplit(".", 1)[-1]
        seen["operations"].append(operation)
        if operation == "UploadPart":
            held = sum(p.stat().st_size for p in lambda_tmp.rglob("*") if p.is_file())
            seen["tmp_bytes"].append(held)

    for operation in (
        "CreateMultipartUpload",
        "UploadPart",
        "CompleteMultipartUpload",
        "AbortMultipartUpload",
        "PutObject",
    ):
        s3.meta.events.register(f"before-call.s3.{operation}", record)
    return seen


def test_a_big_file_streams_to_s3_in_parts_byte_identical_with_nothing_staged_in_tmp(
    stack, function_env, lambda_tmp, small_parts, big_csv, tmp_path
):
    from olistctl.dataset import ORDERS
    from olistctl.transform import convert_csv

    stack.put_raw(RAW_KEY, big_csv)
    lambda_handler._s3_client = stack.client("s3")  # the function's client, watched
    seen = watch_uploads(stack.client("s3"), lambda_tmp)
    [record] = lambda_handler.handler({"bucket": NAMES["raw_bucket"], "key": RAW_KEY}, None)[
        "objects"
    ]

    assert seen["operations"] == [
        "CreateMultipartUpload",
        "UploadPart",
        "UploadPart",
        "UploadPart",
        "CompleteMultipartUpload",
    ]
    assert seen["tmp_bytes"] == [0, 0, 0]  # no part of the Parquet ever sat in /tmp
    assert list(lambda_tmp.iterdir()) == []
    s3 = stack.client("s3")
    obj = s3.get_object(Bucket=NAMES["processed_bucket"], Key=PROCESSED_KEY)
    from_lambda = obj["Body"].read()
    sha = hashlib.sha256(big_csv).hexdigest()
    assert obj["Metadata"] == {layout.SOURCE_SHA256: sha}
    assert obj["ServerSideEncryption"] == "AES256"  # the bucket's default
    assert record["rows"] == BIG_ROWS and record["bytes_out"] == len(from_lambda)
    source = tmp_path / "olist_orders_dataset.csv"
    source.write_bytes(big_csv)
    local = tmp_path / "local.parquet"
    convert_csv(source, local, table=ORDERS, source_name=RAW_KEY, source_sha256=sha)
    assert from_lambda == local.read_bytes()


def test_a_bad_row_after_parts_were_sent_aborts_the_upload_and_leaves_nothing(
    stack, function_env, lambda_tmp, small_parts, big_csv
):
    stack.put_raw(RAW_KEY, big_csv + b"a,b,c\n")  # ragged, at the very end
    lambda_handler._s3_client = stack.client("s3")
    seen = watch_uploads(stack.client("s3"), lambda_tmp)
    with pytest.raises(InputError):
        lambda_handler.handler({"bucket": NAMES["raw_bucket"], "key": RAW_KEY}, None)

    assert seen["operations"].count("UploadPart") >= 1
    assert seen["operations"][-1] == "AbortMultipartUpload"
    s3 = stack.client("s3")
    assert "Contents" not in s3.list_objects_v2(Bucket=NAMES["processed_bucket"])
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=NAMES["processed_bucket"])
    assert list(lambda_tmp.iterdir()) == []


def test_a_lying_checksum_on_a_big_file_completes_nothing(
    stack, function_env, lambda_tmp, small_parts, big_csv
):
    stack.put_raw(RAW_KEY, big_csv, sha="0" * 64)
    lambda_handler._s3_client = stack.client("s3")
    seen = watch_uploads(stack.client("s3"), lambda_tmp)
    with pytest.raises(OperationFailed) as caught:
        lambda_handler.handler({"bucket": NAMES["raw_bucket"], "key": RAW_KEY}, None)
    assert "differs from its olistctl-sha256 metadata" in str(caught.value)
    assert "CompleteMultipartUpload" not in seen["operations"]
    s3 = stack.client("s3")
    assert "Contents" not in s3.list_objects_v2(Bucket=NAMES["processed_bucket"])
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=NAMES["processed_bucket"])
