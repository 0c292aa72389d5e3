"""Usage of the deployed stack, read from the account.

Each figure comes from the service that bills it, with a fallback when the
service cannot say (moto implements neither ``BatchGetQueryExecution`` nor
``GetCrawlerMetrics``; a new function has no metrics yet):

- S3: every version and delete marker in the stack's buckets (ListObjectVersions).
- Lambda: ``Invocations`` and ``Duration`` sums from CloudWatch, at the function's
  configured memory; else the run ledger's transforms.
- Glue crawler: each run's time and DPU-hours (ListCrawls); else the last run
  (GetCrawler, GetCrawlerMetrics) and the ledger.
- Glue Data Catalog: the database, its tables, their versions and partitions.
- Athena: the workgroup's queries submitted in the period, with their bytes scanned.
- CloudWatch Logs: the function's log group, stored bytes and ``IncomingBytes``.

Every figure starts as the run ledger says it (:func:`olistctl.cost.usage.ledger_usage`)
and is replaced by the service's own where it has one. S3 and Data Catalog
request counts are not reported per caller and stay estimated from the ledger.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

import botocore.exceptions

from olistctl.backends.aws.clients import aws_errors, error_code
from olistctl.cost.period import Period
from olistctl.cost.usage import (
    LOG_BYTES_PER_INVOCATION,
    CrawlRun,
    Usage,
    charge_transforms,
    estimate_requests,
    in_period,
    ledger_usage,
)
from olistctl.records import LedgerEntry

ATHENA_BATCH = 50  # BatchGetQueryExecution takes at most 50 ids
METRIC_PERIOD_S = 86_400  # daily sums: valid at every CloudWatch retention resolution
# Failed queries and DDL are free; a cancelled query pays for what it scanned.
BILLED_QUERY_STATES = frozenset({"SUCCEEDED", "CANCELLED"})
FINISHED_CRAWL_STATES = frozenset({"COMPLETED", "SUCCEEDED", "FAILED", "STOPPED", "CANCELLED"})
# What a service says when it (or moto) does not offer an operation.
_UNAVAILABLE_CODES = frozenset(
    {
        "NotImplemented",
        "NotImplementedError",
        "InvalidAction",
        "UnknownOperationException",
        "InternalFailure",
        "InternalServerError",
        "500",
        "501",
    }
)

T = TypeVar("T")


class ClientFactory(Protocol):
    def client(self, service: str) -> Any: ...


@dataclass(frozen=True)
class StackResources:
    """The names usage is read for; a missing one is skipped (with a note)."""

    buckets: dict[str, str] = field(default_factory=dict)  # stage -> bucket
    function_name: str | None = None
    crawler: str | None = None
    database: str | None = None
    workgroup: str | None = None

    @classmethod
    def from_settings(cls, settings) -> StackResources:
        from olistctl.backends.aws.names import StackNames

        return cls(
            buckets={stage: b for stage, b in StackNames(settings).known_buckets().items()},
            function_name=settings.get("function_name"),
            crawler=settings.get("crawler"),
            database=settings.get("database"),
            workgroup=settings.get("workgroup"),
        )

    @property
    def log_group(self) -> str | None:
        # Lambda's own naming; infra/lambda.tf creates the group under this name.
        return f"/aws/lambda/{self.function_name}" if self.function_name else None


def _unavailable(exc: BaseException) -> bool:
    """The operation is not offered here (moto, an old region), as opposed to failing."""
    if isinstance(exc, NotImplementedError):
        return True
    return (
        isinstance(exc, botocore.exceptions.ClientError) and error_code(exc) in _UNAVAILABLE_CODES
    )


def _try(call: Callable[[], T]) -> T | None:
    """``call()``, or None when the operation is unavailable; other errors propagate."""
    try:
        return call()
    except (NotImplementedError, botocore.exceptions.ClientError) as exc:
        if _unavailable(exc):
            return None
        raise


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# -- S3 -----------------------------------------------------------------------


def bucket_usage(s3, bucket: str) -> tuple[int, int]:
    """(bytes, objects) of every version and delete marker in ``bucket``."""
    size = count = 0
    with aws_errors("ListObjectVersions", f"s3://{bucket}"):
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            versions = page.get("Versions", [])
            size += sum(int(v.get("Size", 0)) for v in versions)
            count += len(versions) + len(page.get("DeleteMarkers", []))
    return size, count


# -- Lambda -------------------------------------------------------------------


def metric_sum(
    cloudwatch, namespace: str, metric: str, dimension: tuple[str, str], period: Period
) -> float | None:
    """The Sum of a metric over the period, or None when it has no datapoints."""
    with aws_errors("GetMetricStatistics", f"{namespace}/{metric}"):
        response = cloudwatch.get_metric_statistics(
            Namespace=namespace,
            MetricName=metric,
            Dimensions=[{"Name": dimension[0], "Value": dimension[1]}],
            StartTime=period.start,
            EndTime=period.end,
            Period=METRIC_PERIOD_S,
            Statistics=["Sum"],
        )
    points = response.get("Datapoints", [])
    if not points:
        return None
    return float(sum(p.get("Sum", 0.0) for p in points))


def _lambda_usage(
    clients: ClientFactory, stack: StackResources, usage: Usage, entries: Sequence[LedgerEntry]
) -> None:
    name = stack.function_name
    if name is None:
        usage.notes.append("No function name is configured: Lambda usage comes from the ledger.")
        return
    with aws_errors("GetFunctionConfiguration", name):
        config = clients.client("lambda").get_function_configuration(FunctionName=name)
    usage.lambda_memory_mb = int(config.get("MemorySize", usage.lambda_memory_mb))
    usage.lambda_architecture = (config.get("Architectures") or ["x86_64"])[0]
    cloudwatch = clients.client("cloudwatch")
    invocations = metric_sum(
        cloudwatch, "AWS/Lambda", "Invocations", ("FunctionName", name), usage.period
    )
    duration_ms = metric_sum(
        cloudwatch, "AWS/Lambda", "Duration", ("FunctionName", name), usage.period
    )
    if invocations is not None and duration_ms is not None:
        usage.lambda_invocations = round(invocations)
        usage.lambda_gb_seconds = duration_ms / 1000 * usage.lambda_memory_mb / 1024
        usage.basis.update(lambda_requests="measured", lambda_compute="measured")
        return
    usage.notes.append(
        f"CloudWatch has no Invocations/Duration datapoints for {name} in the period:"
        " Lambda usage comes from the run ledger."
    )
    charge_transforms(usage, entries)  # again, at the function's own memory


# -- Glue ---------------------------------------------------------------------


def crawler_runs(glue, crawler: str, period: Period) -> list[CrawlRun] | None:
    """Finished runs of ``crawler`` started in the period; None if ListCrawls is unavailable."""
    crawls: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"CrawlerName": crawler}
        if token:
            kwargs["NextToken"] = token
        with aws_errors("ListCrawls", crawler):
            page = _try(functools.partial(glue.list_crawls, **kwargs))
        if page is None:
            return None
        crawls.extend(page.get("Crawls", []))
        token = page.get("NextToken")
        if not token:
            break
    runs = []
    for crawl in crawls:
        started = crawl.get("StartTime")
        if started is None or not period.contains(_utc(started)):
            continue
        if crawl.get("State") not in FINISHED_CRAWL_STATES:
            continue  # still running: its bill is not final yet
        ended = crawl.get("EndTime")
        seconds = (_utc(ended) - _utc(started)).total_seconds() if ended else 0.0
        dpu_hours = crawl.get("DPUHour")
        runs.append(CrawlRun(_utc(started), seconds, float(dpu_hours) if dpu_hours else None))
    return runs


def _last_crawl(glue, crawler: str, period: Period, ledger_runs: list[CrawlRun]) -> list[CrawlRun]:
    """Without ListCrawls: the ledger's crawler runs, or the crawler's last run if it is newer."""
    with aws_errors("GetCrawler", crawler):
        last = glue.get_crawler(Name=crawler)["Crawler"].get("LastCrawl") or {}
    started = last.get("StartTime")
    if started is None or not period.contains(_utc(started)):
        return ledger_runs
    if any(
        r.started and abs((r.started - _utc(started)).total_seconds()) < 300 for r in ledger_runs
    ):
        return ledger_runs  # the ledger already holds that run
    with aws_errors("GetCrawlerMetrics", crawler):
        metrics = _try(lambda: glue.get_crawler_metrics(CrawlerNameList=[crawler]))
    seconds = 0.0
    if metrics and metrics.get("CrawlerMetricsList"):
        seconds = float(metrics["CrawlerMetricsList"][0].get("LastRuntimeSeconds", 0.0))
    return [*ledger_runs, CrawlRun(_utc(started), seconds)]


def catalog_objects(glue, database: str) -> tuple[int, int] | None:
    """(tables, objects billed) of the database; None when it does not exist (nothing crawled).

    The Data Catalog bills the database, each table version and each partition.
    """
    tables = 0
    total = 1
    with aws_errors("GetTables", database):
        try:
            pages = list(glue.get_paginator("get_tables").paginate(DatabaseName=database))
        except botocore.exceptions.ClientError as exc:
            if error_code(exc) == "EntityNotFoundException":
                return None
            raise
    for page in pages:
        for table in page.get("TableList", []):
            name = table["Name"]
            with aws_errors("GetTableVersions", f"{database}.{name}"):
                versions = sum(
                    len(p.get("TableVersions", []))
                    for p in glue.get_paginator("get_table_versions").paginate(
                        DatabaseName=database, TableName=name
                    )
                )
            with aws_errors("GetPartitions", f"{database}.{name}"):
                partitions = sum(
                    len(p.get("Partitions", []))
                    for p in glue.get_paginator("get_partitions").paginate(
                        DatabaseName=database, TableName=name
                    )
                )
            tables += 1
            total += max(versions, 1) + partitions
    return tables, total


# -- Athena -------------------------------------------------------------------


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _executions(athena, ids: Sequence[str]) -> list[dict[str, Any]]:
    """Details of the executions: BatchGetQueryExecution, else one GetQueryExecution each."""
    with aws_errors("BatchGetQueryExecution"):
        batch = _try(lambda: athena.batch_get_query_execution(QueryExecutionIds=list(ids)))
    if batch is not None:
        return list(batch.get("QueryExecutions", []))
    found = []
    for query_id in ids:
        with aws_errors("GetQueryExecution", query_id):
            found.append(athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"])
    return found


def query_scans(athena, workgroup: str, period: Period) -> list[int]:
    """Bytes scanned by each billable query submitted to ``workgroup`` in the period."""
    scanned: list[int] = []
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"WorkGroup": workgroup, "MaxResults": ATHENA_BATCH}
        if token:
            kwargs["NextToken"] = token
        with aws_errors("ListQueryExecutions", workgroup):
            page = athena.list_query_executions(**kwargs)
        ids = page.get("QueryExecutionIds", [])
        older = 0
        for chunk in _chunks(ids, ATHENA_BATCH):
            for execution in _executions(athena, chunk):
                status = execution.get("Status", {})
                submitted = status.get("SubmissionDateTime")
                if submitted is None:
                    continue
                moment = _utc(_as_datetime(submitted))
                if moment < period.start:
                    older += 1
                if not period.contains(moment):
                    continue
                if execution.get("StatementType", "DML") != "DML":
                    continue  # DDL and utility statements are free
                if status.get("State") not in BILLED_QUERY_STATES:
                    continue
                data = int((execution.get("Statistics") or {}).get("DataScannedInBytes") or 0)
                if status.get("State") == "CANCELLED" and not data:
                    continue
                scanned.append(data)
        token = page.get("NextToken")
        # Athena lists newest first: a page entirely outside the period ends the search.
        if not token or (ids and older == len(ids)):
            break
    return scanned


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromtimestamp(float(value), tz=UTC)


# -- CloudWatch Logs ----------------------------------------------------------


def log_group_stored_bytes(logs, name: str) -> int | None:
    with aws_errors("DescribeLogGroups", name):
        for page in logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=name):
            for group in page.get("logGroups", []):
                if group.get("logGroupName") == name:
                    return int(group.get("storedBytes", 0))
    return None


# -- all of it ----------------------------------------------------------------


def gather_aws_usage(
    clients: ClientFactory,
    stack: StackResources,
    period: Period,
    *,
    ledger_entries: Sequence[LedgerEntry],
    memory_mb: int,
) -> Usage:
    """Usage of the stack over ``period``; ``memory_mb`` stands in until the function says."""
    entries = in_period(ledger_entries, period)
    usage = ledger_usage(period, "aws", entries, memory_mb=memory_mb)
    s3 = clients.client("s3")
    for stage, bucket in stack.buckets.items():
        usage.stored_bytes[stage], usage.stored_objects[stage] = bucket_usage(s3, bucket)
    missing = sorted({"raw", "processed", "results"} - set(stack.buckets))
    if missing:
        usage.notes.append(f"No bucket is configured for: {', '.join(missing)} (not counted).")

    _lambda_usage(clients, stack, usage, entries)

    glue = clients.client("glue")
    if stack.crawler:
        runs = crawler_runs(glue, stack.crawler, period)
        if runs is None:
            usage.crawls = _last_crawl(glue, stack.crawler, period, usage.crawls)
            usage.notes.append("Glue ListCrawls is unavailable: crawler runs come from the ledger.")
        else:
            usage.crawls = runs
            usage.basis["glue_crawler"] = "measured"
    catalog = catalog_objects(glue, stack.database) if stack.database else None
    tables = None
    if catalog is not None:
        tables, usage.catalog_objects = catalog
    elif stack.database:
        usage.notes.append(f"The Glue database {stack.database} does not exist yet.")

    if stack.workgroup:
        usage.query_bytes = query_scans(clients.client("athena"), stack.workgroup, period)
        usage.basis["athena"] = "measured"

    _logs_usage(clients, stack, usage)
    estimate_requests(usage, entries, tables=tables or 0)
    return usage


def _logs_usage(clients: ClientFactory, stack: StackResources, usage: Usage) -> None:
    group = stack.log_group
    stored = log_group_stored_bytes(clients.client("logs"), group) if group else None
    incoming = (
        metric_sum(
            clients.client("cloudwatch"),
            "AWS/Logs",
            "IncomingBytes",
            ("LogGroupName", group),
            usage.period,
        )
        if group
        else None
    )
    if incoming is not None:
        usage.logs_ingested_bytes = round(incoming)
        usage.basis["logs_ingestion"] = "measured"
    else:
        # The ledger's estimate, for the invocations counted above (measured or not).
        usage.logs_ingested_bytes = usage.lambda_invocations * LOG_BYTES_PER_INVOCATION
        usage.notes.append(
            f"No IncomingBytes datapoints for the log group: ingestion is estimated at"
            f" {LOG_BYTES_PER_INVOCATION:,} bytes per invocation."
        )
    if stored is not None:
        usage.logs_stored_bytes = stored
        usage.basis["logs_storage"] = "measured"
    else:
        usage.logs_stored_bytes = usage.logs_ingested_bytes
