"""olistctl against a hostile tester: every bad input ends in one sentence, and loses nothing.

Each case asserts the exit code, the one sentence on stderr (the exact text, or
the parts that carry the meaning where the text embeds a database's own
message), no traceback, and what happened to the files: a snapshot of the test
folder (every name, size and SHA-256, the workspace included; refused_command.py) is
taken before the command and compared after it. A refused command changes nothing; a command
that goes ahead changes exactly what the case says.
"""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from lake import ORDERS, WS, frame
from refused_command import assert_no_error, refused, snapshot

from olistctl.backends.local.manifest import MANIFEST
from olistctl.backends.local.workspace import Workspace
from olistctl.dataset import TABLES
from olistctl.errors import ExitCode
from olistctl.sql.cache import KIND
from olistctl.user_secret import signed_document

ALL_TABLES = ", ".join(sorted(t.name for t in TABLES))
ALL_FILES = ", ".join(sorted(t.file_name for t in TABLES))
CHOOSE = "choose another folder with --workspace or OLISTCTL_WORKSPACE."
OWN_FOLDER = "and olistctl keeps a workspace in a folder of its own: give a new folder, e.g."


# -- helpers --------------------------------------------------------------------------------


def owned(ws: Path) -> tuple[set[str], set[str]]:
    """What the workspace's manifest says olistctl made (files, folders)."""
    listed = Workspace(ws).owned()
    return listed.files, listed.dirs


def _thesis(tmp_path: Path) -> Path:
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "ch1.tex").write_text("chapter one\n")
    (thesis / "refs.bib").write_text("@book{a}\n")
    return thesis


# -- 1. where a workspace may be ---------------------------------------------------------

FOREIGN = (
    "Error: The folder thesis is not an olistctl workspace and already holds 2 file(s) or"
    " folder(s) (ch1.tex, refs.bib): give a new or empty folder with --workspace (or"
    " OLISTCTL_WORKSPACE), so that olistctl never mixes its files with yours."
)


@pytest.mark.parametrize(
    "command",
    [
        ["run", "SAMPLE"],
        ["upload", "SAMPLE"],
        ["status"],
        ["query", "SELECT 1"],
        ["report", "quality"],
        ["teardown", "--yes"],
        ["teardown", "--dry-run"],
    ],
    ids=lambda c: " ".join(c),
)
def test_a_foreign_folder_is_never_taken_over(cli, tmp_path, sample_data, command):
    _thesis(tmp_path)
    args = ["-w", "thesis", *(str(sample_data) if a == "SAMPLE" else a for a in command)]
    refused(cli, tmp_path, args, ExitCode.USAGE, FOREIGN)


def _places(tmp_path: Path) -> dict[str, tuple[str, dict | None, str]]:
    home = tmp_path / "home" / "me"
    return {
        ".": (
            ".",
            None,
            f"Error: The workspace . ({tmp_path}) is the current folder, {OWN_FOLDER}",
        ),
        "..": (
            "..",
            None,
            f"Error: The workspace .. ({tmp_path.parent}) is a folder above the current folder,"
            f" {OWN_FOLDER}",
        ),
        "the home folder": (
            str(home),
            {"HOME": str(home)},
            f"Error: The workspace {home} is your home folder, {OWN_FOLDER}",
        ),
        "above the home folder": (
            str(home.parent),
            {"HOME": str(home)},
            f"Error: The workspace {home.parent} is a folder above your home folder, {OWN_FOLDER}",
        ),
        "the root": (
            "/",
            None,
            f"Error: The workspace / is the root of the file system, {OWN_FOLDER}",
        ),
        "a top-level folder": (
            "/usr",
            None,
            f"Error: The workspace /usr is a top-level system folder, {OWN_FOLDER}",
        ),
    }


@pytest.mark.parametrize(
    "place",
    [".", "..", "the home folder", "above the home folder", "the root", "a top-level folder"],
)
@pytest.mark.parametrize(
    "command", [["run", "SAMPLE"], ["teardown", "--yes"]], ids=["run", "teardown"]
)
def test_the_current_home_and_root_folders_are_refused(cli, tmp_path, sample_data, place, command):
    (tmp_path / "home" / "me").mkdir(parents=True)
    (tmp_path / "mine.txt").write_text("the user's\n")
    workspace, env, message = _places(tmp_path)[place]
    args = ["-w", workspace, *(str(sample_data) if a == "SAMPLE" else a for a in command)]
    refused(cli, tmp_path, args, ExitCode.USAGE, message + " --workspace olist-lake.", env=env)


@pytest.mark.parametrize("inner", ["raw/inner", "processed/olist_orders_dataset/x", "new/deeper"])
@pytest.mark.parametrize("command", [["run", "SAMPLE"], ["status"]], ids=["run", "status"])
def test_a_new_workspace_inside_another_is_refused(
    cli, lake, tmp_path, sample_data, inner, command
):
    """Its files would be the outer workspace's to that one: the outer's status counted a CSV
    under raw/inner as a raw object "not yet converted" that transform never converted."""
    outer = lake("crawled")
    args = ["-w", f"{WS}/{inner}", *(str(sample_data) if a == "SAMPLE" else a for a in command)]
    expected = (
        f"Error: The workspace {WS}/{inner} ({outer / inner}) is inside the olistctl workspace"
        f" {outer}, {OWN_FOLDER} --workspace olist-lake."
    )
    refused(cli, tmp_path, args, ExitCode.USAGE, expected)


def test_a_workspace_already_inside_another_can_still_be_torn_down(
    cli, lake, tmp_path, sample_data
):
    """One made before the refusal above (moved there, here) is not stranded: teardown runs."""
    made = cli("-w", "elsewhere", "upload", str(sample_data / f"{ORDERS}.csv"))
    assert made.exit_code == 0, made
    outer = lake("crawled")
    before = snapshot(outer)
    os.rename(tmp_path / "elsewhere", outer / "raw" / "inner")
    gone = cli("-w", f"{WS}/raw/inner", "teardown", "--yes")
    assert gone.exit_code == 0, gone
    assert_no_error(gone)
    assert not (outer / "raw" / "inner").exists()
    assert snapshot(outer) == before


@pytest.mark.parametrize(
    ("workspace", "problem"),
    [
        ("afile", "is a file, not a folder"),
        ("afile/ws", "cannot be created (afile is a file, not a folder)"),
    ],
    ids=["a file", "under a file"],
)
@pytest.mark.parametrize(
    "command",
    [["status"], ["upload", "SAMPLE"], ["query", "SELECT 1"], ["teardown", "--yes"]],
    ids=lambda c: " ".join(c),
)
def test_a_workspace_path_that_is_a_file(cli, tmp_path, sample_data, workspace, problem, command):
    (tmp_path / "afile").write_text("not a folder\n")
    args = ["-w", workspace, *(str(sample_data) if a == "SAMPLE" else a for a in command)]
    expected = f"Error: The workspace {workspace} {problem}: {CHOOSE}"
    refused(cli, tmp_path, args, ExitCode.CONFIG, expected)


# -- 2. teardown removes what olistctl wrote, and nothing else ------------------------------


def test_user_files_survive_run_and_teardown_and_are_named(cli, tmp_path, sample_data):
    assert cli("--no-progress", "run", str(sample_data)).exit_code == 0
    ws = tmp_path / WS
    mine = {
        "keep.md": "my notes\n",
        "raw/my-notes.txt": "about the raw files\n",
        "processed/olist_orders_dataset/mine.csv": "a,b\n",
        "notes/plan.txt": "a folder of my own\n",
    }
    for rel, text in mine.items():
        (ws / rel).parent.mkdir(parents=True, exist_ok=True)
        (ws / rel).write_text(text)
    listing = ", ".join(sorted(mine))

    before = snapshot(tmp_path)
    dry = cli("teardown", "--dry-run", "-o", "json")
    assert dry.exit_code == 0, dry
    assert_no_error(dry)
    assert f"Left alone, because olistctl did not write them: {listing}." in dry.stderr
    plan = json.loads(dry.stdout)
    assert sum(r["count"] for r in plan) == len(owned(ws)[0] & set(snapshot(ws)))
    assert not any("notes" in r["where"] for r in plan)
    assert snapshot(tmp_path) == before

    done = cli("teardown", "--yes")
    assert done.exit_code == 0, done
    assert_no_error(done)
    assert (
        f"Verified: every file olistctl wrote in {WS} is gone; it left the 4 it did not write:"
        f" {listing}." in done.stderr
    )
    # Exactly the user's files are left, in the folders that hold them.
    left = {rel for rel, kind in snapshot(ws).items() if kind[0] == "file"}
    assert left == set(mine)
    for rel, text in mine.items():
        assert (ws / rel).read_text() == text
    assert set(snapshot(ws)) == set(mine) | {
        "raw",
        "processed",
        "processed/olist_orders_dataset",
        "notes",
    }


