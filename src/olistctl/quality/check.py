"""The dataset checks: every table's profile, then foreign keys across tables.

Tables are read parents first (customers before orders before items), so a
child's foreign keys are checked against its parent's key set as the child
streams past, and a parent's key set is dropped once its last child is read.
Memory is the key sets alive at one time (8 bytes a value), not the data.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from olistctl.dataset import TABLES, TABLES_BY_NAME, Table, arrow_schema, get_table
from olistctl.errors import InputError
from olistctl.glue_types import athena_type
from olistctl.quality.keys import KeySet
from olistctl.quality.profile import FkLink, TableProfiler, scaled
from olistctl.quality.report import DatasetQuality, Finding, QualityReport

Feed = Callable[[TableProfiler], None]


@dataclass
class _Source:
    name: str
    table: Table | None
    schema: pa.Schema
    feed: Feed
    files: list[str]
    findings: list[Finding]  # found while opening the files (schema differences)


def _parents_first(tables: Sequence[Table]) -> list[Table]:
    """The tables ordered so that every foreign key's parent comes before its child."""
    names = {t.name for t in tables}
    done: list[Table] = []
    left = [t for t in TABLES if t in tables]
    while left:
        for t in left:
            if all(
                fk.parent in {d.name for d in done} or fk.parent not in names
                for fk in t.foreign_keys
            ):
                done.append(t)
                left.remove(t)
                break
        else:  # a cycle (the model has none): keep the listing order
            done += left
            break
    return done


def _cross_findings(link: FkLink, child_rows: int, parent_rows: int) -> list[Finding]:
    fk = link.fk
    child, parent = TABLES_BY_NAME[link.child], TABLES_BY_NAME[fk.parent]
    cols = ", ".join(fk.columns)
    ref = f"{fk.parent}({', '.join(fk.parent_columns)})"
    out = []
    if link.orphans:
        expected = "none"
        if fk.real_orphans:
            expected = f"about {scaled(fk.real_orphans, child_rows, child.real_rows):,} ({fk.note})"
        out.append(
            Finding(
                fk.severity,
                "orphans",
                link.child,
                cols,
                expected=expected,
                found=f"{link.orphans:,} of {link.checked:,} rows match no {fk.parent} row",
                message=f"{link.orphans:,} {link.child} rows have a {cols} that is not in {ref}.",
                count=link.orphans,
            )
        )
    if fk.severity != "info":
        childless = link.childless
        want = scaled(fk.real_childless, parent_rows, parent.real_rows)
        out.append(
            Finding(
                "info",
                "childless",
                fk.parent,
                ", ".join(fk.parent_columns),
                expected=f"about {want:,} (the real data has {fk.real_childless:,})",
                found=f"{childless:,} of {link.parent.distinct:,} have no {link.child} row",
                # Values, not rows: the key set holds each value once, repeated or not.
                message=f"{childless:,} {fk.parent} {', '.join(fk.parent_columns)} values have no"
                f" {link.child} row.",
                count=childless,
            )
        )
    return out


def _run(sources: Sequence[_Source]) -> DatasetQuality:
    known = {s.name: s for s in sources if s.table is not None}
    order = _parents_first([s.table for s in known.values() if s.table is not None])
    # Key sets a later table's foreign keys point at, and how many children still need each.
    wanted: dict[tuple[str, tuple[str, ...]], int] = {}
    for t in order:
        for fk in t.foreign_keys:
            if fk.parent in known:
                key = (fk.parent, fk.parent_columns)
                wanted[key] = wanted.get(key, 0) + 1
    sets: dict[tuple[str, tuple[str, ...]], KeySet] = {}
    reports: dict[str, QualityReport] = {}
    findings: list[Finding] = []
    for t in order:
        source = known[t.name]
        links = [
            FkLink(t.name, fk, sets[(fk.parent, fk.parent_columns)])
            for fk in t.foreign_keys
            if fk.parent in known
        ]
        keep = [cols for (parent, cols) in wanted if parent == t.name]
        profiler = TableProfiler(t.name, t, source.schema, links=links, keep=keep)
        source.feed(profiler)
        report = profiler.finish()
        report.findings[:0] = source.findings
        reports[t.name] = report
        for cols in keep:
            sets[(t.name, cols)] = profiler.keys[cols]
        for link in links:
            findings += _cross_findings(link, report.rows, reports[link.fk.parent].rows)
            key = (link.fk.parent, link.fk.parent_columns)
            wanted[key] -= 1
            if not wanted[key]:
                del sets[key]  # no child left to check against it
        for fk in t.foreign_keys:
            if fk.parent not in known:
                findings.append(
                    Finding(
                        "info",
                        "not-checked",
                        t.name,
                        ", ".join(fk.columns),
                        expected=f"every value in {fk.parent}",
                        found=f"{fk.parent} was not among the files",
                        message=f"{t.name}.{', '.join(fk.columns)} was not checked against"
                        f" {fk.parent}, which was not given.",
                    )
                )
    for s in sources:
        if s.table is None:
            profiler = TableProfiler(s.name, None, s.schema)
            s.feed(profiler)
            reports[s.name] = profiler.finish()
            findings.append(
                Finding(
                    "warn",
                    "unknown-table",
                    s.name,
                    None,
                    expected="one of the 9 Olist tables",
                    found="a header that matches none",
                    message=f"{', '.join(s.files)}: not an Olist table; only NULLs were counted.",
                )
            )
    return DatasetQuality(
        tables=reports, findings=findings, files={s.name: s.files for s in sources}
    )


