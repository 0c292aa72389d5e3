"""Damaged bookkeeping and data files, odd names, settings and sample targets: one sentence each.

Each case reproduces a finding of the hostile review that ended in "Unexpected …
this is a bug", the wrong exit code, the wrong advice, or a write where none
belonged. Each checks the exit code, the exact sentence, no traceback, and what
happened to the files.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from lake import ORDERS, WS
from refused_command import assert_no_error, refused, the_error

from olistctl.dataset import TABLES
from olistctl.errors import ExitCode

GOOD_SQL = f"SELECT COUNT(*) AS n FROM {ORDERS}"


# -- D5, E7: sample --out --------------------------------------------------------------------


def test_sample_never_writes_over_a_file_of_the_same_name(cli, tmp_path):
    mine = tmp_path / "mydata"
    mine.mkdir()
    (mine / f"{ORDERS}.csv").write_text("the real Kaggle download\n")
    refused(
        cli,
        tmp_path,
        ["sample", "--orders", "20", "--out", "mydata"],
        ExitCode.USAGE,
        f"Error: mydata already holds {ORDERS}.csv, and sample would write over it: give"
        " another --out folder, or add --force to replace it.",
    )
    forced = cli("sample", "--orders", "20", "--out", "mydata", "--force")
    assert forced.exit_code == 0, forced
    assert sorted(p.name for p in mine.iterdir()) == sorted(t.file_name for t in TABLES)
    assert (mine / f"{ORDERS}.csv").read_text().startswith('"order_id","customer_id"')


def test_ctrl_c_during_sample_leaves_no_folder_it_made(cli, tmp_path, monkeypatch):
    """Ctrl-C while sample writes: no half-written file, and none of the folders it made
    for --out (an empty `big/` was left); a folder that was there already stays."""
    from olistctl.synth.writer import TableStream

    written = []

    def interrupted(self, block):
        written.append(block)
        raise KeyboardInterrupt

    monkeypatch.setattr(TableStream, "write", interrupted)
    (tmp_path / "mine").mkdir()
    for out in ("new/sample", "mine/sample"):
        result = cli("sample", "--orders", "20", "--out", out)
        assert result.exit_code == ExitCode.INTERRUPTED, result
        assert the_error(result) == (
            "Error: Interrupted: run the same command again to finish (nothing half-written is"
            " kept)."
        )
    assert written
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["mine"]


def test_ctrl_c_while_sample_finishes_its_files_replaces_none_of_them(cli, tmp_path, monkeypatch):
    """Ctrl-C in the last long step (the order items' merge, about 5 % of a 100,000-order
    sample) published the files finished before it: with --force a folder held the new
    customers and geolocation beside the old orders; without, the two new files stayed and
    the same command, run again as the error says, was refused."""
    from olistctl.synth.writer import SortedTableStream

    def interrupted(self, runs):
        raise KeyboardInterrupt
        yield

    mine = tmp_path / "mydata"
    mine.mkdir()
    old = {t.file_name: f"the user's {t.name}\n" for t in TABLES}
    for name, text in old.items():
        (mine / name).write_text(text)
    monkeypatch.setattr(SortedTableStream, "_merged", interrupted)
    for args in (["--out", "mydata", "--force"], ["--out", "new"]):
        result = cli("sample", "--orders", "20", *args)
        assert result.exit_code == ExitCode.INTERRUPTED, result
        assert the_error(result) == (
            "Error: Interrupted: run the same command again to finish (nothing half-written is"
            " kept)."
        )
    assert {p.name: p.read_text() for p in mine.iterdir()} == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mydata"]


def _places(tmp_path: Path) -> dict[str, tuple[str, dict | None, str]]:
    home = tmp_path / "home"
    home.mkdir()
    lake = tmp_path / WS
    lake.mkdir()
    (lake / "olistctl-workspace.json").write_text('{"olistctl_workspace": 2}\n')
    return {
        "the root": ("/", None, "Error: --out / is the root of the file system"),
        "the home folder": (str(home), {"HOME": str(home)}, f"Error: --out {home} is your home"),
        "a folder in a workspace": (
            f"{WS}/sample",
            None,
            f"Error: --out {WS}/sample ({lake}/sample) is in the olistctl workspace {lake},"
            " whose files are olistctl's",
        ),
        "a device": ("/dev/null", None, "Error: --out /dev/null is not a folder: give a folder"),
    }


@pytest.mark.parametrize(
    "place", ["the root", "the home folder", "a folder in a workspace", "a device"]
)
def test_sample_refuses_a_place_that_is_not_a_folder_of_its_own(cli, tmp_path, place):
    out, env, start = _places(tmp_path)[place]
    result = refused(
        cli, tmp_path, ["sample", "--orders", "20", "--out", out], ExitCode.USAGE, [start], env=env
    )
    assert the_error(result).endswith("e.g. --out olist-sample.")


# -- E4: a damaged catalog.json ----------------------------------------------------------------

CATALOGS = {
    "cut short": ('{"tables": [ ', "Expecting value: line 1 column 14 (char 13)"),
    "tables not a list": ('{"tables": 5}', 'it holds no list of "tables"'),
    "a table without a name": (
        '{"tables": [{"name": null, "location": "x", "columns": []}]}',
        "table 1 has no name",
    ),
    "columns null": (
        '{"tables": [{"name": "t", "location": "x", "columns": null}]}',
        "table 1 has no list of [name, type] columns",
    ),
    "not UTF-8": (
        b'{"tables": ["\xff"]}',
        "'utf-8' codec can't decode byte 0xff in position 13: invalid start byte",
    ),
    "nested deeper than JSON is read": ("[" * 100_000, "it is nested too deeply to read"),
}


@pytest.mark.parametrize("case", CATALOGS, ids=list(CATALOGS))
def test_a_damaged_catalog_is_named_and_crawl_rebuilds_it(cli, lake, tmp_path, case):
    ws = lake("crawled")
    content, why = CATALOGS[case]
    catalog = ws / "catalog.json"
    good = catalog.read_text()
    answer = cli("query", GOOD_SQL, "-o", "csv")
    assert answer.exit_code == 0, answer
    if isinstance(content, bytes):
        catalog.write_bytes(content)
    else:
        catalog.write_text(content)
    refused(
        cli,
        tmp_path,
        ["query", GOOD_SQL],
        ExitCode.FAILED,
        f"Error: The catalog {WS}/catalog.json is damaged ({why}): run `olistctl crawl` to"
        " rebuild it.",
        skip=(f"{WS}/olistctl-manifest.jsonl",),
    )
    crawl = cli("crawl")  # the fix the sentence names works
    assert crawl.exit_code == 0, crawl
    assert_no_error(crawl)
    rebuilt = {t["name"] for t in json.loads(catalog.read_text())["tables"]}
    assert rebuilt == {t["name"] for t in json.loads(good)["tables"]}
    again = cli("query", GOOD_SQL, "-o", "csv")
    assert again.exit_code == 0 and again.stdout == answer.stdout, again


# -- E5: a truncated Parquet file ----------------------------------------------------------


def test_a_truncated_parquet_file_is_named_with_the_fix_by_crawl_and_query(cli, lake, tmp_path):
    ws = lake("crawled")
    parquet = ws / "processed" / ORDERS / f"{ORDERS}.parquet"
    parquet.write_bytes(parquet.read_bytes()[:3000])
    crawl = refused(
        cli,
        tmp_path,
        ["crawl"],
        ExitCode.FAILED,
        f"Error: {WS}/processed/{ORDERS}/{ORDERS}.parquet is not a readable Parquet file"
        " (Parquet magic bytes not found in footer. Either the file is corrupted or this is not"
        f" a parquet file): convert it again with `olistctl transform --force {ORDERS}`.",
        skip=(f"{WS}/olistctl-manifest.jsonl",),
    )
    assert crawl.stdout == ""
    query = refused(
        cli,
        tmp_path,
        ["query", GOOD_SQL],
        ExitCode.USAGE,
        [
            "Error: The query failed in the local engine: ",
            f"{ORDERS}.parquet",
            f"convert the damaged file again with `olistctl transform --force {ORDERS}`.",
        ],
        # The translation is cached, and the results folder is made before the query runs.
        skip=(f"{WS}/olistctl-manifest.jsonl", f"{WS}/.cache", f"{WS}/results"),
    )
    assert "check the values" not in query.stderr


# -- E6: names that are not UTF-8, names with a backslash ----------------------------------


def test_odd_names_in_raw_are_transformed_or_left_and_teardown_removes_what_it_wrote(
    cli, tmp_path, sample_data
):
    sellers = sample_data / "olist_sellers_dataset.csv"
    assert cli("upload", str(sellers)).exit_code == 0
    raw = tmp_path / WS / "raw"
    odd_folder = raw / os.fsdecode(b"tab\xff")  # not UTF-8: no name S3 could hold
    odd_folder.mkdir()
    (odd_folder / "x.csv").write_bytes(sellers.read_bytes())
    (raw / "weird").mkdir()
    (raw / "weird" / "x\\y.csv").write_bytes(sellers.read_bytes())
    result = cli("transform")
    assert result.exit_code == 0, result
    assert_no_error(result)
    # The summary, for sellers and x\y.csv; the folder S3 could not name is left out.
    assert "2 converted, 0 unchanged and skipped, 0 failed." in result.stderr
    assert (tmp_path / WS / "processed" / "weird" / "x\\y.parquet").is_file()
    assert sorted(p.name for p in (tmp_path / WS / "processed").iterdir()) == [
        "olist_sellers_dataset",
        "weird",
    ]
    gone = cli("teardown", "--yes")
    assert gone.exit_code == 0, gone
    left = sorted(p.relative_to(tmp_path / WS) for p in (tmp_path / WS).rglob("*") if p.is_file())
    assert left == sorted(
        [Path("raw/weird/x\\y.csv"), odd_folder.relative_to(tmp_path / WS) / "x.csv"]
    )


# -- E7, E9: settings ------------------------------------------------------------------------


def test_a_config_file_that_is_not_utf8_is_a_configuration_error(cli, tmp_path):
    (tmp_path / "bad.toml").write_bytes(b'workspace = "\xff\xfe"\n')
    refused(
        cli,
        tmp_path,
        ["--config", "bad.toml", "status"],
        ExitCode.CONFIG,
        "Error: bad.toml is not UTF-8 text (byte 13 cannot be decoded): save it as UTF-8, as"
        " TOML requires.",
    )


def test_a_workspace_name_too_long_for_the_file_system_is_a_configuration_error(cli, tmp_path):
    name = "a" * 300
    refused(
        cli,
        tmp_path,
        ["-w", name, "status"],
        ExitCode.CONFIG,
        f"Error: The workspace {name} cannot be used (File name too long): choose another folder"
        " with --workspace or OLISTCTL_WORKSPACE.",
    )


def test_a_workspace_that_is_not_text_in_the_config_is_refused(cli, tmp_path):
    (tmp_path / "olistctl.toml").write_text("workspace = [1, 2]\n")
    refused(
        cli,
        tmp_path,
        ["--config", "olistctl.toml", "status"],
        ExitCode.CONFIG,
        "Error: olistctl.toml: workspace is [1, 2], not a text value: write it in quotes, e.g."
        ' workspace = "olist-lake".',
    )


@pytest.mark.parametrize("where", ["OLISTCTL_WORKSPACE", "olistctl.toml"])
def test_a_workspace_under_tilde_is_in_the_home_folder_not_a_folder_named_tilde(
    cli, tmp_path, sample_data, where
):
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home)}
    args = ["upload", str(sample_data / "olist_sellers_dataset.csv")]
    if where == "OLISTCTL_WORKSPACE":
        env["OLISTCTL_WORKSPACE"] = "~/lake"
    else:
        (tmp_path / "olistctl.toml").write_text('workspace = "~/lake"\n')
        args = ["--config", "olistctl.toml", *args]
    result = cli(*args, env=env)
    assert result.exit_code == 0, result
    assert (home / "lake" / "raw" / "olist_sellers_dataset").is_dir()
    assert not (tmp_path / "~").exists()


def test_a_marker_nested_deeper_than_json_reads_is_no_bug(cli, lake, tmp_path):
    ws = lake("crawled")
    (ws / "olistctl-workspace.json").write_text("[" * 100_000)
    result = cli("status", "-o", "csv")
    # Read as a marker whose content is not JSON (olistctl's, of no known version): the
    # workspace still answers, as it did before a marker nested this deep made it crash.
    assert result.exit_code == 0, result
    assert "bug" not in result.stderr and "Traceback" not in result.stderr
    assert [line.split(",")[0] for line in result.stdout.splitlines()[1:]] == [
        "raw",
        "processed",
        "catalog",
        "results",
    ]


# -- no home folder, no such user -------------------------------------------------------------


@pytest.fixture
def no_home(monkeypatch):
    """A user id with no passwd entry and no HOME (a container run as an arbitrary user)."""
    import pwd

    from olistctl.user_secret import user_secret

    def unknown(uid):
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    for name in ("HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(pwd, "getpwuid", unknown)
    user_secret.cache_clear()  # the secret found with a home must not stand in
    yield
    user_secret.cache_clear()


def test_without_a_home_folder_every_local_command_runs_and_keeps_nothing_of_the_users(
    cli, tmp_path, sample_data, no_home
):
    """Was "Unexpected RuntimeError: Could not determine home directory.. This is a bug",
    exit 1, from every command that opened a workspace, and after a query's answer."""
    from olistctl.user_secret import user_secret

    ran = cli("run", str(sample_data))
    assert ran.exit_code == 0, ran
    assert_no_error(ran)
    answered = cli("query", GOOD_SQL, "-o", "csv")
    assert (answered.exit_code, answered.stdout) == (0, "n\n1000\n"), answered
    assert_no_error(answered)
    assert answered.stderr.startswith("1 row · ")
    made = cli("sample", "--orders", "5", "--out", "made")
    assert made.exit_code == 0, made
    assert user_secret() is None  # nothing signed, so nothing of the cache is trusted
    assert sorted(p.name for p in tmp_path.iterdir()) == ["made", WS]


def test_a_tilde_of_no_such_user_is_a_folder_of_that_name_as_in_the_shell(cli, tmp_path):
    """`~nobody-such/x` is left as written (as bash leaves it), where pathlib raised
    RuntimeError ("This is a bug in olistctl", exit 1) for --workspace and sample --out."""
    lake = cli("-w", "~no-such-user-olistctl/lake", "status", "-o", "csv")
    assert lake.exit_code == 0, lake
    assert_no_error(lake)
    made = cli("sample", "--orders", "5", "--out", "~no-such-user-olistctl/sample")
    assert made.exit_code == 0, made
    assert sorted(p.name for p in (tmp_path / "~no-such-user-olistctl" / "sample").iterdir()) == (
        sorted(t.file_name for t in TABLES)
    )