def test_a_folder_that_was_there_before_stays_after_teardown(cli, tmp_path, sample_data):
    (tmp_path / "lake").mkdir()  # empty: it may become a workspace
    assert cli("--no-progress", "-w", "lake", "run", str(sample_data)).exit_code == 0
    done = cli("-w", "lake", "teardown", "--yes")
    assert done.exit_code == 0, done
    assert (
        "Verified: every file olistctl wrote in lake is gone (the folder was there before,"
        " so it stays)." in done.stderr
    )
    assert snapshot(tmp_path / "lake") == {}


def test_an_edited_manifest_cannot_reach_outside_the_workspace(cli, lake, tmp_path):
    ws = lake("crawled")
    outside = tmp_path / "outside.txt"
    outside.write_text("the user's\n")
    with open(ws / MANIFEST, "a", encoding="utf-8") as manifest:
        for path in ("../outside.txt", str(outside), "raw/../../outside.txt", "."):
            manifest.write(json.dumps({"file": path}) + "\n")
        manifest.write(json.dumps({"dir": ".."}) + "\n")
    done = cli("teardown", "--yes")
    assert done.exit_code == 0, done
    assert f"Verified: the workspace {WS} is gone." in done.stderr
    assert snapshot(tmp_path) == {"outside.txt": snapshot(tmp_path)["outside.txt"]}
    assert outside.read_text() == "the user's\n"


def test_teardown_never_follows_a_link_out_of_the_workspace(cli, lake, tmp_path):
    ws = lake("crawled")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / f"{ORDERS}.csv").write_text("the user's own orders\n")
    (mine / "other.txt").write_text("the user's\n")
    # A folder olistctl made is now a link to the user's folder; a file it made, a link too.
    shutil.rmtree(ws / "raw" / ORDERS)
    (ws / "raw" / ORDERS).symlink_to(mine, target_is_directory=True)
    sellers = ws / "raw/olist_sellers_dataset/olist_sellers_dataset.csv"
    sellers.unlink()
    sellers.symlink_to(mine / "other.txt")
    before_mine = snapshot(mine)

    done = cli("teardown", "--yes")
    assert done.exit_code == 0, done
    assert snapshot(mine) == before_mine
    assert (
        f"it left the 2 it did not write: raw/{ORDERS}, raw/olist_sellers_dataset/"
        "olist_sellers_dataset.csv." in done.stderr
    )


def test_leftovers_of_a_killed_command_go_with_the_next_one_and_the_users_stay(cli, lake):
    """Only temporaries the manifest lists go (a killed command listed them before making
    them); a file of the user's named like one of olistctl's temporaries stays, and the
    dry run and the clean-up agree on it."""
    ws = lake("crawled")
    folder = ws / "processed" / ORDERS
    leftovers = [
        folder / f".{ORDERS}.parquet.0123abcd0123.tmp",  # the Parquet writer's name
        ws / "raw" / ORDERS / f".{ORDERS}.csv.k2j3h4x9a1b2.tmp",  # an upload's
        ws / ".catalog.json.a1b2c3d4e5f6.tmp",
    ]
    with open(ws / MANIFEST, "a") as manifest:  # as the killed command listed them
        for path in leftovers:
            manifest.write(json.dumps({"tmp": path.relative_to(ws).as_posix()}) + "\n")
    for path in leftovers:
        path.write_bytes(b"half a file")
    users = [
        folder / ".my-own.tmp",
        ws / "raw" / ".olist_orders.tmp",
        folder / "x.parquet.tmp",
        # Named like a temporary of a listed file, but never listed: the user's.
        ws / ".catalog.json.backup-2024.tmp",
        folder / f".{ORDERS}.parquet.mine.tmp",
    ]
    for path in users:
        path.write_bytes(b"the user's")
    dry = cli("teardown", "--dry-run")
    assert dry.exit_code == 0, dry
    for path in users:
        assert path.relative_to(ws).as_posix() in dry.stderr, dry.stderr
    before = snapshot(ws, skip=tuple(p.relative_to(ws).as_posix() for p in leftovers))
    result = cli("transform")  # takes the lock: cleans up first
    assert result.exit_code == 0, result
    assert "Traceback" not in result.stderr
    assert not any(p.exists() for p in leftovers)
    assert all(p.read_bytes() == b"the user's" for p in users)
    after = snapshot(ws)
    for rel in ("ledger.jsonl", MANIFEST):  # the transform's own record (nothing converted)
        before.pop(rel), after.pop(rel)
    assert after == before


# -- 3. a replaced raw file keeps its previous version until the new one converts ------------


def test_a_truncated_upload_keeps_the_good_copy_until_a_good_one_converts(
    cli, lake, tmp_path, sample_data
):
    ws = lake("crawled")
    good = (sample_data / f"{ORDERS}.csv").read_bytes()
    truncated = tmp_path / "in" / f"{ORDERS}.csv"
    truncated.parent.mkdir()
    truncated.write_bytes(good[:3000].rsplit(b"\n", 1)[0] + b'\n"cut off')
    assert cli("upload", str(truncated)).exit_code == 0
    assert (ws / "previous" / ORDERS / f"{ORDERS}.csv").read_bytes() == good

    failed = cli("transform")
    assert failed.exit_code == ExitCode.FAILED
    assert "Traceback" not in failed.stderr
    status = cli("status", "-o", "json")
    stages = {s["stage"]: s for s in json.loads(status.stdout)}
    assert stages["previous"]["objects"] == 1
    assert stages["previous"]["bytes"] == len(good)
    assert (
        f"Kept the previous version of raw/{ORDERS}/{ORDERS}.csv as previous/{ORDERS}/"
        f"{ORDERS}.csv, until the file that replaced it converts cleanly (`olistctl transform`)."
        in status.stderr
    )
    count = cli("query", f"SELECT COUNT(*) AS n FROM {ORDERS}", "-o", "json")
    assert json.loads(count.stdout) == [{"n": len(frame(sample_data, ORDERS))}]

    # A good file converts: the kept version goes.
    fixed = tmp_path / "fixed" / f"{ORDERS}.csv"
    fixed.parent.mkdir()
    fixed.write_bytes(good.replace(b",delivered,", b",shipped,", 1))
    assert cli("upload", str(fixed)).exit_code == 0
    assert (ws / "previous" / ORDERS / f"{ORDERS}.csv").read_bytes() == good
    assert cli("transform").exit_code == 0
    assert not (ws / "previous" / ORDERS / f"{ORDERS}.csv").exists()
    assert "previous" not in {s["stage"] for s in json.loads(cli("status", "-o", "json").stdout)}


# -- 4. the SQL cache, tampered with ------------------------------------------------------


def _tamper(ws: Path, *, sign: bool = True, **changes) -> Path:
    """Rewrite the only cache entry with ``changes``; ``sign``: signed again with the user's
    own secret, as if the first wall (the signature) had failed, so that what stands
    behind it is tested."""
    from olistctl.sql import cache as cache_module

    (entry,) = (ws / ".cache" / "sql").glob("*.json")
    data = json.loads(entry.read_text())
    content = data[KIND]
    content["transpiled"].update(changes)
    if sign:
        secret = cache_module.user_secret()
        assert secret is not None
        entry.write_bytes(signed_document(secret, cache_module.FORMAT, KIND, content))
    else:
        entry.write_text(json.dumps(data))
    return entry


TAMPERED = {
    "read_csv of /etc/passwd": (
        {"duckdb_sql": "SELECT * FROM read_csv('/etc/passwd', header = false) LIMIT 1"},
        "it calls the table function read_csv()",
    ),
    "a file path as a table": (
        {"duckdb_sql": "SELECT * FROM '/etc/passwd'"},
        "it reads '/etc/passwd', which is not a table of the catalog",
    ),
    "COPY to a file": (
        {"duckdb_sql": "COPY (SELECT 42 AS answer) TO 'PWNED'"},
        "it is a COPY statement, not a SELECT",
    ),
    "a second statement": (
        {"duckdb_sql": "SELECT 42 AS answer; COPY (SELECT 1) TO 'PWNED'"},
        "it holds 2 statements, not one",
    ),
    "ATTACH": ({"duckdb_sql": "ATTACH 'PWNED' AS x"}, "it is a ATTACH statement, not a SELECT"),
    "a table outside the catalog": (
        {"duckdb_sql": "SELECT 42 AS answer", "tables": ["../../etc"]},
        "it reads ../../etc, which the catalog does not hold",
    ),
    # A scalar function that reads the engine's settings (the allowed paths among them).
    "current_setting": (
        {"duckdb_sql": "SELECT current_setting('allowed_paths') AS answer"},
        "it calls the function current_setting()",
    ),
}


