"""One view of every quality finding: the streaming checks of each stage, and the rules.

The raw CSVs and the processed Parquet are checked separately and mostly find
the same things; a finding found in both is one entry here, listed with both
stages. Rule findings come from the catalog's tables. Every report format
(table, markdown, HTML, JSON) is drawn from this one object.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from olistctl.quality.report import DatasetQuality, Finding, worst_of
from olistctl.quality.rules import RulesRun

SEVERITIES = ("error", "warn", "info")
_RANK = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass
class Entry:
    finding: Finding
    stages: tuple[str, ...]  # raw, processed, files, catalog (where it was found)

    def to_dict(self) -> dict[str, Any]:
        return {**self.finding.to_dict(), "stages": list(self.stages)}


def _identity(f: Finding) -> tuple:
    return (f.severity, f.check, f.table, f.column, f.expected, f.found, f.count)


@dataclass
class QualityOverview:
    reports: dict[str, DatasetQuality]  # by stage: raw and processed, or files
    rules: RulesRun | None = None
    notes: list[str] = field(default_factory=list)  # why something was not checked
    entries: list[Entry] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        reports: Mapping[str, DatasetQuality],
        rules: RulesRun | None = None,
        notes: list[str] | None = None,
    ) -> QualityOverview:
        merged: dict[tuple, Entry] = {}
        for stage, dq in reports.items():
            for f in dq.all_findings():
                entry = merged.get(_identity(f))
                if entry is None:
                    merged[_identity(f)] = Entry(f, (stage,))
                elif stage not in entry.stages:
                    entry.stages = (*entry.stages, stage)
        entries = list(merged.values())
        if rules is not None:
            entries += [Entry(f, ("catalog",)) for f in rules.findings]
        entries.sort(key=lambda e: (e.finding.table, _RANK[e.finding.severity], e.finding.check))
        return cls(dict(reports), rules, list(notes or []), entries)

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for e in self.entries if e.finding.severity == s) for s in SEVERITIES}

    def worst(self) -> str | None:
        return worst_of([e.finding for e in self.entries])

    def stages_differ(self) -> bool:
        """Whether some finding was found in one checked stage and not in the other."""
        checked = set(self.reports)
        return len(checked) > 1 and any(
            e.stages != ("catalog",) and set(e.stages) != checked for e in self.entries
        )

    def shown(self, verbose: bool) -> list[Entry]:
        return [e for e in self.entries if verbose or e.finding.severity != "info"]

    def to_dict(self) -> dict[str, Any]:
        counts = self.counts()
        return {
            "verdict": self.worst() or "ok",
            "errors": counts["error"],
            "warnings": counts["warn"],
            "info": counts["info"],
            "findings": [e.to_dict() for e in self.entries],
            "rules": None if self.rules is None else self.rules.to_dict(),
            "notes": list(self.notes),
            **{stage: dq.to_dict() for stage, dq in self.reports.items()},
        }


def verdict_line(overview: QualityOverview) -> str:
    """``3 errors, 12 warnings, 24 info``-style counts, worst first."""
    counts = overview.counts()
    words = {"error": ("error", "errors"), "warn": ("warning", "warnings"), "info": ("info",) * 2}
    parts = [f"{counts[s]:,} {words[s][counts[s] != 1]}" for s in SEVERITIES]
    return ", ".join(parts)


def verdict_word(overview: QualityOverview) -> str:
    return {"error": "FAILED", "warn": "WARNINGS", "info": "OK", None: "OK"}[overview.worst()]


# -- words shared by every format ----------------------------------------------------

_STAGE_WORDS = {
    ("raw", "processed"): "both",
    ("raw",): "raw",
    ("processed",): "processed",
    ("catalog",): "catalog",
    ("files",): "files",
}


def finding_text(entry: Entry, *, verbose: bool = False) -> str:
    """What a report says of a finding: the rule's description, or column: what was found."""
    from olistctl.quality.rules import list_rules

    f = entry.finding
    rule = next((r for r in list_rules() if r.name == f.check), None)
    if rule is not None:
        text = rule.description
    elif f.column:
        text = f"{f.column}: {f.found}"
    else:  # a finding about a whole table or file says it best in its message
        text = f.message.rstrip(".")
    if verbose:
        text += f"; expected {f.expected}"
    return text


def stage_word(entry: Entry) -> str:
    return _STAGE_WORDS.get(tuple(entry.stages), ", ".join(entry.stages))


def sample_lines(entry: Entry) -> list[str]:
    return [f"{s.key}  {s.detail}" if s.detail else s.key for s in entry.finding.samples]


def summary_lines(overview: QualityOverview, *, verbose: bool) -> list[str]:
    """The verdict and what was checked, as sentences (the first is the verdict)."""
    counts = overview.counts()
    lines = [f"Data quality: {verdict_word(overview)} ({verdict_line(overview)})."]
    stages = list(overview.reports)
    where = {
        "raw": "the raw CSVs",
        "processed": "the processed Parquet",
        "files": "the files given",
    }
    sizes = {
        stage: f"{len(dq.tables)} tables ({sum(r.rows for r in dq.tables.values()):,} rows)"
        for stage, dq in overview.reports.items()
    }
    if len(set(sizes.values())) <= 1:
        size = next(iter(sizes.values()), "0 tables (0 rows)")
        what = f"Checked {size} in " + " and ".join(where.get(s, s) for s in stages)
    else:  # a table uploaded again (or first) and not converted yet: say each stage's size
        what = "Checked " + " and ".join(f"{sizes[s]} in {where.get(s, s)}" for s in stages)
    if len(stages) > 1:
        what += "; " + (
            "they differ (see the stage column)." if overview.stages_differ() else "both agree."
        )
    else:
        what += "."
    lines.append(what)
    if overview.rules is not None and overview.rules.ran:
        lines.append(f"{len(overview.rules.ran)} rules ran over the catalog's tables.")
    lines += overview.notes
    if counts["info"] and not verbose:
        lines.append(f"{counts['info']:,} info findings are hidden: --verbose shows them.")
    return lines
