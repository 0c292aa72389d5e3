"""A workspace owns only what it made, even when files and links are put where olistctl writes.

Each case reproduces a finding of the hostile review of the local workspace: a
file of the user's at a path olistctl would write (raw/, previous/), a symbolic
link in place of a folder or of the bookkeeping files, a teardown killed at any
point, a command that waited on the lock of a teardown. Each checks the exit
code, the one sentence, no traceback, and that nothing of the user's changed.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from lake import ORDERS, WS
from refused_command import assert_no_error, refused, the_error
from users_file import NOT_MINE, USERS

from olistctl.backends.local import teardown as local_teardown
from olistctl.backends.local.manifest import MANIFEST
from olistctl.backends.local.workspace import CATALOG, LEDGER, LOCK, MARKER, Workspace
from olistctl.errors import ExitCode, Refused

A_LINK = (
    "is a symbolic link, and olistctl never follows a link inside a workspace: remove the"
    " link (what it points to stays), then run the command again."
)


def _changed_orders(tmp_path: Path, sample_data: Path) -> Path:
    """The sample's orders file less its last order: another version of the same table."""
    lines = (sample_data / f"{ORDERS}.csv").read_text(encoding="utf-8").splitlines(True)
    changed = tmp_path / "downloads" / f"{ORDERS}.csv"
    changed.parent.mkdir()
    changed.write_text("".join(lines[:-1]), encoding="utf-8")
    return changed