@pytest.mark.parametrize("case", TAMPERED, ids=list(TAMPERED))
def test_a_tampered_cache_entry_is_refused_not_run_and_replaced(cli, lake, tmp_path, case):
    ws = lake("crawled")
    shutil.rmtree(ws / ".cache")
    sql = "SELECT 42 AS answer"
    assert cli("query", sql).exit_code == 0
    changes, why = TAMPERED[case]
    changes = {
        k: v.replace("PWNED", str(tmp_path / "pwned")) if isinstance(v, str) else v
        for k, v in changes.items()
    }
    entry = _tamper(ws, **changes)
    before = snapshot(
        tmp_path, skip=(f"{WS}/results", f"{WS}/ledger.jsonl", f"{WS}/{MANIFEST}", f"{WS}/.cache")
    )

    result = cli("query", sql, "-o", "csv")
    assert result.exit_code == 0, result
    assert result.stdout == "answer\n42\n"  # the real answer, never /etc/passwd
    assert_no_error(result)
    note = [x for x in result.stderr.splitlines() if x.startswith("A cached translation")]
    assert len(note) == 1 and why in note[0] and note[0].endswith("and replaced."), result
    folder = Path(WS, ".cache", "sql")  # as the workspace was given: ./olist-lake
    assert note[0].startswith(
        f"A cached translation of this query in the workspace's cache folder {folder} was refused ("
    )
    assert "PWNED" not in entry.read_text() and "/etc/passwd" not in entry.read_text()
    assert (
        json.loads(entry.read_text())[KIND]["transpiled"]["duckdb_sql"] == 'SELECT 42 AS "answer"'
    )
    assert not (tmp_path / "pwned").exists()
    assert (
        snapshot(
            tmp_path,
            skip=(f"{WS}/results", f"{WS}/ledger.jsonl", f"{WS}/{MANIFEST}", f"{WS}/.cache"),
        )
        == before
    )


def test_the_releases_own_translations_are_run_as_its_code_is(cli, lake, monkeypatch):
    """A decision, not an accident: the shipped queries' translations (sql/prebuilt.json)
    are package data, checked by the guard when they are made (scripts/prebuild_sql.py,
    tests/sql/test_prebuilt.py) and then run as the engine's own code is, without the
    guard's ~80 ms read of a 40 KB translation. Whoever can write them can write the
    guard. What the guard refuses in the workspace's cache (the case above), it lets
    through from there."""
    from olistctl.sql import prebuilt
    from olistctl.sql.translation import Transpiled

    lake("crawled")
    sql = "SELECT 42 AS answer"
    # current_setting is no function the transpiler writes: the guard refuses it.
    shipped = Transpiled.from_json(
        {"duckdb_sql": "SELECT current_setting('TimeZone') AS answer", "tables": [], "columns": {}}
    )
    monkeypatch.setattr(prebuilt, "lookup", lambda key, text: shipped if text == sql else None)
    result = cli("query", sql, "-o", "csv")
    assert result.exit_code == 0, result
    assert result.stdout == "answer\nUTC\n"
    assert "translation" not in result.stderr


def test_a_cache_entry_never_stands_in_for_a_shipped_translation(cli, lake, monkeypatch):
    """The release's translation is looked up first: an entry in the workspace's cache
    under a shipped query's key (signed, as if the first wall had failed) is never read."""
    from olistctl.sql.cache import TranspileCache
    from olistctl.sql.translation import Transpiled

    ws = lake("crawled")
    shutil.rmtree(ws / ".cache")
    expected = cli("query", "--name", "order_status_mix", "-o", "csv")
    assert expected.exit_code == 0, expected
    assert not list((ws / ".cache" / "sql").glob("*.json"))  # shipped: nothing cached
    hostile = Transpiled.from_json(
        {"duckdb_sql": "SELECT current_setting('allowed_paths') AS x", "tables": [], "columns": {}}
    )
    monkeypatch.setattr(TranspileCache, "get", lambda self, key, sql: hostile)
    result = cli("query", "--name", "order_status_mix", "-o", "csv")
    assert result.exit_code == 0, result
    assert result.stdout == expected.stdout and "allowed_paths" not in result.stdout
    assert "translation" not in result.stderr


SHIPPED_BROKEN = {
    # Run without the guard (package data), so the sandbox is what stops it.
    "refused by the sandbox": (
        "SELECT * FROM read_text('/etc/passwd')",
        "was refused (The local engine refused a file access the query is not allowed",
    ),
    "failing": (
        "SELECT CAST('x' AS INTEGER) AS order_status",
        "failed (The query failed in the local engine: Conversion Error: Could not convert"
        " string 'x' to INT32",
    ),
}


@pytest.mark.parametrize("case", SHIPPED_BROKEN, ids=list(SHIPPED_BROKEN))
def test_a_broken_shipped_translation_is_named_as_shipped_and_the_query_answers(
    cli, lake, sample_data, monkeypatch, case
):
    """A translation from the package's prebuilt.json that the sandbox refuses (or DuckDB
    fails) is not used; the note says it was the shipped one (the review's finding: it
    named the workspace's cache folder, which held nothing), and the query is translated
    again and answers."""
    from olistctl.sql import prebuilt

    ws = lake("crawled")
    shutil.rmtree(ws / ".cache")  # so the translation can only come from prebuilt.json
    shipped = prebuilt.PATH.read_bytes()
    entries = json.loads(json.dumps(prebuilt._entries()))
    (key,) = [k for k, e in entries.items() if e["sql"].startswith("-- Orders by status")]
    broken, what = SHIPPED_BROKEN[case]
    entries[key]["transpiled"]["duckdb_sql"] = broken
    monkeypatch.setattr(prebuilt, "_entries", lambda: entries)

    result = cli("query", "--name", "order_status_mix", "-o", "csv")
    assert result.exit_code == 0, result
    assert_no_error(result)
    stats, *notes = result.stderr.splitlines()
    assert stats.startswith("6 rows · ")
    (note,) = notes
    assert note.startswith(
        f"The translation of this query shipped with olistctl ({prebuilt.PATH}) {what}"
    )
    assert note.endswith("; the query was translated again instead."), note
    statuses = list(frame(sample_data, ORDERS)["order_status"])
    counts = {s: statuses.count(s) for s in set(statuses)}
    expected = sorted(counts.items(), key=lambda sc: (-sc[1], sc[0]))
    assert result.stdout.splitlines() == ["order_status,orders,pct"] + [
        f"{s},{n},{round(n * 100 / len(statuses), 2)}" for s, n in expected
    ]
    assert "root:" not in result.stdout
    # The new translation went to the workspace's cache, not into the package.
    assert len(list((ws / ".cache" / "sql").glob("*.json"))) == 1
    assert prebuilt.PATH.read_bytes() == shipped


def test_an_entry_not_signed_with_the_users_secret_never_answers(cli, lake, tmp_path):
    """The review's S3: the signed entry of ``SELECT 42`` copied over that of ``SELECT 1``
    (relabelled, or re-signed with a made-up key) is not used: the query answers 1, and
    the entry is replaced by one made from its own SQL."""
    ws = lake("crawled")
    shutil.rmtree(ws / ".cache")
    assert cli("query", "SELECT 42 AS x").exit_code == 0
    (forty_two,) = (ws / ".cache" / "sql").glob("*.json")
    assert cli("query", "SELECT 1 AS x").exit_code == 0
    (one,) = set((ws / ".cache" / "sql").glob("*.json")) - {forty_two}
    for forged in ("copied", "relabelled", "signed with another key"):
        data = json.loads(forty_two.read_text())
        content = data[KIND]
        if forged != "copied":
            content["key"] = json.loads(one.read_text())[KIND]["key"]
        if forged == "signed with another key":
            content["sql"] = "SELECT 1 AS x"
            data = json.loads(signed_document(b"k" * 32, data["format"], KIND, content))
        one.write_text(json.dumps(data))
        result = cli("query", "SELECT 1 AS x", "-o", "csv")
        assert result.exit_code == 0, result
        assert result.stdout == "x\n1\n", forged
        assert_no_error(result)
        entry = json.loads(one.read_text())[KIND]
        assert entry["sql"] == "SELECT 1 AS x" and "42" not in entry["transpiled"]["duckdb_sql"]


def test_a_cached_entry_that_fails_when_run_is_replaced(cli, lake):
    """A signed entry whose SQL passes the checks but fails in DuckDB (a tampered one, or
    one a DuckDB upgrade broke) is replaced, not kept failing."""
    ws = lake("crawled")
    shutil.rmtree(ws / ".cache")
    assert cli("query", "SELECT 42 AS answer").exit_code == 0
    entry = _tamper(ws, duckdb_sql="SELECT CAST('not a number' AS INTEGER) AS answer")
    result = cli("query", "SELECT 42 AS answer", "-o", "csv")
    assert result.exit_code == 0, result
    assert result.stdout == "answer\n42\n"
    assert_no_error(result)
    (note,) = [x for x in result.stderr.splitlines() if x.startswith("A cached translation")]
    assert note.endswith("and was replaced."), note
    assert "Could not convert string 'not a number'" in note, note
    assert (
        json.loads(entry.read_text())[KIND]["transpiled"]["duckdb_sql"] == 'SELECT 42 AS "answer"'
    )
    again = cli("query", "SELECT 42 AS answer", "-o", "csv")
    assert again.stdout == "answer\n42\n" and "A cached translation" not in again.stderr


