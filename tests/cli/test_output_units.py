"""Every command's JSON follows one convention (``cli/units.py``, README "Machine-readable
output"): sizes are whole numbers of bytes in fields named ``bytes`` or ``…_bytes``, times
ISO 8601 in UTC with their offset, durations numbers of seconds.

Each command that takes ``--output`` is run here, in json and jsonl, on a workspace where
every stage has run, and its whole output is walked. A command that gains ``--output`` and
is not listed below fails :func:`test_every_command_with_output_is_walked`, so a new one is
checked from its first day.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from olistctl.cli.app import COMMANDS, load_command
from olistctl.cli.units import iso_time

# What each command prints with, beyond ``-o FORMAT``; "SAMPLE" is the sample data's folder.
WALKED: dict[str, list[str]] = {
    "upload": ["upload", "SAMPLE"],
    "transform": ["transform", "--force"],  # converted again: every figure present
    "crawl": ["crawl"],
    "query": ["query", "--list"],
    "run": ["run"],  # run twice: the second reuses the KPI answers (their times)
    "status": ["status"],
    "teardown": ["teardown", "--dry-run"],
    "report quality": ["report", "quality", "--fail-on", "never"],
    "report cost": ["report", "cost"],
    "report cost --queries": ["report", "cost", "--queries"],
    "config show": ["config", "show"],
}
# Commands whose every row is a query's answer: the SQL's values as Athena writes them,
# not olistctl's figures (a timestamp column has no zone in Athena).
ANSWERS_ONLY = {"shell"}

_HUMAN_UNIT_KEY = re.compile(r"(^|_)[kmgt]i?b$", re.IGNORECASE)  # mb, csv_mb, gib …
_HUMAN_SIZE = re.compile(r"-?[0-9][0-9.,]* ?[KMGT]i?B")  # "1.3 MB"
_LOOKS_LIKE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}")
_ISO_UTC = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\+00:00")


def _commands_with_output() -> set[str]:
    found = set()
    for name, (_, kind) in COMMANDS.items():
        command = load_command(name)
        subs = command.commands.items() if kind == "group" else [(None, command)]
        for sub, cmd in subs:
            if any(p.name == "output" for p in cmd.params):
                found.add(f"{name} {sub}" if sub else name)
    return found


def test_every_command_with_output_is_walked():
    walked = {key.split(" --")[0] for key in WALKED}
    assert _commands_with_output() == walked | ANSWERS_ONLY


def _problems(value: Any, path: str = "$", key: str = "") -> list[str]:
    """Where ``value`` breaks the convention, as JSON paths with what is wrong."""
    found = []
    if isinstance(value, dict):
        for k, v in value.items():
            if _HUMAN_UNIT_KEY.search(k):
                found.append(f"{path}.{k}: a size in a unit other than bytes")
            elif k.startswith("bytes_"):
                found.append(f"{path}.{k}: a size not named bytes or …_bytes")
            found += _problems(v, f"{path}.{k}", k)
        return found
    if isinstance(value, list):
        for i, v in enumerate(value):
            found += _problems(v, f"{path}[{i}]", key)
        return found
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if (key == "bytes" or key.endswith("_bytes")) and not (
        value is None or (is_number and type(value) is int)
    ):
        found.append(f"{path}: {value!r} is not a whole number of bytes")
    if (key == "seconds" or key.endswith("_seconds")) and not (value is None or is_number):
        found.append(f"{path}: {value!r} is not a number of seconds")
    if isinstance(value, str):
        if _HUMAN_SIZE.fullmatch(value):
            found.append(f"{path}: {value!r} is a size written for people")
        if _LOOKS_LIKE_TIME.search(value):
            if not _ISO_UTC.fullmatch(value):
                found.append(f"{path}: {value!r} is not ISO 8601 UTC to the second")
            elif datetime.fromisoformat(value).utcoffset() != timedelta(0):
                found.append(f"{path}: {value!r} is not in UTC")
    return found


def _documents(fmt: str, stdout: str) -> list[Any]:
    if fmt == "json":
        return [json.loads(stdout)]
    return [json.loads(line) for line in stdout.splitlines()]


def _olistctls_own(name: str, fmt: str, document: Any) -> Any:
    """The part of a document that is olistctl's: ``run``'s KPI answers are query answers."""
    if name == "run":
        return {k: v for k, v in document.items() if k != "kpis"} if fmt == "json" else None
    return document


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
@pytest.mark.parametrize("name", sorted(WALKED))
def test_machine_output_follows_the_convention(cli, lake, sample_data, name, fmt):
    lake("crawled")
    args = [str(sample_data) if a == "SAMPLE" else a for a in WALKED[name]]
    if name == "run":
        first = cli(*args, "-o", "json")
        assert first.exit_code == 0, first
    result = cli(*args, "-o", fmt)
    assert result.exit_code == 0, result
    documents = [_olistctls_own(name, fmt, d) for d in _documents(fmt, result.stdout)]
    assert documents, result
    problems = [p for d in documents if d is not None for p in _problems(d)]
    assert problems == []


def test_the_readme_examples_follow_the_convention():
    """The README's table of the convention shows values that pass the walk."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Machine-readable output\n", 1)[1].split("\n### ", 1)[0]
    examples = re.findall(r'`("[a-z_]+": [^`…]+?)`', section)
    assert len(examples) >= 4, examples
    documents = [json.loads("{" + example + "}") for example in examples]
    assert [p for d in documents for p in _problems(d)] == []
    assert iso_time(datetime(2026, 12, 7, 19, 17, 57, 544219, tzinfo=UTC)) in section


def test_the_walk_finds_each_kind_of_break():
    """The check above can fail: the shapes of the outputs before the convention."""
    before = {
        "stage": "raw",
        "mb": 1.251,
        "last_run": "2026-12-07 19:17:57 UTC",
        "csv_bytes": 0.091,
        "seconds": "0.1 s",
        "size": "1.3 MB",
        "end": "2026-12-07T19:18:26.544219+00:00",
        "when": "2026-12-07T16:18:26-03:00",
        "bytes_scanned": 286214,
    }
    assert _problems([before]) == [
        "$[0].mb: a size in a unit other than bytes",
        "$[0].last_run: '2026-12-07 19:17:57 UTC' is not ISO 8601 UTC to the second",
        "$[0].csv_bytes: 0.091 is not a whole number of bytes",
        "$[0].seconds: '0.1 s' is not a number of seconds",
        "$[0].size: '1.3 MB' is a size written for people",
        "$[0].end: '2026-12-07T19:18:26.544219+00:00' is not ISO 8601 UTC to the second",
        "$[0].when: '2026-12-07T16:18:26-03:00' is not ISO 8601 UTC to the second",
        "$[0].bytes_scanned: a size not named bytes or …_bytes",
    ]
    after = {"bytes": 1250699, "last_run": "2026-12-07T19:17:57+00:00", "seconds": 0.01}
    assert _problems([after]) == []
