"""The benchmarks keep working: their measuring harness, their inputs, and a smoke run of each.

No timings are asserted here (those live in docs/benchmarks.md); what is
asserted is behaviour: the harness reports the measured process's own peak
memory, the generated CSV has unique ids and the source's values, output
comparisons catch a changed value, the help path imports nothing heavy, and
every benchmark script runs end to end at tiny sizes and writes its results.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from olistctl.dataset import ORDERS
from olistctl.synth import generate

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import _harness  # noqa: E402
from _orders_csv import build_orders_csv  # noqa: E402
from _pandas_queries import answers_agree  # noqa: E402
from sample import OWN_MARK  # noqa: E402
from transform import compare_parquet  # noqa: E402

SCRIPTS = (
    "startup",
    "transform",
    "lambda_tmp",
    "pipeline",
    "queries",
    "query_out",
    "scan_cost",
    "profiles",
    "sample",
    "setup",
)
HEAVY = {"boto3", "botocore", "pandas", "pyarrow", "duckdb"}


@pytest.fixture(scope="module")
def orders_csv(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("orders")
    return generate(folder, orders=300, seed=7).files[ORDERS.name]


# -- measuring ----------------------------------------------------------------


def test_measure_reports_the_child_peak_not_the_parent_size():
    # This process holds 400 MB; a child forked straight from it would report
    # at least that much as its own ru_maxrss.
    ballast = bytearray(400 * 1024 * 1024)
    ballast[::4096] = b"x" * len(ballast[::4096])
    small = _harness.measure([sys.executable, "-c", "pass"])
    big = _harness.measure(
        [sys.executable, "-c", "b = bytearray(250_000_000); b[::4096] = b'x' * len(b[::4096])"]
    )
    del ballast
    assert small.returncode == 0 and small.wall_s > 0
    assert small.peak_rss < 60_000_000
    assert 250_000_000 <= big.peak_rss < 400_000_000


def test_measure_keeps_output_and_raises_on_failure(tmp_path):
    ok = _harness.measure([sys.executable, "-c", "import os; print(os.getcwd())"], cwd=tmp_path)
    assert ok.stdout.strip() == str(tmp_path)
    with pytest.raises(_harness.BenchError, match="exited with 3:\nbroken here"):
        _harness.measure(
            [sys.executable, "-c", "import sys; sys.stderr.write('broken here'); sys.exit(3)"]
        )
    failed = _harness.measure([sys.executable, "-c", "raise SystemExit(4)"], check=False)
    assert failed.returncode == 4


def test_spread_median_range_and_iqr():
    s = _harness.Spread([5.0, 1.0, 3.0, 2.0, 4.0])
    assert (s.median, s.min, s.max, s.iqr) == (3.0, 1.0, 5.0, 2.0)
    assert _harness.Spread([2.0]).iqr == 0.0


# -- inputs and checks ----------------------------------------------------------


def test_orders_csv_is_unique_ids_over_the_source_values(orders_csv, tmp_path):
    dest = tmp_path / "big.csv"
    rows = build_orders_csv(orders_csv, dest, 200_000)
    source = list(csv.reader(orders_csv.open(newline="")))
    built = list(csv.reader(dest.open(newline="")))
    assert dest.stat().st_size >= 200_000
    assert built[0] == source[0] == list(ORDERS.column_names)
    assert rows == len(built) - 1 > 3 * (len(source) - 1)
    data, original = built[1:], source[1:]
    for i, row in enumerate(data):
        want = original[i % len(original)]
        assert row[2:] == want[2:]  # status and timestamps kept as generated
        assert row[0][6:] == want[0][6:] and row[1][6:] == want[1][6:]
        assert row[0][:6] == row[1][:6] == f"{i // len(original):06d}"
    ids = [r[0] for r in data] + [r[1] for r in data]
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 32 and set(i) <= set("0123456789abcdef") for i in ids)
    # Ids now start with a digit, so they are quoted, as the real files do.
    assert dest.read_bytes().splitlines()[1].startswith(b'"000000')


def test_orders_csv_refuses_another_table(tmp_path):
    other = tmp_path / "items.csv"
    other.write_text('"order_id","order_item_id"\n')
    with pytest.raises(ValueError, match=r"is not an olist_orders_dataset\.csv file"):
        build_orders_csv(other, tmp_path / "out.csv", 1000)
    assert not (tmp_path / "out.csv").exists()


def _write(path: Path, stamps: list, names: list, unit: str, large: bool) -> None:
    table = pa.table(
        {
            "name": pa.array(names, pa.large_string() if large else pa.string()),
            "at": pa.array(stamps, pa.timestamp(unit)),
        }
    )
    pq.write_table(table, path, row_group_size=2)


def test_compare_parquet_sees_values_not_types(tmp_path):
    stamps = [datetime(2018, 1, 1, 10, 0, s) for s in range(5)] + [None]
    names = ["a", "b", None, "d", "e", "f"]
    _write(tmp_path / "ms.parquet", stamps, names, "ms", large=False)
    _write(tmp_path / "us.parquet", stamps, names, "us", large=True)
    assert compare_parquet(tmp_path / "ms.parquet", tmp_path / "us.parquet", batch_rows=4) == ""

    changed = [*names[:4], "E", names[5]]
    _write(tmp_path / "changed.parquet", stamps, changed, "us", large=True)
    assert compare_parquet(tmp_path / "ms.parquet", tmp_path / "changed.parquet") == (
        "name differs at row 5: 'e' against 'E'"
    )
    _write(tmp_path / "short.parquet", stamps[:5], names[:5], "ms", large=False)
    assert compare_parquet(tmp_path / "ms.parquet", tmp_path / "short.parquet") == (
        "6 rows against 5"
    )


def test_answers_agree_within_rounding_only():
    sql = [["on time", 911, 94.01], ["late", 58, None]]
    assert answers_agree(sql, [["on time", 911, 94.0134], ["late", 58, None]]) == ""
    assert answers_agree([["orders", "1000"]], [["orders", 1000.0]]) == ""
    assert "row 1" in answers_agree(sql, [["on time", 911, 94.02], ["late", 58, None]])
    assert "row 2" in answers_agree(sql, [["on time", 911, 94.01], ["late", 58, 0.0]])
    assert answers_agree(sql, sql[:1]) == "2 rows against 1"


# -- the help path ---------------------------------------------------------------

_PROBE = r"""
import json, sys
args = json.loads(sys.argv[1])
sys.argv = ["olistctl", *args]
try:
    from olistctl.cli.app import main
    main()
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


