"""Usage read from an account (moto, in-process): S3, Lambda, Glue, Athena, Logs, Cost Explorer."""

from __future__ import annotations

import io
import json
import time
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from botocore.stub import Stubber
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID

from olistctl.backends.aws.account_usage import StackResources, gather_aws_usage, query_scans
from olistctl.backends.aws.billing import actual_costs
from olistctl.backends.aws.clients import AwsClients
from olistctl.cost import build_report, resolve_period
from olistctl.records import LedgerEntry

REGION = "us-east-1"
FUNCTION = "olist-transform"
CRAWLER = "olist-crawler"
DATABASE = "olist"
WORKGROUP = "olist"
BUCKETS = {"raw": "olist-raw", "processed": "olist-processed", "results": "olist-results"}


@pytest.fixture
def aws(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield AwsClients(region=REGION)


@pytest.fixture
def period():
    """From a day ago until a minute from now (the test seeds its usage after this is made).

    Datapoints two days old fall outside it.
    """
    now = datetime.now(UTC) + timedelta(minutes=1)
    return resolve_period(since=(now - timedelta(days=1)).isoformat(), now=now)


def seed_buckets(clients) -> None:
    s3 = clients.client("s3")
    for bucket in BUCKETS.values():
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=BUCKETS["raw"], VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=BUCKETS["raw"], Key="orders/a.csv", Body=b"x" * 100)
    s3.put_object(Bucket=BUCKETS["raw"], Key="orders/a.csv", Body=b"y" * 250)  # second version
    s3.put_object(Bucket=BUCKETS["raw"], Key="items/b.csv", Body=b"z" * 40)
    s3.delete_object(Bucket=BUCKETS["raw"], Key="items/b.csv")  # version stays + delete marker
    s3.put_object(Bucket=BUCKETS["processed"], Key="orders/a.parquet", Body=b"p" * 1000)
    s3.put_object(Bucket=BUCKETS["processed"], Key="items/b.parquet", Body=b"q" * 2000)