def _files(root: Path) -> dict[str, str]:
    """Every regular file under ``root`` and its text."""
    return {
        p.relative_to(root).as_posix(): p.read_text(errors="replace")
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


# -- D1: a file of the user's where olistctl would write ------------------------------------


def test_a_users_file_where_upload_would_write_is_refused_never_taken_over(
    cli, tmp_path, sample_data
):
    assert cli("upload", str(sample_data / "olist_customers_dataset.csv")).exit_code == 0
    mine = tmp_path / WS / "raw" / ORDERS / f"{ORDERS}.csv"
    mine.parent.mkdir()
    mine.write_text(USERS)
    dry = cli("teardown", "--dry-run")
    assert dry.exit_code == 0, dry
    assert f"Left alone, because olistctl did not write them: raw/{ORDERS}/{ORDERS}.csv." in (
        dry.stderr
    )

    refused(
        cli,
        tmp_path,
        ["upload", str(sample_data / f"{ORDERS}.csv")],
        ExitCode.REFUSED,
        f"Error: raw/{ORDERS}/{ORDERS}.csv in the workspace {WS} {NOT_MINE}",
    )
    assert not (tmp_path / WS / "previous").exists()
    cli("transform")  # reads it (and fails it: not an orders file), never moves or deletes it
    gone = cli("teardown", "--yes")
    assert gone.exit_code == 0, gone
    assert mine.read_text() == USERS
    assert _files(tmp_path / WS) == {f"raw/{ORDERS}/{ORDERS}.csv": USERS}
    assert f"it left the 1 it did not write: raw/{ORDERS}/{ORDERS}.csv." in gone.stderr


# -- D2: previous/ ------------------------------------------------------------------------


def test_a_users_file_in_previous_is_never_taken_for_the_kept_version(
    cli, lake, tmp_path, sample_data
):
    ws = lake("transformed")
    mine = ws / "previous" / ORDERS / f"{ORDERS}.csv"
    mine.parent.mkdir(parents=True)
    mine.write_text(USERS)
    changed = _changed_orders(tmp_path, sample_data)
    refused(
        cli,
        tmp_path,
        ["upload", str(changed)],
        ExitCode.REFUSED,
        f"Error: previous/{ORDERS}/{ORDERS}.csv in the workspace {WS} {NOT_MINE}",
    )
    assert cli("transform").exit_code == 0
    assert mine.read_text() == USERS
    assert cli("teardown", "--yes").exit_code == 0
    assert _files(ws) == {f"previous/{ORDERS}/{ORDERS}.csv": USERS}


def test_a_previous_folder_linked_elsewhere_is_never_written_into_or_emptied(
    cli, lake, tmp_path, sample_data
):
    ws = lake("transformed")
    outside = tmp_path / "mine"
    outside.mkdir()
    (outside / f"{ORDERS}.csv").write_text(USERS)
    (ws / "previous").mkdir()
    (ws / "previous" / ORDERS).symlink_to(outside)
    changed = _changed_orders(tmp_path, sample_data)
    refused(
        cli,
        tmp_path,
        ["upload", str(changed)],
        ExitCode.REFUSED,
        f"Error: previous/{ORDERS} in the workspace {WS} {A_LINK}",
    )
    assert cli("transform").exit_code == 0
    gone = cli("teardown", "--yes")
    assert gone.exit_code == 0, gone
    assert f"previous/{ORDERS}" in gone.stderr  # named among what it left
    assert _files(outside) == {f"{ORDERS}.csv": USERS}


# -- D3: a stage folder linked elsewhere ----------------------------------------------------


def test_a_raw_folder_linked_elsewhere_is_refused_by_upload_and_transform(
    cli, lake, tmp_path, sample_data
):
    ws = lake("uploaded")
    outside = tmp_path / "mine"
    outside.mkdir()
    (outside / f"{ORDERS}.csv").write_text(USERS)
    shutil.rmtree(ws / "raw" / ORDERS)
    (ws / "raw" / ORDERS).symlink_to(outside)
    changed = _changed_orders(tmp_path, sample_data)
    expected = f"Error: raw/{ORDERS} in the workspace {WS} {A_LINK}"
    refused(cli, tmp_path, ["upload", str(changed)], ExitCode.REFUSED, expected)
    # Not skipped in silence: transform says why it cannot read the table.
    refused(cli, tmp_path, ["transform"], ExitCode.REFUSED, expected)
    gone = cli("teardown", "--yes")
    assert gone.exit_code == 0, gone
    assert f"it did not write: raw/{ORDERS}." in " ".join(gone.stderr.split()), gone.stderr
    assert _files(outside) == {f"{ORDERS}.csv": USERS}


# -- D4, E2: a teardown killed at any point -------------------------------------------------

KILL_POINTS = ["the first data file", CATALOG, LEDGER, "the folders", MANIFEST, LOCK, MARKER]


@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_teardown_killed_anywhere_is_finished_by_the_next_and_the_users_files_stay(
    cli, lake, tmp_path, point
):
    ws = lake("crawled")
    users = {
        f"raw/{ORDERS}/my_notes.csv": "a,b\n1,2\n",
        "results/summary.csv": "kpi,value\n",
        "notes.txt": USERS,
    }
    for rel, text in users.items():
        (ws / rel).parent.mkdir(parents=True, exist_ok=True)
        (ws / rel).write_text(text)
    real_remove, real_rmdir = local_teardown._remove_file, local_teardown.remove_empty_folder

    def remove_file(fd, rel):
        if point == rel or point == "the first data file":
            raise KeyboardInterrupt  # the kill, just before this file goes
        return real_remove(fd, rel)

    def remove_empty_folder(fd, rel):
        if point == "the folders":
            raise KeyboardInterrupt
        return real_rmdir(fd, rel)

    with pytest.MonkeyPatch.context() as patch:  # (monkeypatch also holds the cli's chdir)
        patch.setattr(local_teardown, "_remove_file", remove_file)
        patch.setattr(local_teardown, "remove_empty_folder", remove_empty_folder)
        killed = cli("teardown", "--yes")
    assert killed.exit_code == ExitCode.INTERRUPTED, killed

    # Any other command refuses the half torn-down workspace, and says how to finish.
    refused(
        cli,
        tmp_path,
        ["crawl"],
        ExitCode.REFUSED,
        f"Error: A teardown of the workspace {WS} did not finish: run `olistctl teardown` to"
        " finish it, then run the command again.",
    )
    finished = cli("teardown", "--yes")
    assert finished.exit_code == 0, finished
    assert_no_error(finished)
    # Every file of olistctl's is gone (those the killed run had not reached too), and
    # every file of the user's is there as it was.
    assert _files(ws) == users
    assert not (ws / MARKER).exists() and not (ws / MANIFEST).exists()


def test_a_workspace_whose_manifest_is_gone_takes_nothing_for_its_own_but_the_marker(
    cli, lake, tmp_path
):
    """No adoption by the shape of names: without its list, olistctl owns nothing it cannot
    prove it made; teardown leaves the rest and names it."""
    ws = lake("uploaded")
    (ws / "results").mkdir()
    (ws / "results" / "summary.csv").write_text(USERS)
    (ws / MANIFEST).unlink()
    before = _files(ws)
    gone = cli("teardown", "--yes")
    assert gone.exit_code == 0, gone
    after = _files(ws)
    assert MARKER not in after and LOCK not in after
    kept = {rel: text for rel, text in before.items() if rel not in (MARKER, LOCK)}
    assert after == kept
    # The upload's checksum memo first (`.cache/` sorts before the rest), then the ledger.
    left = "Left alone, because olistctl did not write them: .cache/source-checksums.json,"
    assert f"{left} ledger.jsonl," in gone.stderr


# -- I1: links in place of the bookkeeping files --------------------------------------------


@pytest.mark.parametrize("name", [LEDGER, MANIFEST, LOCK])
@pytest.mark.parametrize("target", ["a file of the user's", "nothing yet"])
def test_a_link_in_place_of_the_ledger_manifest_or_lock_is_never_followed(
    cli, lake, tmp_path, name, target
):
    ws = lake("crawled")
    victim = tmp_path / "victim.txt"
    if target == "a file of the user's":
        victim.write_text(USERS)
    (ws / name).unlink()
    (ws / name).symlink_to(victim)
    result = cli("query", "SELECT 1 AS x", "-o", "csv")
    if name == LEDGER:
        assert result.exit_code == 0, result
        assert result.stdout == "x\n1\n"
        note = " ".join(result.stderr.split())
        assert f"The query was not recorded in the run ledger ({LEDGER} in the workspace" in note
    # A command that changes the workspace appends to all three: refused, in one sentence.
    crawl = cli("crawl")
    assert crawl.exit_code == ExitCode.REFUSED, crawl
    assert the_error(crawl) == f"Error: {name} in the workspace {WS} {A_LINK}"
    if target == "a file of the user's":
        assert victim.read_text() == USERS
    else:
        assert not victim.exists()


# -- D7: the transpile cache --------------------------------------------------------------


def test_a_cache_folder_linked_elsewhere_is_neither_written_nor_pruned(cli, lake, tmp_path):
    """The user's folder behind a link in place of .cache: no entry is written there, and
    pruning (past 256 entries) never reaches its files, even named like entries."""
    ws = lake("crawled")
    shutil.rmtree(ws / ".cache")
    outside = tmp_path / "mine"
    (outside / "sql").mkdir(parents=True)
    for i in range(300):  # more than the cache keeps, each named like an entry
        (outside / "sql" / f"{i:064x}.json").write_text(USERS)
    before = _files(outside)
    (ws / ".cache").symlink_to(outside)
    for n in range(3):
        result = cli("query", f"SELECT {n} AS x", "-o", "csv")
        assert result.exit_code == 0, result
        assert result.stdout == f"x\n{n}\n"
        assert_no_error(result)
    assert _files(outside) == before


def test_a_file_another_command_removed_is_not_deleted_once_the_user_puts_one_there(lake):
    """Queries hold the lock shared, and each one prunes the transpile cache: a command
    that wrote an entry must not take the file of the user's that later stands where
    another command removed it (the manifest says so: gone) for the entry it wrote."""
    ws_path = lake("crawled")
    first, second = Workspace(ws_path), Workspace(ws_path)  # two commands at once
    entry = ws_path / ".cache" / "sql" / f"{0:064x}.json"
    first.write_text(entry, "{}")
    assert second.remove(entry)  # its prune: the entry is gone, and listed gone
    entry.write_text(USERS)  # then the user's file, named so
    assert not first.remove(entry)  # the first command's prune
    assert entry.read_text() == USERS
    assert entry.relative_to(ws_path).as_posix() not in first.owned().files


def test_a_shell_does_not_write_over_a_users_file_put_where_another_command_removed_its_own(
    lake,
):
    """A shell session writes under the shared lock, one query at a time, and other
    commands run between its queries: what it claimed under one lock is checked again
    under the next, so the user's file that now stands where another command removed the
    shell's entry is refused, not replaced."""
    ws_path = lake("crawled")
    shell, other = Workspace(ws_path), Workspace(ws_path)
    entry = ws_path / ".cache" / "sql" / f"{1:064x}.json"
    with shell.shared():  # a query
        shell.write_text(entry, "{}")
    with other.lock():  # another command, between two queries
        assert other.remove(entry)
    entry.write_text(USERS)  # then the user's file, named so
    with shell.shared(), pytest.raises(Refused):  # the next query writes the entry again
        shell.write_text(entry, "{}")
    assert entry.read_text() == USERS


# -- E3: a command that waited on the lock of a teardown ------------------------------------


def test_a_command_waiting_on_a_teardown_writes_nothing_once_it_gets_the_lock(lake, tmp_path):
    ws_path = lake("crawled")
    tearing = Workspace(ws_path)
    waiting = threading.Event()
    outcome: list[BaseException | str] = []

    def second_command() -> None:
        other = Workspace(ws_path)
        try:
            with other.lock(waiting=waiting.set):
                other.write_text(other.catalog_path, "{}")  # what a crawl would write
            outcome.append("wrote")
        except BaseException as exc:  # handed to the test's thread
            outcome.append(exc)

    with tearing.lock():
        thread = threading.Thread(target=second_command)
        thread.start()
        assert waiting.wait(60), "the second command never waited"
        teardown = local_teardown.LocalTeardown(tearing)
        teardown.execute(teardown.plan())
    thread.join(60)
    (error,) = outcome
    assert isinstance(error, Refused), error
    assert str(error) == (
        f"The workspace {ws_path} was torn down while this command waited for it: run the"
        " command again to start a new workspace there"
    )
    assert not ws_path.exists()  # nothing written into the torn-down folder


# -- E10: a folder every user may write to ---------------------------------------------------


def test_a_folder_every_user_may_write_to_is_no_workspace_but_a_folder_in_it_is(
    cli, tmp_path, sample_data
):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    refused(
        cli,
        tmp_path,
        ["-w", "shared", "upload", str(sample_data / "olist_sellers_dataset.csv")],
        ExitCode.USAGE,
        "Error: The workspace shared is a folder every user may write to (mode 1777), and"
        " olistctl keeps a workspace in a folder of its own: give a new folder inside it, e.g."
        " --workspace shared/olist-lake.",
    )
    inside = cli("-w", "shared/lake", "upload", str(sample_data / "olist_sellers_dataset.csv"))
    assert inside.exit_code == 0, inside
    assert stat.S_IMODE((shared / "lake").stat().st_mode) & stat.S_IWOTH == 0
    assert os.listdir(shared) == ["lake"]


# -- a FIFO where olistctl keeps a file of its own -------------------------------------------

SPECIAL = (
    "is a special file (a FIFO, socket or device) where olistctl keeps a file of its own:"
    " move it out of the workspace, then run the command again."
)


def _olistctl(ws: Path, *args: str) -> subprocess.CompletedProcess:
    """A real process with a bound on the wait: a FIFO opened for reading blocks forever."""
    return subprocess.run(
        [sys.executable, "-m", "olistctl", "--workspace", str(ws), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("name", [MANIFEST, LOCK])
@pytest.mark.parametrize("command", [["transform"], ["teardown", "--yes"]])
def test_a_fifo_in_place_of_the_manifest_or_lock_is_refused_not_waited_on(
    lake, tmp_path, name, command
):
    ws = lake("uploaded")
    (ws / name).unlink()
    os.mkfifo(ws / name)
    before = {p.relative_to(ws) for p in ws.rglob("*")}
    done = _olistctl(ws, *command)
    assert done.returncode == ExitCode.REFUSED, done
    # (teardown first says what it leaves: with the manifest unreadable, all of it)
    assert done.stderr.strip().splitlines()[-1] == f"Error: {name} in the workspace {ws} {SPECIAL}"
    assert "Traceback" not in done.stderr
    assert {p.relative_to(ws) for p in ws.rglob("*")} == before  # nothing made or removed
    assert (ws / name).is_fifo()


def test_a_fifo_in_place_of_the_marker_is_no_workspace_and_nothing_is_touched(lake, tmp_path):
    ws = lake("uploaded")
    (ws / MARKER).unlink()
    os.mkfifo(ws / MARKER)
    before = {p.relative_to(ws) for p in ws.rglob("*")}
    done = _olistctl(ws, "teardown", "--yes")
    assert done.returncode == ExitCode.USAGE, done
    assert done.stderr.startswith(f"Error: The folder {ws} is not an olistctl workspace")
    assert "Traceback" not in done.stderr
    assert {p.relative_to(ws) for p in ws.rglob("*")} == before
