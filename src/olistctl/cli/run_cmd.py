"""Run the whole pipeline: upload → transform → crawl → the KPI queries, one summary at the end.

PATH defaults to the bundled sample data (`sample_data/`, 1,000 synthetic
orders). A second run on unchanged input uploads nothing, converts nothing
and gives the same answers: the KPI answers of the first, reused while nothing they
depend on changed (local backend; --no-reuse or --force runs the queries again).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from olistctl.cli.options import ConcurrencyOpt, ForceOpt, OutputOpt, RunnerOpt
from olistctl.cli.render import OutputFormat
from olistctl.cli.state import get_state
from olistctl.errors import ExitCode, UsageError


def command(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="CSV files or folders; default: the bundled sample data.", show_default=False
        ),
    ] = None,
    force: ForceOpt = False,
    concurrency: ConcurrencyOpt = 2,
    crawler: Annotated[
        bool,
        typer.Option(
            "--crawler",
            help="Run the Glue crawler instead of registering the tables from the Parquet"
            " footers (local: the footers are read either way; this makes `report cost` price"
            " a crawler run).",
        ),
    ] = False,
    runner: RunnerOpt = None,
    reuse: Annotated[
        bool,
        typer.Option(
            "--reuse/--no-reuse",
            help="Reuse a KPI answer of an earlier run while nothing it depends on changed "
            "(the catalog, every Parquet file, olistctl, DuckDB, sqlglot); --force runs them "
            "all again.",
        ),
    ] = True,
    output: OutputOpt = OutputFormat.table,
) -> None:
    from olistctl import pipeline
    from olistctl.cli.run_view import show_run
    from olistctl.cli.summaries import warn_if_empty

    if output is OutputFormat.csv:  # before anything runs
        raise UsageError(
            "run shows several KPI tables, each with columns of its own, and CSV holds one table",
            hint="use -o json or -o jsonl (each row names its KPI), or"
            " `olistctl query --name NAME -o csv` for one KPI",
        )
    state = get_state(ctx)
    if runner is not None:
        state.flags["runner"] = runner
    backend = state.backend()
    if not paths:
        sample = bundled_sample(state)
        state.info(f"Running on the bundled sample data in {sample}.")
        paths = [str(sample)]
    with state.progress() as progress:
        summary = pipeline.run(
            backend,
            paths,
            force=force,
            reuse=reuse,
            direct_crawl=not crawler,
            concurrency=concurrency,
            progress=progress,
        )
    show_run(state, summary, output)
    warn_if_empty(state, [(k.name, k.result) for k in summary.kpis])
    if summary.failed:
        raise typer.Exit(ExitCode.FAILED)


def bundled_sample(state) -> Path:
    """``sample_data/`` here or in the source checkout; else the same data, regenerated."""
    from olistctl.synth import SAMPLE_ORDERS, SAMPLE_SEED

    here = Path("sample_data")
    checkout = Path(__file__).resolve().parents[3] / "sample_data"
    for candidate in (here, checkout):
        if (candidate / "olist_orders_dataset.csv").is_file():
            return candidate
    # An installed wheel has no checkout: generate the identical files (same seed, same bytes)
    # in the workspace, listed there as olistctl's, so teardown removes them.
    from olistctl.backends.local.workspace import Workspace
    from olistctl.dataset import TABLES
    from olistctl.synth import generate

    workspace = Workspace(state.settings().workspace_path)
    target = workspace.root / "sample_data"
    if not (target / "olist_orders_dataset.csv").is_file():
        with workspace.lock():
            for table in TABLES:
                workspace.claim(target / table.file_name)
            generate(target, orders=SAMPLE_ORDERS, seed=SAMPLE_SEED)
    return target
