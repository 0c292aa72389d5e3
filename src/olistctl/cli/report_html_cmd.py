"""Write one self-contained HTML report: the KPIs, charts of the named queries, the data
quality verdict and what the pipeline costs.

The file carries the chart library (plotly.js) inside it, so it opens offline, from any
folder, and loads nothing from the network. It needs the report extra:
pip install 'olistctl[report]'. An existing file is replaced only if olistctl wrote it.
"""

from __future__ import annotations

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
    from olistctl import pipeline
    from olistctl.fs import SHARED, atomic_write_text
    from olistctl.report.html_report import plotly_modules, render

    state = get_state(ctx)
    plotly_modules()  # the missing extra is said before any work is done
    _check_target(out)
    inputs = pipeline.report_inputs(state.backend(), state.settings(), with_quality=quality)
    page = render(inputs)
    # A page made for the user to open and share: the usual permissions, not olistctl's 0600.
    atomic_write_text(out, page, mode=SHARED)
    state.info(
        f"Wrote {out} ({len(page.encode()) / 1e6:.1f} MB, {len(inputs.answers)} charts;"
        " plotly.js inside, so it opens offline)."
    )


def _check_target(out: Path) -> None:
    from olistctl.cli.query_out import refuse_workspace_target
    from olistctl.fs import read_own_file
    from olistctl.report.html_report import HEAD_BYTES, is_ours

    refuse_workspace_target(out, example="--out report.html")
    if out.is_dir():
        raise UsageError(f"{out} is a folder", hint="give a file name, e.g. --out report.html")
    if not out.parent.is_dir():
        raise UsageError(
            f"The folder {out.parent} does not exist", hint="create it, or choose another --out"
        )
    if out.exists() or out.is_symlink():
        # Not through a link, and never blocking on a FIFO: None for anything but a file.
        head = read_own_file(out, limit=HEAD_BYTES, head=True)
        if head is None or not is_ours(head):
            raise Refused(
                f"{out} exists and olistctl did not write it, so it is left as it is",
                hint="choose another --out, or move that file away",
            )
