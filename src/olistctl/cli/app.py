"""The ``olistctl`` command: global options, the commands (loaded by name), and the error edge.

One seam keeps start-up fast: :data:`COMMANDS` names the module of each
command, and :class:`OlistGroup` imports a module only when its command runs
(or ``--help`` lists them all) — Click's lazy-group pattern, through Typer's
public ``typer.main.get_command``. Command modules import only typer and light
olistctl modules at the top; everything heavy (pyarrow, duckdb, boto3,
pandas) is imported inside the command.
"""

# No ``from __future__ import annotations``: typer reads the root command's ~20 option
# annotations at every start, and strings it evaluates twice (inspect and typing, ~1.5 ms).
import contextlib
import importlib
import os
import sys
import traceback
from collections.abc import Iterator, MutableMapping, Sequence
from typing import Annotated, Any, Literal, Protocol, runtime_checkable

import typer
import typer.core
import typer.main

from olistctl import __version__
from olistctl.cli import deferred_rich
from olistctl.cli.options import (
    CrawlerOpt,
    DatabaseOpt,
    FunctionNameOpt,
    ProcessedBucketOpt,
    RawBucketOpt,
    ResultsBucketOpt,
    StackOpt,
    WorkgroupOpt,
)
from olistctl.cli.plain_params import install as install_plain_params
from olistctl.cli.signals import stop_like_ctrl_c
from olistctl.cli.state import AppState, get_state
from olistctl.errors import ExitCode, Interrupted, OlistError, os_error

# Plain option values without typer's pydantic adapters (~0.1 s of every command).
install_plain_params()
# No rich Markdown or Traceback imported with typer's help, which uses neither (~35-50 ms).
deferred_rich.install()

EXIT_CODES_HELP = (
    "Exit codes: 0 ok · 1 operation failed · 2 usage or bad input · 3 configuration or"
    " credentials · 4 AWS service error · 5 timeout · 6 refused (guardrail or declined)"
    " · 130 interrupted (Ctrl-C) · 129/143 stopped by SIGHUP/SIGTERM."
)

_debug = bool(os.environ.get("OLISTCTL_DEBUG"))


def _error(message: str) -> None:
    """One plain line on stderr: no panel, colour only on a terminal and without NO_COLOR
    (https://no-color.org: set and not empty, no colour; rich's consoles do the same)."""
    if sys.stderr.isatty() and not os.environ.get("NO_COLOR"):
        sys.stderr.write(f"\x1b[31mError:\x1b[0m {message}\n")
    else:
        sys.stderr.write(f"Error: {message}\n")
    sys.stderr.flush()


def _sql_is_not_an_option(args: list[str]) -> list[str]:
    """SQL that starts with a ``--`` comment is an argument, not an option.

    An option name holds no whitespace; SQL beginning with a comment always does
    (``"-- why\nSELECT …"``). A leading newline keeps the SQL's meaning and lets
    the parser see it as the argument it is.
    """
    return [
        "\n" + arg
        if arg.startswith("-") and any(c.isspace() for c in arg.partition("=")[0])
        else arg
        for arg in args
    ]


# Each command, in the order --help lists them: its module, and whether the module holds
# one command (``command``, its docstring the help) or a group of them (a Typer ``app``).
COMMANDS: dict[str, tuple[str, Literal["command", "group"]]] = {
    "upload": ("olistctl.cli.upload_cmd", "command"),
    "transform": ("olistctl.cli.transform_cmd", "command"),
    "crawl": ("olistctl.cli.crawl_cmd", "command"),
    "query": ("olistctl.cli.query_cmd", "command"),
    "run": ("olistctl.cli.run_cmd", "command"),
    "sample": ("olistctl.cli.sample_cmd", "command"),
    "shell": ("olistctl.cli.shell_cmd", "command"),
    "status": ("olistctl.cli.status_cmd", "command"),
    "teardown": ("olistctl.cli.teardown_cmd", "command"),
    "report": ("olistctl.cli.report_cmd", "group"),
    "config": ("olistctl.cli.config_cmd", "group"),
}


def load_command(name: str) -> Any:
    """The Click command ``name``, built from its module (imported now) by Typer."""
    module_name, kind = COMMANDS[name]
    module = importlib.import_module(module_name)
    if kind == "group":
        group = typer.main.get_group(module.app)
        group.name = name  # the Typer has none: it is named where it is mounted
        for command in (group, *group.commands.values()):
            command.epilog = command.epilog or EXIT_CODES_HELP  # as every other command's
        return group
    single = typer.Typer(rich_markup_mode="rich", add_completion=False)
    single.command(name, help=module.__doc__, epilog=EXIT_CODES_HELP)(module.command)
    return typer.main.get_command(single)


