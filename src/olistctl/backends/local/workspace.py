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
folder, the root, the folders above them and a folder every user may write
to. Inside it, olistctl writes and deletes only what its manifest lists, and
never through a symbolic link (``workspace_files.py``): a file of the user's
where olistctl would write is refused, never taken over. Every write goes to
a listed temporary name in the same folder and is renamed into place, so a
crash or Ctrl-C never leaves a half-written object; commands that change the
workspace hold an exclusive ``flock`` on ``.lock`` and, having taken it,
check that the workspace is still there and delete the listed temporaries a
killed command left. Queries hold it shared, so their own temporary files are
never taken for leftovers.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import olistctl.backends.local.nofollow as nofollow
from olistctl.backends.local.manifest import MANIFEST, Owned, remove_temporaries
from olistctl.backends.local.workspace_files import WorkspaceFiles
from olistctl.errors import ConfigError, DeadlineExceeded, Refused, UsageError, os_error
from olistctl.user_home import expand, home

MARKER = "olistctl-workspace.json"
LOCK = ".lock"
CATALOG = "catalog.json"
LEDGER = "ledger.jsonl"
SHA_SUFFIX = ".sha256"
PREVIOUS = "previous"
# 2: the manifest lists what olistctl made (every marker written since says so, so a
# workspace whose manifest went missing is never adopted by its layout). A version-1
# workspace's files are adopted by their layout the first time a command writes to it.
FORMAT_VERSION = 2
_HEX64 = re.compile(r"[0-9a-f]{64}\.json")
_QUERY_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.csv")

__all__ = [
    "CATALOG",
    "LEDGER",
    "LOCK",
    "MARKER",
    "SHA_SUFFIX",
    "Workspace",
]


