"""Worker.wait_ended: a signal stops the wait while the call runs on, whichever thread the
kernel handed the signal to."""

from __future__ import annotations

import signal
import sys
import threading

import pytest

from olistctl.worker import Worker


def _in_wait_ended(thread: threading.Thread) -> bool:
    """Whether ``thread`` is inside ``Worker.wait_ended`` now."""
    frame = sys._current_frames().get(thread.ident or -1)
    while frame is not None:
        if frame.f_code is Worker.wait_ended.__code__:
            return True
        frame = frame.f_back
    return False


def test_a_signal_handed_to_the_calls_thread_stops_the_wait_not_the_call():
    """Python runs a signal's handler on the main thread only, when that thread next runs
    Python code: a signal the kernel hands to another thread does not wake a wait with no
    timeout, and the waiter would sit until the call ended (here: until ``release``)."""
    release = threading.Event()
    main = threading.main_thread()

    def call() -> str:
        while not release.is_set() and not _in_wait_ended(main):
            release.wait(0.001)  # until the main thread waits: no signal reaches it earlier
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)  # to this thread only
        release.wait(30)
        return "ended"

    assert threading.current_thread() is main
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    work = Worker(call, "olistctl-test")
    try:
        with pytest.raises(KeyboardInterrupt):
            work.start()
            work.wait_ended()
        assert work.running  # the wait was stopped, the call was not
    finally:
        release.set()
        signal.signal(signal.SIGINT, previous)
    work.wait_ended()
    assert not work.running
    assert work.result() == "ended"


def test_the_calls_error_comes_back_once_it_has_ended():
    def call() -> None:
        raise PermissionError(13, "Permission denied", "f.csv")

    work = Worker(call, "olistctl-test")
    work.start()
    work.wait_ended()
    with pytest.raises(PermissionError) as caught:
        work.result()
    assert caught.value.filename == "f.csv"
