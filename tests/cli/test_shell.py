"""``olistctl shell`` without a terminal: its command parsing, completion and loop, driven
through prompt_toolkit's pipe input over the sample data's workspace, and Ctrl-C's cancel.
The same shell in a real terminal (tmux) is tests/cli/test_shell_tmux.py.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from lake import WS, frame
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from refused_query import error_line
from rich.console import Console

from olistctl.cli.render import OutputFormat
from olistctl.cli.shell import CANCELLED, Command, Shell, parse_command, statement_complete
from olistctl.cli.shell_complete import ShellCompleter
from olistctl.errors import ExitCode, UsageError

ENTER = "\r"


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("\\q", Command("\\q")),
        ("  \\d   olist_orders_dataset ", Command("\\d", ["olist_orders_dataset"])),
        (
            "\\n delivery_by_state state=SP 'since=2018-01-01'",
            Command("\\n", ["delivery_by_state", "state=SP", "since=2018-01-01"]),
        ),
        ("\\o\tcsv", Command("\\o", ["csv"])),
        ("\\timing", Command("\\timing")),
    ],
)  # fmt: skip
def test_parse_command(line, command):
    assert parse_command(line) == command


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("\\x", "Unknown command \\x: \\? lists the commands"),
        ("\\n q 'open", "Cannot read the arguments of \\n (No closing quotation): close the quote"),
    ],
)
def test_parse_command_refuses(line, message):
    with pytest.raises(UsageError) as caught:
        parse_command(line)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "complete"),
    [
        ("", True),
        ("SELECT 1", False),
        ("SELECT 1\nFROM t;", True),
        ("SELECT 1;  ", True),
        ("\\d", True),
        ("SELECT ';' AS semicolon", False),
        # A ; in quotes or a comment ends nothing (Trino's lexer: sql/comments.py) ...
        ("SELECT 'x;", False),
        ('SELECT 1 AS "a;', False),
        ("SELECT 1 -- no;", False),
        ("SELECT 1 /* no; */", False),
        ("SELECT 1 /* a comment being typed;", False),
        # ... and a comment after the ; does not hold the statement back.
        ("SELECT 1; -- first", True),
        ("SELECT 1; /* done */ ", True),
        ("SELECT 1; SELECT 2", False),
        ("SELECT 1; SELECT 2;", True),
    ],
)
def test_enter_runs_only_a_finished_statement(text, complete):
    assert statement_complete(text) is complete


def _completions(text: str) -> list[str]:
    completer = ShellCompleter(
        {
            "olist_orders_dataset": ["order_id", "order_status"],
            "olist_order_items_dataset": ["price"],
        },
        ["delivery_by_state", "nps"],
        [f.value for f in OutputFormat],
    )
    return [c.text for c in completer.get_completions(Document(text), None)]  # type: ignore[arg-type]


def test_completion():
    assert _completions("SELECT * FROM olist_orders_d") == ["olist_orders_dataset"]
    assert _completions("SELECT * FROM olist_order") == [
        "olist_order_items_dataset",
        "olist_orders_dataset",
    ]
    assert _completions("SELECT order_s") == ["order_status"]
    assert _completions("SELECT olist_orders_dataset.order_") == ["order_id", "order_status"]
    assert _completions("sel") == ["select"]  # keywords in the case typed
    assert _completions("SEL") == ["SELECT"]
    assert _completions("\\n deliv") == ["delivery_by_state"]
    assert _completions("\\d olist_order_i") == ["olist_order_items_dataset"]
    assert _completions("\\o js") == ["json", "jsonl"]
    assert _completions("\\ti") == ["\\timing"]


@pytest.fixture
def backend(lake, tmp_path, monkeypatch):
    from olistctl.backends import open_backend
    from olistctl.settings import load_settings

    lake("crawled")
    monkeypatch.chdir(tmp_path)
    opened = open_backend(load_settings({"workspace": WS}, env={}, cwd=tmp_path))
    yield opened
    opened.close()


def _run(backend, typed: str, **options) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(typed)
        shell = Shell(
            backend,
            out=Console(file=out, width=200),
            err=Console(file=err, width=200),
            input=pipe,
            output=DummyOutput(),
            **options,
        )
        code = shell.run()
    return code, out.getvalue(), err.getvalue()


def test_a_session_through_the_pipe(backend, sample_data):
    orders = frame(sample_data, "olist_orders_dataset")
    typed = ENTER.join(
        [
            "\\o csv",
            "SELECT order_status, COUNT(*) AS n",  # Enter continues the statement
            "FROM olist_orders_dataset GROUP BY 1 ORDER BY 1;",
            "\\n delivery_by_state state=SP",
            "\\d olist_orders_dataset",
            "\\timing on",
            "SELECT nope FROM olist_orders_dataset;",  # an error keeps the shell
            "\\q",
            "",
        ]
    )
    code, out, err = _run(backend, typed, stats=lambda result: f"[{len(result.rows)} rows]")
    assert code == 0
    counts = orders.groupby("order_status").size().sort_index()
    expected = "order_status,n\n" + "".join(f"{k},{v}\n" for k, v in counts.items())
    assert out.startswith(expected)
    assert "\nstate,delivered_orders," in out and "\nSP," in out
    assert "col_name,data_type,comment\norder_id,string,\n" in out
    assert "Output format is csv." in err and "Timing is on." in err
    assert "\nError: " in err and "nope" in err
    # The statistics line after each result.
    assert f"[{len(counts)} rows]" in err and err.count(" rows]") == 3


def test_ctrl_d_quits_and_ctrl_c_at_the_prompt_clears_the_line(backend):
    code, out, _ = _run(backend, "SELECT 1\x03\x04")
    assert (code, out) == (0, "")


def test_bad_commands_say_so_and_keep_the_shell(backend):
    typed = ENTER.join(["\\o xml", "\\timing maybe", "\\d a b", "\\n nope", "\\q", ""])
    code, _, err = _run(backend, typed)
    assert code == 0
    for message in (
        "Error: Unknown output format 'xml': one of table, csv, json, jsonl, markdown",
        "Error: \\timing takes on or off: e.g. \\timing on",
        "Error: \\d takes at most one table: e.g. \\d olist_orders_dataset",
        "Error: There is no query named 'nope': \\n lists them",
    ):
        assert message in err


# Run in a process of its own: a real SIGINT to pytest's own process would reach pytest's
# (and xdist's) handlers too.
_CTRL_C = r"""
import io, os, signal, sys, threading
# A background job starts with SIGINT ignored, and Python then installs no KeyboardInterrupt
# handler: restore what a terminal's foreground process has.
signal.signal(signal.SIGINT, signal.default_int_handler)
from types import SimpleNamespace
from rich.console import Console
from olistctl.cli.shell import Shell

