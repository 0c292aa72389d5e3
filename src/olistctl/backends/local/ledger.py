"""The local run ledger: one JSON line per stage run, appended to ``ledger.jsonl``."""

from __future__ import annotations

import json
import os
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
            if not self.ws.ledger_path.exists():  # listed when made; not re-read per query
                self.ws.claim(self.ws.ledger_path)
            # One write(2) on an O_APPEND descriptor: concurrent appenders never interleave lines.
            fd = os.open(self.ws.ledger_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, data.encode("utf-8"))
            finally:
                os.close(fd)

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
