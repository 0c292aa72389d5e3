"""Usage of the local backend, checked against the ledger file and the workspace folders."""

from __future__ import annotations

import json
import math
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from olistctl.backends.local import open_local_backend
from olistctl.backends.local.workspace_usage import gather_local_usage
from olistctl.cost import resolve_period
from olistctl.records import LedgerEntry
from olistctl.settings import load_settings


def stage_bytes(workspace: Path, stage: str) -> tuple[int, int]:
    """(bytes, files) under a stage folder, leaving out checksum sidecars and temporary files."""
    size = count = 0
    for folder, _, names in os.walk(workspace / stage):
        for name in names:
            if name.endswith(".sha256") or (name.startswith(".") and name.endswith(".tmp")):
                continue
            size += (Path(folder) / name).stat().st_size
            count += 1
    return size, count


def ledger_lines(workspace: Path) -> list[dict]:
    return [json.loads(line) for line in (workspace / "ledger.jsonl").read_text().splitlines()]


@pytest.fixture
def backend(workspace_copy):
    now = datetime.now(UTC)
    extra = [
        LedgerEntry("query", now, 0.5, bytes_scanned=123_456, requests=1),
        LedgerEntry("query", now, 0.5, bytes_scanned=42, requests=1),
        LedgerEntry("query", now, 0.1, ok=False, requests=1),  # failed: not billed
        LedgerEntry("crawl", now, 75.0, requests=9),  # through the crawler, not --direct
        # Long before the period: left out.
        LedgerEntry("transform", datetime(2020, 1, 5, tzinfo=UTC), 30.0, requests=1),
        LedgerEntry("query", datetime(2020, 1, 5, tzinfo=UTC), 1.0, bytes_scanned=10**9),
    ]
    settings = load_settings({"workspace": str(workspace_copy)}, env={})
    backend = open_local_backend(settings)
    backend.ledger.append(extra)
    yield backend
    backend.close()


def test_local_usage_matches_the_ledger_and_the_workspace(backend, workspace_copy):
    period = resolve_period(since=(datetime.now(UTC) - timedelta(days=2)).date().isoformat())
    usage = gather_local_usage(
        backend.store,
        backend.catalog.tables(),
        backend.ledger.entries(since=period.start),
        period,
        memory_mb=2048,
    )

    for stage in ("raw", "processed", "results"):
        size, files = stage_bytes(workspace_copy, stage)
        assert usage.stored_bytes[stage] == size, stage
        assert usage.stored_objects[stage] == files, stage
    assert usage.stored_bytes["raw"] > 0 and usage.stored_bytes["processed"] > 0

    recent = [
        e
        for e in ledger_lines(workspace_copy)
        if datetime.fromisoformat(e["started"]) >= period.start
    ]
    transforms = [e for e in recent if e["stage"] == "transform"]
    assert usage.lambda_invocations == len(transforms) > 0
    # 2,048 MB = 2 GB, each invocation's duration rounded up to the millisecond.
    expected_gbs = sum(math.ceil(e["seconds"] * 1000) / 1000 * 2 for e in transforms)
    assert usage.lambda_gb_seconds == pytest.approx(expected_gbs)

    queries = [e["bytes_scanned"] for e in recent if e["stage"] == "query" and e["ok"]]
    assert sorted(usage.query_bytes) == sorted(queries)
    assert 123_456 in usage.query_bytes and 10**9 not in usage.query_bytes

    assert [run.seconds for run in usage.crawls] == [75.0]
    tables = len(list((workspace_copy / "processed").iterdir()))
    assert usage.catalog_objects == 1 + tables
    assert usage.basis["s3_put"] == "estimated" and usage.basis["lambda_compute"] == "ledger"


def test_an_empty_workspace_uses_nothing(tmp_path):
    backend = open_local_backend(load_settings({"workspace": str(tmp_path / "none")}, env={}))
    period = resolve_period()
    usage = gather_local_usage(
        backend.store, backend.catalog.tables(), backend.ledger.entries(), period, memory_mb=1024
    )
    assert usage.total_stored_bytes == 0
    assert usage.lambda_invocations == usage.s3_put_requests == usage.catalog_objects == 0
    assert usage.query_bytes == [] and usage.crawls == []
    assert not (tmp_path / "none").exists()  # reading usage creates nothing
