"""The four stages as small protocols, and the backend that bundles them.

A backend is a bundle of one implementation per stage (object store,
transform runner, catalog, query engine) plus a run ledger. ``local`` and
``aws`` each provide one; the pipeline (``olistctl.pipeline``) and the CLI
only ever talk to these protocols. The records they exchange are in
``olistctl.records``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from olistctl.records import (
    CatalogTable,
    CrawlReport,
    LedgerEntry,
    ObjectInfo,
    ProgressCallback,
    QueryResult,
    Stage,
    TeardownPlan,
    TeardownReport,
    TransformOutcome,
)

if TYPE_CHECKING:
    from olistctl.sql.params import BoundParam


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


class Catalog(Protocol):
    def crawl(
        self, *, direct: bool = False, progress: Callable[[str], None] | None = None
    ) -> CrawlReport:
        """Build or refresh the catalog; ``direct`` registers tables from Parquet footers
        (on aws: through the Glue API instead of the crawler; local always does this)."""
        ...

    def tables(self) -> list[CatalogTable]: ...


class QueryEngine(Protocol):
    def execute(
        self, sql: str, *, params: Sequence[BoundParam] = (), max_rows: int | None = None
    ) -> QueryResult:
        """Run ``sql``, one value of ``params`` bound to each of its ``?`` marks, in order.

        Values are bound, never pasted into the SQL: Athena's ExecutionParameters
        on aws, DuckDB prepared parameters locally (``olistctl.sql.params``).
        """
        ...

    def cancel(self) -> None:
        """Stop the running query (Ctrl-C); safe to call when none runs."""
        ...


class Ledger(Protocol):
    def append(self, entries: Sequence[LedgerEntry]) -> None: ...

    def entries(self, since: datetime | None = None) -> list[LedgerEntry]: ...


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