BYPASSED = {
    "read_csv": ("SELECT * FROM read_csv('/etc/passwd', header = false)", '"/etc/passwd"'),
    "a workspace file that is not a table": ("SELECT * FROM read_text('CATALOG')", "catalog.json"),
    "glob": ("SELECT * FROM glob('/etc/*')", '"/etc/*"'),
}
SANDBOX = (
    "The local engine refused a file access the query is not allowed (Permission Error:"
    " Cannot access file "
)


def _bypass(monkeypatch, tmp_path: Path, ws: Path, case: str) -> str:
    """The SQL checks switched off; the hostile SQL of ``case``."""
    from olistctl.backends.local import guard

    monkeypatch.setattr(guard, "check_duckdb_sql", lambda con, sql, views: None)
    sql, _ = BYPASSED[case]
    return sql.replace("PWNED", str(tmp_path / "pwned")).replace(
        "CATALOG", str(ws / "catalog.json")
    )


@pytest.mark.parametrize("case", BYPASSED, ids=list(BYPASSED))
def test_with_the_checks_bypassed_the_sandbox_refuses_a_cached_entry(
    cli, lake, tmp_path, monkeypatch, case
):
    """The second wall: SQL the checks let through still cannot open a file DuckDB was not
    given; the entry is then replaced like any other refused one."""
    ws = lake("crawled")
    shutil.rmtree(ws / ".cache")
    asked = "SELECT 42 AS answer"
    assert cli("query", asked).exit_code == 0
    _tamper(ws, duckdb_sql=_bypass(monkeypatch, tmp_path, ws, case))
    lets_change = (f"{WS}/{MANIFEST}", f"{WS}/results", f"{WS}/ledger.jsonl", f"{WS}/.cache")
    before = snapshot(tmp_path, skip=lets_change)
    result = cli("query", asked, "-o", "csv")
    assert result.exit_code == 0, result
    assert result.stdout == "answer\n42\n"
    assert_no_error(result)
    (note,) = [x for x in result.stderr.splitlines() if x.startswith("A cached translation")]
    assert f"was refused ({SANDBOX}" in note and BYPASSED[case][1] in note, note
    assert not (tmp_path / "pwned").exists()
    assert snapshot(tmp_path, skip=lets_change) == before


@pytest.mark.parametrize("case", BYPASSED, ids=list(BYPASSED))
def test_with_the_checks_bypassed_the_sandbox_refuses_the_transpilers_output(
    cli, lake, tmp_path, monkeypatch, case
):
    """The same wall, in front of SQL fresh from the transpiler (a bug there): exit 6."""
    from olistctl.sql import transpile as transpiler
    from olistctl.sql.translation import Transpiled

    ws = lake("crawled")
    hostile = _bypass(monkeypatch, tmp_path, ws, case)
    monkeypatch.setattr(
        transpiler,
        "transpile",
        lambda sql, schema, database=None, param_types=(): Transpiled(hostile, [], {}),
    )
    lets_change = (f"{WS}/{MANIFEST}", f"{WS}/results", f"{WS}/.cache")
    result = refused(
        cli,
        tmp_path,
        ["query", "SELECT 'anything new' AS x"],
        ExitCode.REFUSED,
        ["Error: " + SANDBOX, BYPASSED[case][1], "otherwise report it as a bug in olistctl."],
        skip=lets_change,
    )
    assert result.stdout == ""
    assert not (tmp_path / "pwned").exists()


def test_with_the_checks_bypassed_a_statement_that_is_no_query_never_runs(
    cli, lake, tmp_path, monkeypatch
):
    """Another wall: the engine runs a query as ``CREATE TABLE … AS <query>``, which DuckDB
    parses only around a query, so a COPY (the one statement that writes a file; the
    sandbox refuses it too, tests/sql/test_engine_sandbox.py) fails to parse, never runs."""
    ws = lake("crawled")
    shutil.rmtree(ws / ".cache")
    asked = "SELECT 42 AS answer"
    assert cli("query", asked).exit_code == 0
    from olistctl.backends.local import guard

    monkeypatch.setattr(guard, "check_duckdb_sql", lambda con, sql, views: None)
    _tamper(ws, duckdb_sql=f"COPY (SELECT 42) TO '{tmp_path / 'pwned'}'")
    lets_change = (f"{WS}/{MANIFEST}", f"{WS}/results", f"{WS}/ledger.jsonl", f"{WS}/.cache")
    before = snapshot(tmp_path, skip=lets_change)
    result = cli("query", asked, "-o", "csv")
    assert result.exit_code == 0, result
    assert result.stdout == "answer\n42\n"
    assert_no_error(result)
    (note,) = [x for x in result.stderr.splitlines() if x.startswith("A cached translation")]
    assert "CREATE TABLE AS requires a SELECT clause" in note and note.endswith("replaced."), note
    assert not (tmp_path / "pwned").exists()
    assert snapshot(tmp_path, skip=lets_change) == before


def test_a_catalog_naming_a_folder_outside_processed_is_refused(cli, lake, tmp_path):
    ws = lake("crawled")
    catalog = json.loads((ws / "catalog.json").read_text())
    catalog["tables"][0]["name"] = "../../outside"
    (ws / "catalog.json").write_text(json.dumps(catalog))
    refused(
        cli,
        tmp_path,
        ["query", 'SELECT * FROM "../../outside"'],
        ExitCode.REFUSED,
        "Error: The catalog names a table '../../outside' that is not a folder of processed/:"
        " run `olistctl crawl` to rebuild the catalog.",
        skip=(f"{WS}/{MANIFEST}", f"{WS}/.cache"),
    )


def test_a_parquet_file_linked_from_outside_is_not_read(cli, lake, tmp_path):
    ws = lake("crawled")
    secret = tmp_path / "secret.parquet"
    pq.write_table(pa.table({"order_id": ["the user's"]}), secret)
    link = ws / "processed" / ORDERS / "zz.parquet"
    link.symlink_to(secret)
    refused(
        cli,
        tmp_path,
        ["query", f"SELECT COUNT(*) FROM {ORDERS}"],
        ExitCode.REFUSED,
        f"Error: {link} links to a file outside the workspace's processed/{ORDERS}/ folder,"
        f" which the local engine does not read: remove the link, then run `olistctl transform"
        f" {ORDERS} --force`.",
        skip=(f"{WS}/{MANIFEST}", f"{WS}/.cache"),
    )


# -- 5. the system says no: a full disk, a read-only folder, a pipe --------------------------

DISK_FULL = OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_during_upload_is_one_sentence_and_keeps_the_stored_copy(
    cli, lake, tmp_path, sample_data, monkeypatch
):
    from olistctl.backends.local import store

    ws = lake("crawled")
    changed = tmp_path / "in" / f"{ORDERS}.csv"
    changed.parent.mkdir()
    changed.write_bytes((sample_data / f"{ORDERS}.csv").read_bytes() + b"")
    changed.write_bytes(changed.read_bytes().replace(b",delivered,", b",shipped,", 1))

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store.os, "fsync", full)  # the write seam: the data reaches the disk
    files_before = owned(ws)
    refused(
        cli,
        tmp_path,
        ["upload", str(changed)],
        ExitCode.FAILED,
        f"Error: The disk is full: No space left on device while storing {changed} as"
        f" {WS}/raw/{ORDERS}/{ORDERS}.csv: free some space in {WS} (or use another disk) and run"
        " the command again; nothing half-written was kept.",
        skip=(f"{WS}/{MANIFEST}",),
    )
    assert owned(ws) == files_before


def test_a_full_disk_during_transform_names_the_file_and_keeps_the_previous(
    cli, lake, tmp_path, monkeypatch
):
    from olistctl.transform import parquet_out

    lake("transformed")

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(parquet_out.pq.ParquetWriter, "write_table", full)  # the write seam
    before = snapshot(tmp_path, skip=(f"{WS}/{MANIFEST}", f"{WS}/ledger.jsonl"))
    result = cli("transform", "--force", ORDERS)
    assert result.exit_code == ExitCode.FAILED, result
    assert "Traceback" not in result.stderr and "check the values" not in result.stderr
    failed = " ".join(result.stderr.split())
    assert (
        f"failed {ORDERS}/{ORDERS}.csv: The disk is full: No space left on device while writing"
        f" {WS}/processed/{ORDERS}/{ORDERS}.parquet: free some space in {WS}/processed/{ORDERS}"
        " (or use another disk) and run the command again; nothing half-written was kept" in failed
    )
    assert snapshot(tmp_path, skip=(f"{WS}/{MANIFEST}", f"{WS}/ledger.jsonl")) == before


