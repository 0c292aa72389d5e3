"""What olistctl made in a workspace: the manifest that teardown removes, and nothing else.

``olistctl-manifest.jsonl`` holds one JSON line per thing olistctl makes, appended
*before* it makes it (one ``write(2)`` on an ``O_APPEND`` descriptor, so
concurrent commands never interleave lines, and a crash leaves at most a torn
last line, which is skipped)::

    {"dir": "."}                                  the workspace folder itself
    {"dir": "raw/olist_orders_dataset"}
    {"file": "raw/olist_orders_dataset/olist_orders_dataset.csv"}
    {"gone": "previous/olist_orders_dataset/olist_orders_dataset.csv"}

A file's temporary names (``.<name>.<random>.tmp`` in its folder) belong to it:
that is how the next command that takes the lock knows which leftovers of a
killed command it may delete. Anything not listed is the user's: teardown
leaves it and says so. A line naming an absolute path or ``..`` (an edited
manifest) is ignored, and removal walks folders without following symbolic
links, so no line can reach outside the workspace.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from olistctl.fs import atomic_write_text
from olistctl.fs import remove_temporaries as fs_remove_temporaries

MANIFEST = "olistctl-manifest.jsonl"
# Past this size the manifest is rewritten with only what is still there (under the lock).
COMPACT_BYTES = 1 << 20


def relative(path: str) -> str | None:
    """``path`` as a clean relative POSIX path inside the workspace, or None if it is not one."""
    if not isinstance(path, str) or not path or "\0" in path or "\\" in path:
        return None
    if path == ".":
        return path
    pure = PurePosixPath(path)
    if pure.is_absolute() or any(part in ("", ".", "..") for part in path.split("/")):
        return None
    return pure.as_posix()


@dataclass
class Owned:
    """What the manifest says olistctl made (and has not removed since)."""

    files: set[str] = field(default_factory=set)
    dirs: set[str] = field(default_factory=set)  # "." is the workspace folder
    lines: int = 0

    def temporaries_by_folder(self) -> dict[str, set[str]]:
        """Folder -> names of the files in it, for matching temporary names."""
        found: dict[str, set[str]] = {}
        for path in self.files:
            folder, _, name = path.rpartition("/")
            found.setdefault(folder or ".", set()).add(name)
        return found


class Manifest:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / MANIFEST

    def exists(self) -> bool:
        return self.path.is_file()

    def append(self, records: Iterable[dict[str, str]]) -> None:
        data = "".join(json.dumps(r, sort_keys=True) + "\n" for r in records)
        if not data:
            return
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, data.encode("utf-8"))
        finally:
            os.close(fd)

    def read(self) -> Owned:
        owned = Owned()
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return owned
        for line in text.splitlines():
            owned.lines += 1
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a torn last line after a crash
            if not isinstance(record, dict):
                continue
            for kind, value in record.items():
                rel = relative(value)
                if rel is None:
                    continue
                if kind == "file" and rel != ".":
                    owned.files.add(rel)
                elif kind == "dir":
                    owned.dirs.add(rel)
                elif kind == "gone":
                    owned.files.discard(rel)
        return owned

    def compact(self, owned: Owned) -> None:
        """Rewrite the manifest with what still exists, when that halves it at least.

        The caller holds the exclusive lock: no other command appends meanwhile.
        """
        if not self.exists() or self.path.stat().st_size < COMPACT_BYTES:
            return
        keep_files = sorted(f for f in owned.files if _lexists(self.root, f))
        keep_dirs = sorted(owned.dirs)
        if owned.lines < 2 * (len(keep_files) + len(keep_dirs)):
            return
        data = "".join(
            [json.dumps({"dir": d}) + "\n" for d in keep_dirs]
            + [json.dumps({"file": f}) + "\n" for f in keep_files]
        )
        atomic_write_text(self.path, data)


def _lexists(root: Path, rel: str) -> bool:
    return os.path.lexists(root / rel)


# -- removing without following links -------------------------------------------------


def open_folder(root_fd: int, rel: str) -> int:
    """A descriptor of the folder ``rel`` ("." for the workspace), reached without links."""
    fd = os.dup(root_fd)
    if rel == ".":
        return fd
    try:
        for part in rel.split("/"):
            inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = inner
    except BaseException:
        os.close(fd)
        raise
    return fd


@contextlib.contextmanager
def parent_folder(root_fd: int, rel: str) -> Iterator[tuple[int, str]]:
    """The descriptor of ``rel``'s folder, reached from the workspace without following links.

    Raises OSError (ELOOP, ENOTDIR, ENOENT) when a folder on the way is a link or
    missing: nothing under a link is ever touched.
    """
    folder, _, name = rel.rpartition("/")
    fd = open_folder(root_fd, folder or ".")
    try:
        yield fd, name
    finally:
        os.close(fd)


def regular_size(root_fd: int, rel: str) -> int | None:
    """The size of ``rel`` if it is a regular file reached without links, else None."""
    try:
        with parent_folder(root_fd, rel) as (fd, name):
            st = os.stat(name, dir_fd=fd, follow_symlinks=False)
    except OSError:
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None


# A folder on the way is missing, a file, or a link: there is nothing of olistctl's to reach.
_UNREACHABLE = {errno.ENOENT, errno.ENOTDIR, errno.ELOOP}


def remove_file(root_fd: int, rel: str) -> int | None:
    """Delete ``rel`` if it is a regular file reached without links; its size, or None.

    An OSError other than "not there" (a read-only disk, say) is raised.
    """
    try:
        with parent_folder(root_fd, rel) as (fd, name):
            st = os.stat(name, dir_fd=fd, follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode):
                return None
            os.unlink(name, dir_fd=fd)
            return st.st_size
    except OSError as exc:
        if exc.errno in _UNREACHABLE:
            return None
        raise


def remove_empty_folder(root_fd: int, rel: str) -> bool:
    """Remove the folder ``rel`` if it is empty (and not a link); True if it went."""
    try:
        with parent_folder(root_fd, rel) as (fd, name):
            st = os.stat(name, dir_fd=fd, follow_symlinks=False)
            if not stat.S_ISDIR(st.st_mode):
                return False
            os.rmdir(name, dir_fd=fd)
            return True
    except OSError:  # not empty (the user's files are in it), gone, or a link on the way
        return False


def remove_temporaries(root_fd: int, owned: Owned) -> int:
    """Delete the temporary files of listed files (a killed command's leftovers); how many."""
    removed = 0
    for folder, targets in owned.temporaries_by_folder().items():
        try:
            fd = open_folder(root_fd, folder)
        except OSError:
            continue
        try:
            removed += fs_remove_temporaries(fd, targets)
        finally:
            os.close(fd)
    return removed
