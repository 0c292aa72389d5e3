"""The run ledger in the results bucket: one object per append, read back in time order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from awsstack import NAMES

from olistctl.backends.aws.ledger import LEDGER_PREFIX
from olistctl.records import LedgerEntry


def entry(stage: str, started: datetime, **kw) -> LedgerEntry:
    return LedgerEntry(stage=stage, started=started, seconds=1.5, backend="aws", **kw)


def test_appends_are_separate_objects_read_back_in_order_and_filtered_by_since(stack):
    ledger = stack.backend().ledger
    t0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    later = t0 + timedelta(hours=1)
    ledger.append([entry("upload", t0, key="olist_orders_dataset/a.csv", bytes_in=10)])
    ledger.append([])  # nothing to write: no object
    ledger.append(
        [entry("query", later, bytes_scanned=123, detail="q-1"), entry("transform", t0, rows=3)]
    )

    objects = stack.client("s3").list_objects_v2(
        Bucket=NAMES["results_bucket"], Prefix=LEDGER_PREFIX
    )["Contents"]
    assert len(objects) == 2
    head = stack.client("s3").head_object(Bucket=NAMES["results_bucket"], Key=objects[0]["Key"])
    assert head["ServerSideEncryption"] == "AES256"

    everything = ledger.entries()
    assert [(e.stage, e.started) for e in everything] == [
        ("upload", t0),
        ("transform", t0),
        ("query", later),
    ]
    assert everything[0].key == "olist_orders_dataset/a.csv" and everything[0].bytes_in == 10
    assert everything[2].bytes_scanned == 123 and everything[2].detail == "q-1"

    since = ledger.entries(since=t0 + timedelta(minutes=30))
    assert [e.stage for e in since] == ["query"]
    # Objects written before `since` are not even read.
    reads: list[str] = []
    stack.client("s3").meta.events.register(
        "before-parameter-build.s3.GetObject", lambda params, **kw: reads.append(params["Key"])
    )
    assert ledger.entries(since=datetime.now(UTC) + timedelta(days=1)) == []
    assert reads == []
    assert len(ledger.entries(since=t0)) == 3
    assert len(reads) == 2


def test_a_foreign_object_under_the_prefix_is_skipped(stack):
    stack.client("s3").put_object(
        Bucket=NAMES["results_bucket"], Key=f"{LEDGER_PREFIX}zzz-notes.json", Body=b"not json"
    )
    ledger = stack.backend().ledger
    ledger.append([entry("crawl", datetime(2024, 1, 1, tzinfo=UTC))])
    assert [e.stage for e in ledger.entries()] == ["crawl"]
