"""Write one self-contained HTML report: the KPIs, charts of the named queries, the data
quality verdict and what the pipeline costs.

The file carries the chart library (plotly.js) inside it, so it opens offline, from any
folder, and loads nothing from the network. It needs the report extra:
pip install 'olistctl[report]'. An existing file is replaced only if olistctl wrote it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from olistctl.cli.state import get_state
from olistctl.errors import Refused, UsageError


def command(
    ctx: typer.Context,
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-O", help="The HTML file to write.", metavar="FILE", show_default=True
        ),
    ] = Path("report.html"),
    quality: Annotated[
        bool,
        typer.Option(
            "--quality/--no-quality",
            help="Include the data-quality checks (they read every stored file).",
        ),
    ] = True,
) -> None:
    from olistctl.report.html_report import plotly_modules

    state = get_state(ctx)
    plotly_modules()  # the missing extra is said before any work is done
    _check_target(out)
    from olistctl.report.html_report import render

    inputs = gather(state, quality=quality)
    page = render(inputs)
    from olistctl.backends.local.workspace import atomic_write_text

    atomic_write_text(out, page)
    _readable(out)
    charts = len(inputs.answers)
    state.info(
        f"Wrote {out} ({len(page.encode()) / 1e6:.1f} MB, {charts} charts; plotly.js inside,"
        " so it opens offline)."
    )


def _readable(out: Path) -> None:
    """A page to open and share: the usual permissions (the atomic write makes it 0600)."""
    import os

    mask = os.umask(0)
    os.umask(mask)
    os.chmod(out, 0o666 & ~mask)


def _check_target(out: Path) -> None:
    from olistctl.report.html_report import is_ours

    if out.is_dir():
        raise UsageError(f"{out} is a folder", hint="give a file name, e.g. --out report.html")
    if not out.parent.is_dir():
        raise UsageError(
            f"The folder {out.parent} does not exist", hint="create it, or choose another --out"
        )
    if out.exists() or out.is_symlink():
        try:
            with open(out, "rb") as fh:
                head = fh.read(4096)
        except OSError:
            head = b""
        if out.is_symlink() or not out.is_file() or not is_ours(head):
            raise Refused(
                f"{out} exists and olistctl did not write it, so it is left as it is",
                hint="choose another --out, or move that file away",
            )


def gather(state, *, quality: bool = True):
    """Everything the page shows, from the backend: KPIs, chart data, quality, cost."""
    from olistctl import pipeline
    from olistctl.cli.report_cmd import quality_overview
    from olistctl.errors import OperationFailed
    from olistctl.report.charts import CHARTS
    from olistctl.report.html_report import ReportInputs, answer_of
    from olistctl.sql.named import get_query

    backend = state.backend()
    settings = state.settings()
    location = settings.get("workspace") if backend.name == "local" else settings.get("database")
    inputs = ReportInputs(
        title="Olist e-commerce report",
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        source=f"{backend.name} backend ({location})" if location else f"{backend.name} backend",
    )
    available = {t.name for t in backend.catalog.tables()}
    if not available:
        raise OperationFailed(
            "The catalog holds no tables, so there is nothing to report",
            hint="run `olistctl run` (or upload, transform and crawl) first",
        )
    if quality:
        inputs.quality = quality_overview(state, None, 0)
    for name in ["executive_kpis", *(spec.query for spec in CHARTS)]:
        query = get_query(name)
        missing = [t for t in pipeline.tables_named_in(query.sql) if t not in available]
        if missing:
            inputs.skipped[name] = missing
            continue
        result = pipeline.query(backend, query.sql, params=query.bind())
        if name == "executive_kpis":
            inputs.kpis = answer_of(result)
        else:
            inputs.answers[name] = answer_of(result)
    inputs.cost = _cost(state)
    return inputs


def _cost(state):
    """The cost of the runs so far this month, as `report cost` shows it."""
    from olistctl.cli.cost_cmd import _gather, _region
    from olistctl.cost import build_report, resolve_period

    usage = _gather(state, resolve_period())
    return build_report(usage, region=_region(state))
