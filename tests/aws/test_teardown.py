"""Teardown on moto: versions and delete markers, the stack-tag guard, verification, terraform."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import botocore.exceptions
import pytest
from awsstack import NAMES, make_bucket, serve

from olistctl.backends.aws import teardown as aws_teardown
from olistctl.errors import AwsError, ConfigError, ExitCode, OperationFailed
from olistctl.settings import STACK_TAG_KEY, Value


def fill(stack) -> None:
    """raw: 3 versions of 2 keys, a delete marker and an unfinished multipart upload;
    results: 2 plain objects; 2 tables."""
    s3 = stack.client("s3")
    raw, results = NAMES["raw_bucket"], NAMES["results_bucket"]
    started = s3.create_multipart_upload(Bucket=raw, Key="olist_orders_dataset/big.csv")
    s3.upload_part(
        Bucket=raw,
        Key="olist_orders_dataset/big.csv",
        UploadId=started["UploadId"],
        PartNumber=1,
        Body=b"x" * 1024,
    )
    s3.put_object(Bucket=raw, Key="olist_orders_dataset/a.csv", Body=b"12345")
    s3.put_object(Bucket=raw, Key="olist_orders_dataset/a.csv", Body=b"123")
    s3.delete_object(Bucket=raw, Key="olist_orders_dataset/a.csv")  # a delete marker
    s3.put_object(Bucket=raw, Key="olist_sellers_dataset/b.csv", Body=b"12")
    s3.put_object(Bucket=results, Key="athena/q.csv", Body=b"1")
    s3.put_object(Bucket=results, Key="olistctl/ledger/x.json", Body=b"{}")
    glue = stack.client("glue")
    for name in ("olist_orders_dataset", "olist_sellers_dataset"):
        glue.create_table(DatabaseName=NAMES["database"], TableInput={"Name": name})


def counts(plan) -> dict[tuple[str, str], tuple[int, int]]:
    return {(i.kind, i.name): (i.count, i.bytes) for i in plan.items}


def test_plan_counts_versions_markers_and_tables_then_execute_leaves_nothing(stack):
    fill(stack)
    teardown = stack.backend().teardown

    plan = teardown.plan()
    assert plan.refusals == []
    assert counts(plan) == {
        ("object versions", NAMES["raw_bucket"]): (3, 10),
        ("delete markers", NAMES["raw_bucket"]): (1, 0),
        ("incomplete uploads", NAMES["raw_bucket"]): (1, 0),
        ("object versions", NAMES["processed_bucket"]): (0, 0),
        ("delete markers", NAMES["processed_bucket"]): (0, 0),
        ("incomplete uploads", NAMES["processed_bucket"]): (0, 0),
        ("object versions", NAMES["results_bucket"]): (2, 3),
        ("delete markers", NAMES["results_bucket"]): (0, 0),
        ("incomplete uploads", NAMES["results_bucket"]): (0, 0),
        ("tables", NAMES["database"]): (2, 0),
    }
    done: list[int] = []
    report = teardown.execute(plan, progress=done.append)

    assert report.verified_empty and report.remaining == [] and report.errors == []
    assert sum(done) == 3 + 1 + 1 + 2 + 2
    assert {(i.kind, i.name): i.count for i in report.deleted if i.count} == {
        ("object versions", NAMES["raw_bucket"]): 3,
        ("delete markers", NAMES["raw_bucket"]): 1,
        ("incomplete uploads", NAMES["raw_bucket"]): 1,
        ("object versions", NAMES["results_bucket"]): 2,
        ("tables", NAMES["database"]): 2,
    }
    s3 = stack.client("s3")
    for bucket in (NAMES["raw_bucket"], NAMES["results_bucket"]):
        listing = s3.list_object_versions(Bucket=bucket)
        assert "Versions" not in listing and "DeleteMarkers" not in listing
        assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)
    assert stack.client("glue").get_tables(DatabaseName=NAMES["database"])["TableList"] == []
    assert teardown.plan().empty


def test_deletes_go_in_batches(stack, monkeypatch):
    monkeypatch.setattr(aws_teardown, "DELETE_BATCH", 2)
    fill(stack)
    batches: list[int] = []
    stack.client("s3").meta.events.register(
        "before-parameter-build.s3.DeleteObjects",
        lambda params, **kw: batches.append(len(params["Delete"]["Objects"])),
    )
    teardown = stack.backend().teardown
    assert teardown.execute(teardown.plan()).verified_empty
    assert batches == [2, 2, 2]  # raw: 3 versions + 1 marker; results: 2 objects


def test_a_bucket_of_another_stack_is_refused_and_left_alone(stack):
    fill(stack)
    s3 = stack.client("s3")
    s3.put_bucket_tagging(
        Bucket=NAMES["raw_bucket"],
        Tagging={"TagSet": [{"Key": STACK_TAG_KEY, "Value": "someone-else"}]},
    )
    make_bucket(stack.clients, "untagged-bucket", stack=None)
    s3.put_object(Bucket="untagged-bucket", Key="keep.csv", Body=b"1")
    backend = stack.backend(results_bucket="untagged-bucket")
    plan = backend.teardown.plan()

    assert plan.refusals == [
        f"s3://{NAMES['raw_bucket']} is not tagged {STACK_TAG_KEY}={NAMES['stack']} (its tag is "
        f"{STACK_TAG_KEY}=someone-else); it is left untouched",
        f"s3://untagged-bucket is not tagged {STACK_TAG_KEY}={NAMES['stack']} (it has no "
        f"{STACK_TAG_KEY} tag); it is left untouched",
    ]
    assert {i.name for i in plan.items} == {NAMES["processed_bucket"], NAMES["database"]}
    report = backend.teardown.execute(plan)
    assert report.verified_empty
    assert len(s3.list_object_versions(Bucket=NAMES["raw_bucket"])["Versions"]) == 3
    assert len(s3.list_object_versions(Bucket="untagged-bucket")["Versions"]) == 1


def test_a_database_of_another_stack_keeps_its_tables(stack):
    fill(stack)
    glue = stack.client("glue")
    glue.create_database(DatabaseInput={"Name": "olist"})
    glue.create_table(DatabaseName="olist", TableInput={"Name": "theirs"})
    plan = stack.backend(database="olist").teardown.plan()
    assert plan.refusals == [
        f"Glue database olist is not tagged {STACK_TAG_KEY}={NAMES['stack']} (it has no "
        f"{STACK_TAG_KEY} tag); it is left untouched"
    ]
    assert "olist" not in {i.name for i in plan.items}
    stack.backend(database="olist").teardown.execute(plan)
    assert [t["Name"] for t in glue.get_tables(DatabaseName="olist")["TableList"]] == ["theirs"]


def test_without_a_stack_name_the_tag_must_at_least_be_present(stack):
    stack.settings.values["stack"] = Value(None, "default")
    make_bucket(stack.clients, "untagged-bucket", stack=None)
    plan = stack.backend(results_bucket="untagged-bucket").teardown.plan()
    assert plan.refusals == [
        f"s3://untagged-bucket has no {STACK_TAG_KEY} tag, and no stack name is configured to "
        "check it against; it is left untouched (set OLISTCTL_STACK, or deploy infra/ so its "
        "outputs name the stack)"
    ]
    assert NAMES["raw_bucket"] in {i.name for i in plan.items}


def test_a_missing_bucket_or_database_is_nothing_to_do(stack):
    stack.client("glue").delete_database(Name=NAMES["database"])
    plan = stack.backend(processed_bucket="gone-already").teardown.plan()
    assert plan.refusals == [] and plan.empty
    assert {i.name for i in plan.items} == {NAMES["raw_bucket"], NAMES["results_bucket"]}


def test_per_key_delete_errors_are_reported_and_what_remains_is_counted(stack):
    fill(stack)

    def refuse_first_key(params):
        first = params["Delete"]["Objects"][0]
        return {
            "Deleted": [],
            "Errors": [
                {
                    "Key": first["Key"],
                    "VersionId": first["VersionId"],
                    "Code": "AccessDenied",
                    "Message": "Access Denied",
                }
            ],
        }

    calls = {"n": 0}

    def once(params):
        calls["n"] += 1
        return refuse_first_key(params) if calls["n"] == 1 else None

    serve(stack.client("s3"), "DeleteObjects", once)
    teardown = stack.backend().teardown
    report = teardown.execute(teardown.plan())

    assert not report.verified_empty
    # The injected answer deleted nothing of the raw bucket's batch: all of it remains.
    assert {(i.kind, i.name): i.count for i in report.remaining} == {
        ("object versions", NAMES["raw_bucket"]): 3,
        ("delete markers", NAMES["raw_bucket"]): 1,
    }
    assert len(report.errors) == 1
    assert report.errors[0].startswith(f"s3://{NAMES['raw_bucket']}/olist_")
    assert report.errors[0].endswith(": AccessDenied: Access Denied")


# -- unfinished multipart uploads -------------------------------------------------------


@pytest.fixture
def no_backoff(monkeypatch):
    """botocore's standard retries sleep up to seconds between attempts: not in tests."""
    from botocore.retries.standard import ExponentialBackoff

    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)