class Workspace(WorkspaceFiles):
    def __init__(self, root: str | os.PathLike) -> None:
        super().__init__(Path(root))
        self._lock_fd: int | None = None
        self._lock_mode = 0  # fcntl.LOCK_EX or LOCK_SH while held
        self._lock_depth = 0
        # Told (once) when a command must wait for another that holds the lock.
        self.waiting: Callable[[], None] | None = None
        # Set by the local teardown: a teardown that was interrupted may be finished.
        self.finishing_teardown = False

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
        return self.marker() is not None

    def marker(self) -> dict | None:
        """The marker's content ({} if it is not JSON), or None where there is no marker."""
        try:
            root_fd = nofollow.open_root(self.root)
        except OSError:
            return None
        try:
            data = nofollow.read_bytes(root_fd, MARKER)
        except OSError:
            return None  # missing, or a link (which is no marker of olistctl's)
        finally:
            os.close(root_fd)
        try:
            content = json.loads(data)
        except (ValueError, RecursionError):  # not JSON, or nested deeper than json reads
            return {}
        return content if isinstance(content, dict) else {}

    # -- where a workspace may be ---------------------------------------------
    def check(self) -> dict | None:
        """Refuse a place olistctl must not use as a workspace, before anything is written;
        the marker as :meth:`marker` reads it (None: no workspace there yet).

        Not the current folder, the home folder, the root, an existing top-level folder,
        any folder above the current or the home folder, or a new folder inside another
        workspace; not a file; not a folder
        that already holds files and is not a workspace; not a folder every user may
        write to (/var/tmp), unless it is a workspace already.
        """
        try:
            refuse_unsafe_location(self.root)
            is_dir = self.root.is_dir()
            exists = is_dir or self.root.exists()
        except OSError as exc:
            raise _unusable(self.root, exc) from exc
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
            return None
        marker = self.marker()
        if marker is not None:
            return marker
        _refuse_shared_folder(self.root)
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
        return None

    def ensure(self) -> None:
        """Create the workspace (idempotent), or say why it cannot be written."""
        marker = self.check()  # read once: nothing but the mkdir below comes between
        try:
            created = not self.root.exists()
            self.root.mkdir(parents=True, exist_ok=True)
            if marker is not None and marker.get("teardown"):
                if not self.finishing_teardown:
                    raise _teardown_unfinished(self.root)
                if not nofollow_exists(self.root, LOCK):
                    self._create_lock_file()  # the teardown that finishes removes it too
                return
            if not self.manifest.exists():
                self.manifest.append(self._first_records(created, marker))
            if marker is None or marker.get("olistctl_workspace") != FORMAT_VERSION:
                self.write_marker({"olistctl_workspace": FORMAT_VERSION})
            if not nofollow_exists(self.root, LOCK):
                self.claim(self.root / LOCK)
                self._create_lock_file()
            # The workspace may exist but be read-only: find out now, not mid-write.
            root_fd = nofollow.open_root(self.root)
            try:
                os.close(nofollow.open_append(root_fd, MANIFEST))
            finally:
                os.close(root_fd)
            if not os.access(self.root, os.W_OK):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # the manifest's place holds a link: never followed
                raise self.refuse_link(self.manifest.path) from None
            if isinstance(exc, nofollow.SpecialFile):
                raise self.refuse_special(self.root / exc.filename) from None
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

    def write_marker(self, content: dict) -> None:
        self.write_bytes(self.marker_path, (json.dumps(content) + "\n").encode())

    def _create_lock_file(self) -> None:
        root_fd = nofollow.open_root(self.root)
        try:
            with contextlib.suppress(FileExistsError):
                os.close(nofollow.create_new(root_fd, LOCK, 0o644))
        finally:
            os.close(root_fd)

    def _first_records(self, created: bool, marker: dict | None) -> list[dict[str, str]]:
        records = [{"dir": "."}] if created else []
        if marker is not None and marker.get("olistctl_workspace") == 1:
            # A version-1 workspace: adopt what its layout says it made (its marker says
            # it never had a manifest).
            owned = self.adopted()
            records += [{"dir": d} for d in sorted(owned.dirs)]
            records += [{"file": f} for f in sorted(owned.files)]
        elif marker is not None:
            # A workspace whose manifest went missing: it owns its marker and lock (and
            # its folder, if its marker says olistctl made it), never what else is there.
            records += [{"dir": d} for d in sorted(self.owned().dirs)]
            records += [{"file": f} for f in (MARKER, LOCK) if nofollow_exists(self.root, f)]
        return records  # else the marker and the lock are claimed when they are made

    # -- what olistctl made here ----------------------------------------------
    def owned(self) -> Owned:
        """What olistctl made here and has not removed.

        The manifest; for a version-1 workspace (its marker says so, and it has no
        manifest), the files its layout made. A workspace whose manifest is gone
        otherwise (a teardown killed after removing it) owns only its marker and lock.
        """
        return self._owned(self.marker())

    def lists(self, rel: str) -> bool:
        """Whether ``rel`` is one of :meth:`owned`'s files; a manifest is searched for it,
        not read whole (every query asks this of its ledger)."""
        if rel == MANIFEST:
            return True
        if self.manifest.exists():
            return self.manifest.lists_file(rel)
        return rel in self.owned().files

    def _owned(self, marker: dict | None) -> Owned:
        """:meth:`owned`, given the marker as it is now (read under the lock)."""
        if self.manifest.exists():
            owned = self.manifest.read()
        elif marker is not None and marker.get("olistctl_workspace") == 1:
            owned = self.adopted()
        else:
            owned = Owned()
            if marker is not None:
                owned.files.update((MARKER, LOCK))
                if marker.get("made_root"):
                    owned.dirs.add(".")
        owned.files.add(MANIFEST)
        return owned

    def adopted(self) -> Owned:
        """A version-1 workspace: the files its fixed layout made, recognised by their shape.

        Raw files with their checksum sidecar, Parquet files whose footer names their
        source CSV, results named by a query id, cache entries named by their key, the
        sample's files, and the bookkeeping; any other file is the user's.
        """
        from olistctl.dataset import TABLES

        owned = Owned()
        if self.marker() is None:
            return owned
        owned.dirs.add(".")

        def files(folder: Path, accept: Callable[[Path], bool]) -> None:
            if folder.is_symlink() or not folder.is_dir():
                return
            found = [p for p in sorted(folder.iterdir()) if _regular(p) and accept(p)]
            if not found:
                return
            rel = folder.relative_to(self.root).as_posix()
            parts = rel.split("/")
            owned.dirs.update("/".join(parts[: i + 1]) for i in range(len(parts)))
            owned.files.update(p.relative_to(self.root).as_posix() for p in found)

        def raw_file(p: Path) -> bool:
            if p.name.endswith(SHA_SUFFIX):
                return _regular(p.with_name(p.name[: -len(SHA_SUFFIX)]))
            return p.suffix == ".csv" and _regular(p.with_name(p.name + SHA_SUFFIX))

        for table in sorted(self.root.glob("raw/*")):
            files(table, raw_file)
        for table in sorted(self.root.glob("processed/*")):
            files(table, _olistctl_parquet)
        files(self.root / "results", lambda p: bool(_QUERY_ID.fullmatch(p.name)))
        files(self.root / ".cache" / "sql", lambda p: bool(_HEX64.fullmatch(p.name)))
        sample = {t.file_name for t in TABLES}
        files(self.root / "sample_data", lambda p: p.name in sample)
        for name in (CATALOG, LEDGER, LOCK, MARKER):
            if _regular(self.root / name):
                owned.files.add(name)
        return owned

    # -- locking --------------------------------------------------------------
    @contextlib.contextmanager
    def lock(
        self, *, waiting: Callable[[], None] | None = None, timeout_s: float = 600.0
    ) -> Iterator[None]:
        """Hold the workspace's exclusive lock; wait (up to ``timeout_s``) if another
        olistctl command holds it. Having it, check the workspace is still there (a
        teardown may have removed it meanwhile) and delete what killed commands left."""
        if self._lock_mode == fcntl.LOCK_EX:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        self.ensure()
        fd, marker = self._acquire(fcntl.LOCK_EX, os.O_RDWR, waiting, timeout_s)
        try:
            self._hold(fd, fcntl.LOCK_EX)
            self._clean_up(marker)
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
            fd = self._open_lock(os.O_RDONLY)
        except OSError:
            yield
            return
        os.close(fd)
        fd, _ = self._acquire(fcntl.LOCK_SH, os.O_RDONLY, waiting, timeout_s)
        try:
            self._hold(fd, fcntl.LOCK_SH)
            yield
        finally:
            self._release(fd)

    def _open_lock(self, flags: int) -> int:
        root_fd = nofollow.open_root(self.root)
        try:
            return nofollow.open_file(root_fd, LOCK, flags, 0o644)
        finally:
            os.close(root_fd)

    def _acquire(
        self, mode: int, flags: int, waiting: Callable[[], None] | None, timeout_s: float
    ) -> tuple[int, dict]:
        """The lock file's descriptor, locked, and the marker read once it was: the
        workspace checked after any wait."""
        for _ in range(3):
            try:
                fd = self._open_lock(flags)
            except FileNotFoundError:
                raise _torn_down(self.root) from None
            except OSError as exc:
                if exc.errno == errno.ELOOP:  # never opened, let alone made, through a link
                    raise self.refuse_link(self.root / LOCK) from None
                if isinstance(exc, nofollow.SpecialFile):
                    raise self.refuse_special(self.root / LOCK) from None
                raise os_error(exc, f"locking the workspace {self.root}") from exc
            try:
                _flock(fd, mode, self.root, waiting or self.waiting, timeout_s)
                marker = self._still_the_lock(fd)
                if marker is not None:
                    return fd, marker
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # the lock file was replaced while this command waited: again
        raise _torn_down(self.root)

    def _still_the_lock(self, fd: int) -> dict | None:
        """After the wait: the workspace is still there and ``fd`` is still its lock file;
        its marker if so, None if the lock file was replaced."""
        marker = self.marker()
        if marker is None:
            raise _torn_down(self.root)
        if marker.get("teardown") and not self.finishing_teardown:
            raise _teardown_unfinished(self.root)
        try:
            here = os.stat(self.root / LOCK, follow_symlinks=False)
        except FileNotFoundError:
            return None
        held = os.fstat(fd)
        return marker if (here.st_dev, here.st_ino) == (held.st_dev, held.st_ino) else None

    def _hold(self, fd: int, mode: int) -> None:
        self._lock_fd, self._lock_mode, self._lock_depth = fd, mode, 1

    def _release(self, fd: int) -> None:
        if self._lock_fd == fd:
            self._lock_fd, self._lock_mode, self._lock_depth = None, 0, 0
        os.close(fd)  # closing the descriptor releases the lock
        # What was claimed held while the lock did: another command may remove it now (and
        # the user put a file there), so the next lock's writes check their paths again.
        self.forget_claims()

    def _clean_up(self, marker: dict) -> None:
        """Delete the listed temporary files of killed commands; keep the manifest small
        (``marker``: as read with the lock held, which no other command can change)."""
        owned = self._owned(marker)
        root_fd = nofollow.open_root(self.root)
        try:
            remove_temporaries(root_fd, owned)
        finally:
            os.close(root_fd)
        self.manifest.compact(owned)


