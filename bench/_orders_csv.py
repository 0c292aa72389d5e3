"""An orders-like CSV of any size, built from generated orders rows with fresh unique ids.

The rows of a generated ``olist_orders_dataset.csv`` are written again and
again; copy ``n`` replaces the first six hex digits of ``order_id`` and
``customer_id`` with the six decimal digits of ``n``, so every id stays 32
lowercase hex characters and unique across copies (the remaining 26 digits
are checked to be unique within the generated file). An id that now starts
with a digit is quoted, as the real files quote such ids. The file streams
to disk one copy at a time: memory holds one copy (~18 MB), whatever the size.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from olistctl.dataset import ORDERS

_PREFIX = 6
_MAX_COPIES = 10**_PREFIX
# Written in each copy's place, then replaced: six bytes no CSV row here holds.
_MARK = b"\x00" * _PREFIX
_ID = rb'"?([0-9a-f]{32})"?'
_ROW = re.compile(rb"^" + _ID + rb"," + _ID + rb",(.*)$")


def _template(source: Path) -> tuple[bytes, bytes]:
    """The header line, and one copy of the rows with ``_MARK`` for the id prefixes."""
    with open(source, "rb") as f:
        header = f.readline()
        lines = f.read().splitlines()
    expected = b",".join(b'"%s"' % c.encode() for c in ORDERS.column_names)
    if header.rstrip(b"\r\n") != expected:
        raise ValueError(f"{source} is not an olist_orders_dataset.csv file")
    rows = []
    tails: set[bytes] = set()
    for line in lines:
        match = _ROW.match(line)
        if match is None:
            raise ValueError(f"{source}: cannot take the ids from {line[:80]!r}")
        order_id, customer_id, rest = match.groups()
        for value in (order_id, customer_id):
            tail = value[_PREFIX:]
            if tail in tails:
                raise ValueError(f"{source}: two ids end in {tail!r}; cannot make unique copies")
            tails.add(tail)
        rows.append(
            b'"%s%s","%s%s",%s\n' % (_MARK, order_id[_PREFIX:], _MARK, customer_id[_PREFIX:], rest)
        )
    return header, b"".join(rows)


def build_orders_csv(source: str | os.PathLike, dest: str | os.PathLike, size: int) -> int:
    """Write an orders CSV of at least ``size`` bytes to ``dest``; returns its data rows.

    The last copy is cut at a row boundary once the size is reached.
    """
    dest = Path(dest)
    header, chunk = _template(Path(source))
    tmp = dest.with_name(dest.name + ".tmp")
    written = len(header)
    rows = 0
    with open(tmp, "wb") as out:
        out.write(header)
        copy = 0
        while written < size:
            if copy >= _MAX_COPIES:
                raise ValueError(f"{size:,} bytes needs more than {_MAX_COPIES:,} copies")
            data = chunk.replace(_MARK, b"%06d" % copy)
            if written + len(data) > size:
                cut = data.index(b"\n", size - written - 1) + 1
                data = data[:cut]
            out.write(data)
            written += len(data)
            rows += data.count(b"\n")
            copy += 1
    os.replace(tmp, dest)
    return rows


def ensure_orders_csv(source: Path, dest: Path, size: int) -> tuple[Path, int]:
    """``dest`` built once for ``size`` bytes (a stamp beside it records size and rows)."""
    stamp = dest.with_name(dest.name + ".rows")
    wanted = f"{size}"
    if dest.is_file() and stamp.is_file():
        recorded_size, _, rows = stamp.read_text().partition(" ")
        if recorded_size == wanted and rows.isdigit():
            return dest, int(rows)
    dest.parent.mkdir(parents=True, exist_ok=True)
    rows = build_orders_csv(source, dest, size)
    stamp.write_text(f"{wanted} {rows}")
    return dest, rows