def seed_function(clients, memory_mb: int = 2048) -> None:
    role = clients.client("iam").create_role(
        RoleName="transform",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as zf:
        zf.writestr("handler.py", "def handler(event, context):\n    return event\n")
    clients.client("lambda").create_function(
        FunctionName=FUNCTION,
        Runtime="python3.12",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": code.getvalue()},
        MemorySize=memory_mb,
    )


def put_metric(clients, namespace, name, dimension, value, when) -> None:
    clients.client("cloudwatch").put_metric_data(
        Namespace=namespace,
        MetricData=[
            {
                "MetricName": name,
                "Dimensions": [{"Name": dimension[0], "Value": dimension[1]}],
                "Timestamp": when,
                "Value": value,
            }
        ],
    )


def seed_lambda_metrics(clients) -> None:
    now = datetime.now(UTC)
    fn = ("FunctionName", FUNCTION)
    for value, when in ((5, now - timedelta(hours=3)), (4, now - timedelta(hours=1))):
        put_metric(clients, "AWS/Lambda", "Invocations", fn, value, when)
    put_metric(clients, "AWS/Lambda", "Invocations", fn, 100, now - timedelta(days=2))  # too old
    for value, when in ((3000.0, now - timedelta(hours=3)), (1500.0, now - timedelta(hours=1))):
        put_metric(clients, "AWS/Lambda", "Duration", fn, value, when)


def seed_glue(clients, *, dpu_hour: float) -> None:
    from moto.glue.models import glue_backends
    from moto.moto_api import state_manager

    glue = clients.client("glue")
    glue.create_database(DatabaseInput={"Name": DATABASE})
    columns = {"Columns": [{"Name": "order_id", "Type": "string"}]}
    glue.create_table(
        DatabaseName=DATABASE, TableInput={"Name": "orders", "StorageDescriptor": columns}
    )
    glue.update_table(  # a second version of the same table
        DatabaseName=DATABASE,
        TableInput={
            "Name": "orders",
            "StorageDescriptor": {"Columns": [{"Name": "x", "Type": "int"}]},
        },
    )
    glue.create_table(
        DatabaseName=DATABASE,
        TableInput={
            "Name": "items",
            "StorageDescriptor": columns,
            "PartitionKeys": [{"Name": "day", "Type": "string"}],
        },
    )
    for day in ("1", "2"):
        glue.create_partition(
            DatabaseName=DATABASE,
            TableName="items",
            PartitionInput={"Values": [day], "StorageDescriptor": columns},
        )
    glue.create_crawler(
        Name=CRAWLER,
        Role="arn:aws:iam::123456789012:role/crawler",
        DatabaseName=DATABASE,
        Targets={"S3Targets": [{"Path": f"s3://{BUCKETS['processed']}/"}]},
    )
    state_manager.set_transition("glue::crawl", {"progression": "immediate"})
    glue.start_crawler(Name=CRAWLER)
    crawl = glue_backends[DEFAULT_ACCOUNT_ID][REGION].crawlers[CRAWLER].crawls[-1]
    crawl.dpu_hour = dpu_hour  # moto reports a fixed 100


@pytest.fixture
def scanned(monkeypatch):
    """Bytes scanned to report per query id (moto always reports 0)."""
    from moto.athena.responses import AthenaResponse

    table: dict[str, int] = {}
    original = AthenaResponse.get_query_execution

    def with_statistics(self):
        body = json.loads(original(self))
        execution = body["QueryExecution"]
        execution["Statistics"]["DataScannedInBytes"] = table.get(execution["QueryExecutionId"], 0)
        return json.dumps(body)

    monkeypatch.setattr(AthenaResponse, "get_query_execution", with_statistics)
    return table


def seed_athena(clients, scanned: dict[str, int]) -> None:
    from moto.athena.models import athena_backends

    athena = clients.client("athena")
    athena.create_work_group(
        Name=WORKGROUP,
        Configuration={"ResultConfiguration": {"OutputLocation": "s3://olist-results/athena/"}},
        Tags=[{"Key": "olistctl:stack", "Value": "test"}],
    )

    def start(sql: str) -> str:
        return athena.start_query_execution(
            QueryString=sql,
            QueryExecutionContext={"Database": DATABASE},
            WorkGroup=WORKGROUP,
        )["QueryExecutionId"]

    scanned[start("SELECT count(*) FROM orders")] = 123_456_789
    scanned[start("SELECT * FROM items")] = 42
    scanned[start("CREATE EXTERNAL TABLE t (a int) LOCATION 's3://x/'")] = 0  # DDL: free
    old = start("SELECT 1")
    scanned[old] = 999_999_999
    athena_backends[DEFAULT_ACCOUNT_ID][REGION].executions[old].start_time = time.time() - 3 * 86400


def seed_logs(clients) -> int:
    logs = clients.client("logs")
    group = f"/aws/lambda/{FUNCTION}"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="2026/11/27/[$LATEST]abc")
    message = "REPORT RequestId: 1 Duration: 1500.00 ms Billed Duration: 1500 ms"
    logs.put_log_events(
        logGroupName=group,
        logStreamName="2026/11/27/[$LATEST]abc",
        logEvents=[{"timestamp": int(time.time() * 1000), "message": message}],
    )
    put_metric(
        clients,
        "AWS/Logs",
        "IncomingBytes",
        ("LogGroupName", group),
        5000,
        datetime.now(UTC) - timedelta(hours=2),
    )
    return len(message)


STACK = StackResources(
    buckets=BUCKETS, function_name=FUNCTION, crawler=CRAWLER, database=DATABASE, workgroup=WORKGROUP
)


def test_usage_gathered_from_the_account(aws, period, scanned):
    seed_buckets(aws)
    seed_function(aws, memory_mb=2048)
    seed_lambda_metrics(aws)
    seed_glue(aws, dpu_hour=0.25)
    seed_athena(aws, scanned)
    stored_log_bytes = seed_logs(aws)
    now = datetime.now(UTC)
    ledger = [
        LedgerEntry("upload", now, 1.0, requests=1),
        LedgerEntry("upload", now, 1.0, requests=1),
        LedgerEntry("transform", now, 2.0, requests=1),
        LedgerEntry("upload", now - timedelta(days=5), 1.0, requests=1),  # before the period
    ]

    listings: list[str] = []
    aws.client("glue").meta.events.register(
        "before-parameter-build.glue.GetTables",
        lambda params, **_: listings.append(params["DatabaseName"]),
    )

    usage = gather_aws_usage(aws, STACK, period, ledger_entries=ledger, memory_mb=1024)

    # S3: every version (100 + 250 + 40 bytes) and the delete marker count.
    assert usage.stored_bytes == {"raw": 390, "processed": 3000, "results": 0}
    assert usage.stored_objects == {"raw": 4, "processed": 2, "results": 0}
    # Lambda: 5 + 4 invocations in the period, 4.5 s at the function's 2,048 MB.
    assert usage.lambda_memory_mb == 2048
    assert usage.lambda_invocations == 9
    assert usage.lambda_gb_seconds == pytest.approx(4.5 * 2)
    assert usage.basis["lambda_compute"] == "measured"
    # Glue: one finished crawl with the DPU-hours Glue reported; the database, orders'
    # two versions, items' one and its two partitions.
    assert [run.dpu_hours for run in usage.crawls] == [0.25]
    assert usage.catalog_objects == 1 + 2 + 1 + 2
    assert listings == [DATABASE]  # the tables are listed once (one page)
    # Athena: the two SELECTs of the period; the DDL and the old query are left out.
    assert sorted(usage.query_bytes) == [42, 123_456_789]
    # Logs: the group's stored bytes and the IncomingBytes metric.
    assert usage.logs_stored_bytes == stored_log_bytes
    assert usage.logs_ingested_bytes == 5000
    # S3 requests from the two uploads and the transform of the period: (1+1+1) PUTs, (1+1+3) GETs.
    assert (usage.s3_put_requests, usage.s3_get_requests) == (3, 5)

    report = build_report(usage, region=REGION)
    athena = next(line for line in report.lines if line.key == "athena")
    # 118 MB (rounded up) + the 10 MB minimum, at $5 per TB.
    assert athena.cost == pytest.approx((118 + 10) / 2**20 * 5.0)
    crawler = next(line for line in report.lines if line.key == "glue_crawler")
    assert round(crawler.cost, 2) == round(0.25 * 0.44, 2)


