"""A call on a thread of its own, waited for in a way a signal can interrupt.

The local engine runs a query's DuckDB work so (DuckDB checks for signals only
while the calling thread does part of the work: Ctrl-C must find the main
thread in Python), the shell runs each statement so (its prompt comes back
only once a cancelled query has ended), and the upload hashes half its files so
(a Ctrl-C stops it at once, never waiting for the other half). Python 3.11's
``Thread.join``, interrupted by a signal's exception, takes the running thread
for ended: here the waiter waits on an Event set when the call has ended, and a
thread that a signal kept from starting is never waited for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

_R = TypeVar("_R")

# How long a thread waiting on the call waits before it looks for a signal again.
WAIT_S = 0.1


class Worker(Generic[_R]):
    """``call()`` on a daemon thread; :meth:`result` gives its value or raises its error."""

    def __init__(self, call: Callable[[], _R], name: str) -> None:
        self._call = call
        self._outcome: dict[str, Any] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._work, name=name, daemon=True)

    def _work(self) -> None:
        try:
            self._outcome["result"] = self._call()
        except BaseException as exc:  # handed to the waiting thread
            self._outcome["error"] = exc
        finally:
            self.done.set()

    def start(self) -> None:
        self.thread.start()

    def wait(self, seconds: float) -> bool:
        """Whether the call ended within ``seconds`` (a timeout: a signal the kernel hands
        to another thread does not wake a wait without one)."""
        return self.done.wait(seconds)

    def wait_ended(self) -> None:
        """Wait until the call has ended, ``WAIT_S`` at a time: a signal's handler runs
        between two waits, so its ``KeyboardInterrupt`` stops this wait (not the call)."""
        while not self.done.wait(WAIT_S):
            pass

    @property
    def running(self) -> bool:
        """Started and not ended (``enumerate()`` holds a thread from its ``start()`` on)."""
        return not self.done.is_set() and self.thread in threading.enumerate()

    def result(self) -> _R:
        if "error" in self._outcome:
            raise self._outcome["error"]
        return self._outcome["result"]
