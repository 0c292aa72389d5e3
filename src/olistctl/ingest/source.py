"""The CSV bytes as pyarrow reads them: counted, throttled, and remembered for error messages.

pyarrow's streaming CSV reader pulls blocks from an I/O thread and would read
~32 blocks ahead of the batches it has handed out; :class:`SourceStream`
holds it to a few, so memory stays bounded by the block size. It also keeps
the last few blocks, with the physical line count and quote parity at each
block start (for a regular file, counted only when needed: :meth:`counted`):
when pyarrow rejects a block, :mod:`olistctl.ingest.locate` re-reads them to
name the exact line (pyarrow's errors carry no position).

Any object with ``read(n)`` works as the source (a botocore StreamingBody has
nothing else); each ``read`` returns a full block unless the source has ended,
so block boundaries do not depend on how the source chunks its data.
"""

from __future__ import annotations

import dataclasses
import io
import os
import stat
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pyarrow as pa

from olistctl.ingest.memory import arrow_pool

# Blocks pyarrow may read beyond the batches it has handed out. pyarrow needs
# one block per batch (a record may straddle two); 4 leaves room for its open.
READAHEAD_BLOCKS = 4
# Blocks kept for error location, counted back from the batches consumed: the
# failing batch's block, the ones before it (its first record may start there),
# and everything read ahead, however far a stalled read ran (see STALL_SECONDS).
WINDOW_BEHIND = 4
# How long the consumer may wait inside pyarrow before a held read is let
# through anyway (parsing one block takes milliseconds).
STALL_SECONDS = 0.05
_NEWLINE, _QUOTE = ord("\n"), ord('"')


class SourceAborted(OSError):
    """Raised into pyarrow's reads once the conversion has been cancelled."""


@dataclass(frozen=True)
class Chunk:
    """One block as handed to pyarrow, with where it sits in the file."""

    index: int
    offset: int  # bytes before it
    lines_before: int  # newlines before it (0 until counted(), for a regular file)
    quotes_before: int  # double quotes before it (odd: the block starts inside a quoted value)
    data: pa.Buffer  # bytes-like


class ByteSource(Protocol):
    """What a CSV is read from: a file, a botocore StreamingBody, the Lambda's hashing reader."""

    def read(self, n: int = -1, /) -> bytes: ...


def _count(data: Any) -> tuple[int, int]:
    """Newlines and double quotes in ``data``."""
    # NumPy counts ~5x faster than bytes.count, which cost 1 s per GB here.
    view = np.frombuffer(data, dtype=np.uint8)
    return int(np.count_nonzero(view == _NEWLINE)), int(np.count_nonzero(view == _QUOTE))


def _regular_file(raw: ByteSource) -> tuple[int, int] | None:
    """A regular file's descriptor and the position reading starts at, else None.

    Such a file can be read again by position; a stream cannot.
    """
    try:
        fd = raw.fileno()  # type: ignore[attr-defined]
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return fd, int(raw.tell())  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None


