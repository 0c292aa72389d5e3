"""64-bit fingerprints of key values, and sets of them, in bounded memory.

Uniqueness and foreign-key checks need "have I seen this value?" over millions
of rows. A Python set of strings costs ~100 bytes a value; a sorted NumPy array
of 64-bit fingerprints costs 8 (5M keys: 40 MB). Two distinct values share a
fingerprint with probability ~n²/2⁶⁵ (1e-6 for 5M keys): negligible for a report.

The hash is computed with NumPy over Arrow's buffers (no Python loop per
value); it only needs to spread real-world ids, not to resist an adversary.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from olistctl.ingest.memory import empty_u64

_U64 = np.uint64
_M1 = _U64(0xBF58476D1CE4E5B9)
_M2 = _U64(0x94D049BB133111EB)
_GOLDEN = _U64(0x9E3779B97F4A7C15)
# Rows hashed at once on the variable-length path, so its padded matrix stays small.
_SLICE_BYTES = 8 << 20


# Scratch and result arrays come from the Arrow pool (``empty_u64``), and every step
# writes into one: NumPy's temporaries (``h >> 30`` and the like, ~1 MB each per row
# group) came fresh from the OS each time, ~85,000 page faults per GB of orders.


def _shift_xor(h: np.ndarray, bits: np.uint64, scratch: np.ndarray) -> None:
    np.right_shift(h, bits, out=scratch)
    h ^= scratch


def _mix(h: np.ndarray, scratch: np.ndarray | None = None) -> np.ndarray:
    """The splitmix64 finaliser, in place: every input bit reaches every output bit."""
    if scratch is None:
        scratch = empty_u64(len(h))
    _shift_xor(h, _U64(30), scratch)
    h *= _M1
    _shift_xor(h, _U64(27), scratch)
    h *= _M2
    _shift_xor(h, _U64(31), scratch)
    return h


def _fold_words(words: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Hash rows of 64-bit words (zero padded) together with their byte lengths.

    Each row folds only its own words (``ceil(length / 8)``), not the padding up to
    the longest row beside it: a value's fingerprint must not depend on its batch, or
    the same key in two row groups would look like two keys (false orphans).
    """
    h = empty_u64(len(lengths))
    h[:] = lengths
    h *= _GOLDEN
    scratch = empty_u64(len(h))
    needed = (lengths + 7) // 8
    every = int(needed.min()) if len(needed) else 0
    for j in range(words.shape[1]):
        if j < every:  # every row has this word: in place, as fast as before
            h ^= words[:, j]
            h *= _M1
            _shift_xor(h, _U64(32), scratch)
            continue
        rows = np.flatnonzero(needed > j)
        part = h[rows]
        part ^= words[rows, j]
        part *= _M1
        part ^= part >> _U64(32)
        h[rows] = part
    return _mix(h, scratch)


