"""The interactive SQL shell behind ``olistctl shell`` (prompt_toolkit).

One process for the whole session, so the imports, the backend and (locally)
the workspace's transpile cache are paid for once: a cached query answers in
the time DuckDB takes. A statement ends with ``;`` outside quotes and comments
(Enter before it starts a new line; several on a line run in turn); a line
starting with ``\\`` is a shell command (:data:`COMMANDS`).

Each query runs in a worker thread while the main thread waits, so Ctrl-C
always reaches the shell: it calls the engine's ``cancel()`` (DuckDB's
interrupt locally, Athena's StopQueryExecution on aws) until the query ends,
says so, and the prompt comes back. Ctrl-C at the prompt clears the line;
Ctrl-D (or ``\\q``) quits with exit code 0. SIGTERM and SIGHUP cancel the
query and end the shell, as they end any command.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from olistctl.cli.render import OutputFormat, emit
from olistctl.cli.shell_complete import COMMANDS
from olistctl.cli.signals import Terminated
from olistctl.errors import ExitCode, OlistError, UsageError
from olistctl.worker import Worker

if TYPE_CHECKING:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import History
    from rich.console import Console

    from olistctl.backends.base import Backend
    from olistctl.records import QueryResult

PROMPT = "olist> "
CONTINUATION = "  ...> "
# A query still running after this long gets a line saying Ctrl-C cancels it.
RUNNING_NOTICE_S = 0.3
# How often Ctrl-C's cancel is repeated while the query has not ended (a query still
# being prepared has nothing to cancel yet).
CANCEL_EVERY_S = 0.2
RUNNING = "Running… (Ctrl-C cancels)"
CANCELLED = "Query cancelled."


@dataclass(frozen=True)
class Command:
    """A ``\\`` line: its name and arguments (shell-quoted, like a command line)."""

    name: str
    args: list[str] = field(default_factory=list)


def parse_command(line: str) -> Command:
    """``\\d olist_orders_dataset`` -> Command("\\d", ["olist_orders_dataset"])."""
    name, *rest_list = line.strip().split(None, 1)
    rest = rest_list[0] if rest_list else ""
    if name not in COMMANDS:
        raise UsageError(f"Unknown command {name}", hint="\\? lists the commands")
    try:
        args = shlex.split(rest)
    except ValueError as exc:
        raise UsageError(
            f"Cannot read the arguments of {name} ({exc})", hint="close the quote"
        ) from None
    return Command(name, args)


def split_statements(text: str) -> tuple[list[str], str]:
    """The statements ``text`` ends (each up to its ``;``) and what follows the last one.

    A ``;`` ends a statement only where Trino's lexer reads it as one: not in quotes or a
    comment (``sql/comments.py``), nor after a ``/*`` still open (a comment being typed).
    """
    from olistctl.sql.comments import segments

    ends: list[int] = []
    for kind, start, stop in segments(text):
        if kind != "code":
            continue
        code = text[start:stop]
        opened = code.find("/*")  # no */ after it (segments made it code): all is comment
        ends += [
            start + i for i, c in enumerate(code[: opened if opened >= 0 else None]) if c == ";"
        ]
        if opened >= 0:
            break
    statements, at = [], 0
    for end in ends:
        statements.append(text[at : end + 1])
        at = end + 1
    return statements, text[at:]


def _blank(text: str) -> bool:
    """Whether ``text`` holds nothing but spaces, comments and ``;``."""
    from olistctl.sql.comments import blank_comments

    return not blank_comments(text).replace(";", " ").strip()


def statement_complete(text: str) -> bool:
    """Whether Enter runs ``text``: a command line, an empty line, or SQL whose last
    statement has its ``;`` (a comment may follow it)."""
    stripped = text.strip()
    if not stripped or stripped.startswith("\\"):
        return True
    statements, rest = split_statements(text)
    return bool(statements) and _blank(rest)


