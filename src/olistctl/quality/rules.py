"""Cross-column and cross-row rules, as Athena SQL over the catalog's tables.

Each rule is a file ``sql/<name>.sql`` in this package: comment lines, then one
``SELECT`` that returns a row per failing key, as two varchar columns ``key``
and ``detail``. The header says what the rule checks:

- ``-- <description>`` (the first line: what a failing row is, in the plural);
- ``-- severity: error|warn|info``;
- ``-- table: <table>`` the finding is filed under, ``-- columns: …`` it reads;
- ``-- key: …`` what ``key`` holds (``order_id``; ``order_id, payment_sequential``);
- ``-- real: N`` how many the real Olist data has, as public audits of it report.

The rules run as one query (:func:`rules_query`): every rule a ``WITH`` clause,
their rows stacked, counted per rule and cut to the first ``samples`` keys of
each. It is plain Athena SQL, so it runs on Athena and, through the local
engine's fidelity layer, on DuckDB; a rule whose tables the catalog lacks is
skipped and said so. This module runs nothing itself: the caller hands it a
function that runs SQL on a backend.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from olistctl.dataset import TABLES_BY_NAME
from olistctl.errors import OperationFailed, UsageError
from olistctl.quality.report import Finding, Sample, Severity

_PACKAGE = "olistctl.quality"
_FOLDER = "sql"
_SEVERITIES: dict[str, Severity] = {"error": "error", "warn": "warn", "info": "info"}


@dataclass(frozen=True)
class Rule:
    name: str  # the check's name in a report: carrier-before-purchase
    description: str
    severity: Severity
    table: str
    columns: str
    key: str
    real: int | None
    sql: str

    @property
    def tables(self) -> list[str]:
        """The Olist tables the rule reads (the files use the bare table names)."""
        return [t for t in TABLES_BY_NAME if re.search(rf"\b{t}\b", self.sql)]

    @property
    def expected(self) -> str:
        if self.real is None:
            return "none"
        return f"none (the real Olist data has {self.real:,}, as reported by audits of it)"


def _parse(stem: str, text: str) -> Rule:
    where = f"quality/sql/{stem}.sql"
    lines = text.splitlines()
    if not lines or not lines[0].startswith("--"):
        raise ValueError(f"{where} must start with '-- <description>'")
    header: dict[str, str] = {}
    for line in lines[1:]:
        if not line.startswith("--"):
            break
        key, colon, value = line[2:].partition(":")
        if colon and key.strip() in ("severity", "table", "columns", "key", "real"):
            header[key.strip()] = value.strip()
    missing = [k for k in ("severity", "table", "columns", "key") if k not in header]
    if missing:
        raise ValueError(f"{where} lacks the header line(s) {', '.join(missing)}")
    severity = _SEVERITIES.get(header["severity"])
    if severity is None:
        raise ValueError(f"{where}: severity must be one of {', '.join(_SEVERITIES)}")
    if header["table"] not in TABLES_BY_NAME:
        raise ValueError(f"{where}: {header['table']} is not an Olist table")
    body = "\n".join(line for line in lines if not line.startswith("--")).strip()
    if not re.match(r"(?is)select\b", body) or ";" in body:
        # The rule becomes a WITH clause of one query: one SELECT, no WITH of its own.
        raise ValueError(f"{where} must hold one SELECT statement (no WITH, no ';')")
    return Rule(
        name=stem.replace("_", "-"),
        description=lines[0][2:].strip(),
        severity=severity,
        table=header["table"],
        columns=header["columns"],
        key=header["key"],
        real=int(header["real"]) if "real" in header else None,
        sql=body,
    )


@cache
def _load() -> tuple[Rule, ...]:
    folder = resources.files(_PACKAGE) / _FOLDER
    rules = [
        _parse(entry.name[: -len(".sql")], entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    ]
    return tuple(sorted(rules, key=lambda r: r.name))


def list_rules() -> list[Rule]:
    """Every rule, by name."""
    return list(_load())


# -- one query for many rules ------------------------------------------------------


def ranked_union(parts: Sequence[tuple[str, str]], samples: int) -> str:
    """One query over ``(label, SELECT key, detail …)`` parts: per label its count of rows
    (``failing``) and its first ``samples`` rows by key (at least one, to carry the count).

    Columns: ``label``, ``failing``, ``key``, ``detail``; a label with no rows has none.
    """
    if not parts:
        raise ValueError("no parts to query")
    names = [f"part_{i}" for i in range(len(parts))]
    ctes = ",\n".join(
        f"{name} AS (\n{_indent(sql)}\n)" for name, (_, sql) in zip(names, parts, strict=True)
    )
    stacked = "\n    UNION ALL\n".join(
        f"    SELECT '{label}' AS label, key, detail FROM {name}"
        for name, (label, _) in zip(names, parts, strict=True)
    )
    keep = max(samples, 1)
    return (
        f"WITH {ctes},\nfailures AS (\n{stacked}\n),\n"
        "ranked AS (\n"
        "    SELECT label, key, detail,\n"
        "        COUNT(*) OVER (PARTITION BY label) AS failing,\n"
        "        ROW_NUMBER() OVER (PARTITION BY label ORDER BY key, detail) AS sample_rank\n"
        "    FROM failures\n"
        ")\n"
        "SELECT label, failing, key, detail\n"
        "FROM ranked\n"
        f"WHERE sample_rank <= {keep}\n"
        "ORDER BY label, sample_rank"
    )


def _indent(sql: str) -> str:
    return "\n".join("    " + line if line else line for line in sql.splitlines())


def read_ranked(columns: Sequence[str], rows: Iterable[Sequence[Any]], samples: int) -> dict:
    """``label -> (failing, [Sample…])`` from the rows of :func:`ranked_union`'s query."""
    rows = list(rows)
    if not rows:  # nothing failed (an answer without rows may also come without columns)
        return {}
    at = {name.lower(): i for i, name in enumerate(columns)}
    missing = [c for c in ("label", "failing", "key", "detail") if c not in at]
    if missing:
        raise OperationFailed(
            f"The rules' answer lacks the column(s) {', '.join(missing)}",
            hint="check that the query engine ran the rules' query unchanged",
        )
    out: dict[str, tuple[int, list[Sample]]] = {}
    for row in rows:
        label = str(row[at["label"]])
        count, kept = out.get(label, (int(row[at["failing"]]), []))
        if len(kept) < samples:
            detail = row[at["detail"]]
            kept.append(Sample(str(row[at["key"]]), None if detail is None else str(detail)))
        out[label] = (count, kept)
    return out


