"""Local teardown: remove the workspace, but only a folder that is one."""

from __future__ import annotations

import contextlib
import os
import shutil

from olistctl.backends.base import ProgressCallback, TeardownItem, TeardownPlan, TeardownReport
from olistctl.backends.local.workspace import Workspace


def _count(path) -> tuple[int, int]:
    files = size = 0
    for dirpath, _dirs, names in os.walk(path):
        for name in names:
            files += 1
            with contextlib.suppress(OSError):
                size += os.path.getsize(os.path.join(dirpath, name))
    return files, size


class LocalTeardown:
    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    def _inventory(self) -> list[TeardownItem]:
        items = []
        for stage in ("raw", "processed", "results"):
            files, size = _count(self.ws.stage_dir(stage))
            items.append(TeardownItem(f"{stage} files", str(self.ws.stage_dir(stage)), files, size))
        other = [self.ws.catalog_path, self.ws.ledger_path, self.ws.marker_path]
        present = [p for p in other if p.exists()]
        items.append(
            TeardownItem(
                "catalog, ledger and marker",
                str(self.ws.root),
                len(present),
                sum(p.stat().st_size for p in present),
            )
        )
        return items

    def plan(self) -> TeardownPlan:
        if not self.ws.root.exists():
            return TeardownPlan(items=[])
        if not self.ws.exists():
            return TeardownPlan(
                items=[],
                refusals=[
                    f"{self.ws.root} is not an olistctl workspace (it has no "
                    f"{self.ws.marker_path.name}); it is left untouched"
                ],
            )
        return TeardownPlan(items=self._inventory())

    def execute(
        self, plan: TeardownPlan, *, progress: ProgressCallback | None = None
    ) -> TeardownReport:
        if plan.refusals or not self.ws.exists():
            return TeardownReport(deleted=[], remaining=[])
        shutil.rmtree(self.ws.root)
        if progress:
            progress(sum(i.count for i in plan.items))
        remaining = []
        if self.ws.root.exists():
            files, size = _count(self.ws.root)
            remaining.append(TeardownItem("files", str(self.ws.root), files, size))
        return TeardownReport(deleted=plan.items, remaining=remaining)
