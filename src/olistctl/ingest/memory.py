"""Where the transform's big buffers come from, so that freed memory goes back to the OS.

A conversion allocates and frees read blocks, row groups and key blocks of
up to tens of MB from three threads. With the default allocators the freed
memory stays in the process (glibc raises its mmap threshold after the first
large free; mimalloc delays purging), ~50 MB of extra peak RSS on a 1 GB file.
jemalloc returning dirty pages after 50 ms keeps that away; 0 ms did too but
cost 1-2 s of page faults per GB (measured on a 1 GB orders CSV: sys time
1.1 s at 50 ms, 2.2-3.4 s at 0 ms; peak RSS 251 MB vs 233 MB; 1 s: 285-300 MB).
jemalloc is used by nothing else in the process, so its decay is ours to set.
"""

from __future__ import annotations

import functools

import numpy as np
import pyarrow as pa

DECAY_MS = 50


@functools.cache
def arrow_pool() -> pa.MemoryPool:
    """jemalloc returning freed pages quickly, or pyarrow's default pool without it."""
    try:
        pool = pa.jemalloc_memory_pool()
        pa.jemalloc_set_decay_ms(DECAY_MS)
    except (NotImplementedError, pa.ArrowNotImplementedError):
        return pa.default_memory_pool()
    return pool


def empty_u64(n: int) -> np.ndarray:
    """An uninitialised uint64 array whose memory comes from :func:`arrow_pool`."""
    buf = pa.allocate_buffer(max(n, 1) * 8, memory_pool=arrow_pool())
    return np.frombuffer(buf, dtype=np.uint64)[:n]