def test_a_full_disk_for_the_results_file_still_gives_the_answer(cli, lake, tmp_path, monkeypatch):
    from olistctl.backends.local import engine

    lake("crawled")

    def full(con, columns, path):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(engine, "_write_results_csv", full)  # DuckDB's write, in the scratch
    lets_change = (f"{WS}/{MANIFEST}", f"{WS}/ledger.jsonl", f"{WS}/results", f"{WS}/.cache")
    before = snapshot(tmp_path, skip=lets_change)
    result = cli("query", "SELECT 42 AS answer", "-o", "csv")
    assert result.exit_code == 0, result
    assert result.stdout == "answer\n42\n"
    assert_no_error(result)
    # The full disk is the temporary folder's, and the note says so (not the workspace's).
    note = " ".join(result.stderr.split())
    assert (
        f"The result was not saved to {WS}/results (writing it first in the temporary folder"
        f" {tempfile.gettempdir()}: No space left on device); the rows above are complete."
    ) in note
    assert "check the values" not in result.stderr
    assert not list((tmp_path / WS / "results").glob("*"))  # nothing half-written either
    assert snapshot(tmp_path, skip=lets_change) == before


def test_a_full_workspace_disk_for_the_results_copy_names_the_workspace(
    cli, lake, tmp_path, monkeypatch
):
    lake("crawled")
    lets_change = (f"{WS}/{MANIFEST}", f"{WS}/ledger.jsonl", f"{WS}/results", f"{WS}/.cache")
    before = snapshot(tmp_path, skip=lets_change)
    real_copy = shutil.copyfileobj

    def copy_fails(src, dst, length=0):
        raise OSError(errno.ENOSPC, "No space left on device")

    # The copy from the scratch folder into the workspace's results/ is what fails.
    monkeypatch.setattr(shutil, "copyfileobj", copy_fails)
    result = cli("query", "SELECT 42 AS answer", "-o", "csv")
    monkeypatch.setattr(shutil, "copyfileobj", real_copy)
    assert result.exit_code == 0, result
    assert result.stdout == "answer\n42\n"
    assert (
        f"The result was not saved to {WS}/results (No space left on device); the rows above are"
        " complete." in " ".join(result.stderr.split())
    )
    assert not list((tmp_path / WS / "results").glob("*"))
    assert snapshot(tmp_path, skip=lets_change) == before


def test_a_disk_that_fills_while_the_engine_spills_is_not_a_values_problem():
    import duckdb

    from olistctl.backends.local.engine import _engine_error

    error = _engine_error(
        duckdb.IOException(
            'IO Error: Could not write file "/tmp/x/duckdb_temp_storage-0.tmp": No space left on'
            ' device {"errno":"28"}'
        )
    )
    assert error.exit_code == ExitCode.FAILED
    assert str(error).startswith(
        "The disk is full: the local engine ran out of space for the data it works on: free some"
        " space in "
    )
    assert "check the values" not in str(error)


def test_a_read_only_workspace_answers_queries(cli, lake, tmp_path, sample_data, monkeypatch):
    """The system refuses to open any file for writing, as a read-only file system does
    (olistctl's writers all open through os.open; the real thing is tested below)."""
    lake("crawled")
    real_open = os.open

    def read_only(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    before = snapshot(tmp_path)
    result = cli("query", f"SELECT COUNT(*) AS n FROM {ORDERS}", "-o", "csv")
    assert result.exit_code == 0, result
    assert result.stdout == f"n\n{len(frame(sample_data, ORDERS))}\n"
    assert_no_error(result)
    assert (
        f"The result was not saved to {WS}/results (Read-only file system); the rows above are"
        " complete." in result.stderr
    )
    assert (
        "The query was not recorded in the run ledger (Read-only file system); `report cost`"
        " will not count it." in result.stderr
    )
    assert snapshot(tmp_path) == before


def test_a_read_only_workspace_refuses_an_upload_in_one_sentence(
    cli, lake, tmp_path, sample_data, monkeypatch
):
    from olistctl.backends.local import workspace

    ws = lake("crawled")
    real_access = os.access

    def no_writes_here(path, mode, *args, **kwargs):
        # The folder refuses new files, as a folder without write permission does (as
        # root, chmod would not stop the test itself).
        if Path(path).resolve() == ws.resolve() and mode & os.W_OK:
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(workspace.os, "access", no_writes_here)
    refused(
        cli,
        tmp_path,
        ["upload", str(sample_data / f"{ORDERS}.csv"), "--force"],
        ExitCode.CONFIG,
        f"Error: The workspace {WS} is not writable (Permission denied): {CHOOSE[:-1]},"
        " or fix its permissions.",
    )


def test_an_output_file_that_cannot_be_written_fails_that_file(cli, lake, tmp_path, monkeypatch):
    from olistctl.transform import parquet_out

    lake("transformed")

    def read_only(self, first):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(parquet_out.ParquetOutput, "_open", read_only)
    before = snapshot(tmp_path, skip=(f"{WS}/{MANIFEST}", f"{WS}/ledger.jsonl"))
    result = cli("transform", "--force", ORDERS)
    assert result.exit_code == ExitCode.FAILED, result
    assert "Traceback" not in result.stderr
    assert (
        f"Could not write {WS}/processed/{ORDERS}/{ORDERS}.parquet: Read-only file system: check"
        " that the folder is writable and the disk has room" in " ".join(result.stderr.split())
    )
    assert snapshot(tmp_path, skip=(f"{WS}/{MANIFEST}", f"{WS}/ledger.jsonl")) == before


def _olistctl(args, cwd, timeout=60):
    """The CLI as a process, for inputs that could hang one (a pipe): a hang fails the test."""
    return subprocess.run(
        [sys.executable, "-m", "olistctl", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={k: v for k, v in os.environ.items() if not k.startswith("OLISTCTL_")},
    )


@pytest.mark.parametrize(
    ("command", "special", "kind"),
    [
        (["upload"], "fifo", "a named pipe (FIFO)"),
        (["report", "quality"], "fifo", "a named pipe (FIFO)"),
        (["upload"], "/dev/zero", "a character device"),
        (["upload"], "/dev/null", "a character device"),
    ],
    ids=["upload a FIFO", "report quality on a FIFO", "upload /dev/zero", "upload /dev/null"],
)
def test_a_pipe_or_device_as_input_is_refused_without_waiting(tmp_path, command, special, kind):
    path = special
    if special == "fifo":
        path = str(tmp_path / f"{ORDERS}.csv")
        os.mkfifo(path)
    before = snapshot(tmp_path)
    done = _olistctl([*command, path], tmp_path)
    assert done.returncode == ExitCode.USAGE, done
    assert "Traceback" not in done.stderr
    assert done.stderr == (
        f"Error: {path}: this is {kind}, not a file: give the CSV file itself (save a stream to"
        " a file first).\n"
    )
    assert snapshot(tmp_path) == before


def test_a_fifo_as_the_sql_file_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "q.sql"
    os.mkfifo(fifo)
    done = _olistctl(["query", "--file", str(fifo)], tmp_path)
    assert done.returncode == ExitCode.USAGE, done
    assert done.stderr == (
        f"Error: {fifo}: this is a named pipe (FIFO), not a file: give a file of SQL itself (save"
        " a stream to a file first).\n"
    )


def test_output_to_a_full_disk_is_one_sentence(cli, lake, tmp_path):
    lake("crawled")
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "olistctl", "query", f"SELECT * FROM {ORDERS}", "-o", "csv"],
            cwd=tmp_path,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert done.returncode == ExitCode.FAILED, done.stderr
    assert done.stderr.endswith(
        "Error: The disk is full: No space left on device while writing the output: free some"
        " space (or use another disk) and run the command again; nothing half-written was kept.\n"
    )
    assert "Traceback" not in done.stderr


# The real thing, where the machine allows it: a tmpfs in a private mount namespace
# (gone with the process), full or read-only.


def _can_mount() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "true"], capture_output=True, check=False
    )
    return probe.returncode == 0


needs_mount = pytest.mark.skipif(
    not _can_mount(), reason="needs root and unshare to mount a private tmpfs"
)


