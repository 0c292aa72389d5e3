"""Usage of the local backend, read from its run ledger and workspace, as AWS would meter it.

The workspace stands in for the buckets (bytes stored per stage), the
ledger for the services (:func:`olistctl.cost.usage.ledger_usage`): each
transform is a Lambda invocation whose duration is the local run's, each
query scans what the local engine estimated Athena would scan, each crawl
without ``--direct`` is a crawler run.
"""

from __future__ import annotations

from collections.abc import Sequence

from olistctl.backends.base import ObjectStore
from olistctl.cost.period import Period
from olistctl.cost.usage import (
    LOG_BYTES_PER_INVOCATION,
    Usage,
    estimate_requests,
    in_period,
    ledger_usage,
)
from olistctl.records import CatalogTable, LedgerEntry, Stage

STAGES: tuple[Stage, ...] = ("raw", "processed", "results")


def gather_local_usage(
    store: ObjectStore,
    tables: Sequence[CatalogTable],
    entries: Sequence[LedgerEntry],
    period: Period,
    *,
    memory_mb: int,
) -> Usage:
    """Usage over ``period``; ``memory_mb`` is the Lambda memory transforms are priced at."""
    entries = in_period(entries, period)
    usage = ledger_usage(period, "local", entries, memory_mb=memory_mb)
    for stage in STAGES:
        objects = store.list(stage)
        usage.stored_bytes[stage] = sum(o.size for o in objects)
        usage.stored_objects[stage] = len(objects)
    # The database plus one object per table (each crawl that changes a table
    # adds a table version on Glue; the local catalog keeps none).
    usage.catalog_objects = 1 + len(tables) if tables else 0
    estimate_requests(usage, entries, tables=len(tables))

    if usage.lambda_invocations:
        usage.notes.append(
            "Lambda duration is this machine's transform time: a 1,024 MB Lambda has about"
            " 0.6 of a vCPU, so expect longer runs (and more GB-seconds) on AWS."
        )
    usage.notes.append(
        f"CloudWatch Logs volume is estimated at {LOG_BYTES_PER_INVOCATION:,} bytes per"
        " Lambda invocation."
    )
    return usage