# -- CSV files ---------------------------------------------------------------


def check_files(paths: Sequence[str | os.PathLike]) -> DatasetQuality:
    """Check CSV files (or folders, globs): each table streamed with the model's schema."""
    from olistctl.ingest.inputs import discover
    from olistctl.ingest.reader import CsvBatches

    groups: dict[str, list[str]] = {}
    tables: dict[str, Table | None] = {}
    for f in discover(paths, allow_unknown=True):
        name = f.table.name if f.table else f.path.stem
        groups.setdefault(name, []).append(str(f.path))
        tables[name] = f.table

    sources = []
    for name, files in groups.items():
        table = tables[name]
        first = CsvBatches(files[0], table=table)
        schema = first.schema
        first.close()

        def feed(profiler: TableProfiler, files: list[str] = files, table=table) -> None:
            for path in files:
                batches = CsvBatches(path, table=table)
                try:
                    for batch in batches:
                        profiler.add(batch)
                finally:
                    batches.close()

        sources.append(_Source(name, table, schema, feed, files, []))
    return _run(sources)


# -- Parquet files -----------------------------------------------------------


def _needed_columns(table: Table) -> set[str]:
    """The columns the checks read; NULL counts come from the footers."""
    cols = {c.name for c in table.columns if c.domain is not None}
    for key in table.keys_to_check():
        cols.update(key.columns)
    for fk in table.foreign_keys:
        cols.update(fk.columns)
    for other in TABLES:
        for fk in other.foreign_keys:
            if fk.parent == table.name:
                cols.update(fk.parent_columns)
    return cols


def _schema_findings(name: str, table: Table, found: pa.Schema, label: str) -> list[Finding]:
    want = arrow_schema(table)
    out = []
    for f in want:
        idx = found.get_field_index(f.name)
        if idx < 0:
            out.append(
                Finding(
                    "error",
                    "schema",
                    name,
                    f.name,
                    expected=f"a column {f.name} {athena_type(f.type)}",
                    found="no such column",
                    message=f"{label} has no column {f.name}.",
                )
            )
        elif not found.field(idx).type.equals(f.type):
            got = found.field(idx).type
            out.append(
                Finding(
                    "error",
                    "schema",
                    name,
                    f.name,
                    expected=str(f.type),
                    found=str(got),
                    message=f"{label}: {f.name} is stored as {got}, not {f.type}"
                    " (convert the CSV again with `olistctl transform --force`).",
                )
            )
    return out


def _open_parquet(f: str | os.PathLike | BinaryIO, label: str) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(f)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(
            f"not a readable Parquet file ({str(exc).strip().rstrip('.')})",
            path=label,
            hint="convert it again with `olistctl transform --force`",
        ) from None


def _parquet_source(name: str, files: Sequence[str | os.PathLike | BinaryIO]) -> _Source:
    try:
        table: Table | None = get_table(name)
    except KeyError:
        table = None
    labels = [
        os.fspath(f) if isinstance(f, str | os.PathLike) else str(getattr(f, "name", f))
        for f in files
    ]
    opened = [_open_parquet(f, label) for f, label in zip(files, labels, strict=True)]
    schema = arrow_schema(table) if table is not None else opened[0].schema_arrow
    findings: list[Finding] = []
    needed: set[str] = set()
    if table is not None:
        for pf, label in zip(opened, labels, strict=True):
            findings += _schema_findings(table.name, table, pf.schema_arrow, label)
        needed = _needed_columns(table)
    # A column stored with another type is a schema finding above; profiling it would fail.
    expected = {f.name: f.type for f in schema}

    def feed(profiler: TableProfiler) -> None:
        for pf in opened:
            md = pf.metadata
            present = pf.schema_arrow.names
            for i, col_name in enumerate(present):
                if col_name not in profiler.nulls:
                    continue
                nulls = 0
                for rg in range(md.num_row_groups):
                    stats = md.row_group(rg).column(i).statistics
                    if stats is None or not stats.has_null_count:
                        nulls = pf.read(columns=[col_name]).column(0).null_count
                        break
                    nulls += stats.null_count
                profiler.add_nulls(col_name, nulls)
            columns = [
                c
                for c in present
                if c in needed and pf.schema_arrow.field(c).type.equals(expected[c])
            ]
            if not columns:
                profiler.rows += md.num_rows
                continue
            for batch in pf.iter_batches(batch_size=1 << 16, columns=columns):
                profiler.add(batch, count_nulls=False)

    return _Source(table.name if table else name, table, schema, feed, labels, findings)


def check_parquet(
    files_by_table: Mapping[str, Sequence[str | os.PathLike | BinaryIO]],
) -> DatasetQuality:
    """Check Parquet files grouped by table name, reading only the columns the checks need."""
    return _run([_parquet_source(name, files) for name, files in files_by_table.items() if files])
