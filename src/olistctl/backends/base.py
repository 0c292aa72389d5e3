"""The four stages as small protocols, and the backend that bundles them.

A backend is a bundle of one implementation per stage (object store,
transform runner, catalog, query engine) plus a run ledger. ``local`` and
``aws`` each provide one; the pipeline (``olistctl.pipeline``) and the CLI
only ever talk to these protocols. The records they exchange are in
``olistctl.records``.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, ClassVar, Protocol

from olistctl.errors import UsageError
from olistctl.records import (
    CatalogTable,
    CrawlReport,
    LedgerEntry,
    ObjectInfo,
    OwnFile,
    ProgressCallback,
    QueryResult,
    Stage,
    TeardownPlan,
    TeardownReport,
    TransformOutcome,
    WrittenResult,
)

if TYPE_CHECKING:
    from olistctl.cost.billed import ActualCosts
    from olistctl.cost.period import Period
    from olistctl.cost.usage import Usage
    from olistctl.result_file import ResultTarget
    from olistctl.sql.params import BoundParam


class ObjectStore(Protocol):
    # How many put_file calls an upload makes at once (each on a thread of its own).
    PUT_CONCURRENCY: ClassVar[int] = 1

    @property
    def name(self) -> str:
        """Where the objects are, for messages: the buckets, or the workspace folder."""
        ...

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

    def open(self, stage: Stage, key: str) -> BinaryIO:
        """A readable binary file object of the object's content."""
        ...

    def read_range(self, stage: Stage, key: str, start: int, end: int) -> bytes:
        """Bytes ``start`` to ``end`` (inclusive, as HTTP ranges) of the object."""
        ...

    def local_path(self, stage: Stage, key: str) -> Path | None:
        """The object as a file on this machine, where it is one (None on S3)."""
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
    ) -> Generator[TransformOutcome, None, None]:
        """Convert each raw object; yields one outcome per key, in completion order.

        ``sizes`` (bytes per key, when the caller has listed them) saves the runner
        looking them up to start the biggest first.
        A failing object yields ``ok=False`` and never stops the others. ``finished``
        gets every outcome as soon as it exists, including those of conversions that
        complete after the caller stopped iterating (Ctrl-C lets the ones in flight end);
        closing the generator waits for those.
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

    def export(
        self, sql: str, *, params: Sequence[BoundParam] = (), target: ResultTarget
    ) -> WrittenResult:
        """Run ``sql`` and write every row to ``target`` (``query --out``), memory bounded:
        DuckDB's Arrow stream locally, an Athena UNLOAD downloaded on aws."""
        ...

    def cancel(self) -> None:
        """Stop the running query (Ctrl-C); safe to call when none runs."""
        ...

    def prepare(self, statements: Iterable[tuple[str, Sequence[BoundParam]]]) -> None:
        """Get ready to run ``statements`` (SQL and its parameters) soon; a no-op by default.

        The local engine transpiles them into its cache after a crawl.
        """
        return None

    def data_version(self) -> str | None:
        """A digest that changes whenever the data an answer comes from could: the catalog
        and every data file's identity (the code, the engine's release included, is the
        caller's to add: ``kpi_answers.code_identity``). None (the default): the engine
        cannot tell, and ``run`` never reuses an answer (``olistctl.kpi_answers``)."""
        return None

    def close(self) -> None:
        """Release what the engine holds; a no-op by default."""
        return None


class Ledger(Protocol):
    def append(self, entries: Sequence[LedgerEntry]) -> None: ...

    def entries(self, since: datetime | None = None) -> list[LedgerEntry]: ...


class Teardown(Protocol):
    def plan(self) -> TeardownPlan: ...

    def execute(
        self, plan: TeardownPlan, *, progress: ProgressCallback | None = None
    ) -> TeardownReport: ...

    def verified(self, report: TeardownReport) -> str:
        """The sentence that says what a final check found gone (and what stays, and why)."""
        ...


def no_billing(backend: str) -> UsageError:
    return UsageError(
        f"--actual reads the bill from Cost Explorer, which the {backend} backend has not got",
        hint="add --backend aws, or drop --actual",
    )


def no_destroy_infra() -> UsageError:
    return UsageError(
        "--destroy-infra applies to the aws backend only",
        hint="use --backend aws, or drop --destroy-infra",
    )


class Backend(ABC):
    """One implementation of each stage, as chosen by ``--backend``, and what else it can do.

    Every capability a command uses is declared here; the optional ones have a
    default (harlequin's adapters do the same), and an ``IMPLEMENTS_*`` flag says
    whether a backend has the real thing, so that a caller can refuse an option
    before anything happens. Callers never probe with ``getattr`` or compare
    ``name``: this class is the whole contract.
    """

    name: ClassVar[str]
    # Whether billing() asks the cloud what it billed (aws: Cost Explorer).
    IMPLEMENTS_BILLING: ClassVar[bool] = False
    # Whether destroy_infra() removes the infrastructure itself (aws: terraform destroy).
    IMPLEMENTS_DESTROY_INFRA: ClassVar[bool] = False

    store: ObjectStore
    runner: TransformRunner
    catalog: Catalog
    engine: QueryEngine
    ledger: Ledger
    teardown: Teardown

    def database(self) -> str | None:
        """The catalog database queries name (``SHOW TABLES IN <it>``); looked up when asked."""
        return None

    def exclusive(self) -> AbstractContextManager[object]:
        """Held by commands that change the stored state (the local workspace's lock)."""
        return contextlib.nullcontext()

    def stores_nothing(self) -> bool:
        """Whether nothing was ever stored (local: there is no workspace yet), so that a
        command that needs stored data refuses before :meth:`exclusive` (which creates the
        workspace) leaves one behind. False where that is not known without asking."""
        return False

    def own_file(self, name: str) -> OwnFile | None:
        """Where a file of olistctl's own called ``name`` is kept with the stored state
        (local: in the workspace, listed in its manifest so teardown removes it); None
        where the state is not on this machine (the caller uses the user's state folder)."""
        return None

    def previous_versions(self) -> list[ObjectInfo]:
        """Raw objects an upload replaced, kept until their replacement converts (local; on
        aws the buckets' versioning keeps every version and status does not list them)."""
        return []

    @abstractmethod
    def usage(self, period: Period, *, memory_mb: int) -> Usage:
        """What the pipeline used over ``period``, in the quantities AWS bills.

        ``memory_mb`` prices transforms as Lambda invocations of that memory
        where the function's own setting is not known.
        """

    def billing(self, period: Period, *, note: Callable[[str], None]) -> ActualCosts:
        """What the cloud billed over ``period``; ``note`` hears what a request costs first.

        Only where ``IMPLEMENTS_BILLING``.
        """
        raise no_billing(self.name)

    def destroy_infra(self) -> str:
        """Remove the infrastructure; returns its tool's last line.

        Only where ``IMPLEMENTS_DESTROY_INFRA``.
        """
        raise no_destroy_infra()

    def close(self) -> None:
        self.engine.close()
