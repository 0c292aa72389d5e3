"""SHA-256 of input files, remembered by their file-system identity so an unchanged file is not
read again.

An upload compares each local file's SHA-256 with the stored copy's to skip
what did not change; hashing the full-scale dataset (~125 MB) took ~0.15-0.25 s
of every re-run (bench/analysis.md). A :class:`ChecksumMemo` keeps, per file,
the SHA-256 with the ``stat`` fields any change of the file moves: size,
modification and status-change times (the kernel sets ``st_ctime`` on every
write, rename and ``touch``; no user can set it back), inode and device. A
file whose fields all match is taken as unchanged, as git's index and rsync
do; one whose status changed less than :data:`SETTLE_NS` before it was hashed
is not remembered (a write in the same clock tick could go unseen: git's "racy"
case). ``--force`` reads and uploads everything whatever the memo says.

The memo is a JSON file of olistctl's own (the local backend keeps it in the
workspace); one that cannot be read is empty, and one that cannot be written
only costs the next run a read. Whoever can write the workspace could write it
too, and a memo saying a changed file is unchanged would make an upload keep
stale data. So it is signed (HMAC-SHA256) with the user's secret that signs the
transpile cache (kept outside the workspace): a memo whose signature does not
check is empty, and without the secret nothing is remembered.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path

from olistctl.errors import OlistError
from olistctl.fs import read_own_json, stat_identity
from olistctl.user_secret import signed_document, verified_content

# A file must have been still this long before it was hashed for its checksum to be kept.
SETTLE_NS = 2_000_000_000
FORMAT = 2  # 2: signed
# Past this many files, only those of the last run are kept.
MAX_ENTRIES = 256
# A memo of MAX_ENTRIES long paths is well under this; a bigger file is not one to read.
MAX_BYTES = 4 << 20


def sha256_file(path: str | os.PathLike) -> str:
    """The SHA-256 of a file's content, hex."""
    with open(path, "rb") as f:
        # Into one reused buffer (a fresh 1 MB bytes per read was ~7% slower).
        return hashlib.file_digest(f, "sha256").hexdigest()


class ChecksumMemo:
    """Checksums of files by path, valid while the file's identity is unchanged."""

    def __init__(
        self,
        path: Path | None,
        write: Callable[[bytes], None] | None = None,
        *,
        secret: bytes | None = None,
    ) -> None:
        """``secret`` signs the memo (None: nothing is read or kept)."""
        self.path = path if secret is not None else None
        self.write = write
        self.secret = secret
        self._entries: dict[str, dict] = {}
        self._seen: set[str] = set()
        self._changed = False
        if self.path is not None and secret is not None:
            # Not through a link, a FIFO (which blocks the upload forever) or a device.
            data = read_own_json(self.path, limit=MAX_BYTES)
            self._entries = verified_content(data, secret, FORMAT, "files") or {}

    def sha256(self, path: Path) -> str:
        key = os.path.abspath(path)
        self._seen.add(key)
        st = os.stat(key)
        entry = self._entries.get(key)
        if (
            isinstance(entry, dict)
            and entry.get("stat") == stat_identity(st)
            and isinstance(entry.get("sha256"), str)
        ):
            return str(entry["sha256"])
        hashed_at = time.time_ns()
        sha = sha256_file(key)
        after = os.stat(key)
        if stat_identity(after) == stat_identity(st) and st.st_ctime_ns <= hashed_at - SETTLE_NS:
            self._entries[key] = {"stat": stat_identity(st), "sha256": sha}
            self._changed = True
        elif self._entries.pop(key, None) is not None:
            self._changed = True
        return sha

    def keep_in(self, path: Path, write: Callable[[bytes], None] | None) -> None:
        """Where to save a memo made before there was a place for it."""
        self.path, self.write = path, write

    def save(self) -> None:
        """Write the memo if it changed; a memo that cannot be written is left out."""
        if self.write is None or self.secret is None or not self._changed:
            return
        if len(self._entries) > MAX_ENTRIES:
            self._entries = {k: v for k, v in self._entries.items() if k in self._seen}
        data = signed_document(self.secret, FORMAT, "files", self._entries)
        # A memo that cannot be written (a read-only disk, a link or a file of the user's
        # in its place) is left out: it only saves reading files again.
        with contextlib.suppress(OSError, OlistError):
            self.write(data)
            self._changed = False