def test_fallbacks_when_metrics_and_list_crawls_are_missing(aws, period, scanned, monkeypatch):
    from moto.glue.responses import GlueResponse

    seed_buckets(aws)
    seed_function(aws, memory_mb=512)  # no metrics seeded
    seed_glue(aws, dpu_hour=0.25)

    def unimplemented(self):
        raise NotImplementedError("The list_crawls action has not been implemented")

    monkeypatch.setattr(GlueResponse, "list_crawls", unimplemented)
    now = datetime.now(UTC)
    ledger = [
        LedgerEntry("transform", now, 1.2345, requests=1),
        LedgerEntry("transform", now, 0.5, requests=1),
        LedgerEntry("crawl", now - timedelta(hours=5), 90.0, requests=2),
    ]
    stack = StackResources(
        buckets=BUCKETS, function_name=FUNCTION, crawler=CRAWLER, database=DATABASE
    )
    usage = gather_aws_usage(aws, stack, period, ledger_entries=ledger, memory_mb=1024)

    # Lambda from the ledger at the function's own 512 MB.
    assert usage.lambda_invocations == 2
    assert usage.lambda_gb_seconds == pytest.approx((1.235 + 0.5) * 0.5)
    assert usage.basis["lambda_compute"] == "ledger"
    # The ledger's crawl, plus the crawler's last run (GetCrawler), which the ledger lacks;
    # GetCrawlerMetrics is missing in moto, so that run's length is unknown (billed the minimum).
    assert sorted(run.seconds for run in usage.crawls) == [0.0, 90.0]
    assert all(run.dpu_hours is None for run in usage.crawls)
    # No IncomingBytes: estimated per invocation; no workgroup: queries from the ledger.
    assert usage.basis["logs_ingestion"] == "estimated"
    assert usage.logs_ingested_bytes == 2 * 1024
    assert usage.basis["athena"] == "ledger"
    assert any("ListCrawls is unavailable" in note for note in usage.notes)


class BatchingAthena:
    """The moto Athena client, plus the BatchGetQueryExecution moto lacks (recording calls)."""

    def __init__(self, client):
        self.client = client
        self.batches: list[int] = []

    def __getattr__(self, name):
        return getattr(self.client, name)

    def batch_get_query_execution(self, QueryExecutionIds):
        self.batches.append(len(QueryExecutionIds))
        return {
            "QueryExecutions": [
                self.client.get_query_execution(QueryExecutionId=i)["QueryExecution"]
                for i in QueryExecutionIds
            ]
        }


def test_athena_details_are_fetched_in_batches_of_50(aws, period, scanned):
    athena = aws.client("athena")
    athena.create_work_group(Name=WORKGROUP, Tags=[{"Key": "k", "Value": "v"}])
    for n in range(60):
        query_id = athena.start_query_execution(QueryString=f"SELECT {n}", WorkGroup=WORKGROUP)[
            "QueryExecutionId"
        ]
        scanned[query_id] = n
    batching = BatchingAthena(athena)
    assert sorted(query_scans(batching, WORKGROUP, period)) == list(range(60))
    assert batching.batches == [50, 10]