@pytest.mark.parametrize(
    "args", [["--help"], ["query", "--help"], ["run", "--help"], ["--version"]]
)
def test_help_path_imports_nothing_heavy(args):
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        check=True,
    )
    modules = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "olistctl" in modules and "typer" in modules  # the probe did run the CLI
    assert modules & HEAVY == set()


# -- every benchmark, at smoke size ---------------------------------------------------


def _smoke(script: str, work: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(BENCH / script), "--smoke", "--work-dir", str(work), *extra],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", SCRIPTS)
def test_benchmark_runs_at_smoke_size(name, tmp_path):
    done = _smoke(f"{name}.py", tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    section = (tmp_path / "results" / f"{name}.md").read_text()
    figures = json.loads((tmp_path / "results" / f"{name}.json").read_text())
    assert section.startswith("## ") and section in done.stdout + "\n"
    assert figures["benchmark"] == name and figures["smoke"] is True and figures["reps"] == 1
    assert all(isinstance(t["met"], bool) for t in figures["targets"])
    # Every benchmark judges at least one target; the attribution experiments judge none,
    # nor does set-up at smoke size (offline from uv's cache: no download to compare).
    assert bool(figures["targets"]) == (name not in ("profiles", "setup"))


@pytest.mark.slow
def test_transform_smoke_checks_outputs_and_cleans_up(tmp_path):
    done = _smoke("transform.py", tmp_path, "--sizes", "1MB", "--methods", "olistctl")
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads((tmp_path / "results" / "transform.json").read_text())
    (size,) = figures["sizes"]
    # The command users run and the pandas baseline always run; the function was asked for.
    assert set(size["runs"]) == {"cli", "olistctl", "pandas-typed"}
    assert size["mismatch"] == ""
    assert size["timestamp_type"]["cli"] == size["timestamp_type"]["olistctl"] == "timestamp[ms]"
    rows = pacsv.read_csv(size["source"]).num_rows
    assert size["rows"] == rows
    assert not list((tmp_path / "transform").glob("*.parquet"))


@pytest.mark.slow
def test_run_all_writes_one_document(tmp_path):
    out = tmp_path / "benchmarks.md"
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH / "run_all.py"),
            "--smoke",
            "--only",
            "startup,scan_cost",
            "--work-dir",
            str(tmp_path),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    document = out.read_text()
    assert document.startswith("# Benchmarks")
    for heading in ("## Machine", "## Targets", "## Start-up", "## Scan cost"):
        assert heading in document
    assert "## Transform: one orders-like CSV" not in document  # not asked for
    assert "start-up: `olistctl --help` <= 0.15 s" in document
    assert "| startup | " in document and "| scan_cost | " in document  # each run's load