# -- running the rules ---------------------------------------------------------------


@dataclass
class SkippedRule:
    rule: str
    missing: list[str]  # tables the catalog does not hold


@dataclass
class RulesRun:
    """What running the rules found, and what it could not run."""

    findings: list[Finding] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)
    skipped: list[SkippedRule] = field(default_factory=list)
    bytes_scanned: int = 0
    error: str | None = None  # why the query failed, when it did

    def to_dict(self) -> dict[str, Any]:
        return {
            "ran": list(self.ran),
            "error": self.error,
            "skipped": [{"rule": s.rule, "missing": list(s.missing)} for s in self.skipped],
            "scanned_bytes": self.bytes_scanned,
        }


def finding_for(rule: Rule, count: int, samples: list[Sample]) -> Finding:
    return Finding(
        rule.severity,
        rule.name,
        rule.table,
        rule.columns,
        expected=rule.expected,
        found=f"{count:,} (key: {rule.key})",
        message=f"{rule.description}: {count:,}.",
        count=count,
        samples=samples,
    )


def run_rules(
    execute: Callable[[str], Any],
    available: Iterable[str],
    *,
    samples: int = 0,
    rules: Sequence[Rule] | None = None,
) -> RulesRun:
    """Run every rule whose tables are in ``available`` as one query through ``execute``.

    ``execute(sql)`` returns a result with ``columns``, ``rows`` and ``bytes_scanned``
    (a backend's QueryResult). A rule that finds nothing makes no finding; a query that
    fails on the data makes one error finding (``check`` "rules") instead.
    """
    tables = set(available)
    run = RulesRun()
    runnable: list[Rule] = []
    for rule in list_rules() if rules is None else rules:
        missing = [t for t in rule.tables if t not in tables]
        if missing:
            run.skipped.append(SkippedRule(rule.name, missing))
        else:
            runnable.append(rule)
    if not runnable:
        return run
    try:
        result = execute(ranked_union([(r.name, r.sql) for r in runnable], samples))
        found = read_ranked(result.columns, result.rows, samples)
    except (UsageError, OperationFailed) as exc:
        # Data the query cannot read (a column stored with another type: a schema finding
        # of the streaming checks) fails the rules, not the report. Other errors (settings,
        # AWS, deadlines, Ctrl-C) keep their own exit code.
        run.error = str(exc)
        run.findings.append(
            Finding(
                "error",
                "rules",
                "catalog",
                None,
                expected="the rules run over the catalog's tables",
                found="the query failed",
                message=f"The rules could not run over the catalog's tables: {exc}",
            )
        )
        return run
    run.ran = [r.name for r in runnable]
    run.bytes_scanned = int(result.bytes_scanned or 0)
    for rule in runnable:
        if rule.name in found:
            count, kept = found[rule.name]
            run.findings.append(finding_for(rule, count, kept))
    return run


def attach_samples(
    execute: Callable[[str], Any],
    findings: Sequence[Finding],
    queries: Mapping[int, str],
    samples: int,
) -> int:
    """Fill ``findings[i].samples`` from ``queries[i]`` (a key/detail SELECT each), in one
    query; returns the bytes it scanned."""
    if not queries or samples < 1:
        return 0
    parts = [(str(i), sql) for i, sql in queries.items()]
    try:
        result = execute(ranked_union(parts, samples))
        found = read_ranked(result.columns, result.rows, samples)
    except (UsageError, OperationFailed):
        return 0  # the rows behind the findings cannot be read; the findings stand
    for label, (_, kept) in found.items():
        findings[int(label)].samples = kept
    return int(result.bytes_scanned or 0)
