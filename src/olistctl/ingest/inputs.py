"""Recognising the Olist CSV files a user points at (``upload``, ``report quality``).

A file is recognised by its header: the exact column list of one of the nine
tables. The file name (``olist_orders_dataset.csv``, ``olist_orders_dataset
(1).csv``, ``orders.csv``) only confirms it, or names the table meant when
the header is damaged. Any other CSV is refused, naming the closest table
and what differs; callers that can take a foreign CSV as a table of its own
(``table`` None, its types inferred) ask for it with ``allow_unknown``.
"""

from __future__ import annotations

import glob
import os
import re
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from olistctl.dataset import Table, closest_table_for_header, get_table, table_for_header
from olistctl.errors import InputError
from olistctl.ingest.checksums import ChecksumMemo, sha256_file
from olistctl.ingest.header import check_is_text, header_error, other_separator, parse_header

_HEAD_BYTES = 1 << 20
_GLOB_CHARS = frozenset("*?[")
# "olist_orders_dataset (1).csv", "olist_orders_dataset - Copy.csv", "orders_copy2.csv"
_COPY_SUFFIX = re.compile(r"(\s*\(\d+\)|[\s_-]+(-\s*)?copy(\s*\(?\d+\)?)?)+$", re.IGNORECASE)


@dataclass(frozen=True)
class InputFile:
    path: Path
    table: Table | None  # None only with discover(allow_unknown=True): not an Olist table
    size: int
    sha256: str


def table_for_file_name(name: str) -> Table | None:
    """The table a file name suggests (``orders.csv``, ``olist_orders_dataset (1).csv``)."""
    stem = Path(name).name
    if stem.lower().endswith(".csv"):
        stem = stem[:-4]
    stem = _COPY_SUFFIX.sub("", stem).strip().lower()
    for candidate in (stem, f"{stem}_dataset", f"olist_{stem}_dataset"):
        try:
            return get_table(candidate)
        except KeyError:
            continue
    return None


def _unreadable(exc: OSError, label: str) -> InputError:
    """The InputError for a path the system refuses to open (or to look at), naming the reason."""
    if isinstance(exc, FileNotFoundError):
        return InputError("the file does not exist", path=label, hint="check the path")
    if isinstance(exc, IsADirectoryError):
        return InputError(
            "this is a folder, not a CSV file", path=label, hint="give the CSV files inside it"
        )
    return InputError(
        f"the file cannot be read ({exc.strerror or exc})",
        path=label,
        hint="check the path and the file's permissions",
    )


