"""The local run ledger: one JSON line per stage run, appended to ``ledger.jsonl``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from olistctl.backends.base import Ledger
from olistctl.backends.local.workspace import Workspace
from olistctl.records import LedgerEntry


class LocalLedger(Ledger):
    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    def append(self, entries: Sequence[LedgerEntry]) -> None:
        """Append ``entries``; an OSError (a read-only or full disk) is the caller's to judge."""
        if not entries:
            return
        data = "".join(json.dumps(e.to_dict(), sort_keys=True) + "\n" for e in entries)
        with self.ws.shared():  # a query's append; a no-op under a command's exclusive lock
            if not self.ws.exists():
                self.ws.ensure()
            # One write(2) on an O_APPEND descriptor: concurrent appenders never interleave
            # lines. Never through a link, and never into a file of the user's.
            self.ws.append(self.ws.ledger_path, data.encode("utf-8"))

    def entries(self, since: datetime | None = None) -> list[LedgerEntry]:
        path = self.ws.ledger_path
        if not path.is_file():
            return []
        found = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                entry = LedgerEntry.from_dict(json.loads(line))
            except (ValueError, KeyError, TypeError):
                continue  # a torn last line after a crash: skip it, keep the rest
            if since is None or entry.started >= since:
                found.append(entry)
        return found
