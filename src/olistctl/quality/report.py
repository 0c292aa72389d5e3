"""What the quality checks found: findings, per-column statistics, per-table and dataset reports.

Plain dataclasses with a JSON-safe ``to_dict``/``from_dict`` (the Lambda
returns them inside its result). No heavy imports: the CLI renders these.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warn", "info"]
_RANK: dict[str | None, int] = {None: -1, "info": 0, "warn": 1, "error": 2}


def reaches(severity: str | None, threshold: str) -> bool:
    """Whether ``severity`` is ``threshold`` or worse; the threshold ``never`` is never reached."""
    return threshold != "never" and _RANK[severity] >= _RANK[threshold]


def worst_of(findings: list[Finding]) -> str | None:
    """The most severe severity among findings (``None`` when there are none)."""
    worst: str | None = None
    for f in findings:
        if _RANK[f.severity] > _RANK[worst]:
            worst = f.severity
    return worst


@dataclass
class Sample:
    """One failing row of a finding: its key, and what is wrong with it."""

    key: str
    detail: str | None = None


@dataclass
class Finding:
    severity: Severity
    check: str  # row-count, nulls, null-share, unique, domain, orphans, childless, schema, …
    table: str
    column: str | None
    expected: str
    found: str
    message: str
    count: int = 0  # rows (or values) concerned
    # A few failing rows, when asked for (`report quality --samples N`).
    samples: list[Sample] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        kw = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        kw["samples"] = [Sample(**s) for s in d.get("samples", [])]
        return cls(**kw)


@dataclass
class ColumnStats:
    name: str
    type: str  # Athena spelling: string, timestamp, decimal(10,2), int, double …
    nulls: int
    null_pct: float
    distinct: int | None = None  # known for key columns only

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ColumnStats:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


@dataclass
class QualityReport:
    """The checks of one table (one file, or every file of that table)."""

    table: str | None
    rows: int
    columns: list[ColumnStats]
    findings: list[Finding]

    def worst(self) -> str | None:
        return worst_of(self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "rows": self.rows,
            "columns": [c.to_dict() for c in self.columns],
            "findings": [f.to_dict() for f in self.findings],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> QualityReport:
        return cls(
            table=d.get("table"),
            rows=int(d.get("rows", 0)),
            columns=[ColumnStats.from_dict(c) for c in d.get("columns", [])],
            findings=[Finding.from_dict(f) for f in d.get("findings", [])],
        )


@dataclass
class DatasetQuality:
    """Every table's report plus the cross-table findings (orphans, childless parents)."""

    tables: dict[str, QualityReport]
    findings: list[Finding] = field(default_factory=list)
    files: dict[str, list[str]] = field(default_factory=dict)  # table -> files read

    def all_findings(self) -> list[Finding]:
        out = [f for name in sorted(self.tables) for f in self.tables[name].findings]
        return out + list(self.findings)

    def worst(self) -> str | None:
        return worst_of(self.all_findings())

    def to_dict(self) -> dict[str, Any]:
        return {
            "tables": {name: r.to_dict() for name, r in self.tables.items()},
            "findings": [f.to_dict() for f in self.findings],
            "files": {name: list(paths) for name, paths in self.files.items()},
            "worst": self.worst(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DatasetQuality:
        return cls(
            tables={n: QualityReport.from_dict(r) for n, r in d.get("tables", {}).items()},
            findings=[Finding.from_dict(f) for f in d.get("findings", [])],
            files={n: list(p) for n, p in d.get("files", {}).items()},
        )