def _network_gone(**kwargs):
    raise botocore.exceptions.EndpointConnectionError(endpoint_url="https://s3.amazonaws.com")


def test_an_upload_cut_off_while_its_abort_failed_too_is_listed_aborted_and_verified(
    stack, tmp_path, no_backoff
):
    """The orphan the issue found: the network went mid-upload, so the abort failed as well."""
    s3 = stack.client("s3")
    big = tmp_path / "olist_orders_dataset.csv"
    big.write_bytes(b"x" * (11 * 1024 * 1024))  # three parts at the tests' 5 MiB part size
    for operation in ("UploadPart", "AbortMultipartUpload"):
        s3.meta.events.register_first(f"before-send.s3.{operation}", _network_gone)
    try:
        with pytest.raises(AwsError):
            stack.backend().store.put_file(
                "raw", "olist_orders_dataset/x.csv", str(big), sha256="0"
            )
    finally:
        for operation in ("UploadPart", "AbortMultipartUpload"):
            s3.meta.events.unregister(f"before-send.s3.{operation}", _network_gone)
    [orphan] = s3.list_multipart_uploads(Bucket=NAMES["raw_bucket"])["Uploads"]
    assert orphan["Key"] == "olist_orders_dataset/x.csv"
    assert "Versions" not in s3.list_object_versions(Bucket=NAMES["raw_bucket"])  # invisible

    teardown = stack.backend().teardown
    plan = teardown.plan()
    assert counts(plan)[("incomplete uploads", NAMES["raw_bucket"])] == (1, 0)
    assert not plan.empty
    report = teardown.execute(plan)
    assert report.verified_empty and report.errors == []
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=NAMES["raw_bucket"])
    assert teardown.plan().empty


