"""SIGTERM and SIGHUP stop a transform the way Ctrl-C does, and exit 128 + the signal's number.

The process, the observation point and the checks are those of the SIGINT test in
test_local_errors.py (interrupted_transform.py: the signal lands while the first file is
half-written); only the signal, the exit code and the sentence differ. The aws side (a
running Athena query stopped) is tests/aws/test_signals_moto_server.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from interrupted_transform import assert_consistent, finish_and_check, stopped_mid_file

from olistctl.cli.signals import SIGNALS, Caught, Terminated, stop_like_ctrl_c
from olistctl.errors import ExitCode

STOPPED = "run the same command again to finish (nothing half-written is kept)."


@pytest.mark.parametrize(
    ("signum", "code"),
    [(signal.SIGTERM, ExitCode.TERMINATED), (signal.SIGHUP, ExitCode.HANGUP)],
    ids=["SIGTERM", "SIGHUP"],
)
def test_a_termination_signal_stops_a_transform_like_ctrl_c_and_a_rerun_finishes(
    cli, lake, sample_data, tmp_path, signum, code
):
    ws = lake("uploaded")
    half_written, returncode, stderr = stopped_mid_file(tmp_path, signum)
    assert returncode == code == 128 + signum, stderr
    assert "Traceback" not in stderr
    name = signal.Signals(signum).name
    assert stderr.rstrip().splitlines()[-1] == f"Error: Stopped by {name}: {STOPPED}"
    # As after Ctrl-C: the file in flight was finished, the others never started.
    assert assert_consistent(ws, sample_data) == {half_written.parent.name}
    finish_and_check(cli, ws, sample_data, "olist_orders_dataset")


def test_a_signal_inside_the_handlers_is_a_keyboard_interrupt_and_the_old_handlers_come_back():
    before = {s: signal.getsignal(s) for s in SIGNALS}
    with stop_like_ctrl_c() as caught, pytest.raises(KeyboardInterrupt) as raised:
        os.kill(os.getpid(), signal.SIGTERM)
        signal.pause()  # the handler raises in this thread before pause could return
    assert isinstance(raised.value, Terminated) and raised.value.signum == signal.SIGTERM
    assert (caught.signum, caught.exit_code, caught.name) == (signal.SIGTERM, 143, "SIGTERM")
    assert {s: signal.getsignal(s) for s in SIGNALS} == before


@pytest.mark.parametrize(
    ("reason", "told"),
    [
        # The reasons olistctl gives (cli/app.py and every `raise Interrupted`), as the
        # CLI's edge makes them sentences.
        (
            "Interrupted: run the same command again to finish (nothing half-written is kept).",
            "Stopped by SIGHUP: run the same command again to finish (nothing half-written is"
            " kept).",
        ),
        ("Interrupted; nothing was changed.", "Stopped by SIGHUP; nothing was changed."),
        ("The query was cancelled.", "Stopped by SIGHUP. The query was cancelled."),
        (
            "The query was cancelled: nothing was written to out.csv.",
            "Stopped by SIGHUP. The query was cancelled: nothing was written to out.csv.",
        ),
        (
            "Athena query q1 was cancelled: nothing more is billed for it.",
            "Stopped by SIGHUP. Athena query q1 was cancelled: nothing more is billed for it.",
        ),
        (
            "Stopped waiting for the Glue crawler c; it keeps running on AWS: run `olistctl"
            " crawl` again to wait for it and see the tables.",
            "Stopped by SIGHUP. Stopped waiting for the Glue crawler c; it keeps running on"
            " AWS: run `olistctl crawl` again to wait for it and see the tables.",
        ),
    ],
)
def test_the_sentence_names_the_signal(reason, told):
    assert Caught(signal.SIGHUP).explain(reason) == told


_CTRL_C_WHILE_STARTING = """
import builtins, os, signal, sys
# A background job starts with SIGINT ignored, and Python then installs no KeyboardInterrupt
# handler: restore what a terminal's foreground process has.
signal.signal(signal.SIGINT, signal.default_int_handler)
real_import = builtins.__import__
def importing(name, *args, **kwargs):
    if name == "typer":  # inside the CLI's own imports: no handler of olistctl's yet
        os.kill(os.getpid(), signal.SIGINT)
    return real_import(name, *args, **kwargs)
builtins.__import__ = importing
sys.argv = ["olistctl", "--help"]
from olistctl.cli.entry import main
main()
"""


def test_ctrl_c_while_the_cli_starts_is_one_line_and_exit_130(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", _CTRL_C_WHILE_STARTING],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == ExitCode.INTERRUPTED, done.stderr
    assert done.stderr == "Interrupted; nothing was changed.\n"
    assert done.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_the_console_script_and_python_m_start_through_the_guarded_entry():
    import tomllib
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    scripts = tomllib.loads((repo / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"olistctl": "olistctl.cli.entry:main"}
    assert "from olistctl.cli.entry import main" in (repo / "src/olistctl/__main__.py").read_text()
