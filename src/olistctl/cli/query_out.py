"""``olistctl query … --out FILE``: every row to a Parquet or CSV file, a summary on stderr.

``--max-rows`` caps the rows shown on the terminal; ``--out`` writes every
row, so the two together are refused rather than one silently ignored
(``LIMIT`` in the SQL caps what is written). ``--output`` does not apply: the
file's name says its format.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from olistctl.errors import Interrupted, UsageError

if TYPE_CHECKING:
    from olistctl.cli.state import AppState
    from olistctl.records import WrittenResult
    from olistctl.sql.params import BoundParam


def write_out(
    state: AppState,
    statement: str,
    params: list[BoundParam],
    out: Path | None,
    *,
    overwrite: bool,
    max_rows: int | None,
) -> None:
    from olistctl import querying
    from olistctl.result_file import ResultTarget

    if out is None:
        raise UsageError("--overwrite goes with --out", hint="add --out FILE, or drop --overwrite")
    if max_rows is not None:
        raise UsageError(
            "--max-rows caps the rows shown, and --out writes every row",
            hint="drop --max-rows (a LIMIT in the SQL caps what is written)",
        )
    refuse_workspace_target(out, example="--out result.parquet")
    # Checked (and its temporary name made) before the backend opens or the query runs.
    with ResultTarget(out, overwrite=overwrite) as target:
        backend = state.backend()
        try:
            written = querying.export(backend, statement, params=params, target=target)
        except KeyboardInterrupt:
            backend.engine.cancel()
            raise Interrupted(
                "The query was cancelled", hint=f"nothing was written to {out}"
            ) from None
    state.info(written_stats(state, written))
    for note in written.notes:
        state.info(note)


def refuse_workspace_target(out: Path, *, example: str) -> None:
    """UsageError for an --out file inside an olistctl workspace (whose files are olistctl's:
    a Parquet file under processed/ would join its table's data)."""
    from olistctl.backends.local.workspace import workspace_holding

    workspace = workspace_holding(out)
    if workspace is not None:
        raise UsageError(
            f"--out {out} is in the olistctl workspace {workspace}, whose files are olistctl's",
            hint=f"write it outside the workspace, e.g. {example}",
        )


def written_stats(state: AppState, written: WrittenResult) -> str:
    from olistctl.cli.render import dollars, human_bytes
    from olistctl.pricing import athena_query_cost
    from olistctl.settings import DEFAULT_REGION

    rows = f"{written.rows:,} row{'s' * (written.rows != 1)}"
    head = f"Wrote {rows} to {written.path} ({written.format}, {human_bytes(written.bytes)})"
    if written.query_id is None and written.bytes_scanned == 0 and written.engine_ms < 1:
        return head
    region = state.settings().get("region") or DEFAULT_REGION
    cost = athena_query_cost(written.bytes_scanned, region)
    verb = "scanned" if state.settings().get("backend") == "aws" else "Athena would scan"
    return (
        f"{head} · {written.engine_ms / 1000:.2f} s · {verb}"
        f" {human_bytes(written.bytes_scanned)} (billed {human_bytes(cost.billed_bytes)})"
        f" · {dollars(cost.dollars)} in {region}"
        + (f" · {written.query_id}" if written.query_id else "")
    )
