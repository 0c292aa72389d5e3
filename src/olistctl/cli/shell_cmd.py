"""An interactive SQL shell: Athena SQL with completion, history and Ctrl-C that cancels.

End a statement with `;` (Enter before it continues on a new line). Tab
completes SQL keywords, tables, columns, shipped queries and the shell's
commands: `\\d` lists the tables and `\\d TABLE` describes one, `\\n` lists the
shipped queries and `\\n NAME param=value …` runs one, `\\o FORMAT` switches
the output format, `\\timing` shows each statement's wall time, `\\q` (or
Ctrl-D) quits. Ctrl-C cancels the running query (on aws: StopQueryExecution)
and keeps the shell. History is kept in the workspace (`shell_history`,
local) or in your state folder (`~/.local/state/olistctl/`, aws).

Statements piped in (`olistctl shell -o csv < script.sql`) run without a prompt or
history, so stdout holds only their answers; the exit code is the first failed statement's.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from olistctl.cli.options import OutputOpt
from olistctl.cli.render import OutputFormat
from olistctl.cli.state import get_state

if TYPE_CHECKING:
    from prompt_toolkit.history import History

    from olistctl.backends.base import Backend
    from olistctl.cli.state import AppState

HISTORY_NAME = "shell_history"
DEFAULT_MAX_ROWS = 1000


def command(
    ctx: typer.Context,
    output: OutputOpt = OutputFormat.table,
    max_rows: Annotated[
        int,
        typer.Option("--max-rows", min=1, help="Show at most this many rows of a result."),
    ] = DEFAULT_MAX_ROWS,
) -> int:
    from olistctl.cli.shell import Shell
    from olistctl.cli.summaries import query_stats

    state = get_state(ctx)
    backend = state.backend()
    script = not sys.stdin.isatty()  # statements piped in: stdout gets only the answers
    shell = Shell(
        backend,
        out=state.out,
        err=state.err,
        history=None if script else history_for(state, backend),
        stats=lambda result: query_stats(state, result),
        output_format=output,
        max_rows=max_rows,
    )
    return shell.run_script(sys.stdin) if script else shell.run()


def history_for(state: AppState, backend: Backend) -> History:
    """The backend's own ``shell_history`` (local: the workspace's, listed in its manifest),
    or the user's state folder's."""
    from prompt_toolkit.history import InMemoryHistory

    kept = backend.own_file(HISTORY_NAME)
    if kept is not None:
        if kept.path is None:
            return InMemoryHistory()
        return _claimed_history(kept.path, kept.claim, state)
    from olistctl.user_secret import state_folder

    folder = state_folder()
    if folder is None:
        state.info("The shell's history is not kept (no XDG_STATE_HOME and no home folder).")
        return InMemoryHistory()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        state.info(f"The shell's history is not kept ({folder}: {exc.strerror}).")
        return InMemoryHistory()
    return _claimed_history(folder / HISTORY_NAME, None, state)


def _claimed_history(path: Path, claim: Callable[[], None] | None, state: AppState) -> History:
    """A FileHistory that calls ``claim`` (listing its file as olistctl's) before first
    writing it.

    A history that cannot be written (a read-only workspace) keeps the session's
    statements in memory and says so once.
    """
    from prompt_toolkit.history import FileHistory

    from olistctl.errors import OlistError

    class ClaimedHistory(FileHistory):
        claimed = False
        broken = False

        def store_string(self, string: str) -> None:
            if self.broken:
                return
            try:
                if claim is not None and not self.claimed:
                    claim()
                self.claimed = True
                super().store_string(string)
            except (OSError, OlistError) as exc:
                # A link or a file of the user's in its place is refused by claim(): the
                # history is then kept in memory only, never written through it.
                self.broken = True
                reason = exc.message if isinstance(exc, OlistError) else exc.strerror
                state.info(f"The shell's history is not kept ({path}: {reason}).")

    return ClaimedHistory(str(path))
