"""The pipeline's stages, on whichever backend: what each command does, without the CLI.

Every function takes a :class:`~olistctl.backends.base.Backend`, returns a
dataclass and writes what ran to the backend's ledger. Skipping unchanged
work lives here, once, for both backends: an upload is skipped when the
stored object carries the same SHA-256; a transform is skipped when the
Parquet object records the SHA-256 of the CSV it came from and that is the
raw object's current one.
"""

from __future__ import annotations

import contextlib
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from olistctl import layout
from olistctl.backends.base import Backend, no_billing, no_destroy_infra
from olistctl.errors import InputError, OlistError, OperationFailed, UsageError
from olistctl.querying import query, record_query
from olistctl.records import (
    CatalogTable,
    CrawlReport,
    LedgerEntry,
    ObjectInfo,
    QueryResult,
    Stage,
    TeardownPlan,
    TeardownReport,
    TransformOutcome,
)
from olistctl.settings import Settings

if TYPE_CHECKING:
    from olistctl.cost import CostReport, FreeTierPlan, Period
    from olistctl.cost.billed import ActualCosts
    from olistctl.cost.scan_compare import ScanComparison
    from olistctl.ingest.checksums import ChecksumMemo
    from olistctl.ingest.inputs import InputFile
    from olistctl.kpi_answers import KpiAnswers
    from olistctl.pricing import RegionPrices
    from olistctl.quality import DatasetQuality
    from olistctl.quality.overview import QualityOverview
    from olistctl.report.html_report import ReportInputs
    from olistctl.sql.params import BoundParam

BUNDLED_SAMPLE = "sample_data"


class ProgressSink(Protocol):
    """Where stages report progress; the CLI draws it, tests and scripts ignore it."""

    def task(self, description: str, total: int | None) -> Callable[[int], None]: ...

    def note(self, message: str) -> None: ...


class NoProgress:
    def __enter__(self) -> NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def task(self, description: str, total: int | None) -> Callable[[int], None]:
        return lambda n: None

    def note(self, message: str) -> None:
        pass


def _now() -> datetime:
    return datetime.now(UTC)


# -- upload -------------------------------------------------------------------


@dataclass
class UploadOutcome:
    path: Path
    table: str
    key: str
    bytes: int
    status: Literal["uploaded", "skipped"]
    seconds: float = 0.0


def upload(
    backend: Backend,
    paths: Sequence[str],
    *,
    force: bool = False,
    progress: ProgressSink | None = None,
) -> list[UploadOutcome]:
    """Store each Olist CSV under ``raw/<table>/``; skip files whose content is already there."""
    from olistctl.ingest.inputs import discover

    progress = progress or NoProgress()
    # The checksums of unchanged local files, remembered (--force reads every file).
    memo = None if force else _checksum_memo(backend)
    files = discover(paths, checksums=memo)
    _refuse_two_files_for_one_table(files)
    outcomes: list[UploadOutcome] = []
    with backend.exclusive():
        todo = []
        for f in files:
            table = f.table.name if f.table else f.path.stem
            # Under the table's own file name, whatever the local copy is called: a second
            # download ("olist_orders_dataset (1).csv") replaces the first instead of
            # doubling every row of the table.
            key = layout.raw_key(table, f.table.file_name if f.table else f.path.name)
            stored = backend.store.head("raw", key)
            if not force and stored is not None and stored.sha256 == f.sha256:
                outcomes.append(UploadOutcome(f.path, table, key, f.size, "skipped"))
            else:
                todo.append((f, table, key))
        advance = progress.task("upload", sum(f.size for f, _, _ in todo)) if todo else None
        outcomes += _store_files(backend, todo, advance)
        if memo is not None:
            # Once every file landed: an upload refused or stopped changes nothing else.
            if memo.path is None:  # the workspace is made now: the memo can be kept there
                own = backend.own_file(CHECKSUM_MEMO)
                if own is not None and own.path is not None:
                    memo.keep_in(own.path, own.write)
            memo.save()
    return outcomes


CHECKSUM_MEMO = ".cache/source-checksums.json"


