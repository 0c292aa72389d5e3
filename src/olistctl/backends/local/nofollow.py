"""Files in the workspace, reached from its folder one name at a time and never through a link.

Every write, rename and delete olistctl makes in a workspace goes through a
descriptor of the folder that holds the file, opened from the workspace's own
descriptor one name at a time with ``O_NOFOLLOW``: a symbolic link anywhere on
the way (made by hand, or by another program) stops the walk with
:class:`Blocked` instead of leading out of the workspace, and so does a file
where a folder should be. The final name is created with ``O_EXCL`` (a new
file), opened with ``O_NOFOLLOW``, or renamed over (which replaces a link, never
writes through it).

Only the workspace folder itself is reached by its path: it may be a link the
user made to where they keep it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Iterator

_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# A folder on the way is a link (ELOOP) or not a folder (ENOTDIR).
_IN_THE_WAY = {errno.ELOOP, errno.ENOTDIR}


class Blocked(Exception):
    """Something that is not a plain folder (or file) of olistctl's stands at ``rel``."""

    def __init__(self, rel: str, what: str) -> None:
        super().__init__(f"{rel} is {what}")
        self.rel = rel
        self.what = what  # "a symbolic link", "a file", "a folder", "a special file"


def describe(dir_fd: int, name: str) -> str | None:
    """What ``name`` in the folder is ("a file", "a folder", …), or None if nothing is there."""
    try:
        mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISREG(mode):
        return "a file"
    return "a special file"


def open_root(root: str | os.PathLike) -> int:
    """A descriptor of the workspace folder (the one path that may be a link)."""
    return os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)


def open_existing(root_fd: int, rel: str) -> tuple[int, list[str]]:
    """A descriptor of the deepest folder of ``rel`` ("." for the workspace) that exists,
    reached without links, and the names of the folders below it that do not, in order
    (the caller closes the descriptor). A link or a file on the way raises :class:`Blocked`.
    """
    fd = os.dup(root_fd)
    if rel == ".":
        return fd, []
    parts = rel.split("/")
    try:
        for i, part in enumerate(parts):
            try:
                inner = _open_folder_in(fd, part, "/".join(parts[: i + 1]))
            except FileNotFoundError:
                return fd, parts[i:]
            os.close(fd)
            fd = inner
    except BaseException:
        os.close(fd)
        raise
    return fd, []


def open_folder(root_fd: int, rel: str, *, make: Callable[[str], None] | None = None) -> int:
    """A descriptor of the folder ``rel`` ("." for the workspace), reached without links.

    A missing folder raises FileNotFoundError, unless ``make`` is given: it is told
    the folder's path (to list it) and the folder is then made. A link or a file on
    the way raises :class:`Blocked`.
    """
    fd, missing = open_existing(root_fd, rel)
    if not missing:
        return fd
    done = rel.split("/")[: -len(missing)]
    try:
        if make is None:
            path = "/".join([*done, missing[0]])
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
        for part in missing:
            done.append(part)
            make("/".join(done))
            with contextlib.suppress(FileExistsError):
                os.mkdir(part, 0o777, dir_fd=fd)
            inner = _open_folder_in(fd, part, "/".join(done))
            os.close(fd)
            fd = inner
    except BaseException:
        os.close(fd)
        raise
    return fd


def _open_folder_in(dir_fd: int, name: str, rel: str) -> int:
    """The folder ``name`` in the open folder (``rel`` in the workspace), not through a link."""
    try:
        return os.open(name, _FOLDER, dir_fd=dir_fd)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno in _IN_THE_WAY:
            raise Blocked(rel, describe(dir_fd, name) or "missing") from None
        raise


@contextlib.contextmanager
def folder_of(
    root_fd: int, rel: str, *, make: Callable[[str], None] | None = None
) -> Iterator[tuple[int, str]]:
    """(descriptor of ``rel``'s folder, ``rel``'s own name), the folder reached without links."""
    folder, _, name = rel.rpartition("/")
    fd = open_folder(root_fd, folder or ".", make=make)
    try:
        yield fd, name
    finally:
        os.close(fd)


def create_new(dir_fd: int, name: str, mode: int) -> int:
    """Create ``name`` (it must not exist, not even as a link) and open it for writing."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    return os.open(name, flags, mode, dir_fd=dir_fd)


class SpecialFile(OSError):
    """A FIFO, socket or device where olistctl keeps one of its regular files."""


def open_file(dir_fd: int, name: str, flags: int, mode: int = 0o644) -> int:
    """Open the regular file ``name``: a link there raises OSError (ELOOP), anything else
    that is not a regular file :class:`SpecialFile`. Opened without blocking, so a FIFO
    in its place cannot stop the command forever (reads and writes of a regular file
    do not block either way)."""
    try:
        fd = os.open(
            name,
            flags | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC,
            mode,
            dir_fd=dir_fd,
        )
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a FIFO nobody reads, opened to write
            raise SpecialFile(errno.ENXIO, "a special file", name) from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise SpecialFile(errno.EINVAL, "a special file", name)
    return fd


def open_append(dir_fd: int, name: str, mode: int = 0o644) -> int:
    """Open ``name`` to append to it (made if missing), as :func:`open_file` does."""
    return open_file(dir_fd, name, os.O_WRONLY | os.O_APPEND | os.O_CREAT, mode)


def read_bytes(dir_fd: int, name: str) -> bytes:
    """The content of the regular file ``name``, opened as :func:`open_file` does."""
    with os.fdopen(open_file(dir_fd, name, os.O_RDONLY), "rb") as fh:
        return fh.read()


def write_all(fd: int, data: bytes | memoryview) -> None:
    """Write every byte of ``data`` (``os.write`` may write part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def unlink_file(dir_fd: int, name: str) -> int | None:
    """Delete ``name`` if it is a regular file (never a link, never a folder): its size.

    None if there is no regular file there.
    """
    try:
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    try:
        os.unlink(name, dir_fd=dir_fd)
    except FileNotFoundError:
        return None
    return st.st_size
