"""Generate a synthetic Olist dataset: the 9 CSV files, byte-for-byte in the real format."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from olistctl import user_home
from olistctl.cli.state import get_state


def command(
    ctx: typer.Context,
    orders: Annotated[
        int,
        typer.Option("--orders", "-n", min=1, help="Orders to generate; 100,000 ≈ the real data."),
    ] = 100_000,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same bytes.")] = 42,
    out: Annotated[
        Path, typer.Option("--out", "-d", help="Folder to write the CSV files into.")
    ] = Path("olist-sample"),
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace files of the same names already in --out."),
    ] = False,
) -> None:
    from olistctl.cli.render import human_bytes, rich_table
    from olistctl.synth import check_target, generate

    state = get_state(ctx)
    out = user_home.expand(out)
    refuse_location(out)
    check_target(out, overwrite=force)
    with state.progress() as progress:
        tasks: dict[str, tuple] = {}

        def report(table: str, rows_done: int) -> None:
            advance, seen = tasks.get(table, (None, 0))
            if advance is None:
                advance = progress.task(f"sample {table}", None)
            advance(rows_done - seen)
            tasks[table] = (advance, rows_done)

        result = generate(out, orders=orders, seed=seed, progress=report, overwrite=force)
    rows = [
        (result.files[t].name, result.rows[t], human_bytes(result.bytes[t])) for t in result.files
    ]
    state.info(rich_table(["file", "rows", "size"], rows, title=f"Wrote {out}"))
    state.info(
        f"{sum(result.rows.values()):,} rows, {human_bytes(sum(result.bytes.values()))}"
        f" in {result.seconds:.1f} s (orders={orders}, seed={seed})."
    )


def refuse_location(out: Path) -> None:
    """UsageError for a folder that is not one for generated files: the root, the home
    folder, or an olistctl workspace (or a folder in one), whose files are olistctl's."""
    from olistctl.backends.local.workspace import workspace_holding
    from olistctl.errors import UsageError

    resolved = user_home.expand(out).resolve()
    shown = str(out) if str(out) == str(resolved) else f"{out} ({resolved})"
    reason = None
    if resolved == Path(resolved.anchor):
        reason = "is the root of the file system"
    elif (home := user_home.home()) is not None and resolved == home.resolve():
        reason = "is your home folder"
    elif (workspace := workspace_holding(resolved)) is not None:
        reason = f"is in the olistctl workspace {workspace}, whose files are olistctl's"
    if reason is not None:
        raise UsageError(
            f"--out {shown} {reason}", hint="give a folder of its own, e.g. --out olist-sample"
        )