def _store_files(
    backend: Backend,
    todo: Sequence[tuple[InputFile, str, str]],
    advance: Callable[[int], None] | None,
) -> list[UploadOutcome]:
    """``put_file`` of each ``(file, table, key)``, up to the store's ``PUT_CONCURRENCY`` at
    once (the largest first); the outcomes in the order of ``todo``.

    Each file's ledger line is written as it lands, not at the end: a run that fails
    or is stopped on a later file still records (and bills in the cost report) what it
    stored. A failure raises (the first in ``todo``'s order, if two fail) once the files
    in flight have landed; no file is started after it.
    """
    from concurrent.futures import Future, ThreadPoolExecutor

    lock = threading.Lock()
    failed = threading.Event()

    def report(n: int) -> None:
        if advance is not None:
            with lock:
                advance(n)

    def store(f: InputFile, table: str, key: str) -> tuple[UploadOutcome, datetime] | None:
        if failed.is_set():
            return None  # not started: an earlier file failed
        started, begun = time.perf_counter(), _now()
        try:
            backend.store.put_file("raw", key, str(f.path), sha256=f.sha256, progress=report)
        except BaseException:
            failed.set()
            raise
        seconds = time.perf_counter() - started
        return UploadOutcome(f.path, table, key, f.size, "uploaded", seconds), begun

    def record(landed: tuple[UploadOutcome, datetime]) -> UploadOutcome:
        outcome, begun = landed
        backend.ledger.append(
            [
                LedgerEntry(
                    stage="upload",
                    started=begun,
                    seconds=outcome.seconds,
                    table=outcome.table,
                    key=outcome.key,
                    bytes_in=outcome.bytes,
                    requests=1,
                    backend=backend.name,
                )
            ]
        )
        return outcome

    workers = max(1, min(backend.store.PUT_CONCURRENCY, len(todo)))
    if workers == 1:
        outcomes = []
        for f, table, key in todo:
            landed = store(f, table, key)
            assert landed is not None
            outcomes.append(record(landed))
        return outcomes
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="upload")
    futures: list[Future[tuple[UploadOutcome, datetime] | None]] = []
    recorded: set[int] = set()
    outcomes = []
    try:
        # Largest first, so that the two threads finish together.
        started = {
            i: pool.submit(store, *todo[i])
            for i in sorted(range(len(todo)), key=lambda i: -todo[i][0].size)
        }
        futures = [started[i] for i in range(len(todo))]
        for i, future in enumerate(futures):
            landed = future.result()  # the first failure, in order, raises here
            if landed is not None:  # else not started, after a failure met below
                outcomes.append(record(landed))
                recorded.add(i)
    finally:
        # On a failure or Ctrl-C: start nothing more, let the files in flight land
        # (each is written whole or not at all), and record those that did.
        for future in futures:
            future.cancel()
        pool.shutdown(wait=True)
        for i, future in enumerate(futures):
            if i in recorded or future.cancelled() or future.exception() is not None:
                continue
            if (landed := future.result()) is not None:
                record(landed)
    return outcomes


def _kpi_answers(backend: Backend, code: list[object]) -> KpiAnswers | None:
    """The kept KPI answers, where the backend keeps own files and its engine can say
    what an answer depends on; None (every query runs) elsewhere. ``code``: the code's
    identity when the run began (kept only if it is still the same at the end)."""
    from olistctl.kpi_answers import NAME, KpiAnswers
    from olistctl.user_secret import user_secret

    own = backend.own_file(NAME)
    if own is None or own.path is None:
        return None
    try:
        version = backend.engine.data_version()
    except (OlistError, OSError):  # no tables, or a file the engine refuses: the queries say why
        return None
    if version is None:
        return None
    return KpiAnswers(own.path, own.write, secret=user_secret(), data_version=version, code=code)


def _checksum_memo(backend: Backend) -> ChecksumMemo:
    from olistctl.ingest.checksums import ChecksumMemo
    from olistctl.user_secret import user_secret

    own = backend.own_file(CHECKSUM_MEMO)
    if own is None:  # no state on this machine to keep it with
        return ChecksumMemo(None)
    # Signed: whoever can write the workspace must not be able to say a file is unchanged.
    # (A workspace made by this upload has no path yet: keep_in gives it one after.)
    return ChecksumMemo(own.path, own.write, secret=user_secret())


def _refuse_two_files_for_one_table(files: Sequence[InputFile]) -> None:
    by_table: dict[str, list[Path]] = {}
    for f in files:
        if f.table is not None:
            by_table.setdefault(f.table.name, []).append(f.path)
    for table, found in by_table.items():
        if len(found) > 1:
            names = " and ".join(str(p) for p in found)
            raise UsageError(
                f"{names} are both the {table} table, and a table is one file",
                hint="upload only one of them (the newest copy of the download)",
            )


# -- transform ----------------------------------------------------------------