@pytest.mark.slow
def test_sample_benchmark_repeats_into_its_own_folder(tmp_path):
    """A second repetition finds the first one's files, which sample refuses to write
    over without --force: the benchmark empties its own folder before each run (one
    left by a run stopped half-way too, known by its mark), and removes it at the end."""
    (tmp_path / _harness.WORK_MARK).write_text("")  # the benchmarks' folder, from that run
    leftover = tmp_path / "sample-300"
    leftover.mkdir()
    (leftover / OWN_MARK).write_text("")
    (leftover / ORDERS.file_name).write_text("order_id\nhalf-written\n")
    command = [sys.executable, str(BENCH / "sample.py"), "--reps", "2", "--orders", "300"]
    done = subprocess.run(
        [*command, "--work-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads((tmp_path / "results" / "sample.json").read_text())
    assert figures["reps"] == 2
    assert "repetition 2/2" in done.stderr
    assert not leftover.exists()


def test_sample_benchmark_leaves_a_folder_it_did_not_make(tmp_path):
    """A sample-N folder of the user's in the benchmarks' --work-dir (their own `olistctl
    sample --out`, say) is refused, not emptied: the benchmark removes only folders it made."""
    (tmp_path / _harness.WORK_MARK).write_text("")
    theirs = tmp_path / "sample-300"
    theirs.mkdir()
    (theirs / ORDERS.file_name).write_text("order_id\nmine\n")
    (theirs / "notes.txt").write_text("mine too\n")
    command = [sys.executable, str(BENCH / "sample.py"), "--reps", "2", "--orders", "300"]
    done = subprocess.run(
        [*command, "--work-dir", str(tmp_path)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 1
    assert (
        f"{theirs} is not a folder this benchmark made: move it away, or give another"
        " --work-dir" in done.stderr
    )
    assert sorted(p.name for p in theirs.iterdir()) == sorted([ORDERS.file_name, "notes.txt"])
    assert (theirs / ORDERS.file_name).read_text() == "order_id\nmine\n"
    assert (theirs / "notes.txt").read_text() == "mine too\n"


@pytest.mark.parametrize("script", ["pipeline.py", "setup.py", "run_all.py"])
def test_a_work_dir_holding_the_users_files_is_refused_and_left_alone(tmp_path, script):
    """The benchmarks delete and replace fixed names under --work-dir (a workspace, a lake,
    a clone): a folder they did not make, with something in it, is refused before anything
    runs, and what is there stays as it was."""
    theirs = tmp_path / "data"
    (theirs / "ws-full").mkdir(parents=True)
    (theirs / "ws-full" / "notes.txt").write_text("mine\n")
    args = ["--smoke"]
    if script == "run_all.py":  # never the repository's document, whatever happens
        args += ["--only", "startup", "--out", str(tmp_path / "benchmarks.md")]
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args, "--work-dir", str(theirs)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert (
        f"--work-dir {theirs} holds files the benchmarks did not make, and they delete and"
        " replace folders there: give a new or empty folder" in done.stderr
    )
    assert sorted(p.relative_to(theirs).as_posix() for p in theirs.rglob("*")) == [
        "ws-full",
        "ws-full/notes.txt",
    ]
    assert (theirs / "ws-full" / "notes.txt").read_text() == "mine\n"


def test_an_empty_or_marked_work_dir_is_the_benchmarks(tmp_path):
    """A new or empty folder becomes the benchmarks' (the mark written); a marked one stays
    theirs whatever it holds; the repository's default is theirs too."""
    new = tmp_path / "new"
    assert _harness.claim_work_dir(new) is None
    assert (new / _harness.WORK_MARK).is_file()
    (new / "ws-full").mkdir()
    assert _harness.claim_work_dir(new) is None
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _harness.claim_work_dir(empty) is None and (empty / _harness.WORK_MARK).is_file()
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    assert _harness.claim_work_dir(a_file) == (
        f"--work-dir {a_file} is not a folder: give a new or empty folder"
    )
    assert a_file.read_text() == "x"
