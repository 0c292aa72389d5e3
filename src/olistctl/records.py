"""The records the pipeline's stages exchange: plain dataclasses, no behaviour beyond their data.

Objects stored, conversions done, catalog tables, query answers (shown, or
written to a file), ledger entries and teardown plans. They live here, outside
``olistctl.backends``, so that the cores (``cost``, ``quality`` …) and the CLI
can read them without importing a backend; the stage protocols that produce
them are in ``olistctl.backends.base``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

Stage = Literal["raw", "processed", "results"]
ProgressCallback = Callable[[int], None]  # called with a number of bytes (or rows) just done


@dataclass(frozen=True)
class ObjectInfo:
    """One stored object (an S3 object, or a file in the workspace)."""

    stage: Stage
    key: str  # <table>/<file>, relative to the stage's bucket or folder
    size: int
    modified: datetime | None = None
    # raw: SHA-256 of the content; processed: SHA-256 of the CSV it came from.
    sha256: str | None = None
    version_id: str | None = None

    @property
    def table(self) -> str:
        return self.key.split("/", 1)[0]


@dataclass
class TransformOutcome:
    """The result of converting one raw object, or why it failed."""

    raw_key: str
    table: str
    ok: bool
    processed_key: str | None = None
    rows: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    seconds: float = 0.0
    quality: dict[str, Any] | None = None  # QualityReport.to_dict()
    error: str | None = None
    request_id: str | None = None
    skipped: bool = False  # already converted from this exact content


@dataclass(frozen=True)
class CatalogColumn:
    name: str
    type: str  # Athena/Glue spelling: string, timestamp, decimal(10,2), int, double, bigint …


@dataclass
class CatalogTable:
    name: str
    columns: list[CatalogColumn]
    location: str
    rows: int | None = None
    bytes: int | None = None
    files: int | None = None
    updated: datetime | None = None


@dataclass
class CatalogDiff:
    added_tables: list[str] = field(default_factory=list)
    removed_tables: list[str] = field(default_factory=list)
    added_columns: list[tuple[str, str]] = field(default_factory=list)  # (table, column)
    removed_columns: list[tuple[str, str]] = field(default_factory=list)
    retyped_columns: list[tuple[str, str, str, str]] = field(default_factory=list)  # t, c, old, new

    @property
    def empty(self) -> bool:
        return not (
            self.added_tables
            or self.removed_tables
            or self.added_columns
            or self.removed_columns
            or self.retyped_columns
        )

    @classmethod
    def between(cls, before: Iterable[CatalogTable], after: Iterable[CatalogTable]) -> CatalogDiff:
        old = {t.name: {c.name: c.type for c in t.columns} for t in before}
        new = {t.name: {c.name: c.type for c in t.columns} for t in after}
        diff = cls(
            added_tables=sorted(set(new) - set(old)),
            removed_tables=sorted(set(old) - set(new)),
        )
        for name in sorted(set(old) & set(new)):
            o, n = old[name], new[name]
            diff.added_columns += [(name, c) for c in n if c not in o]
            diff.removed_columns += [(name, c) for c in o if c not in n]
            diff.retyped_columns += [(name, c, o[c], n[c]) for c in n if c in o and o[c] != n[c]]
        return diff


@dataclass
class CrawlReport:
    tables: list[CatalogTable]
    diff: CatalogDiff
    status: str = "SUCCEEDED"  # the crawler's last status on aws
    seconds: float = 0.0
    message: str | None = None


@dataclass
class QueryResult:
    columns: list[str]
    types: list[str]  # Athena type names
    rows: list[tuple[Any, ...]]
    engine_ms: float
    bytes_scanned: int  # what Athena scanned (aws) or would scan (local estimate)
    query_id: str | None = None
    truncated: bool = False  # more rows existed than were fetched
    output_location: str | None = None
    from_catalog: bool = False  # answered from the catalog (SHOW TABLES …): no query ran
    notes: list[str] = field(default_factory=list)  # what the user should know (one line each)
    # ISO time of the run whose answer this is, reused as nothing it depends on changed
    # (olistctl.kpi_answers): no query ran. ``scan_if_run_again``: what that run scanned.
    reused_from: str | None = None
    scan_if_run_again: int = 0


@dataclass
class WrittenResult:
    """What ``query --out`` wrote, and what the query cost."""

    path: str
    format: str  # parquet | csv
    rows: int
    bytes: int  # the file's size
    columns: list[str]
    engine_ms: float = 0.0
    bytes_scanned: int = 0  # what Athena scanned (aws) or would scan (local estimate)
    query_id: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class OwnFile:
    """A file of olistctl's own kept with a backend's stored state (the shell's history)."""

    path: Path | None  # None: no place for it yet (no workspace made): the caller keeps none
    claim: Callable[[], None]  # lists it as olistctl's; called before it is first written
    # Writes the whole file atomically through the backend's own walls (never by a path a
    # link could redirect); None where the backend has no such writer.
    write: Callable[[bytes], None] | None = None


@dataclass
class LedgerEntry:
    """What ran, when, on how much: the cost report and ``status`` read these."""

    stage: str  # upload | transform | crawl | query
    started: datetime
    seconds: float
    ok: bool = True
    table: str | None = None
    key: str | None = None
    rows: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    bytes_scanned: int = 0
    requests: int = 0
    memory_mb: int | None = None  # Lambda memory, for GB-seconds
    backend: str = "local"
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["started"] = self.started.isoformat()
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LedgerEntry:
        data = dict(data)
        data["started"] = datetime.fromisoformat(data["started"])
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class TeardownItem:
    kind: str  # "bucket objects", "object versions", "delete markers", "table", "workspace", …
    name: str  # bucket, table or folder
    count: int  # how many things of this kind go
    bytes: int = 0


@dataclass
class TeardownPlan:
    items: list[TeardownItem]
    refusals: list[str] = field(default_factory=list)  # why a resource will not be touched
    kept: list[str] = field(default_factory=list)  # what olistctl did not make and leaves

    @property
    def empty(self) -> bool:
        return not any(i.count for i in self.items)

    def kept_listing(self) -> str:
        return _listing(self.kept)


@dataclass
class TeardownReport:
    deleted: list[TeardownItem]
    remaining: list[TeardownItem]  # what a final check still found (should be empty)
    errors: list[str] = field(default_factory=list)  # per-object failures the service reported
    kept: list[str] = field(default_factory=list)  # what olistctl did not make and left

    @property
    def verified_empty(self) -> bool:
        return not any(i.count for i in self.remaining)

    def kept_listing(self) -> str:
        return _listing(self.kept)


def _listing(paths: list[str], shown: int = 10) -> str:
    """The first ``shown`` paths, and how many more: one readable line."""
    listed = ", ".join(paths[:shown])
    return listed + (f" and {len(paths) - shown} more" if len(paths) > shown else "")