_NOT_REGULAR = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def refuse_special_file(
    path: str | os.PathLike, label: str | None = None, *, what: str = "the CSV file"
) -> None:
    """InputError for a pipe, device or socket: opening one could wait forever or never end.

    Checked with stat(), which does not open the file (opening a FIFO blocks until
    something writes to it).
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise _unreadable(exc, os.fspath(path) if label is None else label) from None
    kind = _NOT_REGULAR.get(stat.S_IFMT(mode))
    if kind is not None:
        raise InputError(
            f"this is {kind}, not a file",
            path=os.fspath(path) if label is None else label,
            hint=f"give {what} itself (save a stream to a file first)",
        )


def open_input(path: str | os.PathLike, label: str | None = None) -> BinaryIO:
    """The file opened for reading; any refusal is an InputError naming it (or ``label``)."""
    refuse_special_file(path, label)
    try:
        return open(path, "rb")
    except OSError as exc:
        raise _unreadable(exc, os.fspath(path) if label is None else label) from None


def _header(path: Path) -> list[str]:
    try:
        with open_input(path) as f:
            head = f.read(_HEAD_BYTES)
            at_eof = not f.read(1)
    except OSError as exc:  # the read itself (an I/O error, a folder on some systems)
        raise _unreadable(exc, str(path)) from None
    check_is_text(head, str(path))
    return parse_header(head, at_eof, str(path))


def identify(path: Path) -> Table:
    """The Olist table this file holds, by its header (InputError naming the closest if none)."""
    path = Path(path)
    names = _header(path)
    table = table_for_header(names)
    if table is None:
        raise header_error(names, str(path), table_for_file_name(path.name))
    return table


def _looks_like_olist(names: list[str], path: Path) -> bool:
    """Whether a header that matches no table is a damaged Olist header rather than another CSV."""
    if table_for_file_name(path.name) is not None or other_separator(names):
        return True
    closest = closest_table_for_header(names)
    if closest is None:
        return False
    table, shared = closest
    return shared >= max(2, len(table.columns) // 2)


def recognise(path: Path) -> Table | None:
    """Like :func:`identify`, but None for a CSV that is plainly not an Olist file."""
    names = _header(path)
    table = table_for_header(names)
    if table is None and _looks_like_olist(names, path):
        raise header_error(names, str(path), table_for_file_name(path.name))
    return table


def _expand(paths: Sequence[str | os.PathLike]) -> list[Path]:
    found: list[Path] = []
    for given in paths:
        text = os.path.expanduser(os.fspath(given))
        if _GLOB_CHARS & set(text):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                raise InputError(
                    f"no file matches the pattern {os.fspath(given)}",
                    hint="check the pattern (and quote it, so that your shell passes it as is)",
                )
            candidates = [Path(m) for m in matches]
        else:
            path = Path(text)
            try:
                exists = path.exists()
            except OSError as exc:  # exists() is False for a missing path; a name too long raises
                raise _unreadable(exc, os.fspath(given)) from None
            if not exists:
                raise InputError(
                    "no such file or folder",
                    path=os.fspath(given),
                    hint="check the path; give CSV files, folders holding them, or a pattern"
                    " such as 'data/*.csv'",
                )
            candidates = [path]
        for path in candidates:
            if not path.is_dir():
                refuse_special_file(path)
            if path.is_dir():
                inside = sorted(
                    p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv"
                )
                if not inside:
                    raise InputError(
                        "the folder holds no .csv files",
                        path=str(path),
                        hint="give the folder where the Olist CSV files are (folders are not"
                        " searched recursively)",
                    )
                found += inside
            else:
                found.append(path)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def discover(
    paths: Sequence[str | os.PathLike],
    *,
    allow_unknown: bool = False,
    checksums: ChecksumMemo | None = None,
) -> list[InputFile]:
    """The CSV files named by ``paths`` (files, folders non-recursively, globs), recognised.

    ``checksums`` remembers the SHA-256 of files that have not changed since it was
    last read (see ``ingest.checksums``); without one every file is read.

    Raises InputError for a path or pattern that finds nothing, a file that is
    not CSV, and a header that is no Olist table's (naming the closest table
    and what differs). With ``allow_unknown``, a CSV that neither looks nor is
    named like an Olist file comes back with ``table`` None instead.
    """
    # Every file is recognised (from its header) before any is read whole.
    found = [(p, recognise(p) if allow_unknown else identify(p)) for p in _expand(paths)]
    digest = checksums.sha256 if checksums is not None else sha256_file
    shas = _sha256_all(digest, [p for p, _ in found])
    return [
        InputFile(path, table, path.stat().st_size, sha)
        for (path, table), sha in zip(found, shas, strict=True)
    ]


def _sha256_all(digest: Callable[[Path], str], paths: list[Path]) -> list[str]:
    """``digest`` of each path, on two threads: hashlib and the reads let go of the GIL,
    so a second core takes half the bytes (the full-scale dataset is 124 MB to hash).

    The other half runs on a daemon thread (:class:`olistctl.worker.Worker`): a Ctrl-C
    stops this thread at once and never waits for that one. A file that cannot be read
    raises the error one thread would have: that of the first such file in ``paths``
    (each side hashes its files in that order and stops at its first error).
    """
    if len(paths) < 2 or (os.cpu_count() or 1) < 2:
        return [digest(p) for p in paths]
    from olistctl.worker import Worker

    # Each file, largest first, to the lighter side, so the two finish together.
    mine: list[int] = []
    theirs: list[int] = []
    loads = [0, 0]
    for i in sorted(range(len(paths)), key=lambda i: -_size(paths[i])):
        side = 0 if loads[0] <= loads[1] else 1
        (mine, theirs)[side].append(i)
        loads[side] += _size(paths[i])

    def hash_side(indices: list[int]) -> dict[int, str | Exception]:
        done: dict[int, str | Exception] = {}
        for i in sorted(indices):
            try:
                done[i] = digest(paths[i])
            except Exception as exc:  # raised below if no earlier file failed
                done[i] = exc
                break
        return done

    other = Worker(lambda: hash_side(theirs), "olistctl-sha256")
    other.start()
    shas = hash_side(mine)
    other.wait_ended()  # a Ctrl-C raises here; the daemon thread is left to end alone
    shas.update(other.result())
    for i in sorted(shas):
        found = shas[i]
        if isinstance(found, Exception):
            raise found
    return [str(shas[i]) for i in range(len(paths))]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # hashing it says why
