"""A Parquet file's footer: its key-value metadata read without pyarrow, and the
footer of row groups written apart joined into one file's.

Deciding that a converted table is current reads one value from each Parquet
footer (the source CSV's SHA-256, ``layout.SOURCE_SHA256``); importing pyarrow
to do it was ~0.15-0.35 s of a re-run with nothing to do (bench/analysis.md).
The footer is a Thrift struct in the compact protocol (the Parquet format's
``FileMetaData``: https://github.com/apache/parquet-format, ``parquet.thrift``;
Thrift's compact protocol: https://github.com/apache/thrift, ``doc/specs/
thrift-compact-protocol.md``); this reads field 5, ``key_value_metadata``, and
skips every other field without interpreting it. Anything that is not a
well-formed plain (unencrypted) Parquet footer gives None, as pyarrow's
``read_metadata`` raising would.

:func:`joined_footer` makes the footer of one file out of the footers of
pieces each written alone (``transform.parquet_out`` encodes row groups on two
threads): the pieces' row groups in order, every absolute offset moved to where
the piece's bytes land. Struct fields are decoded into a list kept in their
order and written back in the same compact form, so a footer decoded and
encoded again is the same bytes (checked on every piece).
"""

from __future__ import annotations

import os
from typing import Any

MAGIC = b"PAR1"
# FileMetaData field ids (parquet.thrift).
_KEY_VALUE_METADATA = 5
# Compact protocol types.
_STOP, _TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY = range(9)
_LIST, _SET, _MAP, _STRUCT = 9, 10, 11, 12
_MAX_DEPTH = 64


# Fields that hold a position in the file (parquet.thrift): FileMetaData,
_NUM_ROWS, _ROW_GROUPS = 3, 4
# RowGroup,
_RG_COLUMNS, _RG_FILE_OFFSET, _RG_ORDINAL = 1, 5, 7
# ColumnChunk,
_CC_FILE_PATH, _CC_FILE_OFFSET, _CC_META = 1, 2, 3
_CC_AFTER_THE_ROW_GROUPS = {4: "offset index", 6: "column index", 8: "encryption"}
# and ColumnMetaData (data, index and dictionary page offsets).
_CM_PAGE_OFFSETS = (9, 10, 11)
_CM_AFTER_THE_ROW_GROUPS = {14: "bloom filter"}


class _Malformed(Exception):
    pass


# A decoded struct: its fields in the order read, as (field id, compact type, value);
# a list is (element type, [values]); a map (key and value types, [(key, value)]).
Fields = list[tuple[int, int, Any]]


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def byte(self) -> int:
        if self.at >= len(self.data):
            raise _Malformed("past the end")
        value = self.data[self.at]
        self.at += 1
        return value

    def varint(self) -> int:
        shift = result = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7
            if shift > 70:
                raise _Malformed("varint too long")

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def binary(self) -> bytes:
        size = self.varint()
        end = self.at + size
        if end > len(self.data):
            raise _Malformed("string past the end")
        value = self.data[self.at : end]
        self.at = end
        return value

    def field_header(self, last_id: int) -> tuple[int, int]:
        """``(field id, type)``; type 0 is the struct's end."""
        b = self.byte()
        kind = b & 0x0F
        if kind == _STOP:
            return 0, _STOP
        delta = b >> 4
        return (last_id + delta if delta else self.zigzag()), kind

    def list_header(self) -> tuple[int, int]:
        b = self.byte()
        size = b >> 4
        if size == 15:
            size = self.varint()
        return size, b & 0x0F

    def skip(self, kind: int, depth: int = 0) -> None:
        if depth > _MAX_DEPTH:
            raise _Malformed("nested too deep")
        if kind in (_TRUE, _FALSE):
            return
        if kind == _BYTE:
            self.byte()
        elif kind in (_I16, _I32, _I64):
            self.varint()
        elif kind == _DOUBLE:
            self.at += 8
        elif kind == _BINARY:
            self.binary()
        elif kind in (_LIST, _SET):
            size, element = self.list_header()
            for _ in range(size):
                if element in (_TRUE, _FALSE):
                    self.byte()  # in a list, a boolean is a byte of its own
                else:
                    self.skip(element, depth + 1)
        elif kind == _MAP:
            size = self.varint()
            if size:
                types = self.byte()
                for _ in range(size):
                    self.skip(types >> 4, depth + 1)
                    self.skip(types & 0x0F, depth + 1)
        elif kind == _STRUCT:
            last = 0
            while True:
                last, field_kind = self.field_header(last)
                if field_kind == _STOP:
                    return
                self.skip(field_kind, depth + 1)
        else:
            raise _Malformed(f"unknown type {kind}")
        if self.at > len(self.data):
            raise _Malformed("past the end")

    def value(self, kind: int, depth: int = 0) -> Any:
        """One value of compact type ``kind``, decoded (a struct as :data:`Fields`)."""
        if depth > _MAX_DEPTH:
            raise _Malformed("nested too deep")
        if kind in (_TRUE, _FALSE):  # a struct field's boolean is its type
            return kind == _TRUE
        if kind == _BYTE:
            return self.byte()
        if kind in (_I16, _I32, _I64):
            return self.zigzag()
        if kind == _DOUBLE:
            raw = self.data[self.at : self.at + 8]
            if len(raw) != 8:
                raise _Malformed("past the end")
            self.at += 8
            return raw
        if kind == _BINARY:
            return self.binary()
        if kind in (_LIST, _SET):
            size, element = self.list_header()
            if element in (_TRUE, _FALSE):  # a byte each in a list: kept as read
                return element, [self.byte() for _ in range(size)]
            return element, [self.value(element, depth + 1) for _ in range(size)]
        if kind == _MAP:
            size = self.varint()
            types = self.byte() if size else 0
            pairs = [
                (self.value(types >> 4, depth + 1), self.value(types & 0x0F, depth + 1))
                for _ in range(size)
            ]
            return types, pairs
        if kind == _STRUCT:
            fields: Fields = []
            last = 0
            while True:
                last, field_kind = self.field_header(last)
                if field_kind == _STOP:
                    return fields
                fields.append((last, field_kind, self.value(field_kind, depth + 1)))
        raise _Malformed(f"unknown type {kind}")

    def key_values(self) -> dict[str, str]:
        size, element = self.list_header()
        if element != _STRUCT:
            raise _Malformed("key_value_metadata is not a list of structs")
        found: dict[str, str] = {}
        for _ in range(size):
            key: bytes | None = None
            value: bytes | None = None
            last = 0
            while True:
                last, kind = self.field_header(last)
                if kind == _STOP:
                    break
                if last == 1 and kind == _BINARY:
                    key = self.binary()
                elif last == 2 and kind == _BINARY:
                    value = self.binary()
                else:
                    self.skip(kind, 1)
            if key is None:
                raise _Malformed("a key-value pair without its key")
            if value is not None:
                found[key.decode("utf-8", "replace")] = value.decode("utf-8", "replace")
        return found


