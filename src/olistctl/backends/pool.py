"""Converting many raw objects at once: the thread pool both backends' runners share."""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from olistctl.records import ProgressCallback, TransformOutcome

ConvertOne = Callable[[str, ProgressCallback], TransformOutcome]


def convert_in_pool(
    raw_keys: Sequence[str],
    sizes: Mapping[str, int],
    convert_one: ConvertOne,
    *,
    concurrency: int,
    progress: ProgressCallback | None,
    finished: list[TransformOutcome] | None = None,
) -> Generator[TransformOutcome, None, None]:
    """Yield ``convert_one(key, report)`` for every key as each finishes, biggest file first.

    Biggest first, so the long pole starts early. ``report`` is thread-safe. Each
    outcome is also appended to ``finished`` (if given) by the thread that made it,
    so the caller learns of conversions that end after it stopped iterating.
    """
    lock = threading.Lock()

    def report(n: int) -> None:
        if progress is not None:
            with lock:
                progress(n)

    def run(key: str) -> TransformOutcome:
        outcome = convert_one(key, report)
        if finished is not None:
            with lock:
                finished.append(outcome)
        return outcome

    order = sorted(raw_keys, key=lambda k: -sizes.get(k, 0))
    pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="transform")
    pending: set[Future[TransformOutcome]] = set()
    try:
        pending = {pool.submit(run, key) for key in order}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
    finally:
        # On Ctrl-C or a fatal error: drop what has not started. What is running
        # finishes into a temporary name (local) or its own key (aws), so nothing
        # half-written is ever visible.
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