@dataclass
class TransformSummary:
    outcomes: list[TransformOutcome]

    @property
    def converted(self) -> list[TransformOutcome]:
        return [o for o in self.outcomes if o.ok and not o.skipped]

    @property
    def failed(self) -> list[TransformOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def skipped(self) -> list[TransformOutcome]:
        return [o for o in self.outcomes if o.skipped]


def resolve_tables(names: Sequence[str], available: Sequence[str]) -> list[str]:
    """Table names as the user typed them (``orders`` or the full name) -> stored names."""
    from olistctl.dataset import get_table

    resolved = []
    for name in names:
        try:
            full = get_table(name).name
        except KeyError:
            full = name
        if full not in available:
            known = ", ".join(sorted(available)) or "none"
            raise UsageError(
                f"There is no table {name!r} in the raw stage",
                hint=f"the tables there are: {known}",
            )
        resolved.append(full)
    return resolved


def _nothing_to_transform() -> OperationFailed:
    return OperationFailed(
        "The raw stage is empty, so there is nothing to transform",
        hint="run `olistctl upload PATH` first (or `olistctl run`)",
    )


def _nothing_to_crawl() -> OperationFailed:
    return OperationFailed(
        "The processed stage is empty, so there is nothing to crawl",
        hint="run `olistctl transform` first",
    )


def transform(
    backend: Backend,
    tables: Sequence[str] | None = None,
    *,
    force: bool = False,
    concurrency: int = 2,
    progress: ProgressSink | None = None,
) -> TransformSummary:
    """Convert every raw object not yet converted (or the named tables) to Parquet."""
    progress = progress or NoProgress()
    if backend.stores_nothing():  # refused before the lock, which would create a workspace
        raise _nothing_to_transform()
    with backend.exclusive():
        raw = [o for o in backend.store.list("raw") if o.key.lower().endswith(".csv")]
        if not raw:
            raise _nothing_to_transform()
        if tables:
            wanted = set(resolve_tables(tables, sorted({o.table for o in raw})))
            raw = [o for o in raw if o.table in wanted]

        outcomes: list[TransformOutcome] = []
        todo: list[ObjectInfo] = []
        for obj in raw:
            done = backend.store.head("processed", layout.processed_key(obj.key))
            if not force and done and obj.sha256 and done.sha256 == obj.sha256:
                outcomes.append(
                    TransformOutcome(
                        raw_key=obj.key,
                        table=obj.table,
                        ok=True,
                        processed_key=done.key,
                        bytes_in=obj.size,
                        bytes_out=done.size,
                        skipped=True,
                    )
                )
            else:
                todo.append(obj)

        if todo:
            advance = progress.task("transform", sum(o.size for o in todo))
            begun = _now()
            # Every outcome, from the threads that made them: after Ctrl-C it still holds
            # the conversions that finished in flight (complete, kept), so the ledger,
            # status and the cost report see them too.
            finished: list[TransformOutcome] = []
            runs = backend.runner.convert(
                [o.key for o in todo],
                concurrency=concurrency,
                progress=advance,
                sizes={o.key: o.size for o in todo},
                finished=finished,
            )
            try:
                outcomes.extend(runs)
            finally:
                runs.close()  # waits for the conversions in flight
                backend.ledger.append(
                    [
                        LedgerEntry(
                            stage="transform",
                            started=begun,
                            seconds=o.seconds,
                            ok=o.ok,
                            table=o.table,
                            key=o.raw_key,
                            rows=o.rows,
                            bytes_in=o.bytes_in,
                            bytes_out=o.bytes_out,
                            requests=1,
                            backend=backend.name,
                            detail=o.error,
                        )
                        for o in finished
                    ]
                )
    outcomes.sort(key=lambda o: o.raw_key)
    return TransformSummary(outcomes)


# -- crawl --------------------------------------------------------------------


def crawl(
    backend: Backend,
    *,
    direct: bool = False,
    progress: ProgressSink | None = None,
    prepare: bool = True,
) -> CrawlReport:
    """Catalog the processed tables; with ``prepare``, translate every shipped query now.

    ``olistctl crawl`` prepares them, so that each one's first ``olistctl query --name``
    is cached; ``run`` does not (translating all twelve costs ~0.6 s and it runs three,
    which it translates and caches as they run).
    """
    progress = progress or NoProgress()
    if backend.stores_nothing():  # refused before the lock, which would create a workspace
        raise _nothing_to_crawl()
    with backend.exclusive():
        if not backend.store.list("processed"):
            raise _nothing_to_crawl()
        begun = _now()
        report = backend.catalog.crawl(direct=direct, progress=progress.note)
        backend.ledger.append(
            [
                LedgerEntry(
                    stage="crawl",
                    started=begun,
                    seconds=report.seconds,
                    ok=report.status == "SUCCEEDED",
                    rows=sum(t.rows or 0 for t in report.tables),
                    bytes_in=sum(t.bytes or 0 for t in report.tables),
                    requests=len(report.tables),
                    backend=backend.name,
                    detail="direct" if direct else None,
                )
            ]
        )
        if prepare and report.status == "SUCCEEDED":
            backend.engine.prepare(_shipped_statements())  # local: fills the SQL cache
    return report


def _shipped_statements() -> Iterator[tuple[str, Sequence[BoundParam]]]:
    """The shipped queries that run as they are, with their default parameters (read lazily:
    an engine that prepares nothing reads none)."""
    from olistctl.sql.named import list_queries

    for q in list_queries():
        if q.runs_as_is:
            yield q.sql, q.bind()


# -- quality ------------------------------------------------------------------


@contextlib.contextmanager
def _local_copies(
    backend: Backend, stage: Stage, objects: Sequence[ObjectInfo]
) -> Iterator[dict[str, Path]]:
    """Paths of the stored objects: the files themselves where the store keeps files,
    temporary copies otherwise (S3)."""
    with contextlib.ExitStack() as stack:
        tmp: Path | None = None
        paths: dict[str, Path] = {}
        for o in objects:
            path = backend.store.local_path(stage, o.key)
            if path is None:
                if tmp is None:
                    made = tempfile.TemporaryDirectory(prefix="olistctl-quality-")
                    tmp = Path(stack.enter_context(made))
                path = tmp / o.key
                path.parent.mkdir(parents=True, exist_ok=True)
                with backend.store.open(stage, o.key) as src, open(path, "wb") as out:
                    while chunk := src.read(1 << 20):
                        out.write(chunk)
            paths[o.key] = path
        yield paths


@contextlib.contextmanager
def _named_as_stored(
    backend: Backend, stage: Stage, paths: dict[str, Path]
) -> Iterator[Callable[[DatasetQuality | None], DatasetQuality | None]]:
    """Reports (and errors) about temporary copies, made to name the stored objects instead.

    The checks only know the file they read; on aws that is a copy in a temporary folder,
    gone by the time anyone reads the report. Every mention of a copy's path becomes the
    object's address (``s3://bucket/key``), in the report and in an error raised inside.
    """
    names = {
        str(path): backend.store.location(stage, key)
        for key, path in paths.items()
        if str(path) != backend.store.location(stage, key)
    }

    def rename(text: str) -> str:
        for path, location in names.items():
            text = text.replace(path, location)
        return text

    def relabel(report: DatasetQuality | None) -> DatasetQuality | None:
        if report is None or not names:
            return report
        report.files = {t: [rename(f) for f in files] for t, files in report.files.items()}
        findings = list(report.findings)
        for table in report.tables.values():
            findings += table.findings
        for finding in findings:
            finding.message = rename(finding.message)
            finding.expected = rename(finding.expected)
            finding.found = rename(finding.found)
        return report

    try:
        yield relabel
    except OlistError as exc:
        exc.message = rename(exc.message)
        exc.hint = rename(exc.hint) if exc.hint else exc.hint
        if isinstance(exc, InputError) and exc.path is not None:  # it points at the file
            exc.path = rename(exc.path)
        raise


@dataclass
class StoredQuality:
    raw: DatasetQuality | None  # over the raw CSVs
    processed: DatasetQuality | None  # over the Parquet files
    # Raw CSVs not converted yet: (table, whether an earlier conversion is in processed).
    pending: list[tuple[str, bool]] = field(default_factory=list)


def _not_converted(raw: Sequence[ObjectInfo], processed: Sequence[ObjectInfo]) -> list[str]:
    """Raw keys whose Parquet file is missing or was made from another copy of the CSV."""
    done = {o.key: o.sha256 for o in processed}
    return [o.key for o in raw if not o.sha256 or done.get(layout.processed_key(o.key)) != o.sha256]


def quality(backend: Backend) -> StoredQuality:
    """The data-quality checks over what is stored: raw CSVs and processed Parquet."""
    from olistctl.quality import check_files, check_parquet

    raw = [o for o in backend.store.list("raw") if o.key.lower().endswith(".csv")]
    processed = [o for o in backend.store.list("processed") if o.key.endswith(".parquet")]
    if not raw and not processed:
        raise OperationFailed(
            # "stages", not "workspace": the aws backend says the same over its buckets.
            "The raw and processed stages are empty, so there is nothing to check",
            hint="run `olistctl upload PATH` (or `olistctl run`) first",
        )
    raw_report = processed_report = None
    if raw:
        with (
            _local_copies(backend, "raw", raw) as paths,
            _named_as_stored(backend, "raw", paths) as named,
        ):
            raw_report = named(check_files([paths[o.key] for o in raw]))
    if processed:
        with (
            _local_copies(backend, "processed", processed) as paths,
            _named_as_stored(backend, "processed", paths) as named,
        ):
            by_table: dict[str, list[Path]] = {}
            for o in processed:
                by_table.setdefault(o.table, []).append(paths[o.key])
            processed_report = named(check_parquet(by_table))
    converted = {o.key for o in processed}
    todo = set(_not_converted(raw, processed))
    pending = [(o.table, layout.processed_key(o.key) in converted) for o in raw if o.key in todo]
    return StoredQuality(raw=raw_report, processed=processed_report, pending=pending)


def quality_overview(backend: Backend, *, samples: int = 0) -> QualityOverview:
    """``report quality`` over what is stored: the streaming checks of each stage, the rules
    across columns and rows over the catalog's tables, and ``samples`` failing keys per
    finding (read from those tables)."""
    from olistctl.quality.overview import QualityOverview
    from olistctl.quality.rules import attach_samples, run_rules
    from olistctl.quality.samples import sample_query

    stored = quality(backend)
    reports = {name: r for name, r in (("raw", stored.raw), ("processed", stored.processed)) if r}
    available = [t.name for t in backend.catalog.tables()]
    notes = []
    # A CSV uploaded after the last transform: the raw checks read it, the rest do not.
    for earlier, (one, many) in (
        (True, ("are of its previous copy", "are of their previous copies")),
        (False, ("do not include it", "do not include them")),
    ):
        tables = sorted(t for t, converted in stored.pending if converted is earlier)
        if tables:
            single = len(tables) == 1
            notes.append(
                f"{', '.join(tables)} {'was' if single else 'were'} uploaded and not converted"
                f" yet: the processed Parquet and the rules {one if single else many}; run"
                " `olistctl transform`, then check again."
            )
    if not available:
        notes.append(
            "The rules across rows run over the catalog's tables, and the catalog is empty:"
            " run `olistctl crawl`, then check again."
        )

    def execute(sql: str) -> QueryResult:
        return query(backend, sql)

    rules = run_rules(execute, available, samples=samples) if available else None
    if rules is not None and rules.skipped:
        missing = sorted({t for s in rules.skipped for t in s.missing})
        notes.append(
            f"{len(rules.skipped)} rule{'s' * (len(rules.skipped) != 1)} not run: the catalog"
            f" has no {', '.join(missing)}."
        )
    overview = QualityOverview.build(reports, rules, notes)
    if samples and available:
        shown = [e.finding for e in overview.entries if "catalog" not in e.stages]
        queries = {}
        for i, finding in enumerate(shown):
            sql = sample_query(finding)
            if sql and all(t in available for t in tables_named_in(sql)):
                queries[i] = sql
        attach_samples(execute, shown, queries, samples)
    return overview


# -- status -------------------------------------------------------------------


@dataclass
class StageStatus:
    stage: str
    objects: int
    bytes: int
    tables: int
    last_run: LedgerEntry | None = None


@dataclass
class StatusReport:
    backend: str
    location: str
    stages: list[StageStatus]
    tables: list[CatalogTable]
    raw_tables: dict[str, int] = field(default_factory=dict)  # table -> raw bytes
    pending: list[str] = field(default_factory=list)  # raw keys not yet converted
    # Raw objects an upload replaced, kept until the new one converts (keyed as the raw object).
    previous: list[ObjectInfo] = field(default_factory=list)


def status(backend: Backend) -> StatusReport:
    raw = backend.store.list("raw")
    processed = backend.store.list("processed")
    results = backend.store.list("results")
    tables = backend.catalog.tables()
    last: dict[str, LedgerEntry] = {}
    for entry in backend.ledger.entries():
        if entry.stage not in last or entry.started >= last[entry.stage].started:
            last[entry.stage] = entry
    pending = _not_converted(raw, processed)
    stages = [
        StageStatus(
            "raw",
            len(raw),
            sum(o.size for o in raw),
            len({o.table for o in raw}),
            last.get("upload"),
        ),
        StageStatus(
            "processed",
            len(processed),
            sum(o.size for o in processed),
            len({o.table for o in processed}),
            last.get("transform"),
        ),
        StageStatus(
            "catalog",
            len(tables),
            sum(t.bytes or 0 for t in tables),
            len(tables),
            last.get("crawl"),
        ),
        StageStatus("results", len(results), sum(o.size for o in results), 0, last.get("query")),
    ]
    raw_tables: dict[str, int] = {}
    for o in raw:
        raw_tables[o.table] = raw_tables.get(o.table, 0) + o.size
    return StatusReport(
        backend=backend.name,
        location=backend.store.name,
        stages=stages,
        tables=tables,
        raw_tables=raw_tables,
        pending=pending,
        previous=backend.previous_versions(),
    )


# -- cost -------------------------------------------------------------------


@dataclass
class CostStatement:
    """``report cost``: the usage priced, or the scan comparison, and what was billed."""

    region: str
    report: CostReport | None = None  # None with ``queries``
    comparisons: list[ScanComparison] | None = None  # only with ``queries``
    billed: ActualCosts | None = None  # only with ``actual``
    refresh_notes: list[str] = field(default_factory=list)  # only with ``refresh_prices``


def cost_report(
    backend: Backend,
    settings: Settings,
    *,
    period: Period,
    free_tier_plan: FreeTierPlan,
    scale: float = 1.0,
    actual: bool = False,
    queries: bool = False,
    refresh_prices: bool = False,
    progress: ProgressSink | None = None,
) -> CostStatement:
    """What the pipeline costs over ``period`` in the configured region, against the Free Tier.

    ``queries`` compares each named query's scan over Parquet and over the CSVs
    instead; ``actual`` adds what the cloud billed (where the backend can ask);
    ``refresh_prices`` first fetches the region's prices from the AWS Price List into
    the user's cache (the only network call a report makes for prices).
    """
    from olistctl.cost import build_report
    from olistctl.cost.usage import check_scale
    from olistctl.pricing import prices_in_use, region_prices

    progress = progress or NoProgress()
    check_scale(scale)
    if actual and not backend.IMPLEMENTS_BILLING:
        raise no_billing(backend.name)  # before anything is measured
    region = settings.region_or_default
    region_prices(region)  # an unpriced region fails here, before any AWS request
    refresh_notes = refresh_price_cache(settings, region) if refresh_prices else []
    for note in refresh_notes:
        progress.note(note)
    prices = prices_in_use(region)
    if queries:
        comparisons = scan_comparison(backend, settings, scale=scale, prices=prices)
        return CostStatement(region, comparisons=comparisons, refresh_notes=refresh_notes)
    usage = backend.usage(period, memory_mb=settings.lambda_memory_size_mb)
    report = build_report(
        usage, region=region, free_tier_plan=free_tier_plan, scale=scale, prices=prices
    )
    billed = backend.billing(period, note=progress.note) if actual else None
    return CostStatement(region, report=report, billed=billed, refresh_notes=refresh_notes)


def refresh_price_cache(settings: Settings, region: str) -> list[str]:
    """Fetch ``region``'s prices from the AWS Price List into the user's cache; sentences
    saying what came of it. A failure leaves the cache as it was and is one sentence:
    the report then prices from what there is, so it never stops a report."""
    from olistctl import price_cache, price_list
    from olistctl.backends import open_price_list

    try:
        answer = price_list.fetch(region, open_price_list(settings, region))
    except OlistError as error:
        why = error.message.rstrip(".")
        if why[1:2].islower():  # "Could not …" -> "could not …", but "AWS kept …" stays
            why = why[:1].lower() + why[1:]
        fix = f" ({error.hint})" if error.hint else ""
        return [f"Prices not refreshed: {why}{fix}; {_priced_from(region)}."]
    refused = [
        f"{key}: the AWS Price List's answer was not used ({why}); the bundled table's price stays."
        for key, why in answer.refused.items()
    ]
    if not answer.prices:  # nothing usable: an earlier good cache is worth more than this
        return [
            f"Prices not refreshed: the AWS Price List gave no price olistctl could use for"
            f" {region}; {_priced_from(region)}.",
            *refused,
        ]
    where = price_cache.path_for(region)
    if where is None:
        return [
            "Prices fetched but not cached: there is no XDG_CACHE_HOME and no home folder to"
            f" keep them in (set XDG_CACHE_HOME to a writable folder); {_priced_from(region)}."
        ]
    try:
        path = price_cache.write(answer.cached())
    except OSError as error:
        return [
            f"Prices fetched but not cached: {error.strerror or error} writing {where} (make"
            f" {where.parent} writable, or set XDG_CACHE_HOME to a writable folder);"
            f" {_priced_from(region)}."
        ]
    total = len(answer.prices) + len(answer.refused)
    dates = sorted({p.effective for p in answer.prices.values()})
    span = dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}" if dates else ""
    notes = [
        f"Fetched {len(answer.prices)} of {total} prices for {region} from the AWS Price List"
        + (f" (effective {span})" if span else "")
        + f" and cached them in {path}."
    ]
    return notes + refused


