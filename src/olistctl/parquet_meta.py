"""The key-value metadata of a Parquet file's footer, read without pyarrow.

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
"""

from __future__ import annotations

import os

MAGIC = b"PAR1"
# FileMetaData field ids (parquet.thrift).
_KEY_VALUE_METADATA = 5
# Compact protocol types.
_STOP, _TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY = range(9)
_LIST, _SET, _MAP, _STRUCT = 9, 10, 11, 12
_MAX_DEPTH = 64


class _Malformed(Exception):
    pass


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
