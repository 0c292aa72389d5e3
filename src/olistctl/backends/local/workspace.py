"""The local workspace: a folder laid out like the buckets, plus catalog, ledger and lock.

::

    olist-lake/
      olistctl-workspace.json   marker: only a folder with it is a workspace
      olistctl-manifest.jsonl   every file and folder olistctl made here (manifest.py)
      raw/<table>/<file>.csv    (+ <file>.csv.sha256 sidecar)
      previous/<table>/<file>.csv  the raw file an upload replaced, until the new one converts
      processed/<table>/<stem>.parquet
      results/<query id>.csv
      catalog.json
      ledger.jsonl
      .cache/sql/               transpiled SQL, keyed by the SQL and the catalog's types
      .lock

A workspace owns only what it made: olistctl refuses a folder that holds
files and is not a workspace, and refuses the current folder, the home
folder, the root and the folders above them. Every write goes to a temporary
name in the same folder and is renamed into place, so a crash or Ctrl-C never
leaves a half-written object; commands that change the workspace hold an
exclusive ``flock`` on ``.lock`` and, having taken it, delete the temporary
files a killed command left. Queries hold it shared, so their own temporary
files are never taken for leftovers.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from olistctl.backends.local.manifest import MANIFEST, Manifest, Owned, remove_temporaries
from olistctl.errors import ConfigError, DeadlineExceeded, UsageError, os_error
from olistctl.fs import TMP_SUFFIX, atomic_write_text

MARKER = "olistctl-workspace.json"
LOCK = ".lock"
CATALOG = "catalog.json"
LEDGER = "ledger.jsonl"
SHA_SUFFIX = ".sha256"
PREVIOUS = "previous"
# 2: the manifest lists what olistctl made. A version-1 workspace's files are
# adopted by their layout the first time a command writes to it.
FORMAT_VERSION = 2
# What a version-1 workspace held, by layout (folder glob, file glob).
_LEGACY_LAYOUT = [
    ("raw/*", "*.csv"),
    ("raw/*", f"*.csv{SHA_SUFFIX}"),
    ("processed/*", "*.parquet"),
    ("results", "*.csv"),
    (".cache/sql", "*.json"),
    ("sample_data", "*.csv"),
    (".", CATALOG),
    (".", LEDGER),
    (".", LOCK),
    (".", MARKER),
]

__all__ = [
    "CATALOG",
    "LEDGER",
    "LOCK",
    "MARKER",
    "SHA_SUFFIX",
    "Workspace",
]


class Workspace:
    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)
        self.manifest = Manifest(self.root)
        self._claimed: set[str] = set()
        # Transform threads claim files side by side: one at a time, or two of them
        # could both list a new folder they share.
        self._claim_lock = threading.Lock()
        self._listed: set[str] | None = None  # the manifest's files, read when first needed
        self._lock_fd: int | None = None
        self._lock_mode = 0  # fcntl.LOCK_EX or LOCK_SH while held
        self._lock_depth = 0
        # Told (once) when a command must wait for another that holds the lock.
        self.waiting: Callable[[], None] | None = None

    # -- layout ---------------------------------------------------------------
    def stage_dir(self, stage: str) -> Path:
        return self.root / stage

    def path(self, stage: str, key: str = "") -> Path:
        return self.stage_dir(stage) / key if key else self.stage_dir(stage)

    @property
    def catalog_path(self) -> Path:
        return self.root / CATALOG

    @property
    def ledger_path(self) -> Path:
        return self.root / LEDGER

    @property
    def marker_path(self) -> Path:
        return self.root / MARKER

    def exists(self) -> bool:
        return self.marker_path.is_file()

    # -- where a workspace may be ---------------------------------------------
    def check(self) -> None:
        """Refuse a place olistctl must not use as a workspace, before anything is written.

        Not the current folder, the home folder, the root, an existing top-level folder
        or any folder above the current or the home folder; not a file; not a folder
        that already holds files and is not a workspace.
        """
        refuse_unsafe_location(self.root)
        try:
            is_dir = self.root.is_dir()
            exists = is_dir or self.root.exists()
        except OSError as exc:
            raise os_error(exc, f"looking at the workspace {self.root}") from exc
        if exists and not is_dir:
            raise ConfigError(
                f"The workspace {self.root} is a file, not a folder",
                hint="choose another folder with --workspace or OLISTCTL_WORKSPACE",
            )
        if not exists:
            blocker = _first_existing_ancestor(self.root)
            if blocker is not None and not blocker.is_dir():
                raise ConfigError(
                    f"The workspace {self.root} cannot be created ({blocker} is a file,"
                    " not a folder)",
                    hint="choose another folder with --workspace or OLISTCTL_WORKSPACE",
                )
            return
        if self.exists():
            return
        try:
            names = sorted(os.listdir(self.root))
        except OSError as exc:
            raise os_error(exc, f"listing the folder {self.root}", where=str(self.root)) from exc
        # An interrupted creation leaves only olistctl's own manifest (and temporaries).
        foreign = [
            n for n in names if n != MANIFEST and not n.startswith((f".{MANIFEST}.", f".{MARKER}."))
        ]
        if foreign:
            shown = ", ".join(foreign[:3]) + (", …" if len(foreign) > 3 else "")
            raise UsageError(
                f"The folder {self.root} is not an olistctl workspace and already holds"
                f" {len(foreign)} file(s) or folder(s) ({shown})",
                hint="give a new or empty folder with --workspace (or OLISTCTL_WORKSPACE),"
                " so that olistctl never mixes its files with yours",
            )

    def ensure(self) -> None:
        """Create the workspace (idempotent), or say why it cannot be written."""
        self.check()
        try:
            created = not self.root.exists()
            self.root.mkdir(parents=True, exist_ok=True)
            if not self.manifest.exists():
                self.manifest.append(self._first_records(created))
            if not self.marker_path.exists():
                atomic_write_text(
                    self.marker_path,
                    json.dumps({"olistctl_workspace": FORMAT_VERSION}) + "\n",
                )
            # The workspace may exist but be read-only: find out now, not mid-write.
            with tempfile.NamedTemporaryFile(
                dir=self.root, prefix=f".{MANIFEST}.", suffix=TMP_SUFFIX
            ):
                pass
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise ConfigError(
                    f"The workspace {self.root} is not writable ({exc.strerror})",
                    hint="choose another folder with --workspace or OLISTCTL_WORKSPACE,"
                    " or fix its permissions",
                ) from exc
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise os_error(
                    exc, f"creating the workspace {self.root}", where=str(self.root)
                ) from exc
            raise ConfigError(
                f"The workspace {self.root} cannot be created ({exc.strerror})",
                hint="choose another folder with --workspace or OLISTCTL_WORKSPACE",
            ) from exc

    def _first_records(self, created: bool) -> list[dict[str, str]]:
        records = [{"dir": "."}] if created else []
        if self.exists():  # a version-1 workspace: adopt what its layout says it made
            owned = self.adopted()
            records += [{"dir": d} for d in sorted(owned.dirs)]
            records += [{"file": f} for f in sorted(owned.files)]
        return [*records, {"file": MARKER}, {"file": LOCK}]

    # -- what olistctl made here ----------------------------------------------
    def owned(self) -> Owned:
        """What olistctl made here and has not removed (the manifest; a v1 layout's files)."""
        owned = self.manifest.read() if self.manifest.exists() else self.adopted()
        owned.files.add(MANIFEST)
        return owned

    def adopted(self) -> Owned:
        """A version-1 workspace (no manifest): the files its fixed layout puts where they are."""
        owned = Owned()
        if not self.exists():
            return owned
        owned.dirs.add(".")
        for folder_glob, file_glob in _LEGACY_LAYOUT:
            folders = [self.root] if folder_glob == "." else sorted(self.root.glob(folder_glob))
            for folder in folders:
                if folder.is_symlink() or not folder.is_dir():
                    continue
                rel_folder = folder.relative_to(self.root).as_posix()
                if rel_folder != ".":
                    parts = rel_folder.split("/")
                    owned.dirs.update("/".join(parts[: i + 1]) for i in range(len(parts)))
                for path in folder.glob(file_glob):
                    if path.is_file() and not path.is_symlink():
                        owned.files.add(path.relative_to(self.root).as_posix())
        return owned

    def _rel(self, path: Path) -> str:
        return Path(path).relative_to(self.root).as_posix()

    def claim(self, path: Path) -> Path:
        """List ``path``, and the folders above it that do not exist yet, as olistctl's.

        Called before the file is written (its writer makes the folders), so a crash
        in between leaves nothing unlisted.
        """
        rel = self._rel(path)
        with self._claim_lock:
            if rel in self._claimed:
                return Path(path)
            if os.path.lexists(path):
                # Written before (the ledger, a file converted again): most likely listed already.
                if self._listed is None:
                    self._listed = self.owned().files
                if rel in self._listed:
                    self._claimed.add(rel)
                    return Path(path)
            records = []
            parts = rel.split("/")
            for i in range(len(parts) - 1):
                sub = "/".join(parts[: i + 1])
                if sub not in self._claimed and not (self.root / sub).is_dir():
                    records.append({"dir": sub})
            records.append({"file": rel})
            self.manifest.append(records)
            self._claimed.update(r.get("dir") or r["file"] for r in records)
            return Path(path)

    def released(self, path: Path) -> None:
        """Note that olistctl removed ``path``: a file the user puts there later is theirs."""
        rel = self._rel(path)
        with self._claim_lock:
            self.manifest.append([{"gone": rel}])
            self._claimed.discard(rel)
            if self._listed is not None:
                self._listed.discard(rel)

    def write_text(self, path: Path, text: str) -> None:
        """Claim ``path`` and write it atomically."""
        atomic_write_text(self.claim(path), text)

    # -- locking --------------------------------------------------------------
    @contextlib.contextmanager
    def lock(
        self, *, waiting: Callable[[], None] | None = None, timeout_s: float = 600.0
    ) -> Iterator[None]:
        """Hold the workspace's exclusive lock; wait (up to ``timeout_s``) if another
        olistctl command holds it. Having it, delete what killed commands left."""
        if self._lock_mode == fcntl.LOCK_EX:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        self.ensure()
        fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _flock(fd, fcntl.LOCK_EX, self.root, waiting or self.waiting, timeout_s)
            self._hold(fd, fcntl.LOCK_EX)
            self._clean_up()
            yield
        finally:
            self._release(fd)

    @contextlib.contextmanager
    def shared(
        self, *, waiting: Callable[[], None] | None = None, timeout_s: float = 600.0
    ) -> Iterator[None]:
        """Hold the lock shared (a query): many at once, none while a command changes things.

        A workspace that does not exist, or cannot be opened for locking (read-only,
        never locked), needs no lock: nothing can be written there anyway.
        """
        if self._lock_mode:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        try:
            fd = os.open(self.root / LOCK, os.O_RDONLY)
        except OSError:
            yield
            return
        try:
            _flock(fd, fcntl.LOCK_SH, self.root, waiting or self.waiting, timeout_s)
            self._hold(fd, fcntl.LOCK_SH)
            yield
        finally:
            self._release(fd)

    def _hold(self, fd: int, mode: int) -> None:
        self._lock_fd, self._lock_mode, self._lock_depth = fd, mode, 1

    def _release(self, fd: int) -> None:
        if self._lock_fd == fd:
            self._lock_fd, self._lock_mode, self._lock_depth = None, 0, 0
        os.close(fd)  # closing the descriptor releases the lock

    def _clean_up(self) -> None:
        """Delete the temporary files of killed commands; keep the manifest small."""
        owned = self.owned()
        root_fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
        try:
            remove_temporaries(root_fd, owned)
        finally:
            os.close(root_fd)
        self.manifest.compact(owned)


def _flock(
    fd: int, mode: int, root: Path, waiting: Callable[[], None] | None, timeout_s: float
) -> None:
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        if waiting:
            waiting()
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise DeadlineExceeded(
                    f"Another olistctl command has held the workspace {root}"
                    f" for over {timeout_s:.0f} s",
                    hint="wait for it to finish, or stop it",
                ) from None
            time.sleep(0.1)  # polling an OS lock; not test synchronisation


def refuse_unsafe_location(root: Path) -> None:
    """UsageError if ``root`` is a folder that holds the user's world rather than a workspace."""
    resolved = root.resolve()
    cwd = Path.cwd().resolve()
    home = Path.home().resolve()
    reason = None
    if resolved == Path(resolved.anchor):
        reason = "the root of the file system"
    elif resolved == home:
        reason = "your home folder"
    elif resolved == cwd:
        reason = "the current folder"
    elif resolved in cwd.parents:
        reason = "a folder above the current folder"
    elif resolved in home.parents:
        reason = "a folder above your home folder"
    elif len(resolved.parts) == 2 and resolved.is_dir() and not (resolved / MARKER).is_file():
        # /tmp, /mnt, /srv …: the system's (a new /olist-lake, say, is fine).
        reason = "a top-level system folder"
    if reason is not None:
        shown = str(root) if str(root) == str(resolved) else f"{root} ({resolved})"
        raise UsageError(
            f"The workspace {shown} is {reason}, and olistctl keeps a workspace in a folder"
            " of its own",
            hint="give a new folder, e.g. --workspace olist-lake",
        )


def _first_existing_ancestor(path: Path) -> Path | None:
    for parent in path.parents:  # as given, so that a message shows the path the user typed
        try:
            if parent.exists() or parent.is_symlink():
                return parent
        except OSError:
            return parent
    return None
