"""What the pipeline used in a period, in the quantities AWS bills, and how each was known.

Both backends fill the same :class:`Usage` (``Backend.usage``): each starts from
what the run ledger says (:func:`ledger_usage`), then the local backend adds its
workspace (``olistctl.backends.local.workspace_usage``) and the aws backend
replaces every figure the account reports (``olistctl.backends.aws.account_usage``).
Where AWS does not report a figure per caller (S3 request counts, Glue Data
Catalog requests), it is estimated from the run ledger with the assumptions
below (:func:`estimate_requests`), and the report says so.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from olistctl.cost.period import Period
from olistctl.errors import UsageError
from olistctl.records import LedgerEntry

Basis = Literal["measured", "ledger", "estimated"]

# S3 requests olistctl's own code makes per pipeline event, as (PUT-class, GET-class).
# PUT-class is PUT, COPY, POST and LIST; GET-class is GET, HEAD and the rest.
S3_REQUESTS_PER_UPLOAD = (1, 1)  # HEAD (is it unchanged?) + PUT
S3_REQUESTS_PER_TRANSFORM = (1, 3)  # HEAD raw, HEAD processed, GET raw + PUT Parquet
S3_REQUESTS_PER_CRAWLED_TABLE = (1, 0)  # one LIST of the table's prefix
S3_REQUESTS_PER_CRAWLED_FILE = (0, 2)  # HEAD + ranged GET of the footer
S3_REQUESTS_PER_QUERY = (2, 0)  # LIST of the table prefixes + PUT of the result CSV
S3_REQUESTS_PER_QUERIED_FILE = (0, 2)  # footer + column chunks (ranged GETs)

# Glue Data Catalog requests: Athena reads the database and each table it plans
# with; a crawl or a direct registration reads and writes each table once.
CATALOG_REQUESTS_PER_QUERY = 3
CATALOG_REQUESTS_PER_CRAWLED_TABLE = 2

# The largest --scale: a million times the Olist data (~120 MB of CSV) is ~100 TB, well past
# anything this pipeline is for, and every figure stays finite.
MAX_SCALE = 1_000_000

# Lambda writes START, END and REPORT lines plus the handler's own log lines.
LOG_BYTES_PER_INVOCATION = 1024


@dataclass(frozen=True)
class CrawlRun:
    started: datetime | None
    seconds: float
    dpu_hours: float | None = None  # Glue's own figure (ListCrawls), when it reports one


@dataclass
class Usage:
    """Raw usage over ``period``. Stocks (bytes stored, catalog objects) are as they stand now."""

    period: Period
    backend: str  # "aws" or "local"
    stored_bytes: dict[str, int] = field(default_factory=dict)  # stage -> bytes, all versions
    stored_objects: dict[str, int] = field(default_factory=dict)
    s3_put_requests: int = 0
    s3_get_requests: int = 0
    lambda_invocations: int = 0
    lambda_gb_seconds: float = 0.0
    lambda_memory_mb: int = 1024
    lambda_architecture: str = "x86_64"
    crawls: list[CrawlRun] = field(default_factory=list)
    catalog_objects: int = 0
    catalog_requests: int = 0
    query_bytes: list[int] = field(default_factory=list)  # bytes scanned, per billable query
    logs_ingested_bytes: int = 0
    logs_stored_bytes: int = 0
    # How each figure was known, by report line key ("s3_storage", "lambda_compute" …).
    basis: dict[str, Basis] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def total_stored_bytes(self) -> int:
        return sum(self.stored_bytes.values())

    def scaled(self, factor: float) -> Usage:
        """The same period with ``factor`` times the data in the same files.

        Bytes stored, Lambda GB-seconds (a transform's time grows with its
        file) and bytes scanned per query grow by ``factor``. Requests,
        invocations, crawler runs, catalog objects, queries and log lines
        follow the number of files and runs, which does not change.
        """
        check_scale(factor)
        if factor == 1:
            return self
        return replace(
            self,
            stored_bytes={k: round(v * factor) for k, v in self.stored_bytes.items()},
            lambda_gb_seconds=self.lambda_gb_seconds * factor,
            query_bytes=[round(b * factor) for b in self.query_bytes],
            notes=[*self.notes],
        )


def check_scale(factor: float) -> None:
    """Refuse a ``--scale`` that is not a positive, finite factor up to :data:`MAX_SCALE`."""
    if not math.isfinite(factor) or factor > MAX_SCALE:
        raise UsageError(
            f"--scale {factor:.12g} is not a factor up to {MAX_SCALE:,}",
            hint="pass a factor such as 10",
        )
    if not factor > 0:
        raise UsageError(f"--scale {factor:.12g} is not above 0", hint="pass a factor such as 10")


def gb_seconds(seconds: float, memory_mb: int) -> float:
    """Lambda bills duration rounded up to the millisecond, at the configured memory."""
    return math.ceil(seconds * 1000) / 1000 * memory_mb / 1024


def in_period(entries: Iterable[LedgerEntry], period: Period) -> list[LedgerEntry]:
    return [e for e in entries if period.contains(e.started)]


def is_crawler_run(entry: LedgerEntry) -> bool:
    """A crawl through the Glue crawler (billed in DPU-hours), not a direct registration."""
    return entry.stage == "crawl" and entry.detail != "direct"


def estimate_s3_requests(
    entries: Sequence[LedgerEntry], *, processed_files: int, tables: int
) -> tuple[int, int]:
    """(PUT-class, GET-class) requests the ledger's events imply, from the per-event counts above.

    A query is assumed to read every processed file (an upper bound: most
    named queries read two to four of the nine tables).
    """
    put = get = 0

    def add(pair: tuple[int, int], times: int = 1) -> None:
        nonlocal put, get
        put += pair[0] * times
        get += pair[1] * times

    for entry in entries:
        if entry.stage == "upload":
            add(S3_REQUESTS_PER_UPLOAD)
        elif entry.stage == "transform":
            add(S3_REQUESTS_PER_TRANSFORM)
        elif entry.stage == "crawl":
            add(S3_REQUESTS_PER_CRAWLED_TABLE, entry.requests or tables)
            add(S3_REQUESTS_PER_CRAWLED_FILE, processed_files)
        elif entry.stage == "query":
            add(S3_REQUESTS_PER_QUERY)
            add(S3_REQUESTS_PER_QUERIED_FILE, processed_files)
    return put, get


def estimate_catalog_requests(entries: Sequence[LedgerEntry], *, tables: int) -> int:
    total = 0
    for entry in entries:
        if entry.stage == "crawl":
            total += CATALOG_REQUESTS_PER_CRAWLED_TABLE * (entry.requests or tables)
        elif entry.stage == "query":
            total += CATALOG_REQUESTS_PER_QUERY
    return total


def charge_transforms(usage: Usage, entries: Sequence[LedgerEntry]) -> None:
    """Lambda invocations and GB-seconds from the ledger's transforms, at ``usage``'s memory."""
    transforms = [e for e in entries if e.stage == "transform"]
    usage.lambda_invocations = len(transforms)
    usage.lambda_gb_seconds = sum(
        gb_seconds(e.seconds, e.memory_mb or usage.lambda_memory_mb) for e in transforms
    )
    usage.basis.update(lambda_requests="ledger", lambda_compute="ledger")


def ledger_usage(
    period: Period, backend: str, entries: Sequence[LedgerEntry], *, memory_mb: int
) -> Usage:
    """What the run ledger alone says was used; ``entries`` are those of ``period``.

    Each transform is a Lambda invocation of the ledger's duration at
    ``memory_mb``; each crawl without ``--direct`` a crawler run; each query that
    succeeded scanned the bytes it recorded; Lambda's logs are estimated per
    invocation. Stocks (bytes stored, catalog objects) are not in the ledger:
    the backend adds them, and replaces what it can measure.
    """
    usage = Usage(period=period, backend=backend, lambda_memory_mb=memory_mb)
    charge_transforms(usage, entries)
    usage.crawls = [CrawlRun(e.started, e.seconds) for e in entries if is_crawler_run(e)]
    usage.query_bytes = [e.bytes_scanned for e in entries if e.stage == "query" and e.ok]
    usage.logs_ingested_bytes = usage.lambda_invocations * LOG_BYTES_PER_INVOCATION
    usage.logs_stored_bytes = usage.logs_ingested_bytes
    usage.basis.update(
        glue_crawler="ledger",
        athena="ledger",
        logs_ingestion="estimated",
        logs_storage="estimated",
    )
    return usage


def estimate_requests(usage: Usage, entries: Sequence[LedgerEntry], *, tables: int) -> None:
    """S3 and Data Catalog request counts from the ledger's events (AWS does not report them)."""
    processed_files = usage.stored_objects.get("processed", 0)
    usage.s3_put_requests, usage.s3_get_requests = estimate_s3_requests(
        entries, processed_files=processed_files, tables=tables
    )
    usage.catalog_requests = estimate_catalog_requests(entries, tables=tables)
    usage.basis.update(s3_put="estimated", s3_get="estimated", glue_catalog_requests="estimated")


ESTIMATE_NOTES = {
    "s3_requests": "S3 requests are estimated from the run ledger (AWS reports them only with"
    " paid request metrics): 1 PUT + 1 HEAD per upload, 1 PUT + 3 GET/HEAD per transform, a"
    " LIST per table and 2 GETs per file per crawl, and 2 GETs per Parquet file per query.",
    "catalog_requests": "Glue Data Catalog requests are estimated: 3 per query and 2 per table"
    " crawled or registered.",
}