class _Writer:
    """Thrift's compact protocol, written as the C++ writer does (the inverse of ``_Reader``)."""

    def __init__(self) -> None:
        self.out = bytearray()

    def varint(self, n: int) -> None:
        while n > 0x7F:
            self.out.append((n & 0x7F) | 0x80)
            n >>= 7
        self.out.append(n)

    def zigzag(self, n: int) -> None:
        self.varint((n << 1) ^ (n >> 63))

    def value(self, kind: int, value: Any) -> None:
        if kind in (_TRUE, _FALSE):
            return
        if kind == _BYTE:
            self.out.append(value)
        elif kind in (_I16, _I32, _I64):
            self.zigzag(value)
        elif kind in (_DOUBLE,):
            self.out += value
        elif kind == _BINARY:
            self.varint(len(value))
            self.out += value
        elif kind in (_LIST, _SET):
            element, items = value
            if len(items) < 15:
                self.out.append(len(items) << 4 | element)
            else:
                self.out.append(0xF0 | element)
                self.varint(len(items))
            for item in items:
                if element in (_TRUE, _FALSE):
                    self.out.append(item)
                else:
                    self.value(element, item)
        elif kind == _MAP:
            types, pairs = value
            self.varint(len(pairs))
            if pairs:
                self.out.append(types)
                for key, item in pairs:
                    self.value(types >> 4, key)
                    self.value(types & 0x0F, item)
        elif kind == _STRUCT:
            last = 0
            for field_id, field_kind, item in value:
                delta = field_id - last
                if 0 < delta <= 15:
                    self.out.append(delta << 4 | field_kind)
                else:
                    self.out.append(field_kind)
                    self.zigzag(field_id)
                self.value(field_kind, item)
                last = field_id
            self.out.append(_STOP)
        else:
            raise _Malformed(f"unknown type {kind}")


def _decode(footer: bytes) -> Fields:
    reader = _Reader(footer)
    fields: Fields = reader.value(_STRUCT)
    if reader.at != len(footer):
        raise _Malformed("bytes after the footer")
    return fields


def _encode(fields: Fields) -> bytes:
    writer = _Writer()
    writer.value(_STRUCT, fields)
    return bytes(writer.out)


