"""Atomic writes: every file olistctl writes appears whole or not at all.

A writer puts the bytes under a temporary name in the target's own folder
(``.<name>.<random>.tmp``: same file system, so the rename is atomic), flushes
them to disk, and renames the temporary over the target; on any failure the
temporary goes and the target stays as it was. A killed process (``kill -9``,
a power cut) can leave a temporary behind. Where that must be cleaned up later,
the writer records the temporary's exact name before creating it (the local
workspace lists it in its manifest, see ``backends/local/manifest.py``): the
shape of a name alone never makes a file olistctl's to delete.

The sample generator and the transform's Parquet output write with this module;
the local workspace takes the same steps through its own folder descriptors,
without following links (``backends/local/nofollow.py``).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

TMP_SUFFIX = ".tmp"
PRIVATE = 0o600  # the owner only (what ``tempfile.mkstemp`` gives)
SHARED = 0o666  # as the umask allows


def is_temporary(name: str) -> bool:
    """A temporary name of olistctl's writers: ``.<target>.<random>.tmp``."""
    return name.startswith(".") and name.endswith(TMP_SUFFIX)


def temporary_path(path: Path, tag: str | None = None) -> Path:
    """A fresh temporary name beside ``path`` (``tag`` in place of the random part)."""
    return path.with_name(f".{path.name}.{tag or secrets.token_hex(6)}{TMP_SUFFIX}")


def new_temporary(path: Path, *, mode: int = PRIVATE) -> Path:
    """Create an empty temporary file beside ``path`` (its folder made first) and return it.

    Created with ``O_EXCL``; ``mode`` (less the umask) becomes the finished file's:
    :data:`PRIVATE` for what only olistctl reads, :data:`SHARED` for files made for
    the user (what a plain ``open(path, "w")`` would give).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        tmp = temporary_path(path)
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode))
        except FileExistsError:  # 48 random bits met another: draw again
            continue
        return tmp


def fsync_file(path: str | os.PathLike) -> None:
    """Flush a written file's content to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# sync_file_range(2) flag: start writing the range's dirty pages, do not wait for them.
_SYNC_FILE_RANGE_WRITE = 2
_sync_file_range: Any = None


def start_writeback(fd: int, offset: int, length: int) -> None:
    """Ask the kernel to start writing ``length`` bytes of ``fd`` from ``offset`` to disk.

    Only a hint, so that the ``fsync`` before publishing finds little left to write
    instead of the whole file (RocksDB's ``bytes_per_sync`` and PostgreSQL's
    ``*_flush_after`` settings make the same call for the same reason;
    bench/analysis.md has the figures). Not a durability
    guarantee (sync_file_range(2) writes no metadata): the ``fsync`` stays. A no-op
    where the call does not exist (not Linux) or fails.
    """
    global _sync_file_range
    if _sync_file_range is None:
        try:
            import ctypes  # only a writer of big files pays its import

            libc = ctypes.CDLL(None, use_errno=True)
        # No ctypes (a Python built without libffi), or no C library to look in (Windows).
        except (ImportError, OSError, TypeError):
            libc = None
        call: Any = getattr(libc, "sync_file_range", None)
        if call is not None:
            call.argtypes = (ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint)
        _sync_file_range = call or False
    if _sync_file_range:
        _sync_file_range(fd, offset, length, _SYNC_FILE_RANGE_WRITE)  # -1 (ignored): a hint


def fsync_folder(folder: str | os.PathLike) -> None:
    """Make a rename in ``folder`` durable; not possible on every system, so best effort."""
    with contextlib.suppress(OSError):
        fsync_file(folder)


def publish(tmp: Path, path: Path, *, sync_folder: bool = False) -> None:
    """Rename the finished temporary ``tmp`` over ``path``.

    The writer flushes the content first where it must survive a power cut
    (:func:`fsync_file`, or ``os.fsync`` on its own handle); ``sync_folder``
    makes the rename itself durable too.
    """
    os.replace(tmp, path)
    if sync_folder:
        fsync_folder(path.parent)


def discard(tmp: Path | None) -> None:
    """Remove a temporary that will not be published (already gone is fine)."""
    if tmp is not None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


@contextlib.contextmanager
def atomic_target(path: Path, *, mode: int = PRIVATE) -> Iterator[Path]:
    """A temporary path beside ``path`` to write; renamed onto ``path`` if the block succeeds.

    The block flushes what it wrote when that must be durable (see :func:`publish`).
    """
    tmp = new_temporary(path, mode=mode)
    try:
        yield tmp
        publish(tmp, path)
    except BaseException:
        discard(tmp)
        raise


def atomic_write_bytes(
    path: Path, data: bytes, *, durable: bool = True, mode: int = PRIVATE
) -> None:
    """Write ``data`` to ``path`` atomically; ``durable`` flushes it to disk before the rename.

    Not durable suits what can be made again (a cache entry, a copy of a result):
    a crash may then lose the file, never leave half of it under its name. ``mode``
    as in :func:`new_temporary`.
    """
    with atomic_target(path, mode=mode) as tmp, open(tmp, "wb") as out:
        out.write(data)
        if durable:
            out.flush()
            os.fsync(out.fileno())


def atomic_write_text(path: Path, text: str, *, durable: bool = True, mode: int = PRIVATE) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), durable=durable, mode=mode)


def read_own_file(path: Path, *, limit: int, head: bool = False) -> bytes | None:
    """The content of olistctl's own small file at ``path``, or None if it is not one to read.

    Not through a link, not a FIFO or device (which could block or never end), not
    over ``limit`` bytes: a file in a workspace anyone else could have replaced.
    With ``head``, a file of any size gives its first ``limit`` bytes.
    """
    try:
        # O_NOCTTY: a terminal device opened without it becomes the controlling terminal
        # of a process that has none (a session leader: a cron job, a daemon's child), and
        # that terminal's hang-up and Ctrl-C would then reach olistctl. The check below
        # refuses the device, but only after the open.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or (st.st_size > limit and not head):
            return None
        data = b""
        while chunk := os.read(fd, limit + 1 - len(data)):
            data += chunk
            if len(data) > limit:
                return data[:limit] if head else None
        return data
    except OSError:
        return None
    finally:
        os.close(fd)


def read_own_json(path: Path, *, limit: int) -> Any:
    """The JSON value of olistctl's own small file at ``path`` (:func:`read_own_file`), or
    None if it is not one to read or not JSON, nested deeper than the parser recurses
    included (a RecursionError, which anyone who can write the file can cause)."""
    raw = read_own_file(path, limit=limit)
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return None


def stat_identity(st: os.stat_result) -> list[int]:
    """What any change of a file moves: size, modification and status-change times (the
    kernel sets ``st_ctime`` on every write, rename and ``touch``; no user can set it back),
    inode and device. The identity git's index and rsync trust a file by."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]
