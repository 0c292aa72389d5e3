"""The four stages as small protocols, and the records they exchange.

A backend is a bundle of one implementation per stage (object store,
transform runner, catalog, query engine) plus a run ledger. ``local`` and
``aws`` each provide one; the pipeline (``olistctl.pipeline``) and the CLI
only ever talk to these protocols.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from olistctl.result_file import ResultTarget, WrittenResult
    from olistctl.sql.params import BoundParam

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


class ObjectStore(Protocol):
    name: str  # "s3://bucket" style description for messages

    def location(self, stage: Stage, key: str = "") -> str:
        """A user-facing address: ``s3://raw-bucket/key`` or a path."""
        ...

    def head(self, stage: Stage, key: str) -> ObjectInfo | None: ...

    def list(
        self, stage: Stage, prefix: str = "", *, checksums: bool = True
    ) -> list[ObjectInfo]: ...

    def put_file(
        self,
        stage: Stage,
        key: str,
        path: str,
        *,
        sha256: str,
        progress: ProgressCallback | None = None,
    ) -> ObjectInfo:
        """Store a local file atomically, recording its SHA-256 with it."""
        ...

    def open(self, stage: Stage, key: str):
        """A readable binary file object of the object's content."""
        ...


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


class TransformRunner(Protocol):
    def convert(
        self,
        raw_keys: Sequence[str],
        *,
        concurrency: int,
        progress: ProgressCallback | None,
        sizes: Mapping[str, int] | None = None,
        finished: list[TransformOutcome] | None = None,
    ) -> Iterator[TransformOutcome]:
        """Convert each raw object; yields one outcome per key, in completion order.

        ``sizes`` (bytes per key, when the caller has listed them) saves the runner
        looking them up to start the biggest first.
        A failing object yields ``ok=False`` and never stops the others. ``finished``
        gets every outcome as soon as it exists, including those of conversions that
        complete after the caller stopped iterating (Ctrl-C lets the ones in flight end).
        """
        ...


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


class Catalog(Protocol):
    def crawl(
        self, *, direct: bool = False, progress: Callable[[str], None] | None = None
    ) -> CrawlReport:
        """Build or refresh the catalog; ``direct`` registers tables from Parquet footers
        (on aws: through the Glue API instead of the crawler; local always does this)."""
        ...

    def tables(self) -> list[CatalogTable]: ...


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


class QueryEngine(Protocol):
    def execute(
        self, sql: str, *, params: Sequence[BoundParam] = (), max_rows: int | None = None
    ) -> QueryResult:
        """Run ``sql``, one value of ``params`` bound to each of its ``?`` marks, in order.

        Values are bound, never pasted into the SQL: Athena's ExecutionParameters
        on aws, DuckDB prepared parameters locally (``olistctl.sql.params``).
        """
        ...

    def export(
        self, sql: str, *, params: Sequence[BoundParam] = (), target: ResultTarget
    ) -> WrittenResult:
        """Run ``sql`` and write every row to ``target`` (``query --out``), memory bounded:
        DuckDB's Arrow stream locally, an Athena UNLOAD downloaded on aws."""
        ...

    def cancel(self) -> None:
        """Stop the running query (Ctrl-C); safe to call when none runs."""
        ...


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


class Ledger(Protocol):
    def append(self, entries: Sequence[LedgerEntry]) -> None: ...

    def entries(self, since: datetime | None = None) -> list[LedgerEntry]: ...


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


@dataclass
class TeardownReport:
    deleted: list[TeardownItem]
    remaining: list[TeardownItem]  # what a final check still found (should be empty)
    errors: list[str] = field(default_factory=list)  # per-object failures the service reported
    kept: list[str] = field(default_factory=list)  # what olistctl did not make and left

    @property
    def verified_empty(self) -> bool:
        return not any(i.count for i in self.remaining)


class Teardown(Protocol):
    def plan(self) -> TeardownPlan: ...

    def execute(
        self, plan: TeardownPlan, *, progress: ProgressCallback | None = None
    ) -> TeardownReport: ...


@dataclass
class Backend:
    """One implementation of each stage, as chosen by ``--backend``."""

    name: str
    store: ObjectStore
    runner: TransformRunner
    catalog: Catalog
    engine: QueryEngine
    ledger: Ledger
    teardown: Teardown
    # The catalog database queries name (``SHOW TABLES IN <it>``); looked up when asked.
    database: Callable[[], str | None] = lambda: None
    # Held by commands that change the stored state (the local workspace's lock).
    exclusive: Callable[[], AbstractContextManager] = contextlib.nullcontext
    closers: list[Callable[[], None]] = field(default_factory=list)
    # Raw objects an upload replaced, kept until their replacement converts (local; on aws
    # the buckets' versioning keeps every version and status does not list them).
    previous_versions: Callable[[], list[ObjectInfo]] = lambda: []

    def close(self) -> None:
        for close in self.closers:
            close()