def _priced_from(region: str) -> str:
    """What a report prices from when a refresh failed: the cache as it was, or the table."""
    from olistctl import price_cache
    from olistctl.pricing import bundled_date

    table = f"the bundled table of {bundled_date()}"
    cached = price_cache.load(region).prices
    if cached is not None and cached.prices:
        return (
            f"this report uses the prices cached from the AWS Price List on"
            f" {cached.fetched_date} and {table} for the rest"
        )
    return f"this report uses {table}"


def scan_comparison(
    backend: Backend, settings: Settings, *, scale: float = 1.0, prices: RegionPrices | None = None
) -> list[ScanComparison]:
    """Each named query's Athena scan over the stored Parquet tables and over the raw CSVs."""
    from olistctl.cost.scan_compare import compare_stored_queries

    return compare_stored_queries(
        backend.store,
        backend.catalog.tables(),
        region=settings.region_or_default,
        database=settings.get("database"),
        scale=scale,
        prices=prices,
    )


# -- report html ----------------------------------------------------------------


def report_inputs(
    backend: Backend, settings: Settings, *, with_quality: bool = True
) -> ReportInputs:
    """What ``report html`` shows, from the backend: the KPIs, the charts' answers, the
    quality overview and this month's cost (as ``report cost`` prices it)."""
    from olistctl.cost import FreeTierPlan, resolve_period
    from olistctl.report.charts import CHARTS
    from olistctl.report.html_report import ReportInputs, answer_of
    from olistctl.sql.named import get_query

    available = {t.name for t in backend.catalog.tables()}
    if not available:
        raise OperationFailed(
            "The catalog holds no tables, so there is nothing to report",
            hint="run `olistctl run` (or upload, transform and crawl) first",
        )
    inputs = ReportInputs(
        title="Olist e-commerce report",
        generated=_now().strftime("%Y-%m-%d %H:%M UTC"),
        source=f"{backend.name} backend ({backend.store.name})",
    )
    if with_quality:
        inputs.quality = quality_overview(backend)
    for name in ["executive_kpis", *(spec.query for spec in CHARTS)]:
        named = get_query(name)
        missing = [t for t in tables_named_in(named.sql) if t not in available]
        if missing:
            inputs.skipped[name] = missing
            continue
        answer = answer_of(query(backend, named.sql, params=named.bind()))
        if name == "executive_kpis":
            inputs.kpis = answer
        else:
            inputs.answers[name] = answer
    statement = cost_report(
        backend, settings, period=resolve_period(), free_tier_plan=FreeTierPlan.legacy
    )
    inputs.cost = statement.report
    return inputs


