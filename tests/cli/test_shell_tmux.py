"""``olistctl shell`` in a real terminal: tmux runs the installed command, the test types.

Every wait is on something the pane shows (or a file appearing), polled with a deadline;
nothing sleeps for a guessed time. The slow query is a four-way cross join of the order
items (1,100^4 ≈ 1.5e12 rows on the sample data), which no machine finishes while the test
waits, so cancelling it is deterministic. tmux comes from Debian (`.ci/run` and `make
test` install it); where it is missing or cannot start a server, the test is skipped with
the reason.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from lake import WS, frame

pytestmark = pytest.mark.slow

OLISTCTL = Path(sys.executable).with_name("olistctl")
DEADLINE_S = 60
SLOW = (
    "SELECT COUNT(*) AS n FROM olist_order_items_dataset a"
    " CROSS JOIN olist_order_items_dataset b CROSS JOIN olist_order_items_dataset c"
    " CROSS JOIN olist_order_items_dataset d;"
)


class Pane:
    """One tmux session on a private server (its own socket), killed at the end."""

    def __init__(self, socket: Path) -> None:
        self.base = ["tmux", "-S", str(socket)]

    def tmux(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.base, *args], capture_output=True, text=True, timeout=30, check=False
        )

    def type(self, text: str) -> None:
        # tmux reads a ';' that ends an argument as its own command separator: escape it.
        literal = text[:-1] + "\\;" if text.endswith(";") else text
        assert self.tmux("send-keys", "-t", "shell", "-l", literal).returncode == 0

    def key(self, *keys: str) -> None:
        assert self.tmux("send-keys", "-t", "shell", *keys).returncode == 0

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", "shell").stdout

    def wait_for(self, seen: Callable[[str], bool], what: str, seconds: float = DEADLINE_S) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            screen = self.screen()
            if seen(screen):
                return screen
            time.sleep(0.05)  # polling the pane for an observable state, with a deadline
        raise AssertionError(f"the pane never showed {what}:\n{self.screen()}")


@pytest.fixture
def pane(tmp_path) -> Pane:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (apt-get install tmux; .ci/run installs it)")
    pane = Pane(tmp_path / "tmux.sock")
    started = pane.tmux("new-session", "-d", "-s", "probe", "-x", "80", "-y", "10", "sleep 30")
    if started.returncode != 0:
        pytest.skip(f"tmux cannot start a server here: {started.stderr.strip()}")
    pane.tmux("kill-session", "-t", "probe")
    yield pane
    pane.tmux("kill-server")


def test_shell_completes_runs_cancels_and_quits(pane, lake, sample_data, tmp_path):
    workspace = lake("crawled")
    exit_file = tmp_path / "exit-code"
    command = (
        f"cd {tmp_path} && {OLISTCTL} --workspace {WS} shell -o csv;"
        f" echo $? > {exit_file}.tmp && mv {exit_file}.tmp {exit_file}; sleep 60"
    )
    started = pane.tmux("new-session", "-d", "-s", "shell", "-x", "200", "-y", "60", command)
    assert started.returncode == 0, started.stderr
    pane.wait_for(lambda s: "olist>" in s, "the prompt")

    # 1. Tab completes a table name; the query runs.
    pane.type("SELECT COUNT(*) AS n FROM olist_orders_d")
    # The menu completion-while-typing draws first: a Tab while it was still being worked
    # out was seen to leave the name as typed (under load).
    pane.wait_for(lambda s: "olist_orders_dataset" in s, "the completion menu")
    pane.key("Tab")
    pane.wait_for(lambda s: "FROM olist_orders_dataset" in s, "the completed table name")
    pane.type(";")
    pane.key("Enter")
    orders = len(frame(sample_data, "olist_orders_dataset"))
    pane.wait_for(lambda s: f"\nn\n{orders}\n" in s, f"the count {orders}")

    # 2. A query that cannot finish: Ctrl-C once it is running, and the shell stays.
    pane.type(SLOW)
    pane.key("Enter")
    # The notice after the slow statement, once that statement is on the screen. The first
    # query may have shown a notice too: waited for before the statement was drawn (as this
    # test once did), that notice passed, and Ctrl-C reached prompt_toolkit, still in raw
    # mode and reading the statement, as a key (no ^C echoed, no signal), and was lost.
    pane.wait_for(
        lambda s: SLOW in s and "Running… (Ctrl-C cancels)" in s.rpartition(SLOW)[2],
        "the running query",
    )
    pane.key("C-c")
    pane.wait_for(lambda s: "Query cancelled." in s, "the cancellation")

    # 3. Another query answers in the same shell.
    customers = len(frame(sample_data, "olist_customers_dataset"))
    pane.type("SELECT COUNT(*) AS customers FROM olist_customers_dataset;")
    pane.key("Enter")
    pane.wait_for(lambda s: f"\ncustomers\n{customers}\n" in s, f"the count {customers}")

    # 4. Ctrl-D quits with exit code 0.
    pane.key("C-d")
    deadline = time.monotonic() + DEADLINE_S
    while not exit_file.exists():  # the command's own file, written once the shell ended
        assert time.monotonic() < deadline, f"the shell did not end:\n{pane.screen()}"
        time.sleep(0.05)
    assert exit_file.read_text().strip() == "0", pane.screen()
    assert "Traceback" not in pane.screen()

    history = (workspace / "shell_history").read_text()
    assert "+SELECT COUNT(*) AS n FROM olist_orders_dataset;" in history
    assert f"+{SLOW}" in history
    manifest = [json.loads(line) for line in (workspace / "olistctl-manifest.jsonl").open()]
    assert {"file": "shell_history"} in manifest  # olistctl's own file: teardown removes it