def workspace_holding(path: Path) -> Path | None:
    """The olistctl workspace ``path`` is (or is in), found by its marker; None if none.

    A file of the user's there would be read as data (a Parquet file under processed/
    joins its table) or left by teardown as not olistctl's: --out paths are refused there.
    """
    resolved = expand(path).resolve()
    for folder in (resolved, *resolved.parents):
        if (folder / MARKER).is_file():
            return folder
    return None


def nofollow_exists(root: Path, name: str) -> bool:
    """Whether anything (a link included) is at ``name`` in the folder ``root``."""
    return os.path.lexists(root / name)


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _olistctl_parquet(path: Path) -> bool:
    """A Parquet file olistctl wrote: its footer names the CSV it was made from."""
    if path.suffix != ".parquet":
        return False
    import pyarrow.parquet as pq

    from olistctl.layout import SOURCE_SHA256

    try:
        meta = pq.read_metadata(path).metadata or {}
    except Exception:  # not a Parquet file: not one olistctl wrote
        return False
    return SOURCE_SHA256.encode() in meta


def _torn_down(root: Path) -> Refused:
    return Refused(
        f"The workspace {root} was torn down while this command waited for it",
        hint="run the command again to start a new workspace there",
    )


def _teardown_unfinished(root: Path) -> Refused:
    return Refused(
        f"A teardown of the workspace {root} did not finish",
        hint="run `olistctl teardown` to finish it, then run the command again",
    )