def _in_a_tmpfs(tmp_path: Path, script: str, size: str) -> subprocess.CompletedProcess:
    """Run ``script`` (``{mount}`` in it: the tmpfs) in a private mount namespace."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    program = f"mount -t tmpfs -o size={size} tmpfs {mount} && cd {mount} && " + script.format(
        mount=mount, olistctl=f"{sys.executable} -m olistctl --no-progress"
    )
    return subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", program],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={k: v for k, v in os.environ.items() if not k.startswith("OLISTCTL_")},
    )


# Run on the tmpfs before it goes: is every stored raw file complete (its bytes' SHA-256 the
# one its sidecar records), and is any temporary file left?
_VERIFY = """
import hashlib, pathlib, sys
ws = pathlib.Path("olist-lake")
half = [str(p) for p in ws.rglob("*.tmp")]
for csv in ws.glob("raw/*/*.csv"):
    sidecar = csv.with_name(csv.name + ".sha256")
    digest = hashlib.sha256(csv.read_bytes()).hexdigest()
    if not sidecar.exists() or digest != sidecar.read_text().strip():
        half.append(str(csv))
print("stored", len(list(ws.glob("raw/*/*.csv"))), "half", half)
"""


@needs_mount
def test_upload_onto_a_really_full_disk(tmp_path, sample_data):
    (tmp_path / "verify.py").write_text(_VERIFY)
    done = _in_a_tmpfs(
        tmp_path,
        f"{{olistctl}} upload {sample_data}; echo code=$? >&2;"
        f" {sys.executable} {tmp_path}/verify.py",
        "512k",
    )
    assert "code=1" in done.stderr, done
    assert "Traceback" not in done.stderr
    (line,) = [x for x in done.stderr.splitlines() if x.startswith("Error: ")]
    assert line.startswith("Error: The disk is full: No space left on device while storing ")
    assert line.endswith(
        "free some space in olist-lake (or use another disk) and run the command again;"
        " nothing half-written was kept."
    )
    stored, half = done.stdout.split(" half ")
    assert half.strip() == "[]", done.stdout  # nothing half-written, no temporary file
    assert int(stored.split()[1]) < len(TABLES)  # the disk did fill


@needs_mount
def test_query_on_a_really_read_only_workspace(tmp_path, lake, sample_data):
    ws = lake("crawled")
    done = _in_a_tmpfs(
        tmp_path,
        f"cp -a {ws} . && mount -o remount,ro {{mount}} && "
        f"{{olistctl}} query 'SELECT COUNT(*) AS n FROM {ORDERS}' -o csv; echo code=$? >&2;"
        f" {{olistctl}} upload {sample_data / (ORDERS + '.csv')} --force; echo code=$? >&2",
        "64m",
    )
    assert done.stdout == f"n\n{len(frame(sample_data, ORDERS))}\n", done
    assert "Traceback" not in done.stderr
    assert "code=0" in done.stderr and "code=3" in done.stderr, done.stderr
    assert (
        "The result was not saved to olist-lake/results (Read-only file system); the rows above"
        " are complete." in done.stderr
    )
    assert (
        "Error: The workspace olist-lake is not writable (Read-only file system): choose another"
        " folder with --workspace or OLISTCTL_WORKSPACE, or fix its permissions." in done.stderr
    )


# -- 6. run on what is there ---------------------------------------------------------------


def test_run_on_six_of_the_nine_files_skips_the_kpis_it_cannot_answer(cli, tmp_path, sample_data):
    part = tmp_path / "part"
    part.mkdir()
    given = ["customers", "order_items", "order_payments", "products", "sellers", "geolocation"]
    for name in given:
        shutil.copy(sample_data / f"olist_{name}_dataset.csv", part)
    result = cli("--no-progress", "run", str(part))
    assert result.exit_code == 0, result
    assert_no_error(result)
    skipped = [x for x in result.stderr.splitlines() if x.startswith("Skipped the KPI")]
    assert skipped == [
        "Skipped the KPI executive_kpis: it needs olist_order_reviews_dataset,"
        " olist_orders_dataset, which the catalog does not hold (add"
        " olist_order_reviews_dataset.csv, olist_orders_dataset.csv to the input and run again).",
        "Skipped the KPI on_time_delivery: it needs olist_orders_dataset, which the catalog does"
        " not hold (add olist_orders_dataset.csv to the input and run again).",
        "Skipped the KPI order_status_mix: it needs olist_orders_dataset, which the catalog does"
        " not hold (add olist_orders_dataset.csv to the input and run again).",
    ]
    assert "Pipeline" in result.stderr and "Done in" in result.stderr
    assert "0 KPI queries, 0 B scanned, 3 skipped (no olist_order_reviews_dataset," in (
        " ".join(result.stderr.split())
    )
    catalog = json.loads((tmp_path / WS / "catalog.json").read_text())
    assert sorted(t["name"] for t in catalog["tables"]) == sorted(
        f"olist_{n}_dataset" for n in given
    )


# -- 7. the classic bad inputs -------------------------------------------------------------

KNOWN = f"known tables: {ALL_TABLES}"
SQL_CASES = {
    "syntax error": (
        "SELECT order_id FROM olist_orders_dataset WHERE AND",
        ["Syntax error", "(line 1, column 51)", "check the SQL near that position"],
    ),
    "unknown table": ("SELECT * FROM olist_nope", ["Table olist_nope does not exist", KNOWN]),
    "unknown column": (
        f"SELECT order_statuz FROM {ORDERS}",
        ["Column order_statuz cannot be resolved", "did you mean order_status?"],
    ),
    "two statements": (
        "SELECT 1; SELECT 2",
        "Error: Found 2 statements; the query command runs exactly one: run the statements one"
        " at a time.",
    ),
    "a table function reading a file": (
        "SELECT * FROM read_csv('/etc/passwd')",
        ["does not exist (line 1, column 15)", KNOWN],
    ),
    "a file path as a table": (
        "SELECT * FROM '/etc/passwd'",
        ["Table /etc/passwd does not exist (line 1, column 15)", KNOWN],
    ),
    "COPY": (
        "COPY (SELECT 1) TO 'out.csv'",
        "Error: Only SELECT queries (and SHOW TABLES, SHOW COLUMNS, DESCRIBE) run on the local"
        " engine, not COPY: run DDL and other statements on --backend aws.",
    ),
    "PRAGMA": (
        "PRAGMA version",
        "Error: Only SELECT queries (and SHOW TABLES, SHOW COLUMNS, DESCRIBE) run on the local"
        " engine, not PRAGMA: run DDL and other statements on --backend aws.",
    ),
    "SET": (
        "SET enable_external_access = true",
        "Error: Only SELECT queries (and SHOW TABLES, SHOW COLUMNS, DESCRIBE) run on the local"
        " engine, not SET: run DDL and other statements on --backend aws.",
    ),
    "empty SQL": ("  ", 'Error: The SQL is empty: pass a statement: olistctl query "SELECT 1".'),
    # A WITH item named after a DuckDB system view or a file, read by an earlier item: there
    # the name is a table, as in Trino (tests/sql/test_with_scope.py), and no such table exists.
    "a WITH item named like a system view": (
        "WITH a AS (SELECT * FROM pragma_database_list), pragma_database_list AS"
        " (SELECT 1 AS x) SELECT * FROM a",
        f"Error: Table pragma_database_list does not exist (line 1, column 26): {KNOWN}.",
    ),
    "a WITH item named like DuckDB's catalog": (
        "WITH a AS (SELECT * FROM sqlite_master), sqlite_master AS (SELECT 1) SELECT * FROM a",
        f"Error: Table sqlite_master does not exist (line 1, column 26): {KNOWN}.",
    ),
    "a WITH item named like a file": (
        'WITH a AS (SELECT * FROM "/etc/passwd"), "/etc/passwd" AS (SELECT 1 AS x) SELECT * FROM a',
        f"Error: Table /etc/passwd does not exist (line 1, column 26): {KNOWN}.",
    ),
    "50 nested parentheses": (
        "SELECT " + "(" * 50 + "1" + ")" * 50 + " AS x",
        "Error: The SQL nests too deeply for olistctl to read it (too many nested parentheses,"
        " subqueries or terms in one expression): split it into WITH queries or shorter"
        " expressions.",
    ),
    "time travel": (
        f"SELECT COUNT(*) FROM {ORDERS} FOR VERSION AS OF 1",
        "Error: The local engine does not run time travel (FOR VERSION / FOR TIMESTAMP AS OF)"
        " (line 1, column 22): query the table as it is now, or run the query on --backend aws.",
    ),
    "a WITH query reading the table it shadows": (
        f"WITH {ORDERS} AS (SELECT * FROM {ORDERS} WHERE order_status = 'x')"
        f" SELECT COUNT(*) FROM {ORDERS}",
        f"Error: The WITH query {ORDERS} reads the table of the same name, which the local"
        " engine cannot run (line 1, column 45): give the WITH query another name.",
    ),
    "a column list longer than the columns": (
        "SELECT * FROM (SELECT 1) AS t(a, b)",
        "Error: The column list of t names 2 column(s), but t has 1 (line 1, column 29): name"
        " each of its columns once, as Athena requires.",
    ),
}


@pytest.mark.parametrize("case", SQL_CASES, ids=list(SQL_CASES))
def test_bad_sql_is_refused(cli, lake, tmp_path, case):
    lake("crawled")
    sql, expected = SQL_CASES[case]
    refused(cli, tmp_path, ["query", sql], ExitCode.USAGE, expected, skip=(f"{WS}/{MANIFEST}",))


FLAG_CASES = {
    "an unknown flag": (
        ["--nope", "status"],
        "Error: No such option: --nope (Possible options: --no-progress); see `olistctl --help`.",
    ),
    "a mistyped command": (
        ["reprt"],
        "Error: No such command 'reprt'. Did you mean 'report'? See `olistctl --help`.",
    ),
    "a mistyped subcommand": (
        ["report", "qualty"],
        "Error: No such command 'qualty'. Did you mean 'quality'? See `olistctl report --help`.",
    ),
    "a bad output format": (
        ["query", "SELECT 1", "-o", "yaml"],
        "Error: Invalid value for '--output' / '-o' (env var: 'OLISTCTL_OUTPUT'): 'yaml' is not"
        " one of 'table', 'csv', 'json', 'jsonl', 'markdown'; see `olistctl query --help`.",
    ),
    "a negative --max-rows": (
        ["query", "SELECT 1", "--max-rows", "-1"],
        "Error: Invalid value for '--max-rows': Input should be greater than or equal to 1; see"
        " `olistctl query --help`.",
    ),
    "a command's mistyped option": (
        ["run", "--no-reus"],
        "Error: No such option: --no-reus (Possible options: --force, --no-reuse, --reuse); see"
        " `olistctl run --help`.",
    ),
    "a missing argument": (
        ["upload"],
        "Error: Missing argument 'paths'; see `olistctl upload --help`.",
    ),
    # Click reads options where they stand, so a global one after the command is refused by
    # the command, which suggested its own look-alikes ("Possible options: --no-reuse").
    "a global flag after the command": (
        ["run", "--no-progress"],
        "Error: --no-progress is an option of olistctl itself, not of `run`: put it before the"
        " command, as in `olistctl --no-progress run …`.",
    ),
    "a global short flag after a subcommand": (
        ["report", "cost", "-q"],
        "Error: -q is an option of olistctl itself, not of `report cost`: put it before the"
        " command, as in `olistctl -q report cost …`.",
    ),
    "a global option with a value after the command": (
        ["query", "SELECT 1", "--workspace=elsewhere"],
        "Error: --workspace is an option of olistctl itself, not of `query`: put it before the"
        " command, as in `olistctl --workspace WORKSPACE query …`.",
    ),
    # Forgetting --backend aws: the local workspace answered, the stack's names ignored.
    "a stack name on the local backend": (
        ["--raw-bucket", "my-raw", "--workgroup", "analysts", "status"],
        "Error: --raw-bucket and --workgroup name part of the aws stack, and the backend is local"
        " (default): add --backend aws, or drop --raw-bucket and --workgroup.",
    ),
    "an unknown backend": (
        ["--backend", "gcp", "status"],
        "Error: Unknown backend 'gcp' (from flag): use --backend local or --backend aws.",
    ),
    # The local backend runs no other runner, but a mistyped one was accepted and dropped.
    "an unknown runner": (
        ["transform", "--runner", "lamda"],
        "Error: Unknown transform runner 'lamda' (from flag): use --runner lambda or --runner"
        " local.",
    ),
    "a bad --fail-on": (
        ["report", "quality", "--fail-on", "bogus"],
        "Error: Invalid value for '--fail-on': 'bogus' is not one of 'error', 'warn', 'never';"
        " see `olistctl report quality --help`.",
    ),
    # --no-free-tier silently won over the plan given with it.
    "two Free Tier plans": (
        ["report", "cost", "--free-tier", "always", "--no-free-tier"],
        "Error: --no-free-tier prices every unit, but --free-tier always counts a Free Tier:"
        " give one of them.",
    ),
    # --queries shows the per-query comparison only: these were accepted and dropped.
    "--queries with --month": (
        ["report", "cost", "--queries", "--month", "2026-11"],
        "Error: --queries compares each named query's scan over Parquet and CSV, which prices"
        " no period and no Free Tier, so it takes no --month: drop --month, or drop --queries"
        " for the cost report.",
    ),
    "--queries with a Free Tier plan and --since": (
        ["report", "cost", "--queries", "--free-tier", "always", "--since", "2026-01-01"],
        "Error: --queries compares each named query's scan over Parquet and CSV, which prices"
        " no period and no Free Tier, so it takes no --since and no --free-tier: drop --since"
        " and --free-tier, or drop --queries for the cost report.",
    ),
    "a month that is not one": (
        ["report", "cost", "--month", "2025-13"],
        "Error: --month '2025-13' is not a month: write it as YYYY-MM, for example 2026-11.",
    ),
    "an unknown named query": (
        ["query", "--name", "nope"],
        ["Error: There is no query named 'nope': `olistctl query --list` shows the 22 there are."],
    ),
    "an unknown table to transform": (
        ["transform", "nope"],
        f"Error: There is no table 'nope' in the raw stage: the tables there are: {ALL_TABLES}.",
    ),
    "a missing SQL file": (
        ["query", "--file", "nope.sql"],
        "Error: Cannot read nope.sql (No such file or directory): check the path.",
    ),
    "a missing input file": (
        ["upload", "nope.csv"],
        "Error: nope.csv: no such file or folder: check the path; give CSV files, folders"
        " holding them, or a pattern such as 'data/*.csv'.",
    ),
    "a pattern matching nothing": (
        ["upload", "nope/*.csv"],
        "Error: no file matches the pattern nope/*.csv: check the pattern (and quote it, so that"
        " your shell passes it as is).",
    ),
}


@pytest.mark.parametrize("case", FLAG_CASES, ids=list(FLAG_CASES))
def test_bad_arguments_are_refused(cli, lake, tmp_path, case):
    lake("crawled")
    args, expected = FLAG_CASES[case]
    code = (
        ExitCode.CONFIG if case in ("an unknown backend", "an unknown runner") else ExitCode.USAGE
    )
    refused(cli, tmp_path, args, code, expected, skip=(f"{WS}/{MANIFEST}",))


def test_run_refuses_csv_which_holds_one_of_its_tables(cli, tmp_path, sample_data):
    """run prints three KPI tables with different columns; CSV written back to back was
    three headers in one file. Refused before anything runs: no workspace is made."""
    refused(
        cli,
        tmp_path,
        ["run", str(sample_data), "-o", "csv"],
        ExitCode.USAGE,
        "Error: run shows several KPI tables, each with columns of its own, and CSV holds one"
        " table: use -o json or -o jsonl (each row names its KPI), or"
        " `olistctl query --name NAME -o csv` for one KPI.",
    )
    assert os.listdir(tmp_path) == []


QUERY_CONTRADICTIONS = {
    # --list ran nothing and said nothing of what it dropped.
    "--list with SQL": (
        ["query", "--list", "SELECT 1"],
        "Error: --list shows the shipped queries and runs none, so it takes no SQL: drop --list"
        " to run the query, or drop the SQL.",
    ),
    "--list with --name and --max-rows": (
        ["query", "--list", "--name", "nps", "--max-rows", "3"],
        "Error: --list shows the shipped queries and runs none, so it takes no --name and no"
        " --max-rows: drop --list to run the query, or drop --name and --max-rows.",
    ),
    "--list with --max-rows": (
        ["query", "--list", "--max-rows", "3"],
        "Error: --list shows the shipped queries and runs none, so it takes no --max-rows: drop"
        " --list to run the query, or drop --max-rows.",
    ),
    "--list with --out": (
        ["query", "--list", "--out", "queries.csv"],
        "Error: --list shows the shipped queries and runs none, so it takes no --out: drop"
        " --list to run the query, or drop --out.",
    ),
    # --out wrote CSV whatever -o said.
    "--out with -o": (
        ["query", f"SELECT order_id FROM {ORDERS}", "--out", "a.csv", "-o", "json"],
        "Error: --output json shows the rows, and --out writes them to a.csv in the format its"
        " name ends in: drop --output (or --out, to see the rows).",
    ),
}


@pytest.mark.parametrize("case", QUERY_CONTRADICTIONS, ids=list(QUERY_CONTRADICTIONS))
def test_query_options_that_contradict_are_refused(cli, lake, tmp_path, case):
    lake("crawled")
    args, expected = QUERY_CONTRADICTIONS[case]
    refused(cli, tmp_path, args, ExitCode.USAGE, expected, skip=(f"{WS}/{MANIFEST}",))


def test_out_takes_its_format_from_the_name_whatever_olistctl_output_says(
    cli, lake, tmp_path, sample_data
):
    """OLISTCTL_OUTPUT is a standing choice for what is shown, not a contradiction of --out
    (whose CSV quotes every value, as Athena's result files do: README)."""
    lake("crawled")
    result = cli(
        "query",
        f"SELECT COUNT(*) AS n FROM {ORDERS}",
        "--out",
        "n.csv",
        env={"OLISTCTL_OUTPUT": "json"},
    )
    assert result.exit_code == 0, result
    assert (tmp_path / "n.csv").read_text() == f'"n"\n"{len(frame(sample_data, ORDERS))}"\n'


def test_query_out_into_the_workspace_is_refused(cli, lake, tmp_path):
    """A Parquet file written under processed/ joined its table: COUNT(*) over the orders
    doubled, the crawl saw no change, and teardown left the file as not olistctl's."""
    lake("crawled")
    target = f"{WS}/processed/{ORDERS}/extra.parquet"
    refused(
        cli,
        tmp_path,
        ["query", f"SELECT * FROM {ORDERS}", "--out", target],
        ExitCode.USAGE,
        f"Error: --out {target} is in the olistctl workspace {tmp_path / WS}, whose files are"
        " olistctl's: write it outside the workspace, e.g. --out result.parquet.",
        skip=(f"{WS}/{MANIFEST}",),
    )


def test_report_html_into_the_workspace_is_refused(cli, lake, tmp_path):
    pytest.importorskip("plotly")
    lake("crawled")
    refused(
        cli,
        tmp_path,
        ["report", "html", "--out", f"{WS}/report.html"],
        ExitCode.USAGE,
        f"Error: --out {WS}/report.html is in the olistctl workspace {tmp_path / WS}, whose"
        " files are olistctl's: write it outside the workspace, e.g. --out report.html.",
        skip=(f"{WS}/{MANIFEST}",),
    )


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


# https://no-color.org: "Command-line software which adds ANSI color to its output by default
# should check for a NO_COLOR environment variable that, when present and not an empty string
# (regardless of its value), prevents the addition of ANSI color."
@pytest.mark.parametrize(
    ("no_color", "start"), [("1", "Error: "), ("", "\x1b[31mError:\x1b[0m ")], ids=["set", "empty"]
)
def test_the_error_line_on_a_terminal_is_red_unless_no_color(
    monkeypatch, tmp_path, no_color, start
):
    import typer

    from olistctl.cli.app import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", no_color)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    group = typer.main.get_command(app)
    code = group.main(["query", "--name", "nope"], standalone_mode=False)
    assert code == ExitCode.USAGE
    assert terminal.getvalue() == (
        f"{start}There is no query named 'nope': `olistctl query --list` shows the 22 there are.\n"
    )
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("args", [[], ["report"], ["config"]], ids=["olistctl", "report", "config"])
def test_a_group_without_its_command_shows_its_help(cli, tmp_path, args):
    """The help, the usage exit code, and no empty ``Error: ;`` line after it."""
    before = snapshot(tmp_path)
    result = cli(*args)
    assert result.exit_code == ExitCode.USAGE, result
    assert f"Usage: olistctl {' '.join(args)}".rstrip() in result.stdout
    assert result.stderr == ""
    assert snapshot(tmp_path) == before


def _orders_header(sample_data: Path) -> bytes:
    return (sample_data / f"{ORDERS}.csv").read_bytes().split(b"\n", 1)[0] + b"\n"


FILE_CASES = {
    "an empty file": (
        lambda sample: b"",
        f"{ORDERS}.csv",
        "Error: {path}: the file is empty (0 bytes): export or download the table again; an"
        " Olist CSV starts with its header line.",
    ),
    "wrong headers": (
        lambda sample: b"a,b\n1,2\n",
        "notes.csv",
        "Error: {path}, line 1: the header matches no Olist table (it shares no column name"
        f" with any): give one of the 9 Olist CSV files: {ALL_FILES}.",
    ),
    "binary garbage as CSV": (
        lambda sample: bytes(range(256)) * 20,
        f"{ORDERS}.csv",
        "Error: {path}: this is not a CSV file: it contains binary data (NUL bytes): give the"
        " table's CSV export (UTF-8 text).",
    ),
    "UTF-16 text": (
        lambda sample: (sample / "olist_sellers_dataset.csv").read_text().encode("utf-16"),
        "olist_sellers_dataset.csv",
        "Error: {path}: this is not a CSV file: it is UTF-16 text: re-save the file as UTF-8.",
    ),
    "semicolons for commas": (
        lambda sample: (sample / "olist_sellers_dataset.csv").read_bytes().replace(b",", b";"),
        "olist_sellers_dataset.csv",
        "Error: {path}, line 1: the file uses ';' as its separator; olist_sellers_dataset files"
        " use commas: re-save it as CSV with commas (the Kaggle original is comma-separated).",
    ),
    # What Excel for Mac's "CSV (Macintosh)" writes: the header line never ends.
    "carriage returns alone for line ends": (
        lambda sample: (sample / "olist_sellers_dataset.csv").read_bytes().replace(b"\n", b"\r"),
        "olist_sellers_dataset.csv",
        "Error: {path}, line 1: the lines end in a carriage return alone (CR, as old Mac"
        " software writes): re-save it as CSV with LF or CRLF line ends.",
    ),
}


@pytest.mark.parametrize("case", FILE_CASES, ids=list(FILE_CASES))
def test_bad_files_are_refused_and_nothing_is_stored(cli, lake, tmp_path, sample_data, case):
    lake("crawled")
    content, name, expected = FILE_CASES[case]
    path = tmp_path / "in" / name
    path.parent.mkdir()
    path.write_bytes(content(sample_data))
    refused(cli, tmp_path, ["upload", str(path)], ExitCode.USAGE, expected.format(path=path))


def test_a_binary_sql_file_is_refused(cli, lake, tmp_path):
    lake("crawled")
    (tmp_path / "q.sql").write_bytes(b"SELECT \xff\xfe 1")
    refused(
        cli,
        tmp_path,
        ["query", "--file", "q.sql"],
        ExitCode.USAGE,
        "Error: q.sql is not UTF-8 text (byte 7 cannot be decoded): give a file that holds the"
        " SQL as text.",
    )


def test_a_sql_file_starting_with_a_byte_order_mark_is_read_as_sql(cli, lake, tmp_path):
    lake("crawled")
    (tmp_path / "q.sql").write_bytes(b"\xef\xbb\xbfSELECT 1 AS x")  # as Windows editors save
    result = cli("query", "--file", "q.sql", "-o", "csv")
    assert result.exit_code == 0, result
    assert result.stdout == "x\n1\n"
    assert_no_error(result)


def test_a_with_query_in_a_subquery_shadows_the_table_only_there(cli, lake, sample_data):
    """Valid Athena SQL the engine used to refuse as a bug: the outer name is the table."""
    lake("crawled")
    result = cli(
        "query",
        f"SELECT COUNT(*) AS n FROM {ORDERS} o, (WITH {ORDERS} AS (SELECT 1 AS x)"
        f" SELECT x FROM {ORDERS}) t",
        "-o",
        "csv",
    )
    assert result.exit_code == 0, result
    assert result.stdout == f"n\n{len(frame(sample_data, ORDERS))}\n"


def test_a_huge_field_fails_its_file_and_keeps_the_table(cli, lake, tmp_path, sample_data):
    ws = lake("crawled")
    huge = tmp_path / "in" / f"{ORDERS}.csv"
    huge.parent.mkdir()
    field = b'"' + b"x" * (40 << 20) + b'"'
    huge.write_bytes(
        _orders_header(sample_data)
        + b"a" * 32
        + b","
        + field
        + b",delivered,2017-10-02 10:56:33,,,,2017-10-18 00:00:00\n"
    )
    assert cli("upload", str(huge)).exit_code == 0
    before = snapshot(ws / "processed")
    result = cli("transform")
    assert result.exit_code == ExitCode.FAILED, result
    assert "Traceback" not in result.stderr
    assert (
        "a quoted value is never closed, or a record is longer than the read block, somewhere:"
        " check the double quotes there" in " ".join(result.stderr.split())
    )
    assert snapshot(ws / "processed") == before
    assert (ws / "previous" / ORDERS / f"{ORDERS}.csv").read_bytes() == (
        sample_data / f"{ORDERS}.csv"
    ).read_bytes()


def _command_paths() -> list[list[str]]:
    from olistctl.cli.app import COMMANDS, load_command

    paths: list[list[str]] = [[]]
    for name in COMMANDS:
        paths.append([name])
        for sub in getattr(load_command(name), "commands", {}):
            paths.append([name, sub])
    return paths


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "olistctl")
def test_every_help_page_lists_the_exit_codes(cli, path):
    """The subcommands of `report` and `config` lacked the footer every other command has."""
    result = cli(*path, "--help", env={"COLUMNS": "200"})
    assert result.exit_code == 0, result
    assert "Exit codes: 0 ok · 1 operation failed · 2 usage or bad input" in result.stdout