# -- teardown -----------------------------------------------------------------


def teardown_plan(backend: Backend, *, destroy_infra: bool = False) -> TeardownPlan:
    """What a teardown would delete (and refuse, and leave); nothing is touched."""
    if destroy_infra and not backend.IMPLEMENTS_DESTROY_INFRA:
        raise no_destroy_infra()  # checked before anything is deleted, not after
    return backend.teardown.plan()


@dataclass
class TeardownOutcome:
    report: TeardownReport
    deleted: int  # items deleted
    verified: str  # the final check's sentence: what is gone, what stays and why


def teardown(
    backend: Backend, plan: TeardownPlan, *, progress: ProgressSink | None = None
) -> TeardownOutcome:
    """Delete what ``plan`` lists, under the backend's lock, and check that nothing is left."""
    progress = progress or NoProgress()
    advance = progress.task("teardown", sum(i.count for i in plan.items))
    with backend.exclusive():
        report = backend.teardown.execute(plan, progress=advance)
    deleted = sum(i.count for i in report.deleted)
    if not report.verified_empty:
        left = ", ".join(f"{i.count} {i.kind} in {i.name}" for i in report.remaining if i.count)
        raise OperationFailed(
            f"Teardown deleted {deleted:,} item(s) but left {left}", hint="run teardown again"
        )
    return TeardownOutcome(report, deleted, backend.teardown.verified(report))


