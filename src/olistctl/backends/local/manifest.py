"""What olistctl made in a workspace: the manifest that teardown removes, and nothing else.

``olistctl-manifest.jsonl`` holds one JSON line per thing olistctl makes, appended
*before* it makes it (one ``write(2)`` on an ``O_APPEND`` descriptor, so
concurrent commands never interleave lines, and a crash leaves at most a torn
last line, which is skipped)::

    {"dir": "."}                                  the workspace folder itself
    {"dir": "raw/olist_orders_dataset"}
    {"file": "raw/olist_orders_dataset/olist_orders_dataset.csv"}
    {"tmp": "raw/olist_orders_dataset/.olist_orders_dataset.csv.3f9a0c1d2e4b.tmp"}
    {"gone": "previous/olist_orders_dataset/olist_orders_dataset.csv"}

A temporary file is listed (``tmp``) before it is created, under its exact
name: that, and not the shape of a name, is how the next command that takes the
lock knows which leftovers of a killed command it may delete (a file of the
user's named like a temporary is never one of them). Anything not listed is the
user's: olistctl neither writes over it nor deletes it, and teardown leaves it
and names it. A line naming an absolute path or ``..`` (an edited manifest) is
ignored, and every file is reached without following symbolic links
(``nofollow.py``), so no line can reach outside the workspace.
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import olistctl.backends.local.nofollow as nofollow
from olistctl.fs import TMP_SUFFIX

MANIFEST = "olistctl-manifest.jsonl"
# Past this size the manifest is rewritten with only what is still there (under the lock).
COMPACT_BYTES = 1 << 20


def relative(path: object) -> str | None:
    """``path`` as a clean relative POSIX path inside the workspace, or None if it is not one."""
    if not isinstance(path, str) or not path or "\0" in path:
        return None
    if path == ".":
        return path
    # No leading "/", "//", "." or ".." part, or trailing "/": already what PurePosixPath
    # would make of it (read for every line of a manifest, which grows with every query).
    if any(part in ("", ".", "..") for part in path.split("/")):
        return None
    return path


# One line as encode() writes it: one key, and a path of printable ASCII without a quote
# or a backslash, which json.loads gives back as it is written.
_PLAIN_LINE = rb'\{"(dir|file|gone|tmp)": "([\x20\x21\x23-\x5b\x5d-\x7e]*)"\}\n'
_PLAIN_RECORD = re.compile(_PLAIN_LINE)
_PLAIN_MANIFEST = re.compile(rb"(?:" + _PLAIN_LINE + rb")*")


def _records(data: bytes) -> tuple[int, list[tuple[str, object]]]:
    """The manifest's lines: how many, and each record's (kind, value) pairs in order.

    A manifest that is all olistctl's own lines, the usual case, is read by two
    regular-expression passes instead of one ``json.loads`` a line (~3x faster: 2.5 -> 0.8
    µs a line); any other (a torn last line, an edit) line by line, as before.
    """
    if _PLAIN_MANIFEST.fullmatch(data):
        found = _PLAIN_RECORD.findall(data)
        return len(found), [(kind.decode(), value.decode()) for kind, value in found]
    lines = data.decode("utf-8", errors="replace").splitlines()
    records: list[tuple[str, object]] = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue  # a torn last line after a crash
        if isinstance(record, dict):
            records.extend(record.items())
    return len(lines), records


def temporary_name(name: str) -> str:
    """A fresh temporary name for the file ``name``, in the same folder."""
    return f".{name}.{secrets.token_hex(6)}{TMP_SUFFIX}"


@dataclass
class Owned:
    """What the manifest says olistctl made (and has not removed since)."""

    files: set[str] = field(default_factory=set)
    dirs: set[str] = field(default_factory=set)  # "." is the workspace folder
    temporaries: set[str] = field(default_factory=set)  # listed before they were created
    lines: int = 0


def encode(records: Iterable[dict[str, str]]) -> bytes:
    # ASCII JSON: a name that is not UTF-8 (kept by Python as surrogates) is written
    # escaped, and read back as the same name.
    return "".join(json.dumps(r, sort_keys=True) + "\n" for r in records).encode("ascii")


def _owned(data: bytes) -> Owned:
    owned = Owned()
    owned.lines, records = _records(data)
    for kind, value in records:
        rel = relative(value)
        if rel is None:
            continue
        if kind == "file" and rel != ".":
            owned.files.add(rel)
        elif kind == "dir":
            owned.dirs.add(rel)
        elif kind == "tmp" and rel != ".":
            owned.temporaries.add(rel)
        elif kind == "gone":
            owned.files.discard(rel)
    return owned


_PLAIN_VALUE = re.compile(rb"[\x20\x21\x23-\x5b\x5d-\x7e]+")
_LINE_STARTS = {b'{"' + kind + b'": ': kind for kind in (b"dir", b"file", b"gone", b"tmp")}


def _listed_in_lines(data: bytes, rel: str) -> bool | None:
    """Whether ``_owned(data).files`` holds ``rel``, or None when a search cannot tell.

    Without a backslash in the manifest no name in it is escaped, so every JSON string
    equal to ``rel`` is written ``"rel"``. When each such mention is the value of a whole
    line of olistctl's own form (``{"file": "rel"}`` after a newline or at the start,
    ending with one), the last ``file`` or ``gone`` line decides, as it does when the
    lines are read in order. Anything else (a torn line, another spacing, a second key,
    an escape anywhere) is left to the whole read.
    """
    try:
        name = rel.encode("ascii")
    except UnicodeEncodeError:
        return None
    if relative(rel) != rel or rel == "." or not _PLAIN_VALUE.fullmatch(name) or b"\\" in data:
        return None
    quoted = b'"' + name + b'"'
    last = {b"file": -1, b"gone": -1}
    at = data.find(quoted)
    while at >= 0:
        start = data.rfind(b"\n", 0, at) + 1
        end = at + len(quoted)
        kind = _LINE_STARTS.get(data[start:at])
        if kind is None or data[end : end + 2] != b"}\n":
            return None
        last[kind] = at
        at = data.find(quoted, end)
    return last[b"file"] > last[b"gone"]


class Manifest:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / MANIFEST

    def exists(self) -> bool:
        return self.path.is_file() and not self.path.is_symlink()

    def append(self, records: Iterable[dict[str, str]]) -> None:
        """Write ``records`` down (one ``write(2)``); a link in the manifest's place raises."""
        data = encode(records)
        if not data:
            return
        root_fd = nofollow.open_root(self.root)
        try:
            fd = nofollow.open_append(root_fd, MANIFEST)
        finally:
            os.close(root_fd)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)

    def _data(self) -> bytes | None:
        """The manifest's bytes; None if there is none, or a link or a FIFO is in its place
        (which lists nothing and is never written through)."""
        try:
            root_fd = nofollow.open_root(self.root)
        except FileNotFoundError:
            return None
        try:
            return nofollow.read_bytes(root_fd, MANIFEST)
        except FileNotFoundError:
            return None
        except OSError as exc:
            if exc.errno != errno.ELOOP and not isinstance(exc, nofollow.SpecialFile):
                raise
            return None
        finally:
            os.close(root_fd)

    def read(self) -> Owned:
        data = self._data()
        return Owned() if data is None else _owned(data)

    def lists_file(self, rel: str) -> bool:
        """Whether ``rel`` is one of :meth:`read`'s files, found by searching the manifest
        for its lines instead of building the set of every file it lists.

        Every query asks this of its ledger, and the manifest grows by two lines a query:
        after 200,000 queries the whole read took ~2 s a query, the search ~20 ms.
        """
        data = self._data()
        if data is None:
            return False
        found = _listed_in_lines(data, rel)
        return rel in _owned(data).files if found is None else found

    def compact(self, owned: Owned) -> None:
        """Rewrite the manifest with what still exists, when that halves it at least.

        The caller holds the exclusive lock (no other command appends meanwhile) and
        has removed the listed temporaries.
        """
        try:
            size = os.stat(self.path, follow_symlinks=False).st_size
        except FileNotFoundError:
            return
        if size < COMPACT_BYTES:
            return
        root_fd = nofollow.open_root(self.root)
        try:
            keep_files = sorted(f for f in owned.files if _lexists(root_fd, f))
            keep_dirs = sorted(owned.dirs)
            if owned.lines < 2 * (len(keep_files) + len(keep_dirs)):
                return
            data = encode([{"dir": d} for d in keep_dirs] + [{"file": f} for f in keep_files])
            tmp = temporary_name(MANIFEST)
            self.append([{"tmp": tmp}])  # listed in the manifest it replaces
            fd = nofollow.create_new(root_fd, tmp, 0o644)
            try:
                nofollow.write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, MANIFEST, src_dir_fd=root_fd, dst_dir_fd=root_fd)
        finally:
            os.close(root_fd)


