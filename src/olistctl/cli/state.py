"""What the global options set up for every command: settings, backend, consoles."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from olistctl.backends.base import Backend
    from olistctl.cli.render import OutputFormat, PlainOut
    from olistctl.settings import Settings


@dataclass
class AppState:
    flags: dict[str, str | None] = field(default_factory=dict)
    config_path: str | None = None
    debug: bool = False
    quiet: bool = False
    show_progress: bool = True
    _settings: Settings | None = None
    _backend: Backend | None = None
    _err: Console | None = None
    _out: Console | None = None

    def settings(self) -> Settings:
        if self._settings is None:
            from olistctl.settings import load_settings

            self._settings = load_settings(self.flags, config_path=self.config_path)
        return self._settings

    def backend(self) -> Backend:
        if self._backend is None:
            from olistctl.backends import open_backend

            self._backend = open_backend(self.settings(), on_wait=self.info)
        return self._backend

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None

    @property
    def err(self) -> Console:
        """Diagnostics, progress and stats: stderr, so stdout stays clean for data."""
        if self._err is None:
            from rich.console import Console

            # Off a terminal a diagnostic stays on one line (grep-able), like the errors.
            width = None if sys.stderr.isatty() else 200
            self._err = Console(
                stderr=True,
                highlight=False,
                quiet=self.quiet,
                width=width,
                soft_wrap=width is not None,
            )
        return self._err

    @property
    def err_width(self) -> int:
        """The stderr console's width, without making it (and importing rich) off a terminal."""
        if self._err is None and not sys.stderr.isatty():
            return 200  # what :attr:`err` is given off a terminal
        return self.err.width

    @property
    def out(self) -> Console:
        if self._out is None:
            from rich.console import Console

            # Piped output is not cut to 80 columns.
            width = None if sys.stdout.isatty() else 200
            self._out = Console(highlight=False, width=width, soft_wrap=False)
        return self._out

    def data_out(self, fmt: OutputFormat) -> Console | PlainOut:
        """Where rows in ``fmt`` go: the rich Console for a table, stdout itself for the
        machine formats (no rich imported for them)."""
        from olistctl.cli.render import OutputFormat, PlainOut

        return self.out if fmt is OutputFormat.table else PlainOut()

    def info(self, message: Any) -> None:
        """A line for the human (stderr), silenced by --quiet."""
        if self.quiet:
            return
        if self._err is None and _prints_as_is(message) and not sys.stderr.isatty():
            # What rich writes for it off a terminal, without importing rich (~30 ms).
            sys.stderr.write(message + "\n")
            sys.stderr.flush()
            return
        self.err.print(message)

    def progress(self):
        if not self.show_progress or self.quiet:
            from olistctl.pipeline import NoProgress

            return NoProgress()  # nothing to draw: no rich to import (~20 ms)
        from olistctl.cli.progress import RichProgress

        return RichProgress(self.err, enabled=self.err.is_terminal)


def _prints_as_is(message: Any) -> bool:
    """Whether rich prints ``message`` unchanged off a terminal (width 200, soft wrap, no
    highlighting): one printable line with no markup (``[``), emoji code (``:``) or tab."""
    return (
        isinstance(message, str)
        and message.isprintable()
        and "[" not in message
        and ":" not in message
        and len(message) <= 200
    )


def get_state(ctx: typer.Context) -> AppState:
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        root.obj = AppState()
    return root.obj