def destroy_infra(backend: Backend) -> str:
    """Remove the infrastructure itself (aws: ``terraform destroy``); its tool's last line."""
    if not backend.IMPLEMENTS_DESTROY_INFRA:
        raise no_destroy_infra()
    return backend.destroy_infra()


# -- run ----------------------------------------------------------------------


@dataclass
class KpiResult:
    name: str
    description: str
    result: QueryResult


@dataclass
class SkippedKpi:
    name: str
    description: str
    missing: list[str]  # the tables it needs that the catalog does not hold


@dataclass
class FailedKpi:
    name: str
    description: str
    error: str


@dataclass
class RunSummary:
    uploads: list[UploadOutcome]
    transform: TransformSummary
    crawl: CrawlReport | None  # None when nothing changed and the catalog was current
    kpis: list[KpiResult]
    seconds: dict[str, float]
    skipped_kpis: list[SkippedKpi] = field(default_factory=list)
    failed_kpis: list[FailedKpi] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """Whether a stage that ran failed (skipped KPIs are not a failure)."""
        return bool(self.transform.failed or self.failed_kpis)


def tables_named_in(sql: str) -> list[str]:
    """The Olist tables a shipped query reads, by name (they use the bare table names).

    A word match, not a parse: ``olistctl run`` stays free of sqlglot, and the
    tests check it against the transpiler's own list for every shipped query.
    """
    import re

    from olistctl.dataset import TABLES

    return [t.name for t in TABLES if re.search(rf"\b{t.name}\b", sql, re.IGNORECASE)]