def _unusable(root: Path, exc: OSError) -> ConfigError:
    return ConfigError(
        f"The workspace {root} cannot be used ({exc.strerror or type(exc).__name__})",
        hint="choose another folder with --workspace or OLISTCTL_WORKSPACE",
    )


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
    found = home()
    user_home = found.resolve() if found is not None else None
    reason = None
    if resolved == Path(resolved.anchor):
        reason = "the root of the file system"
    elif resolved == user_home:
        reason = "your home folder"
    elif resolved == cwd:
        reason = "the current folder"
    elif resolved in cwd.parents:
        reason = "a folder above the current folder"
    elif user_home is not None and resolved in user_home.parents:
        reason = "a folder above your home folder"
    elif len(resolved.parts) == 2 and resolved.is_dir() and not (resolved / MARKER).is_file():
        # /tmp, /mnt, /srv …: the system's (a new /olist-lake, say, is fine).
        reason = "a top-level system folder"
    elif not (resolved / MARKER).is_file() and (outer := workspace_holding(resolved.parent)):
        # Its files would be the outer workspace's files to that one (a CSV under raw/ is
        # counted by its status). One made before this check still runs, to be torn down.
        reason = f"inside the olistctl workspace {outer}"
    if reason is not None:
        shown = str(root) if str(root) == str(resolved) else f"{root} ({resolved})"
        raise UsageError(
            f"The workspace {shown} is {reason}, and olistctl keeps a workspace in a folder"
            " of its own",
            hint="give a new folder, e.g. --workspace olist-lake",
        )


def _refuse_shared_folder(root: Path) -> None:
    """UsageError for a folder every user may write to (/var/tmp, /dev/shm), not yet a workspace.

    Anyone could put files or links there, under the names olistctl uses; a new
    folder inside it is the user's own.
    """
    mode = root.stat().st_mode
    if mode & stat.S_IWOTH:
        raise UsageError(
            f"The workspace {root} is a folder every user may write to (mode"
            f" {stat.S_IMODE(mode):o}), and olistctl keeps a workspace in a folder of its own",
            hint=f"give a new folder inside it, e.g. --workspace {root / 'olist-lake'}",
        )


def _first_existing_ancestor(path: Path) -> Path | None:
    for parent in path.parents:  # as given, so that a message shows the path the user typed
        try:
            if parent.exists() or parent.is_symlink():
                return parent
        except OSError:
            return parent
    return None
