"""SIGTERM and SIGHUP stop a command the way Ctrl-C does.

``timeout``, CI runners and container stops send SIGTERM; a closed terminal
sends SIGHUP. Python's default for both is to die on the spot: an Athena
query would run on (and bill) unwatched, and a conversion in flight would be
cut off. Raising a :class:`KeyboardInterrupt` instead sends both down the one
path Ctrl-C already takes (stop the Athena query, let the files in flight
finish or drop them, write the ledger), and the command then exits with
128 + the signal's number, as a shell reports a process that signal stopped.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass

# SIGHUP does not exist on Windows.
SIGNALS: tuple[signal.Signals, ...] = tuple(
    s for name in ("SIGTERM", "SIGHUP") if (s := signal.Signals.__members__.get(name))
)


class Terminated(KeyboardInterrupt):
    """Raised in the main thread by SIGTERM or SIGHUP; everything that handles Ctrl-C handles it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@dataclass
class Caught:
    """The first termination signal a command received, if any."""

    signum: int | None = None

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name if self.signum is not None else ""

    @property
    def exit_code(self) -> int:
        assert self.signum is not None
        return 128 + self.signum

    def explain(self, sentence: str) -> str:
        """The interruption's sentence, naming the signal that caused it.

        The generic "Interrupted…" becomes "Stopped by SIGTERM…". Any other reason is a
        sentence of its own, kept as written after one naming the signal: its first word
        may be a name ("Athena query … was cancelled") or not ("The query was cancelled"),
        so lower-casing it to join the two would be wrong for some.
        """
        generic = "Interrupted"
        if sentence.startswith(generic):
            return f"Stopped by {self.name}{sentence[len(generic) :]}"
        return f"Stopped by {self.name}. {sentence}"


@contextlib.contextmanager
def stop_like_ctrl_c() -> Iterator[Caught]:
    """While inside, SIGTERM and SIGHUP raise :class:`Terminated`; the old handlers come back after.

    Only the main thread may set signal handlers (and Python runs them only
    there); called from another thread this does nothing.
    """
    caught = Caught()
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return

    def handler(signum: int, frame: object) -> None:
        if caught.signum is None:
            caught.signum = signum
        raise Terminated(signum)

    previous = {s: signal.signal(s, handler) for s in SIGNALS}
    try:
        yield caught
    finally:
        for s, old in previous.items():
            signal.signal(s, old)