def _moved_row_group(row_group: Fields, by: int, ordinal: int) -> Fields:
    moved: Fields = []
    for field_id, kind, value in row_group:
        if field_id == _RG_COLUMNS:
            element, chunks = value
            value = element, [_moved_chunk(chunk, by) for chunk in chunks]
        elif field_id == _RG_FILE_OFFSET:
            value += by
        elif field_id == _RG_ORDINAL:
            value = ordinal
        moved.append((field_id, kind, value))
    return moved


def _moved_chunk(chunk: Fields, by: int) -> Fields:
    moved: Fields = []
    for field_id, kind, value in chunk:
        if field_id == _CC_FILE_PATH or field_id in _CC_AFTER_THE_ROW_GROUPS:
            what = _CC_AFTER_THE_ROW_GROUPS.get(field_id, "a column chunk in another file")
            raise ValueError(f"cannot join Parquet pieces with {what}")
        if field_id == _CC_FILE_OFFSET and value:  # deprecated: the C++ writer puts 0 there
            value += by
        elif field_id == _CC_META:
            for inner_id, _, _ in value:
                if inner_id in _CM_AFTER_THE_ROW_GROUPS:
                    what = _CM_AFTER_THE_ROW_GROUPS[inner_id]
                    raise ValueError(f"cannot join Parquet pieces with {what}")
            value = [(i, k, v + by if i in _CM_PAGE_OFFSETS else v) for i, k, v in value]
        moved.append((field_id, kind, value))
    return moved


class FooterJoin:
    """The footer of one file made of Parquet pieces, added in file order.

    Each piece is a whole Parquet file (``PAR1``, its row groups, its footer)
    written with the same schema and settings; the joined file is ``PAR1``, each
    piece's bytes between its ``PAR1`` and its footer, then :meth:`footer`.
    """

    def __init__(self) -> None:
        self._head: Fields | None = None  # the first piece's footer, row groups aside
        self._row_groups: list[Fields] = []
        self._rows = 0

    def add(self, footer: bytes, at: int) -> None:
        """Add the next piece, whose row-group bytes start at ``at`` in the joined file."""
        try:
            fields = _decode(footer)
        except _Malformed as exc:
            raise ValueError(f"a Parquet piece's footer is not readable: {exc}") from None
        if _encode(fields) != footer:  # the joined footer would not be the writer's bytes
            raise ValueError("a Parquet piece's footer is not in the form this writes")
        head: Fields = []
        by = at - len(MAGIC)
        for field_id, kind, value in fields:
            if field_id == _ROW_GROUPS:
                for group in value[1]:
                    self._row_groups.append(_moved_row_group(group, by, len(self._row_groups)))
            elif field_id == _NUM_ROWS:
                self._rows += value
            # what must be the same in every piece: all but the row groups and their rows
            head.append((field_id, kind, None if field_id in (_NUM_ROWS, _ROW_GROUPS) else value))
        if self._head is None:
            self._head = head
        elif head != self._head:
            raise ValueError("Parquet pieces with different schemas or settings cannot be joined")

    @property
    def rows(self) -> int:
        """The rows of the pieces added so far."""
        return self._rows

    def footer(self) -> bytes:
        """The joined file's ``FileMetaData``, Thrift-encoded."""
        if self._head is None:
            raise ValueError("no Parquet pieces to join")
        fields: Fields = []
        for field_id, kind, value in self._head:
            if field_id == _NUM_ROWS:
                value = self._rows
            elif field_id == _ROW_GROUPS:
                value = (_STRUCT, self._row_groups)
            fields.append((field_id, kind, value))
        return _encode(fields)


def footer_bytes(path: str | os.PathLike) -> bytes | None:
    """The Thrift-encoded ``FileMetaData`` at the end of a Parquet file; None if it has none."""
    try:
        with open(path, "rb") as f:
            if f.read(4) != MAGIC:
                return None
            end = f.seek(0, os.SEEK_END)
            if end < 12:
                return None
            f.seek(end - 8)
            tail = f.read(8)
            size = int.from_bytes(tail[:4], "little")
            if tail[4:] != MAGIC or size <= 0 or size > end - 12:
                return None
            f.seek(end - 8 - size)
            data = f.read(size)
            return data if len(data) == size else None
    except OSError:
        return None


def key_value_metadata(path: str | os.PathLike) -> dict[str, str] | None:
    """A Parquet file's footer key-value metadata (empty if it has none); None if the file is
    not a readable, unencrypted Parquet file."""
    data = footer_bytes(path)
    if data is None:
        return None
    reader = _Reader(data)
    try:
        last = 0
        found: dict[str, str] = {}
        while True:
            last, kind = reader.field_header(last)
            if kind == _STOP:
                return found
            if last == _KEY_VALUE_METADATA and kind == _LIST:
                found = reader.key_values()
            else:
                reader.skip(kind)
    except _Malformed:
        return None