def test_an_upload_that_cannot_be_aborted_is_reported_and_counted_as_left(stack):
    fill(stack)
    s3 = stack.client("s3")

    def denied(**kwargs):
        raise botocore.exceptions.ClientError(
            {"Error": {"Code": "AccessDenied", "Message": "Access Denied"}},
            "AbortMultipartUpload",
        )

    s3.meta.events.register_first("before-send.s3.AbortMultipartUpload", denied)
    teardown = stack.backend().teardown
    report = teardown.execute(teardown.plan())
    assert not report.verified_empty
    assert {(i.kind, i.name): i.count for i in report.remaining} == {
        ("incomplete uploads", NAMES["raw_bucket"]): 1
    }
    [upload] = s3.list_multipart_uploads(Bucket=NAMES["raw_bucket"])["Uploads"]
    assert report.errors == [
        f"s3://{NAMES['raw_bucket']}/olist_orders_dataset/big.csv (upload {upload['UploadId']}): "
        "Access was denied to S3 AbortMultipartUpload on s3://"
        f"{NAMES['raw_bucket']}/olist_orders_dataset/big.csv (upload {upload['UploadId']}) "
        "(AccessDenied: Access Denied)"
    ]


# -- the crawler's log group: its streams go, the group (Terraform's) stays ----------------

CRAWLER_LOG_GROUP = "/aws-glue/crawlers-role/olist-test-processed-crawler-role-olist-test-crawler"


def log_group_with_streams(stack, name: str, tags: dict[str, str], streams: int) -> None:
    logs = stack.client("logs")
    logs.create_log_group(logGroupName=name, tags=tags)
    logs.put_retention_policy(logGroupName=name, retentionInDays=7)
    for n in range(streams):
        stream = f"{NAMES['crawler']}-{n}"
        logs.create_log_stream(logGroupName=name, logStreamName=stream)
        logs.put_log_events(
            logGroupName=name,
            logStreamName=stream,
            logEvents=[{"timestamp": 1_700_000_000_000, "message": "Crawler started"}],
        )


def test_the_crawlers_log_streams_are_planned_deleted_and_verified(stack):
    log_group_with_streams(stack, CRAWLER_LOG_GROUP, {STACK_TAG_KEY: NAMES["stack"]}, streams=2)
    teardown = stack.backend(crawler_log_group=CRAWLER_LOG_GROUP).teardown
    plan = teardown.plan()
    assert plan.refusals == []
    assert counts(plan)[("log streams", CRAWLER_LOG_GROUP)][0] == 2
    report = teardown.execute(plan)
    assert report.verified_empty and report.errors == []
    assert {(i.kind, i.name): i.count for i in report.deleted if i.count} == {
        ("log streams", CRAWLER_LOG_GROUP): 2
    }
    logs = stack.client("logs")
    assert logs.describe_log_streams(logGroupName=CRAWLER_LOG_GROUP)["logStreams"] == []
    # The group is Terraform's, with its retention: it stays until `terraform destroy`.
    [group] = logs.describe_log_groups(logGroupNamePrefix=CRAWLER_LOG_GROUP)["logGroups"]
    assert group["retentionInDays"] == 7
    assert teardown.plan().empty


