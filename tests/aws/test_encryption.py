"""Every object olistctl writes is encrypted as its bucket's default says: SSE-S3, or the stack's
KMS key (infra/s3.tf with kms_key_arn) — never an AES256 header that overrides a KMS default."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from awsstack import NAMES, ORDERS_CSV, require_transform

from olistctl.sse_args import KMS_KEY_ENV, sse_args, sse_args_for_bucket

RAW_KEY = "olist_orders_dataset/olist_orders_dataset.csv"
PROCESSED_KEY = "olist_orders_dataset/olist_orders_dataset.parquet"


def kms_default(key_arn: str | None) -> dict:
    default = {"SSEAlgorithm": "aws:kms"}
    if key_arn:
        default["KMSMasterKeyID"] = key_arn
    return {"Rules": [{"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": True}]}


@pytest.fixture
def stack_key(stack) -> str:
    """A KMS key, and every bucket of the stack encrypting with it by default (as infra/ does)."""
    arn = stack.client("kms").create_key(Description="olist stack key")["KeyMetadata"]["Arn"]
    for bucket in (NAMES["raw_bucket"], NAMES["processed_bucket"], NAMES["results_bucket"]):
        stack.client("s3").put_bucket_encryption(
            Bucket=bucket, ServerSideEncryptionConfiguration=kms_default(arn)
        )
    return arn


def encryption_of(stack, bucket: str, key: str) -> tuple[str, str | None]:
    head = stack.client("s3").head_object(Bucket=bucket, Key=key)
    return head.get("ServerSideEncryption"), head.get("SSEKMSKeyId")


def sent_encryption(client, operation: str) -> list[dict]:
    """The encryption parameters of every ``operation`` call the client makes from now on."""
    seen: list[dict] = []

    def keep(params, **kwargs):
        seen.append({k: v for k, v in params.items() if k.startswith(("ServerSide", "SSE"))})

    client.meta.events.register(f"before-parameter-build.s3.{operation}", keep)
    return seen


# -- the rule, without AWS ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("configuration", "expected"),
    [
        (None, {"ServerSideEncryption": "AES256"}),
        ({"Rules": []}, {"ServerSideEncryption": "AES256"}),
        (
            {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
            {"ServerSideEncryption": "AES256"},
        ),
        (
            kms_default("arn:aws:kms:us-east-1:123456789012:key/k1"),
            {
                "ServerSideEncryption": "aws:kms",
                "SSEKMSKeyId": "arn:aws:kms:us-east-1:123456789012:key/k1",
            },
        ),
        (kms_default(None), {"ServerSideEncryption": "aws:kms"}),  # the aws/s3 managed key
        (
            {
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms:dsse",
                            "KMSMasterKeyID": "k2",
                        }
                    }
                ]
            },
            {"ServerSideEncryption": "aws:kms:dsse", "SSEKMSKeyId": "k2"},
        ),
    ],
)
def test_the_arguments_repeat_the_buckets_default(configuration, expected):
    assert sse_args_for_bucket(configuration) == expected


def test_a_named_key_means_sse_kms_with_that_key():
    assert sse_args("arn:k") == {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "arn:k"}
    assert sse_args(None) == sse_args("") == {"ServerSideEncryption": "AES256"}


# -- upload, ledger, runners ----------------------------------------------------------------


def test_upload_sends_the_kms_header_of_a_kms_bucket(stack, stack_key, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(ORDERS_CSV)
    store = stack.backend().store
    sent = sent_encryption(stack.client("s3"), "PutObject")

    store.put_file("raw", RAW_KEY, str(path), sha256="abc")

    assert sent == [{"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": stack_key}]
    assert encryption_of(stack, NAMES["raw_bucket"], RAW_KEY) == ("aws:kms", stack_key)


def test_upload_to_an_sse_s3_bucket_sends_aes256_and_asks_the_bucket_once(stack, tmp_path):
    asked: list[str] = []
    stack.client("s3").meta.events.register(
        "before-parameter-build.s3.GetBucketEncryption",
        lambda params, **kw: asked.append(params["Bucket"]),
    )
    sent = sent_encryption(stack.client("s3"), "PutObject")
    store = stack.backend().store
    for name in ("a.csv", "b.csv"):
        path = tmp_path / name
        path.write_bytes(ORDERS_CSV)
        store.put_file("raw", f"olist_orders_dataset/{name}", str(path), sha256="abc")
    assert sent == [{"ServerSideEncryption": "AES256"}] * 2
    assert asked == [NAMES["raw_bucket"]]


def test_without_leave_to_read_the_setting_no_header_is_sent_and_the_default_applies(
    stack, stack_key, tmp_path
):
    from botocore.awsrequest import AWSResponse

    denied = (
        b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>AccessDenied</Code>"
        b"<Message>Access Denied</Message><RequestId>r1</RequestId></Error>"
    )

    def refuse(request, **kwargs):
        raw = SimpleNamespace(stream=lambda **kw: iter([denied]))
        return AWSResponse(request.url, 403, {"Content-Type": "application/xml"}, raw)

    s3 = stack.client("s3")
    s3.meta.events.register_first("before-send.s3.GetBucketEncryption", refuse)
    sent = sent_encryption(s3, "PutObject")
    path = tmp_path / "orders.csv"
    path.write_bytes(ORDERS_CSV)

    stack.backend().store.put_file("raw", RAW_KEY, str(path), sha256="abc")

    assert sent == [{}]
    assert encryption_of(stack, NAMES["raw_bucket"], RAW_KEY) == ("aws:kms", stack_key)


def test_ledger_entries_are_encrypted_like_their_bucket(stack, stack_key):
    from datetime import UTC, datetime

    from olistctl.records import LedgerEntry

    ledger = stack.backend().ledger
    ledger.append([LedgerEntry(stage="upload", started=datetime.now(UTC), seconds=0.1)])
    [obj] = stack.client("s3").list_objects_v2(Bucket=NAMES["results_bucket"])["Contents"]
    assert encryption_of(stack, NAMES["results_bucket"], obj["Key"]) == ("aws:kms", stack_key)


class TestTheTransform:
    @pytest.fixture(autouse=True)
    def _needs_transform(self):
        require_transform()

    def test_the_function_writes_with_the_key_its_environment_names(self, stack, deployed_function):
        """The KMS-key variable reaches the handler through the function's configuration."""
        key = stack.client("kms").create_key()["KeyMetadata"]["Arn"]
        stack.client("lambda").update_function_configuration(
            FunctionName=NAMES["function_name"],
            Environment={
                "Variables": {
                    "OLISTCTL_PROCESSED_BUCKET": NAMES["processed_bucket"],
                    KMS_KEY_ENV: key,
                }
            },
        )
        stack.put_raw(RAW_KEY, ORDERS_CSV)
        [outcome] = stack.backend().runner.convert([RAW_KEY], concurrency=1)
        assert outcome.ok, outcome.error
        assert encryption_of(stack, NAMES["processed_bucket"], PROCESSED_KEY) == ("aws:kms", key)

    def test_without_a_key_the_function_sends_no_aes256_over_a_kms_default(
        self, stack, stack_key, deployed_function
    ):
        """The old handler wrote AES256 whatever the bucket said; now the KMS default holds."""
        stack.put_raw(RAW_KEY, ORDERS_CSV)
        [outcome] = stack.backend().runner.convert([RAW_KEY], concurrency=1)
        assert outcome.ok, outcome.error
        assert encryption_of(stack, NAMES["processed_bucket"], PROCESSED_KEY) == (
            "aws:kms",
            stack_key,
        )

    def test_the_local_runner_writes_with_the_processed_buckets_key(self, stack, stack_key):
        stack.put_raw(RAW_KEY, ORDERS_CSV)
        sent = sent_encryption(stack.client("s3"), "PutObject")
        [outcome] = stack.backend(runner="local").runner.convert([RAW_KEY], concurrency=1)
        assert outcome.ok, outcome.error
        assert sent == [{"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": stack_key}]
        assert encryption_of(stack, NAMES["processed_bucket"], PROCESSED_KEY) == (
            "aws:kms",
            stack_key,
        )