def test_cost_explorer_pages_and_request_count(aws, period):
    ce = aws.client("ce")
    stub = Stubber(ce)
    start = period.start.date().isoformat()
    end = (period.end.date() + timedelta(days=1)).isoformat()
    expected = {
        "TimePeriod": {"Start": start, "End": end},
        "Granularity": "MONTHLY",
        "Metrics": ["UnblendedCost"],
        "Filter": {"Tags": {"Key": "olistctl:stack", "Values": ["olist-dev"]}},
        "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}],
    }

    def group(service: str, amount: str) -> dict:
        return {"Keys": [service], "Metrics": {"UnblendedCost": {"Amount": amount, "Unit": "USD"}}}

    stub.add_response(
        "get_cost_and_usage",
        {
            "ResultsByTime": [
                {"Groups": [group("Amazon Athena", "0.12"), group("AWS Lambda", "0.5")]}
            ],
            "NextPageToken": "page-2",
        },
        expected,
    )
    stub.add_response(
        "get_cost_and_usage",
        {"ResultsByTime": [{"Groups": [group("Amazon Athena", "0.03")]}]},
        {**expected, "NextPageToken": "page-2"},
    )
    with stub:
        costs = actual_costs(ce, period, tag_key="olistctl:stack", tag_value="olist-dev")
    stub.assert_no_pending_responses()
    assert costs.by_service == {"Amazon Athena": pytest.approx(0.15), "AWS Lambda": 0.5}
    assert costs.total == pytest.approx(0.65)
    assert costs.requests == 2 and costs.request_cost == pytest.approx(0.02)
    assert (costs.start, costs.end) == (start, end)


def test_the_cli_reports_the_account_and_asks_cost_explorer(aws, cli, scanned, monkeypatch):
    seed_buckets(aws)
    seed_function(aws, memory_mb=1024)
    seed_lambda_metrics(aws)
    seed_glue(aws, dpu_hour=0.5)
    seed_athena(aws, scanned)
    env = {
        "OLISTCTL_BACKEND": "aws",
        "OLISTCTL_REGION": REGION,
        "OLISTCTL_RAW_BUCKET": BUCKETS["raw"],
        "OLISTCTL_PROCESSED_BUCKET": BUCKETS["processed"],
        "OLISTCTL_RESULTS_BUCKET": BUCKETS["results"],
        "OLISTCTL_FUNCTION_NAME": FUNCTION,
        "OLISTCTL_CRAWLER": CRAWLER,
        "OLISTCTL_DATABASE": DATABASE,
        "OLISTCTL_WORKGROUP": WORKGROUP,
        "OLISTCTL_STACK": "olist-test",
    }
    made: list[AwsClients] = []
    real = AwsClients.from_settings.__func__

    def from_settings(cls, settings):
        made.append(real(cls, settings))
        return made[-1]

    monkeypatch.setattr(AwsClients, "from_settings", classmethod(from_settings))
    since = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    result = cli("report", "cost", "--since", since, "--actual", "-o", "json", env=env)
    assert result.exit_code == 0, result
    assert len(made) == 1  # the backend's clients (one boto3 session) serve every call
    document = json.loads(result.stdout)
    assert document["backend"] == "aws"
    lines = {line["service"]: line for line in document["lines"]}
    fraction = document["period"]["month_fraction"]
    assert lines["S3 storage"]["usage"] == pytest.approx((390 + 3000) / 2**30 * fraction)
    assert lines["Lambda requests"]["usage"] == 9
    assert lines["Lambda compute"]["usage"] == pytest.approx(4.5)
    assert lines["Glue crawler"]["usage"] == pytest.approx(0.5)
    assert lines["Athena"]["usage"] == pytest.approx((118 + 10) / 1024)
    # moto's Cost Explorer bills nothing; one request was made.
    assert document["billed"]["by_service"] == {}
    assert document["billed"]["cost_explorer_requests"] == 1
    assert "each Cost Explorer request costs $0.01" in result.stderr


def test_a_stack_not_yet_crawled_or_configured(aws, period):
    """No database yet, no buckets, no function: nothing counted, each gap said once."""
    stack = StackResources(database="olist")
    usage = gather_aws_usage(aws, stack, period, ledger_entries=[], memory_mb=1024)
    assert usage.total_stored_bytes == 0 and usage.catalog_objects == 0
    assert usage.lambda_invocations == 0 and usage.query_bytes == []
    assert "The Glue database olist does not exist yet." in usage.notes
    assert "No bucket is configured for: processed, raw, results (not counted)." in usage.notes