def _lexists(root_fd: int, rel: str) -> bool:
    try:
        with nofollow.folder_of(root_fd, rel) as (fd, name):
            return nofollow.describe(fd, name) is not None
    except (OSError, nofollow.Blocked):
        return False


# -- removing without following links -------------------------------------------------

# A folder on the way is missing, a file, or a link: there is nothing of olistctl's to reach.
_UNREACHABLE = {errno.ENOENT, errno.ENOTDIR, errno.ELOOP}


def regular_size(root_fd: int, rel: str) -> int | None:
    """The size of ``rel`` if it is a regular file reached without links, else None."""
    try:
        with nofollow.folder_of(root_fd, rel) as (fd, name):
            st = os.stat(name, dir_fd=fd, follow_symlinks=False)
    except (OSError, nofollow.Blocked):
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None


def remove_file(root_fd: int, rel: str) -> int | None:
    """Delete ``rel`` if it is a regular file reached without links; its size, or None.

    An OSError other than "not there" (a read-only disk, say) is raised.
    """
    try:
        with nofollow.folder_of(root_fd, rel) as (fd, name):
            return nofollow.unlink_file(fd, name)
    except nofollow.Blocked:
        return None
    except OSError as exc:
        if exc.errno in _UNREACHABLE:
            return None
        raise


def remove_empty_folder(root_fd: int, rel: str) -> bool:
    """Remove the folder ``rel`` if it is empty (and not a link); True if it went."""
    try:
        with nofollow.folder_of(root_fd, rel) as (fd, name):
            st = os.stat(name, dir_fd=fd, follow_symlinks=False)
            if not stat.S_ISDIR(st.st_mode):
                return False
            os.rmdir(name, dir_fd=fd)
            return True
    except (OSError, nofollow.Blocked):  # not empty (the user's files are in it), gone, a link
        return False


def remove_temporaries(root_fd: int, owned: Owned) -> int:
    """Delete the listed temporaries still there (a killed command's leftovers); how many."""
    removed = 0
    for rel in sorted(owned.temporaries):
        try:
            if remove_file(root_fd, rel) is not None:
                removed += 1
        except OSError:
            continue  # a read-only disk, say: the next command tries again
    return removed