def _string_hash(arr: pa.Array) -> np.ndarray:
    n = len(arr)
    large = pa.types.is_large_string(arr.type) or pa.types.is_large_binary(arr.type)
    off_type = np.int64 if large else np.int32
    buffers = arr.buffers()
    if n == 0:
        return np.empty(0, _U64)
    offsets = empty_u64(n + 1).view(np.int64)
    offsets[:] = np.frombuffer(
        buffers[1], dtype=off_type, count=n + 1, offset=arr.offset * np.dtype(off_type).itemsize
    )
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else None
    lengths = empty_u64(n).view(np.int64)
    np.subtract(offsets[1:], offsets[:-1], out=lengths)
    longest = int(lengths.max())
    if data is None or longest == 0:
        return _fold_words(np.zeros((n, 0), _U64), lengths)
    width = -(-longest // 8) * 8
    if int(lengths.min()) == longest:
        # Fixed width (hex ids, zip prefixes): the bytes are already an n x L matrix.
        start = int(offsets[0])
        block = data[start : start + n * longest].reshape(n, longest)
        if width != longest:
            padded = np.zeros((n, width), np.uint8)
            padded[:, :longest] = block
            block = padded
        return _fold_words(np.ascontiguousarray(block).view(_U64), lengths)
    out = np.empty(n, _U64)
    step = max(1, _SLICE_BYTES // (width * 9))
    cols = np.arange(width)
    last = len(data) - 1
    for i in range(0, n, step):
        starts, lens = offsets[i : min(i + step, n)], lengths[i : i + step]
        idx = np.minimum(starts[:, None] + cols[None, :], last)
        block = np.where(cols[None, :] < lens[:, None], data[idx], 0).astype(np.uint8)
        out[i : i + step] = _fold_words(block.view(_U64), lens)
    return out


def _hash_array(arr: pa.Array) -> np.ndarray:
    t = arr.type
    if pa.types.is_dictionary(t):
        arr = arr.dictionary_decode()
        t = arr.type
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_binary(t):
        return _string_hash(arr)
    if pa.types.is_large_binary(t):
        return _string_hash(arr)
    if pa.types.is_integer(t) or pa.types.is_timestamp(t) or pa.types.is_date(t):
        # The values buffer as is: what lies under a NULL is garbage, but callers
        # drop NULL rows (and fill_null would import pandas for its Python scalar).
        wide = arr.cast(pa.int64())
        raw = np.frombuffer(
            wide.buffers()[1], dtype=np.int64, count=len(wide), offset=wide.offset * 8
        )
        h = empty_u64(len(raw))
        h[:] = raw.view(_U64)
        return _mix(h)
    # Anything else (decimals, doubles, booleans): by its text, which is exact.
    return _string_hash(pc.cast(arr, pa.string()))


def _valid_mask(arr: pa.Array) -> np.ndarray:
    """Which values are not NULL, from the validity bitmap (Arrow's to_numpy imports pandas)."""
    bits = np.frombuffer(arr.buffers()[0], dtype=np.uint8)
    return np.unpackbits(bits, bitorder="little")[arr.offset : arr.offset + len(arr)].view(bool)


def _column_hash(col: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray | None]:
    """A column's fingerprints, and which of its values are not NULL (None: all of them).

    Chunk by chunk where the values lie (a value's fingerprint does not depend on
    its neighbours): concatenating a row group's chunks first copied its key
    columns into fresh memory, ~400 MB per GB of orders, and made every scratch
    array a row group long instead of a chunk long.
    """
    if isinstance(col, pa.ChunkedArray) and col.num_chunks <= 1:
        col = col.chunk(0) if col.num_chunks else col.combine_chunks()
    if isinstance(col, pa.Array):
        return _hash_array(col), (_valid_mask(col) if col.null_count else None)
    h = empty_u64(len(col))
    valid = np.ones(len(col), dtype=bool) if col.null_count else None
    at = 0
    for chunk in col.chunks:
        n = len(chunk)
        if n:
            h[at : at + n] = _hash_array(chunk)
            if valid is not None and chunk.null_count:
                valid[at : at + n] = _valid_mask(chunk)
        at += n
    return h, valid


def fingerprint(columns: Sequence[pa.Array | pa.ChunkedArray]) -> tuple[np.ndarray, np.ndarray]:
    """One 64-bit fingerprint per row of these columns, and which rows have no NULL part.

    A key with a NULL part is not a value (SQL: NULL never equals NULL), so
    callers leave those rows out of uniqueness and membership checks.
    """
    h: np.ndarray | None = None
    valid: np.ndarray | None = None
    for col in columns:
        hc, ok = _column_hash(col)
        if ok is not None:
            valid = ok if valid is None else valid & ok
        if h is None:
            h = hc
        else:
            h *= _GOLDEN
            h += hc
            _mix(h)
    assert h is not None, "fingerprint() needs at least one column"
    if valid is None:
        valid = np.ones(len(h), dtype=bool)
    return h, valid


def _distinct(values: np.ndarray, *, ordered: bool = False) -> np.ndarray:
    """``np.unique(values)`` for 1-D fingerprints (``ordered``: already sorted).

    Not ``np.unique``: its one use of ``numpy.ma`` (a check for a masked array)
    imports that module, ~50 ms of CPU on a key thread at the end of a run's
    transform."""
    values = values if ordered else np.sort(values)
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _count_repeats(values: np.ndarray) -> int:
    """Values equal to their predecessor in a sorted array (compared 1M at a time)."""
    repeats = 0
    step = 1 << 20
    for i in range(0, max(len(values) - 1, 0), step):
        hi = min(i + step, len(values) - 1)
        repeats += int(np.count_nonzero(values[i + 1 : hi + 1] == values[i:hi]))
    return repeats


class _Spill:
    """Fingerprints on disk, one sorted run per spill, checked partition by partition at the end.

    Each spill is sorted and written as one file, with where each partition
    (the values' top bits) starts in it. At the end each partition's slices of
    every run are read and merged (a stable sort finds the runs: timsort), so
    memory holds one partition of all runs: fingerprints are uniform, so that
    is 1/64 of them, and equal values always land in the same partition.
    Sorting at each spill, while the file is still being read, leaves only
    the merge for the end: with one file per partition instead, sorting every
    partition at the end took ~0.5 s of a 1 GB transform after its last row.
    """

    BITS = 6

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="olistctl-keys-"))
        # Removed with the KeySet even if nobody calls close() (an error midway).
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.folder, ignore_errors=True)
        self._runs: list[tuple[Path, list[int]]] = []  # file, where each partition starts
        starts = np.arange(1 << self.BITS, dtype=_U64) << _U64(64 - self.BITS)
        self._starts = starts

    def write(self, values: np.ndarray) -> None:
        """Spill ``values`` (sorted in place: the caller hands them over)."""
        values.sort()
        bounds = [*np.searchsorted(values, self._starts).tolist(), len(values)]
        path = self.folder / f"{len(self._runs):05d}.u64"
        values.tofile(path)
        self._runs.append((path, bounds))

    def parts(self):
        """Each partition's values, sorted, one at a time."""
        for p in range(1 << self.BITS):
            pieces = []
            for path, bounds in self._runs:
                count = bounds[p + 1] - bounds[p]
                if count:
                    offset = bounds[p] * _U64().itemsize
                    pieces.append(np.fromfile(path, dtype=_U64, count=count, offset=offset))
            if pieces:
                values = np.concatenate(pieces) if len(pieces) > 1 else pieces[0]
                values.sort(kind="stable")  # merges the sorted runs
                yield values

    def close(self) -> None:
        self._cleanup()