def test_a_log_group_olistctl_did_not_create_is_refused_and_left_alone(stack):
    """/aws-glue/crawlers is every crawler's of the account: never the stack's to empty."""
    log_group_with_streams(stack, "/aws-glue/crawlers", {}, streams=1)
    teardown = stack.backend(crawler_log_group="/aws-glue/crawlers").teardown
    plan = teardown.plan()
    assert plan.refusals == [
        f"CloudWatch log group /aws-glue/crawlers is not tagged {STACK_TAG_KEY}={NAMES['stack']} "
        f"(it has no {STACK_TAG_KEY} tag); it is left untouched"
    ]
    assert "/aws-glue/crawlers" not in {i.name for i in plan.items}
    teardown.execute(plan)
    streams = stack.client("logs").describe_log_streams(logGroupName="/aws-glue/crawlers")
    assert [s["logStreamName"] for s in streams["logStreams"]] == [f"{NAMES['crawler']}-0"]


def test_no_crawler_log_group_yet_is_nothing_to_do(stack):
    plan = stack.backend(crawler_log_group=CRAWLER_LOG_GROUP).teardown.plan()
    assert plan.refusals == [] and plan.empty
    assert CRAWLER_LOG_GROUP not in {i.name for i in plan.items}


# -- terraform destroy ---------------------------------------------------------------------


def fake_terraform(bin_dir: Path, script: str) -> None:
    bin_dir.mkdir(exist_ok=True)
    path = bin_dir / "terraform"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.fixture
def infra(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "infra"
    folder.mkdir()
    (folder / "main.tf").write_text("# stack\n")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    return folder


def test_destroy_runs_terraform_in_the_infra_folder_with_the_environment(
    stack, infra, tmp_path, monkeypatch
):
    record = tmp_path / "args.txt"
    fake_terraform(
        tmp_path / "bin",
        f'echo "$@ TF_VAR_region=$TF_VAR_region" > {record}\n'
        'echo "aws_s3_bucket.raw: Destruction complete after 1s"\n'
        'echo "Destroy complete! Resources: 12 destroyed."\n',
    )
    monkeypatch.setenv("TF_VAR_region", "sa-east-1")
    stack.settings.values["infra_dir"] = Value(str(infra), "test")
    last = stack.backend().teardown.destroy_infra(stack.settings)
    assert last == "Destroy complete! Resources: 12 destroyed."
    assert record.read_text().split() == [
        f"-chdir={infra.resolve()}",
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "TF_VAR_region=sa-east-1",
    ]


def test_a_failed_destroy_shows_terraforms_last_error(stack, infra, tmp_path):
    fake_terraform(
        tmp_path / "bin",
        "echo 'aws_s3_bucket.raw: Destroying...'\n"
        "printf '\\n╷\\n│ Error: deleting S3 Bucket (olist-raw): BucketNotEmpty\\n"
        '│ \\n│   with aws_s3_bucket.this["raw"],\\n╵\\n\' >&2\n'
        "exit 1\n",
    )
    stack.settings.values["infra_dir"] = Value(str(infra), "test")
    with pytest.raises(OperationFailed) as caught:
        stack.backend().teardown.destroy_infra(stack.settings)
    assert caught.value.exit_code == ExitCode.FAILED
    assert str(caught.value) == (
        f"terraform destroy failed in {infra.resolve()}: Error: deleting S3 Bucket (olist-raw): "
        f'BucketNotEmpty with aws_s3_bucket.this["raw"],: fix that, then run '
        f"`terraform -chdir={infra.resolve()} destroy` (the data is already gone)"
    )


def test_destroy_without_terraform_or_configuration_is_a_config_error(stack, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    stack.settings.values["infra_dir"] = Value(str(tmp_path), "test")
    with pytest.raises(ConfigError) as caught:
        stack.backend().teardown.destroy_infra(stack.settings)
    assert str(caught.value).startswith(
        "terraform is not on the PATH, so the infrastructure cannot be destroyed"
    )
    fake_terraform(tmp_path / "empty-bin", "exit 0\n")
    with pytest.raises(ConfigError) as caught:
        stack.backend().teardown.destroy_infra(stack.settings)
    assert str(caught.value) == (
        f"{tmp_path.resolve()} holds no Terraform configuration: pass --infra-dir (or set "
        "OLISTCTL_INFRA_DIR) to the stack's folder"
    )