class Engine:
    # Runs until cancelled: what a slow query looks like to the shell. The first cancel()
    # finds nothing to stop yet, as the local engine's does while a query is prepared.
    def __init__(self):
        self.started, self.stopped, self.cancels = threading.Event(), threading.Event(), 0
        self.ended = threading.Event()
    def execute(self, sql, *, params=(), max_rows=None):
        try:
            self.started.set()
            assert self.stopped.wait(30), "never cancelled"
            raise RuntimeError("interrupted by cancel()")
        finally:
            self.ended.set()
    def cancel(self):
        self.cancels += 1
        if self.cancels >= 2:
            self.stopped.set()

engine = Engine()
backend = SimpleNamespace(
    name="local", engine=engine, catalog=SimpleNamespace(tables=lambda: []),
    database=lambda: None, ledger=SimpleNamespace(append=lambda entries: None),
)

def press_ctrl_c():
    assert engine.started.wait(30)
    os.kill(os.getpid(), signal.SIGINT)  # what the terminal's Ctrl-C sends

threading.Thread(target=press_ctrl_c, daemon=True).start()
err = io.StringIO()
shell = Shell(backend, out=Console(file=io.StringIO()), err=Console(file=err, width=200))
kept = shell.handle("SELECT COUNT(*) FROM olist_orders_dataset;")
# The prompt comes back only once the query has ended (not while it runs on).
print(kept, engine.ended.is_set(), err.getvalue().strip().splitlines()[-1])
"""


def test_ctrl_c_cancels_the_running_query_and_keeps_the_shell():
    done = subprocess.run(
        [sys.executable, "-c", _CTRL_C], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"True True {CANCELLED}"


def test_the_history_file_is_the_workspaces_and_listed_before_it_is_written(backend, tmp_path):
    import json

    kept = backend.own_file("shell_history")
    assert kept.path.resolve() == (tmp_path / WS / "shell_history").resolve()
    manifest = tmp_path / WS / "olistctl-manifest.jsonl"
    assert {"file": "shell_history"} not in [json.loads(x) for x in manifest.open()]
    kept.claim()
    assert {"file": "shell_history"} in [json.loads(x) for x in manifest.open()]
    assert not kept.path.exists()  # listed first; the history writes it


def test_a_link_in_place_of_the_history_is_never_written_through(backend, tmp_path, capsys):
    from olistctl.cli.shell_cmd import history_for
    from olistctl.cli.state import AppState

    theirs = tmp_path / "someone-elses-file"
    theirs.write_text("mine\n")
    (tmp_path / WS / "shell_history").symlink_to(theirs)
    history = history_for(AppState(), backend)
    history.store_string("SELECT 1;")
    history.store_string("SELECT 2;")
    assert theirs.read_text() == "mine\n"
    said = capsys.readouterr().err
    assert said.count("The shell's history is not kept") == 1
    assert "shell_history" in said and "Traceback" not in said


def test_no_workspace_no_history_file_and_none_made(tmp_path, monkeypatch):
    from olistctl.backends import open_backend
    from olistctl.settings import load_settings

    monkeypatch.chdir(tmp_path)
    opened = open_backend(load_settings({"workspace": "nowhere"}, env={}, cwd=tmp_path))
    try:
        kept = opened.own_file("shell_history")
    finally:
        opened.close()
    assert kept is not None and kept.path is None
    kept.claim()  # nothing to list it in
    assert list(tmp_path.iterdir()) == []


def test_statements_piped_in_print_only_their_answers(cli, lake, sample_data, tmp_path):
    """`olistctl shell < script.sql`: no prompt, banner or prompt_toolkit warning mixed into
    stdout (it held "olist> " and blank lines, so `-o json | jq` broke), each statement run
    when its ";" is read, the last one without it too; an error is shown, the next statement
    runs, and the exit code is the first failure's (2: bad SQL). No history is written."""
    ws = lake("crawled")
    orders = frame(sample_data, "olist_orders_dataset")
    script = (
        "SELECT order_status, COUNT(*) AS n\n"
        "FROM olist_orders_dataset GROUP BY 1 ORDER BY 1;\n"
        "SELECT nope FROM olist_orders_dataset;\n"
        "\\o jsonl\n"
        "SELECT COUNT(*) AS n FROM olist_orders_dataset"  # no ";" at the end
    )
    result = cli("shell", "-o", "csv", input=script)
    assert result.exit_code == ExitCode.USAGE, result
    counts = orders.groupby("order_status").size().sort_index()
    assert result.stdout == (
        "order_status,n\n"
        + "".join(f"{k},{v}\n" for k, v in counts.items())
        + f'{{"n": {len(orders)}}}\n'
    )
    assert error_line(result) == (
        "Error: Column nope cannot be resolved (line 1, column 8): the columns available here"
        f" are {', '.join(sorted(orders.columns))}."
    )
    assert "olist>" not in result.stderr and "not a terminal" not in result.stderr
    assert "Traceback" not in result.stderr
    assert not (ws / "shell_history").exists()


def test_a_semicolon_ends_a_statement_only_outside_quotes_and_comments(cli, lake):
    """A ; inside a string or a comment is text: the statement runs whole, as Athena reads
    it (it was cut there, and a comment after the ; joined two statements into one)."""
    lake("crawled")
    script = (
        "SELECT 'x;\ny' AS a; -- first\n"
        "SELECT 2 AS b /* not; the end */;\n"
        "SELECT 3 AS c; SELECT 4 AS d;\n"
    )
    result = cli("shell", "-o", "jsonl", input=script)
    assert result.exit_code == 0, result
    assert [line.split(" · ")[0] for line in result.stderr.splitlines()] == ["1 row"] * 4
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"a": "x;\ny"},
        {"b": 2},
        {"c": 3},
        {"d": 4},
    ]


def test_a_script_without_errors_exits_0(cli, lake):
    lake("crawled")
    result = cli("shell", "-o", "csv", input="SELECT 1 AS one;\n\n")
    assert (result.exit_code, result.stdout) == (0, "one\n1\n"), result