def listed_command(name: str) -> Any:
    """What ``olistctl --help`` lists for ``name``: for a one-command module, a command
    holding only its name and help (the module's docstring, read from its source without
    importing the module or building the command, ~25 ms for all of them); the
    command itself for a group, or when the docstring cannot be read that way."""
    module_name, kind = COMMANDS[name]
    doc = _docstring(module_name) if kind == "command" else None
    if doc is None:
        return load_command(name)
    return typer.core.TyperCommand(name=name, help=doc)


def _docstring(module_name: str) -> str | None:
    """A module's docstring, from the first token of its source; None if it has none."""
    import ast
    import importlib.util
    import tokenize

    try:
        spec = importlib.util.find_spec(module_name)
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            return None
        with tokenize.open(spec.origin) as source:
            for token in tokenize.generate_tokens(source.readline):
                if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE):
                    continue
                if token.type != tokenize.STRING:
                    return None
                doc = ast.literal_eval(token.string)
                return doc if isinstance(doc, str) else None
    except (OSError, SyntaxError, ValueError, tokenize.TokenError, ImportError):
        return None
    return None


class _LazyCommands(MutableMapping[str, Any]):
    """The group's commands: every name known, each command built on first use.

    While the group's help is drawn (``listing``), a command not built yet is
    given as :func:`listed_command` and not kept.
    """

    def __init__(self) -> None:
        self._built: dict[str, Any] = {}
        self.listing = False

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            if name not in COMMANDS:
                raise KeyError(name)
            if self.listing:
                return listed_command(name)
            self._built[name] = load_command(name)
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter([*COMMANDS, *(n for n in self._built if n not in COMMANDS)])

    def __len__(self) -> int:
        return len(set(COMMANDS) | set(self._built))


@runtime_checkable
class _CommandLineError(Protocol):
    """Click's usage errors (a typo, a missing argument, a bad value): their public face."""

    exit_code: int

    def format_message(self) -> str: ...


@runtime_checkable
class _InContext(Protocol):
    """A usage error that knows the command it is about (Click's ``UsageError``)."""

    ctx: Any


@runtime_checkable
class _UnknownOption(Protocol):
    """Click's ``NoSuchOption``: the option as given."""

    option_name: str