def catalog_is_current(backend: Backend) -> bool:
    """True when every processed table is in the catalog (so a crawl would change nothing)."""
    processed_tables = {o.table for o in backend.store.list("processed")}
    return bool(processed_tables) and processed_tables <= {t.name for t in backend.catalog.tables()}


def run(
    backend: Backend,
    paths: Sequence[str],
    *,
    force: bool = False,
    reuse: bool = True,
    direct_crawl: bool = True,
    concurrency: int = 2,
    progress: ProgressSink | None = None,
) -> RunSummary:
    """upload -> transform -> crawl -> the KPI queries.

    A KPI answer is reused while nothing it depends on changed (``olistctl.kpi_answers``),
    unless ``force`` or not ``reuse``; the answers of the queries that ran are kept either way.
    """
    from olistctl.kpi_answers import code_identity
    from olistctl.sql.named import list_queries

    progress = progress or NoProgress()
    seconds: dict[str, float] = {}
    # The code as loaded (near enough: as it is now, before a long upload or transform).
    code = code_identity()

    started = time.perf_counter()
    uploads = upload(backend, paths, force=force, progress=progress)
    seconds["upload"] = time.perf_counter() - started

    started = time.perf_counter()
    summary = transform(backend, force=force, concurrency=concurrency, progress=progress)
    seconds["transform"] = time.perf_counter() - started
    if summary.failed:
        # Crawling and querying half the tables would print misleading KPIs.
        return RunSummary(uploads, summary, None, [], seconds)

    started = time.perf_counter()
    report = None
    if force or summary.converted or not catalog_is_current(backend):
        report = crawl(backend, direct=direct_crawl, progress=progress, prepare=False)
    seconds["crawl"] = time.perf_counter() - started

    started = time.perf_counter()
    available = {t.name for t in backend.catalog.tables()}
    kpis: list[KpiResult] = []
    skipped: list[SkippedKpi] = []
    failed: list[FailedKpi] = []
    answers = _kpi_answers(backend, code)  # kept after every run; used only when reusing
    reusing = answers is not None and reuse and not force
    ran: list[tuple[str, Sequence[BoundParam]]] = []
    for q in list_queries():
        if not q.kpi:
            continue
        missing = [t for t in tables_named_in(q.sql) if t not in available]
        if missing:
            # A partial dataset: the KPIs it can answer, and a note for the others.
            skipped.append(SkippedKpi(q.name, q.description, missing))
            continue
        params = q.bind()
        ran.append((q.sql, params))
        try:
            result = answers.get(q.sql, params) if reusing and answers is not None else None
            if result is not None:
                record_query(backend, _now(), time.perf_counter(), len(result.rows), result)
            else:
                answered = _now().isoformat(timespec="seconds")
                result = query(backend, q.sql, params=params)
                if answers is not None:
                    answers.put(q.sql, params, result, answered)
            kpis.append(KpiResult(q.name, q.description, result))
        except OlistError as exc:
            failed.append(FailedKpi(q.name, q.description, str(exc)))
    if answers is not None:
        answers.keep_only(ran)
        answers.save()
    seconds["query"] = time.perf_counter() - started
    return RunSummary(uploads, summary, report, kpis, seconds, skipped, failed)