class SourceStream(io.RawIOBase):
    def __init__(
        self,
        raw: ByteSource,
        *,
        block_size: int,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__()
        self._raw = raw
        # A regular file's lines and quotes are counted only if an error needs them
        # (read again up to the failing block: 0.28 s of CPU per GB saved on every good
        # file); a stream (S3, a pipe) cannot be read again, so its blocks are counted
        # as they pass.
        self._file = _regular_file(raw)
        self.block_size = block_size
        self._progress = progress
        self.bytes_in = 0  # bytes pulled from the source so far
        # Peeked bytes, replayed before the rest: a pyarrow Buffer, b"" once used up.
        self._prefix: Any = b""
        self._eof = False
        # Bookkeeping of the blocks handed out.
        self._offset = 0
        self._lines = 0
        self._quotes = 0
        self._reads = 0
        self.window: deque[Chunk] = deque()
        # Throttle: reads may run READAHEAD_BLOCKS ahead of the batches consumed.
        self._consumed = 0
        self._waiting_since: float | None = None  # the consumer waits inside pyarrow since
        self._held = False  # a read waits for the consumer (only pyarrow's I/O thread reads)
        self.max_ahead = 0  # the most blocks read beyond those consumed (for tests)
        self._aborted = False
        self._cond = threading.Condition()

    # -- the source side ----------------------------------------------------

    def _pull(self, n: int) -> pa.Buffer:
        """Up to ``n`` bytes from the source (fewer only at its end), in a pool buffer."""
        buf = pa.allocate_buffer(n, memory_pool=arrow_pool(), resizable=True)
        got = 0
        readinto = getattr(self._raw, "readinto", None)
        with memoryview(buf) as exported, exported.cast("B") as view:
            while got < n and not self._eof:
                if readinto is not None:
                    k = readinto(view[got:])
                else:  # a StreamingBody has read() only
                    data = self._raw.read(n - got)
                    k = len(data)
                    view[got : got + k] = data
                if not k:
                    self._eof = True
                    break
                got += k
                self.bytes_in += k
                if self._progress is not None:
                    self._progress(k)
        buf.resize(got)
        return buf

    def peek(self, n: int) -> tuple[bytes, bool]:
        """The first ``n`` bytes (replayed to pyarrow later), and whether that is all there is.

        Only once, before the first read.
        """
        assert self._reads == 0 and not self._prefix, "peek() before any read"
        self._prefix = self._pull(n)
        return self._prefix.to_pybytes(), self._eof

    def drain(self) -> None:
        """Read the rest of the source (so ``bytes_in`` is its full size)."""
        while not self._eof and self._pull(self.block_size).size:
            pass

    # -- the pyarrow side ---------------------------------------------------

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def read(self, n: int = -1) -> pa.Buffer:  # bytes-like
        if n is None or n < 0:
            n = self.block_size
        with self._cond:
            while not (self._aborted or self._reads <= self._consumed + READAHEAD_BLOCKS):
                # The consumer may be waiting for pyarrow, which normally has the block it
                # needs. If it stays stuck, pyarrow wants this read first (on an error it
                # finishes its pending reads before raising it): let the read through.
                # The consumer does not wake this thread to say it waits (that cost a
                # notification per batch, ~7 % of a conversion): the wait here is timed,
                # and looks again. A held read is released STALL_SECONDS to twice that
                # after the consumer began waiting; batch_done() wakes it at once.
                since = self._waiting_since
                left = STALL_SECONDS
                if since is not None:
                    left = since + STALL_SECONDS - time.monotonic()
                    if left <= 0:
                        break
                self._held = True
                self._cond.wait(left)
                self._held = False
            if self._aborted:
                raise SourceAborted("the conversion was cancelled")
            self.max_ahead = max(self.max_ahead, self._reads + 1 - self._consumed)
        if len(self._prefix) >= n:
            data = self._prefix.slice(0, n)
            self._prefix = self._prefix.slice(n)
        elif self._prefix:  # the end of the peeked bytes, topped up from the source
            data = pa.py_buffer(self._prefix.to_pybytes() + self._pull(n - len(self._prefix)))
            self._prefix = b""
        else:
            data = self._pull(n)
        if data:
            self.window.append(Chunk(self._reads, self._offset, self._lines, self._quotes, data))
            # Evict by what was consumed, not by count: under load a released read can run
            # ahead of the throttle, and a count would drop the block pyarrow fails on.
            while self.window[0].index < self._consumed - WINDOW_BEHIND:
                self.window.popleft()
            self._offset += len(data)
            if self._file is None:
                lines, quotes = _count(data)
                self._lines += lines
                self._quotes += quotes
            self._reads += 1
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def waiting(self, flag: bool) -> None:
        """The consumer enters (True) or leaves (False) pyarrow's wait for the next batch."""
        # A plain assignment (atomic): a held read looks at it when its timed wait ends.
        self._waiting_since = time.monotonic() if flag else None

    def batch_done(self) -> None:
        """One more batch handed out: pyarrow may read one more block."""
        with self._cond:
            self._consumed += 1
            if self._held:
                self._cond.notify()

    def abort(self) -> None:
        """Release (and fail) any read pyarrow's I/O thread is waiting in."""
        with self._cond:
            self._aborted = True
            self._cond.notify_all()

    def counted(self, chunks: list[Chunk]) -> list[Chunk]:
        """Consecutive chunks of the window with their line and quote counts.

        For a regular file, counted now: the bytes before the first chunk are
        read again by position (the file object's own position is left alone).
        """
        if self._file is None or not chunks:
            return chunks
        fd, base = self._file
        lines = quotes = 0
        at, end = 0, chunks[0].offset
        while at < end:
            data = os.pread(fd, min(self.block_size, end - at), base + at)
            if not data:
                break
            n, q = _count(data)
            lines, quotes, at = lines + n, quotes + q, at + len(data)
        out = []
        for chunk in chunks:
            out.append(dataclasses.replace(chunk, lines_before=lines, quotes_before=quotes))
            n, q = _count(chunk.data)
            lines, quotes = lines + n, quotes + q
        return out

    @property
    def batches_done(self) -> int:
        return self._consumed

    @property
    def at_eof(self) -> bool:
        return self._eof and not self._prefix
