"""Remove everything the pipeline stored (the workspace, or the stack's data on aws).

Locally: exactly the files olistctl wrote into the workspace (its manifest lists them); any other file there is left, and named. On aws: every object version, delete marker and unfinished multipart upload in the stack's buckets, the catalog's tables and the crawler's log streams; `--destroy-infra` (aws) then runs `terraform destroy` in infra/. Buckets that do not carry the stack's tag are refused. Asks first unless `--yes`; with no terminal and no `--yes` it refuses.
"""  # noqa: E501  (one paragraph per line: the help text wraps to the terminal)

from __future__ import annotations

import sys
from typing import Annotated

import typer

from olistctl.cli.options import DryRunOpt, OutputOpt, YesOpt
from olistctl.cli.render import OutputFormat, emit_summary
from olistctl.cli.state import get_state
from olistctl.cli.units import units
from olistctl.errors import Refused


def command(
    ctx: typer.Context,
    yes: YesOpt = False,
    dry_run: DryRunOpt = False,
    destroy_infra: Annotated[
        bool, typer.Option("--destroy-infra", help="aws: also run `terraform destroy` in infra/.")
    ] = False,
    output: OutputOpt = OutputFormat.table,
) -> None:
    from olistctl import pipeline

    state = get_state(ctx)
    backend = state.backend()
    plan = pipeline.teardown_plan(backend, destroy_infra=destroy_infra)
    # In a table, "Nothing to delete." below says it, without an empty table.
    if plan.items or output is not OutputFormat.table:
        unit = units(output)
        emit_summary(
            state.out,
            ["what", "where", "count", unit.size_column()],
            [(i.kind, i.name, i.count, unit.size(i.bytes)) for i in plan.items],
            output,
            title=f"Teardown plan ({backend.name})",
        )
    for refusal in plan.refusals:
        state.err.print(f"[yellow]refused:[/yellow] {refusal}")
    if plan.kept:
        state.info(f"Left alone, because olistctl did not write them: {plan.kept_listing()}.")
    if dry_run:
        state.info("Nothing to delete." if not plan.items else "Dry run: nothing was deleted.")
        return
    if plan.empty and not destroy_infra:
        if plan.refusals:
            raise Refused(plan.refusals[0])
        state.info("Nothing to delete.")
        return
    if not yes:
        if not sys.stdin.isatty():
            raise Refused(
                "Teardown deletes data and there is no terminal to confirm on",
                hint="pass --yes to confirm, or --dry-run to see the plan",
            )
        what = "the infrastructure too" if destroy_infra else "these objects"
        if not typer.confirm(f"Delete {what}? This cannot be undone.", default=False):
            raise Refused("Teardown declined; nothing was deleted")
    with state.progress() as progress:
        outcome = pipeline.teardown(backend, plan, progress=progress)
    state.info(f"Deleted {outcome.deleted:,} item(s).")
    state.info(outcome.verified)
    if destroy_infra:
        from rich.text import Text

        state.info("Running terraform destroy …")
        # Terraform's own last line ("Destroy complete! Resources: N destroyed."), as plain text.
        state.info(Text(pipeline.destroy_infra(backend)))
    if plan.refusals:
        raise Refused(plan.refusals[0])