class Shell:
    def __init__(
        self,
        backend: Backend,
        *,
        out: Console,
        err: Console,
        history: History | None = None,
        stats: Callable[[QueryResult], str] | None = None,
        output_format: OutputFormat = OutputFormat.table,
        max_rows: int | None = 1000,
        input: Any = None,
        output: Any = None,
    ) -> None:
        self.backend = backend
        self.out = out
        self.err = err
        self.history = history
        self.stats = stats
        self.format = output_format
        self.max_rows = max_rows
        self.timing = False
        self._input = input
        self._output = output
        self._session: PromptSession[str] | None = None
        self.failed: ExitCode | None = None  # the first failed statement's exit code
        self.cancelled = False  # Ctrl-C stopped a query

    # -- the loop ---------------------------------------------------------------------

    def session(self) -> PromptSession[str]:
        """The prompt_toolkit session: multi-line until ``;``, completion, history."""
        if self._session is None:
            from prompt_toolkit import PromptSession
            from prompt_toolkit.filters import Condition
            from prompt_toolkit.history import InMemoryHistory

            from olistctl.cli.shell_complete import ShellCompleter
            from olistctl.sql.named import list_queries

            session: PromptSession[str]
            self._session = session = PromptSession(
                message=PROMPT,
                multiline=Condition(lambda: not statement_complete(session.default_buffer.text)),
                prompt_continuation=lambda width, line, wrap: CONTINUATION,
                history=self.history or InMemoryHistory(),
                completer=ShellCompleter(
                    self._catalog(),
                    [q.name for q in list_queries()],
                    [f.value for f in OutputFormat],
                ),
                complete_while_typing=True,
                input=self._input,
                output=self._output,
            )
        return self._session

    def run(self) -> int:
        """Read and run statements until ``\\q`` or Ctrl-D; the exit code (0)."""
        session = self.session()
        self.err.print(
            "olistctl shell: end a statement with ;  \\? for help, \\q or Ctrl-D to quit"
        )
        while True:
            try:
                text = session.prompt()
            except KeyboardInterrupt as exc:
                if isinstance(exc, Terminated):
                    raise
                continue  # Ctrl-C at the prompt: a fresh line
            except EOFError:
                return 0
            try:
                if not self.handle(text):
                    return 0
            except KeyboardInterrupt as exc:
                if isinstance(exc, Terminated):
                    raise
                # Ctrl-C while a result was being printed: stop printing, keep the shell.
                self.err.print(CANCELLED, markup=False)

    def run_script(self, lines: Iterable[str]) -> int:
        """Statements from a pipe or a file (stdin is not a terminal): no prompt, banner or
        history, so stdout holds only the answers; each statement runs once its ``;`` is
        read, and one left without it at the end runs too. An error is shown and the next
        statement runs, as at the prompt; the exit code is the first failure's (0 if none),
        so a script's caller sees it. Ctrl-C cancels the query and ends the script."""
        from olistctl.errors import Interrupted

        buffer: list[str] = []
        for line in lines:
            buffer.append(line.rstrip("\r\n"))
            text = "\n".join(buffer)
            if not statement_complete(text):
                continue
            buffer = []
            if not self.handle(text):
                break
            if self.cancelled:
                raise Interrupted(
                    "The query was cancelled", hint="the statements after it did not run"
                )
        else:
            if buffer:
                self.handle("\n".join(buffer))
        return int(self.failed or ExitCode.OK)

    def handle(self, text: str) -> bool:
        """Run one line or statement; False when the shell should end."""
        text = text.strip()
        if not text:
            return True
        if text.startswith("\\"):
            try:
                return self.command(parse_command(text))
            except OlistError as exc:
                self._error(exc)
                return True
        statements, rest = split_statements(text)
        # Each statement in turn, as at the prompt (the last may lack its ;); a Ctrl-C
        # that cancels one stops the rest of the text.
        self.cancelled = False
        for statement in [*statements, rest]:
            if self.cancelled:
                break
            if _blank(statement):
                continue
            try:
                self.sql(statement)
            except OlistError as exc:
                self._error(exc)
        return True

    def _error(self, exc: OlistError) -> None:
        # One sentence, as the CLI's edge writes it (olistctl.cli.app._sentence).
        message = str(exc).strip()
        message += "" if message.endswith((".", "?", "!")) else "."
        self.err.print(f"[red]Error:[/red] {message}", markup=True, highlight=False)
        self.failed = self.failed or exc.exit_code

    # -- commands --------------------------------------------------------------------

    def command(self, command: Command) -> bool:
        name, args = command.name, command.args
        if name == "\\q":
            return False
        if name == "\\?":
            for key, what in COMMANDS.items():
                self.err.print(f"  {key:<8} {what}", markup=False)
        elif name == "\\timing":
            self.timing = _switch(args, self.timing, "\\timing")
            self.err.print(f"Timing is {'on' if self.timing else 'off'}.")
        elif name == "\\o":
            self.format = _format(args, self.format)
            self.err.print(f"Output format is {self.format.value}.")
        elif name == "\\d":
            if len(args) > 1:
                raise UsageError(
                    "\\d takes at most one table", hint="e.g. \\d olist_orders_dataset"
                )
            self.sql(f"DESCRIBE {_table_name(args[0])}" if args else "SHOW TABLES")
        elif name == "\\n":
            self.named(args)
        return True

    def named(self, args: list[str]) -> None:
        from olistctl.cli.query_cmd import cli_params
        from olistctl.sql.named import get_query, list_queries

        if not args:
            rows = [
                (q.name, ", ".join(p.describe() for p in q.params), q.description)
                for q in list_queries()
            ]
            emit(self.out, ["name", "parameters", "description"], rows, self.format)
            return
        try:
            query = get_query(args[0])
        except KeyError:
            raise UsageError(
                f"There is no query named {args[0]!r}", hint="\\n lists them"
            ) from None
        self.sql(query.sql, cli_params(args[1:], query))

    # -- queries ---------------------------------------------------------------------

    def sql(self, statement: str, params: list | None = None) -> None:
        from olistctl import querying

        statement = statement.strip().removesuffix(";").rstrip()
        started = time.perf_counter()
        result = self._interruptible(
            lambda: querying.query(
                self.backend, statement, params=params or (), max_rows=self.max_rows
            )
        )
        if result is None:
            return
        emit(self.out, result.columns, result.rows, self.format)
        if self.stats is not None:
            self.err.print(self.stats(result), markup=False, highlight=False)
        for note in result.notes:
            self.err.print(note, markup=False, highlight=False)
        if self.timing:
            self.err.print(f"Time: {(time.perf_counter() - started) * 1000:.1f} ms")

    def _interruptible(self, run: Callable[[], QueryResult]) -> QueryResult | None:
        """``run()`` in a worker thread; Ctrl-C cancels it and returns None."""
        # Waited on through an Event (olistctl.worker): the prompt comes back only once a
        # cancelled query has ended.
        work = Worker(run, "olistctl-shell-query")
        noticed = cancelled = launched = False
        terminated: Terminated | None = None
        started = time.monotonic()
        while True:
            try:
                # Started inside the try, so a Ctrl-C at any moment is the shell's to handle.
                if not launched:
                    launched = True
                    work.start()
                    continue
                if not work.running:
                    break
                if cancelled:
                    self.backend.engine.cancel()
                    work.wait(CANCEL_EVERY_S)
                    continue
                ended = work.wait(0.05)
                running_s = time.monotonic() - started
                if not noticed and not ended and running_s > RUNNING_NOTICE_S:
                    noticed = True
                    self.err.print(RUNNING, markup=False)
            except KeyboardInterrupt as exc:
                cancelled = True
                self.backend.engine.cancel()
                if isinstance(exc, Terminated) and terminated is None:
                    terminated = exc  # ends the shell once the query has stopped
        if terminated is not None:
            raise terminated
        if cancelled:
            self.cancelled = True
            self.err.print(CANCELLED, markup=False)
            return None
        return work.result()

    def _catalog(self) -> dict[str, list[str]]:
        try:
            tables = self.backend.catalog.tables()
        except OlistError:
            return {}
        return {t.name.lower(): [c.name for c in t.columns] for t in tables}


def _switch(args: list[str], current: bool, name: str) -> bool:
    if not args:
        return not current
    if args[0].lower() in ("on", "off") and len(args) == 1:
        return args[0].lower() == "on"
    raise UsageError(f"{name} takes on or off", hint=f"e.g. {name} on")


def _format(args: list[str], current: OutputFormat) -> OutputFormat:
    names = ", ".join(f.value for f in OutputFormat)
    if len(args) != 1:
        raise UsageError(f"\\o takes one format (it is {current.value})", hint=f"one of {names}")
    try:
        return OutputFormat(args[0].lower())
    except ValueError:
        raise UsageError(f"Unknown output format {args[0]!r}", hint=f"one of {names}") from None


def _table_name(name: str) -> str:
    import re

    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name):
        raise UsageError(f"{name!r} is not a table name", hint="\\d lists the tables")
    return name
