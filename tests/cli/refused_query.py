"""How the SQL tests check a refused query: exit code 2, exactly one ``Error:`` line and
no traceback, and nothing written: no results file, no line in the run ledger."""

from __future__ import annotations

from pathlib import Path

from olistctl.errors import ExitCode


def error_line(result) -> str:
    """The one ``Error:`` line of ``result`` (checked: one, and no traceback)."""
    assert "Traceback" not in result.stderr, result
    lines = [x for x in result.stderr.splitlines() if x.startswith("Error: ")]
    assert len(lines) == 1, result
    return lines[0]


def results_written(ws: Path) -> list[str]:
    folder = ws / "results"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def ledger(ws: Path) -> bytes:
    """The run ledger as it stands (the stages that built the workspace wrote lines)."""
    path = ws / "ledger.jsonl"
    return path.read_bytes() if path.is_file() else b""


def assert_refused(cli, ws: Path, sql: str, message: str):
    """``olistctl query SQL`` is refused with ``Error: {message}`` and writes nothing; the
    result, for what a test checks beyond that."""
    before = ledger(ws)
    result = cli("query", sql)
    assert result.exit_code == ExitCode.USAGE, result
    assert error_line(result) == f"Error: {message}"
    assert results_written(ws) == []
    assert ledger(ws) == before
    return result