class OlistGroup(typer.core.TyperGroup):
    """Loads each command when first asked for it; turns every failure into one sentence
    and its documented exit code."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _LazyCommands()

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return self.commands.get(cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        commands = self.commands
        if not isinstance(commands, _LazyCommands):
            return super().format_help(ctx, formatter)
        commands.listing = True
        try:
            return super().format_help(ctx, formatter)
        finally:
            commands.listing = False

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            # Typer would make Ctrl-C a silent exit 130: say what happened and what to do.
            # Every write is atomic (and the workspace locked), so running again is safe.
            raise Interrupted(
                "Interrupted",
                hint="run the same command again to finish (nothing half-written is kept)",
            ) from exc

    def main(  # type: ignore[override]  # Typer's own main takes more than it passes on
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        global _debug
        # Per invocation: a --debug of an earlier in-process call (tests, scripts) must not stick.
        _debug = bool(os.environ.get("OLISTCTL_DEBUG"))
        code: int = ExitCode.OK
        args = _sql_is_not_an_option(sys.argv[1:] if args is None else list(args))
        # SIGTERM and SIGHUP take Ctrl-C's path (the query is stopped, files in flight end).
        signals = contextlib.ExitStack()
        caught = signals.enter_context(stop_like_ctrl_c())
        try:
            rv = super().main(
                args=args,
                prog_name=prog_name or "olistctl",
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
            code = rv if isinstance(rv, int) and not isinstance(rv, bool) else 0
        except typer.Abort:
            if caught.signum is not None:  # a signal during a prompt
                _error(caught.explain("Interrupted; nothing was changed."))
                code = caught.exit_code
            else:
                _error("Aborted.")
                code = ExitCode.REFUSED
        except OlistError as exc:
            if _debug:
                traceback.print_exc()
            if isinstance(exc, Interrupted) and caught.signum is not None:
                _error(caught.explain(_sentence(str(exc))))
                code = caught.exit_code
            else:
                _error(_sentence(str(exc)))
                code = exc.exit_code
        except OSError as exc:
            # The system refused something no closer code expected (a full disk, a
            # read-only folder): one sentence with the fix, as for any other error.
            if _debug:
                traceback.print_exc()
            doing = f"using {exc.filename}" if exc.filename else "writing the output"
            error = os_error(exc, doing)
            _error(_sentence(str(error)))
            code = error.exit_code
        except Exception as exc:
            if isinstance(exc, _CommandLineError):
                # Typos and missing arguments: say what and how to get help. A group run
                # without its command (`olistctl`, `olistctl report`) has shown its help
                # already: rich help prints itself and leaves the message empty.
                if message := _usage_message(exc):
                    _error(message)
                code = ExitCode.USAGE
            elif _debug:  # the last line of defence: never a bare traceback
                traceback.print_exc()
                code = ExitCode.FAILED
            else:
                _error(
                    f"Unexpected {type(exc).__name__}: {exc}. This is a bug in olistctl;"
                    " run again with --debug for the traceback and report it."
                )
                code = ExitCode.FAILED
        finally:
            signals.close()
        if standalone_mode:
            sys.exit(code)
        return code


def _usage_message(exc: _CommandLineError) -> str:
    """Click's usage error as one sentence that points at the help of the command it is
    about (``olistctl report --help`` for ``olistctl report qualty``), as Click's own
    "Try '... --help'" does; empty when the help was shown instead."""
    message = exc.format_message().strip()
    if not message:
        return ""
    if type(exc).__name__ == "NoArgsIsHelpError":
        return message  # Click's plain help, when rich is not used
    ctx = exc.ctx if isinstance(exc, _InContext) else None
    path = ctx.command_path if ctx is not None else "olistctl"
    if misplaced := _global_option_after_command(exc, ctx):
        return misplaced
    # typer words a bad choice through pydantic, whose "Value error, " prefix says nothing.
    message = message.replace(": Value error, ", ": ")
    if message.endswith("?"):  # "Did you mean 'report'?"
        return f"{message} See `{path} --help`."
    return f"{message.rstrip('.')}; see `{path} --help`."


def _global_option_after_command(exc: object, ctx: Any) -> str | None:
    """For an option of olistctl itself given after the command (``olistctl run DATA
    --no-progress``), the sentence that says where it goes; None for any other error.

    Click reads an option where it is given, so the command refuses one it does not
    know, and suggests its own options that look alike (``--no-reuse``), which misleads.
    """
    if not isinstance(exc, _UnknownOption) or ctx is None or ctx.parent is None:
        return None
    name = exc.option_name
    root = ctx.find_root()
    for param in root.command.params:
        if isinstance(param, typer.core.TyperOption) and name in (
            *param.opts,
            *param.secondary_opts,
        ):
            value = "" if param.is_flag else f" {(param.name or '').upper()}"
            command = ctx.command_path.split(" ", 1)[-1]
            return (
                f"{name} is an option of olistctl itself, not of `{command}`: put it before"
                f" the command, as in `olistctl {name}{value} {command} …`."
            )
    return None


def _sentence(message: str) -> str:
    message = message.strip()
    return message if message.endswith((".", "?", "!")) else message + "."


app = typer.Typer(
    name="olistctl",
    cls=OlistGroup,
    help=(
        "Run the Olist e-commerce analytics pipeline: CSV → raw bucket → Parquet → "
        "catalog → SQL, on AWS (--backend aws) or on this machine (the default).\n\n"
        "Start with `olistctl run`: the whole pipeline on the bundled sample data."
    ),
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"olistctl {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    ctx: typer.Context,
    backend: Annotated[
        str | None,
        typer.Option(
            "--backend",
            "-b",
            help="Where the pipeline runs: local (default) or aws.",
            show_default=False,
        ),
    ] = None,
    workspace: Annotated[
        str | None,
        typer.Option(
            "--workspace", "-w", help="Local backend: the workspace folder.", show_default=False
        ),
    ] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="AWS named profile.")] = None,
    region: Annotated[str | None, typer.Option("--region", help="AWS region.")] = None,
    endpoint_url: Annotated[
        str | None,
        typer.Option("--endpoint-url", help="An AWS-compatible endpoint (moto, LocalStack)."),
    ] = None,
    config: Annotated[
        str | None,
        typer.Option(
            "--config", help="Settings file (default: ./olistctl.toml).", show_default=False
        ),
    ] = None,
    infra_dir: Annotated[
        str | None,
        typer.Option(
            "--infra-dir",
            help="aws backend: the stack's Terraform folder, whose outputs name its resources"
            " (default: ./infra).",
            show_default=False,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only data and errors.")] = False,
    no_progress: Annotated[
        bool, typer.Option("--no-progress", help="No progress bars or spinners.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    raw_bucket: RawBucketOpt = None,
    processed_bucket: ProcessedBucketOpt = None,
    results_bucket: ResultsBucketOpt = None,
    function_name: FunctionNameOpt = None,
    database: DatabaseOpt = None,
    crawler: CrawlerOpt = None,
    workgroup: WorkgroupOpt = None,
    stack: StackOpt = None,
) -> None:
    global _debug
    _debug = _debug or debug
    state = get_state(ctx)
    state.flags.update(
        backend=backend,
        workspace=workspace,
        profile=profile,
        region=region,
        endpoint_url=endpoint_url,
        infra_dir=infra_dir,
        raw_bucket=raw_bucket,
        processed_bucket=processed_bucket,
        results_bucket=results_bucket,
        function_name=function_name,
        database=database,
        crawler=crawler,
        workgroup=workgroup,
        stack=stack,
    )
    state.config_path = config
    state.debug = _debug
    state.quiet = quiet
    state.show_progress = not no_progress
    ctx.call_on_close(state.close)


def main() -> None:
    app()


__all__ = ["AppState", "app", "main"]
