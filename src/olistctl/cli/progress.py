"""Progress bars and spinners on stderr, drawn only on a terminal."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


class RichProgress:
    """A :class:`olistctl.pipeline.ProgressSink` drawn with rich; a no-op when disabled."""

    def __init__(self, console: Console, *, enabled: bool) -> None:
        self.console = console
        self.enabled = enabled
        self._progress: Progress | None = None
        self._status_task: TaskID | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> RichProgress:
        if self.enabled:
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
                TransferSpeedColumn,
            )

            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def task(self, description: str, total: int | None) -> Callable[[int], None]:
        if self._progress is None:
            return lambda n: None
        task_id = self._progress.add_task(description, total=total)
        progress = self._progress

        def advance(n: int) -> None:
            with self._lock:
                progress.advance(task_id, n)

        return advance

    def note(self, message: str) -> None:
        """Show ``message`` beside a spinner (waiting on a crawler, a query…)."""
        if self._progress is None:
            return
        with self._lock:
            if self._status_task is None:
                self._status_task = self._progress.add_task(message, total=None)
            else:
                self._progress.update(self._status_task, description=message)