class KeySet:
    """The fingerprints of one key's values, added batch by batch.

    Values are copied into 8 MB blocks rather than kept as one small array
    per batch: freed blocks go back to the OS, so sorting them into one array
    at the end costs one array plus a block, not two arrays. ``dedupe`` (for
    columns that repeat a lot, like geolocation's zip prefix) folds repeats
    away as it goes, so memory follows the distinct values. ``spill`` (for
    sets only counted, never searched) moves the values to temporary files
    past ``budget`` values, so memory stays flat whatever the file's size.
    """

    _BLOCK = 1 << 20  # fingerprints per block (8 MB)
    BUDGET = 2 * _BLOCK  # values held in memory by a spilling set (16 MB)

    def __init__(self, *, dedupe: bool = False, spill: bool = False) -> None:
        assert not (dedupe and spill), "a spilling set is never searched, so never deduped"
        self.dedupe = dedupe
        self.spill = spill
        self.rows = 0  # non-NULL values added
        self._base = np.empty(0, _U64)  # dedupe: sorted distinct values folded so far
        self._blocks: list[np.ndarray] = []
        self._fill = 0  # values in the last block
        self._disk: _Spill | None = None
        self._sorted: np.ndarray | None = None  # after finish(): sorted, distinct (in memory)
        self._distinct: int | None = None
        self.duplicates = 0  # rows repeating an earlier value (after finish)

    def add(self, fps: np.ndarray) -> None:
        assert self._distinct is None, "KeySet.add() after finish()"
        self.rows += len(fps)
        if self.dedupe:
            fps = _distinct(fps)
        at = 0
        while at < len(fps):
            if not self._blocks or self._fill == self._BLOCK:
                held = len(self._blocks) * self._BLOCK
                if self.spill and held >= self.BUDGET:
                    self._to_disk()
                elif self.dedupe and held >= max(len(self._base), 1):
                    self._fold()
                self._blocks.append(empty_u64(self._BLOCK))
                self._fill = 0
            take = min(len(fps) - at, self._BLOCK - self._fill)
            self._blocks[-1][self._fill : self._fill + take] = fps[at : at + take]
            self._fill += take
            at += take

    def _gather(self) -> np.ndarray:
        """Everything added, in one array; the blocks are released as they are copied."""
        full = len(self._blocks) - 1
        total = len(self._base) + max(full, 0) * self._BLOCK + (self._fill if self._blocks else 0)
        out = empty_u64(total)
        out[: len(self._base)] = self._base
        at = len(self._base)
        self._base = np.empty(0, _U64)
        self._blocks.reverse()
        while self._blocks:
            block = self._blocks.pop()
            n = self._fill if not self._blocks else self._BLOCK
            out[at : at + n] = block[:n]
            at += n
        self._fill = 0
        return out

    def _fold(self) -> None:
        self._base = _distinct(self._gather())

    def _to_disk(self) -> None:
        if self._disk is None:
            self._disk = _Spill()
        self._disk.write(self._gather())

    def finish(self) -> None:
        """Count the distinct values and the repeats (and sort, for :meth:`contains`)."""
        if self._distinct is not None:
            return
        if self._disk is not None:
            self._to_disk()
            distinct = 0
            for part in self._disk.parts():
                distinct += len(part) - _count_repeats(part)
            self._disk.close()
            self._disk = None
        else:
            merged = self._gather()
            merged.sort()
            if _count_repeats(merged):
                merged = _distinct(merged, ordered=True)
            self._sorted = merged
            distinct = len(merged)
        self._distinct = distinct
        self.duplicates = self.rows - distinct

    def close(self) -> None:
        """Drop the values (and any temporary files)."""
        if self._disk is not None:
            self._disk.close()
            self._disk = None
        self._blocks = []
        self._sorted = None

    @property
    def distinct(self) -> int:
        self.finish()
        assert self._distinct is not None
        return self._distinct

    def values(self) -> np.ndarray:
        """The sorted distinct fingerprints (sets that do not spill)."""
        assert not self.spill, "a spilling KeySet cannot be searched"
        self.finish()
        assert self._sorted is not None
        return self._sorted

    def contains(self, fps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which fingerprints are in the set, and where (index into the sorted set)."""
        values = self.values()
        if not len(values):
            return np.zeros(len(fps), dtype=bool), np.zeros(len(fps), dtype=np.intp)
        idx = np.searchsorted(values, fps)
        idx[idx == len(values)] = 0
        return values[idx] == fps, idx
