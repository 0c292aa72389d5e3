"""Local teardown: remove what olistctl made in the workspace (its manifest), nothing else.

A file the user put in a workspace folder is not in the manifest: teardown
leaves it, with the folders that hold it, and names it.

The order makes a teardown killed at any point safe to run again: the marker is
first rewritten to say a teardown has begun (other commands then refuse the
workspace until a teardown finishes it); the data goes, then the bookkeeping
(catalog, ledger), then the folders; the manifest only once everything it
lists is gone; the lock and the marker last. A workspace left with its marker
but no manifest owns nothing but its marker and lock, so a second run never
takes a file of the user's for olistctl's.
"""

from __future__ import annotations

import contextlib
import os
from collections import defaultdict

from olistctl.backends.base import Teardown
from olistctl.backends.local.manifest import MANIFEST, Owned, regular_size, remove_empty_folder
from olistctl.backends.local.manifest import remove_file as _remove_file
from olistctl.backends.local.workspace import (
    CATALOG,
    FORMAT_VERSION,
    LEDGER,
    LOCK,
    MARKER,
    Workspace,
)
from olistctl.errors import os_error
from olistctl.records import ProgressCallback, TeardownItem, TeardownPlan, TeardownReport

# Removed after the data, in this order; the manifest, the lock and the marker after the folders.
_BOOKKEEPING_FILES = (CATALOG, LEDGER)
_FINAL = (MANIFEST, LOCK, MARKER)
# Plan rows: the first folder of a path names what it is.
_KINDS = {
    "raw": "raw files",
    "processed": "processed files",
    "results": "results files",
    "previous": "previous versions",
    ".cache": "cached SQL",
    "sample_data": "generated sample data",
}
_BOOKKEEPING = "catalog, ledger, manifest, marker and lock"


def _kind(rel: str) -> str:
    top = rel.split("/", 1)[0]
    return _KINDS.get(top, _BOOKKEEPING) if "/" in rel else _BOOKKEEPING


def _removal_order(rel: str) -> tuple[int, str]:
    """The data first, the bookkeeping after it."""
    return (_BOOKKEEPING_FILES.index(rel) + 1 if rel in _BOOKKEEPING_FILES else 0, rel)


class LocalTeardown(Teardown):
    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    def _open_root(self) -> int:
        return os.open(self.ws.root, os.O_RDONLY | os.O_DIRECTORY)

    def _present(self, owned: Owned) -> dict[str, int]:
        """The listed files that are there (regular files, reached without links): sizes."""
        fd = self._open_root()
        try:
            found = {}
            for rel in sorted(owned.files):
                size = regular_size(fd, rel)
                if size is not None:
                    found[rel] = size
            return found
        finally:
            os.close(fd)

    def _foreign(self, owned: Owned) -> list[str]:
        """What under the workspace olistctl did not make: files it did not list, and links
        (followed by nothing here), even where it listed a file of its own."""
        found = []
        for dirpath, dirnames, names in os.walk(self.ws.root):
            dirnames.sort()
            base = os.path.relpath(dirpath, self.ws.root)
            links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
            for name in sorted(names) + links:
                rel = name if base == "." else f"{base}/{name}"
                mine = rel in owned.files or rel in owned.temporaries
                if not mine or os.path.islink(os.path.join(dirpath, name)):
                    found.append(rel)
        return sorted(found)

    def plan(self) -> TeardownPlan:
        if not self.ws.root.exists():
            return TeardownPlan(items=[])
        if not self.ws.exists():
            # check() refused a folder with files in it; this one is empty.
            return TeardownPlan(items=[])
        # The lock then lets this teardown finish one that was interrupted.
        self.ws.finishing_teardown = True
        owned = self.ws.owned()
        present = self._present(owned)
        rows: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for rel, size in present.items():
            folder = rel.rpartition("/")[0]
            where = str(self.ws.root / folder) if folder else str(self.ws.root)
            row = rows[(_kind(rel), where)]
            row[0] += 1
            row[1] += size
        items = [TeardownItem(kind, where, n, size) for (kind, where), (n, size) in rows.items()]
        order = [*_KINDS.values(), _BOOKKEEPING]
        items.sort(key=lambda i: (order.index(i.kind), i.name))
        return TeardownPlan(items=items, kept=self._foreign(owned))

    def verified(self, report: TeardownReport) -> str:
        root = self.ws.root
        if report.kept:
            return (
                f"Verified: every file olistctl wrote in {root} is gone; it left the"
                f" {len(report.kept)} it did not write: {report.kept_listing()}."
            )
        if root.exists():
            return (
                f"Verified: every file olistctl wrote in {root} is gone (the folder"
                " was there before, so it stays)."
            )
        return f"Verified: the workspace {root} is gone."

    def execute(
        self, plan: TeardownPlan, *, progress: ProgressCallback | None = None
    ) -> TeardownReport:
        if not self.ws.exists():
            return TeardownReport(deleted=[], remaining=[])
        owned = self.ws.owned()
        made_root = "." in owned.dirs
        try:
            self.ws.write_marker(
                {"olistctl_workspace": FORMAT_VERSION, "teardown": True, "made_root": made_root}
            )
        except OSError as exc:
            raise os_error(exc, f"removing {MARKER}", where=str(self.ws.root)) from exc
        data = sorted((owned.files | owned.temporaries) - set(_FINAL), key=_removal_order)
        fd = self._open_root()
        try:
            for rel in data:
                self._remove(fd, rel, progress)
            # Deepest first; a folder holding the user's files stays.
            for rel in sorted(owned.dirs - {"."}, key=lambda d: -d.count("/")):
                remove_empty_folder(fd, rel)
            # Everything the manifest lists is gone: now the manifest, then lock and marker.
            for rel in _FINAL:
                if rel in owned.files:
                    self._remove(fd, rel, progress)
        finally:
            os.close(fd)
        kept = self._foreign(owned) if self.ws.root.is_dir() else []
        if made_root and not kept:
            with contextlib.suppress(OSError):  # something appeared meanwhile: reported below
                os.rmdir(self.ws.root)
        remaining = []
        if self.ws.root.is_dir():
            left = self._present(owned)
            if left:
                remaining.append(
                    TeardownItem("files", str(self.ws.root), len(left), sum(left.values()))
                )
            kept = self._foreign(owned)
        return TeardownReport(deleted=plan.items, remaining=remaining, kept=kept)

    def _remove(self, fd: int, rel: str, progress: ProgressCallback | None) -> None:
        try:
            removed = _remove_file(fd, rel)
        except OSError as exc:
            raise os_error(exc, f"removing {rel}", where=str(self.ws.root)) from exc
        if removed is not None and progress:
            progress(1)
