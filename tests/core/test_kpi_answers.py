"""The kept KPI answers: values come back exactly, or are not kept; the file is only read as one."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from decimal import Decimal

import pytest

from olistctl import kpi_answers
from olistctl.fs import read_own_file
from olistctl.kpi_answers import KpiAnswers
from olistctl.records import QueryResult
from olistctl.sql.named import list_queries
from olistctl.sql.params import BoundParam

SECRET = b"k" * 32
EXACT = [
    None,
    'é, "quoted"\n',
    0,
    -(2**70),
    97.02,
    0.1 + 0.2,
    -0.0,
    1e300,
    math.inf,
    True,
    False,
    Decimal("344.69"),
    Decimal("-0.00"),
    Decimal("12345678901234567890123456789012.34"),
    dt.date(2017, 11, 24),
    dt.datetime(2018, 8, 29, 15, 0, 37, 123000),
]


def _result(rows) -> QueryResult:
    return QueryResult(
        columns=[f"c{i}" for i in range(len(rows[0]))],
        types=["varchar"] * len(rows[0]),
        rows=rows,
        engine_ms=12.0,
        bytes_scanned=1234,
        output_location="results/x.csv",
    )


def _kept(tmp_path, result, params=()):
    path = tmp_path / "answers.json"
    written = []

    def write(data: bytes) -> None:
        written.append(data)
        path.write_bytes(data)

    answers = KpiAnswers(path, write, secret=SECRET, data_version="v1")
    answers.put("SELECT 1", params, result, "2026-12-07T10:00:00+00:00")
    answers.save()
    return KpiAnswers(path, write, secret=SECRET, data_version="v1"), written


def test_every_value_a_kpi_can_hold_comes_back_exactly(tmp_path):
    back, written = _kept(tmp_path, _result([tuple(EXACT)]))
    assert len(written) == 1
    got = back.get("SELECT 1", ())
    assert got is not None
    (row,) = got.rows
    for want, have in zip(EXACT, row, strict=True):
        assert type(have) is type(want) and repr(have) == repr(want)
    assert math.copysign(1, row[6]) == -1  # -0.0 stays negative
    assert got.bytes_scanned == 0 and got.engine_ms == 0  # nothing ran
    assert got.reused_from == "2026-12-07T10:00:00+00:00"
    # Not the earlier run's results file, which teardown or a later run may have removed.
    assert got.output_location is None
    assert got.scan_if_run_again == 1234  # what that run scanned, for the ledger


def test_nan_comes_back_as_nan(tmp_path):
    back, _ = _kept(tmp_path, _result([(math.nan,)]))
    got = back.get("SELECT 1", ())
    assert got is not None and math.isnan(got.rows[0][0])


@pytest.mark.parametrize(
    "value",
    [b"bytes", [1, 2], {"k": 1}, dt.datetime(2018, 1, 1, tzinfo=dt.UTC), dt.time(1, 2)],
)
def test_an_answer_holding_a_value_not_kept_exactly_is_not_kept(tmp_path, value):
    back, written = _kept(tmp_path, _result([("x", value)]))
    assert written == [] and back.get("SELECT 1", ()) is None


def test_another_sql_parameter_value_or_data_version_is_another_answer(tmp_path):
    param = BoundParam("since", "date", dt.date(2018, 1, 1))
    back, _ = _kept(tmp_path, _result([(1,)]), params=[param])
    assert back.get("SELECT 1", [param]) is not None
    assert back.get("SELECT 2", [param]) is None
    assert back.get("SELECT 1", [BoundParam("since", "date", dt.date(2018, 1, 2))]) is None
    assert back.get("SELECT 1", ()) is None
    path = tmp_path / "answers.json"
    assert KpiAnswers(path, None, secret=SECRET, data_version="v2").get("SELECT 1", [param]) is None
    assert (
        KpiAnswers(path, None, secret=b"o" * 32, data_version="v1").get("SELECT 1", [param]) is None
    )


def test_a_change_of_olistctls_own_code_is_another_answer(tmp_path, monkeypatch):
    back, _ = _kept(tmp_path, _result([(1,)]))
    assert back.get("SELECT 1", ()) is not None
    real = kpi_answers.code_identity
    monkeypatch.setattr(kpi_answers, "code_identity", lambda: [*real(), ["edited.py", 1, 2]])
    again = KpiAnswers(tmp_path / "answers.json", None, secret=SECRET, data_version="v1")
    assert again.get("SELECT 1", ()) is None


def test_the_code_identity_covers_olistctl_duckdb_and_sqlglot():
    found = kpi_answers.code_identity()
    names = {str(item[0]) for item in found}
    assert {
        "pipeline.py",
        "backends/local/engine.py",
        "sql/transpile.py",
        "duckdb",
        "sqlglot",
    } <= names


_CHANGES_BY_ITSELF = re.compile(
    r"\b(now|rand|random|uuid|current_date|current_time|current_timestamp|localtime"
    r"|localtimestamp|current_timezone|current_user|shuffle)\b",
    re.IGNORECASE,
)


def test_no_kpi_query_calls_a_function_whose_answer_changes_by_itself():
    # What lets run reuse their answers while the data is the same (kpi_answers).
    kpis = [q for q in list_queries() if q.kpi]
    assert kpis
    for q in kpis:
        assert not _CHANGES_BY_ITSELF.search(q.sql), q.name


def test_own_files_are_read_only_when_they_are_plain_files_under_the_limit(tmp_path):
    plain = tmp_path / "plain"
    plain.write_bytes(b"x" * 10)
    assert read_own_file(plain, limit=10) == b"x" * 10
    assert read_own_file(plain, limit=9) is None
    link = tmp_path / "link"
    link.symlink_to(plain)
    assert read_own_file(link, limit=10) is None
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # no writer: a blocking open or read would never return
    assert read_own_file(fifo, limit=10) is None
    assert read_own_file(tmp_path, limit=10) is None
    assert read_own_file(tmp_path / "missing", limit=10) is None


@pytest.mark.parametrize(
    "content", [b"", b"{", b"[1]", b'{"format": 1, "entries": 7}', b"[" * 100_000 + b"]" * 100_000]
)
def test_a_damaged_answers_file_is_no_answers(tmp_path, content):
    path = tmp_path / "answers.json"
    path.write_bytes(content)
    assert KpiAnswers(path, None, secret=SECRET, data_version="v1").get("SELECT 1", ()) is None


def _rewritten_keeping_size_and_mtime(path, data: bytes, *, in_place: bool) -> None:
    """``path`` holds ``data`` (as long as before), its modification time as it was."""
    st = os.stat(path)
    if in_place:  # cp -p over the file: the same inode, written again
        path.write_bytes(data)
    else:  # an install: a new file renamed into place
        new = path.with_name(path.name + ".new")
        new.write_bytes(data)
        new.replace(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_an_edit_of_olistctl_that_keeps_size_and_mtime_is_another_code_identity(
    tmp_path, monkeypatch
):
    module = tmp_path / "olistctl" / "engine.py"
    module.parent.mkdir()
    module.write_bytes(b"ANSWER = 1\n")
    monkeypatch.setattr(kpi_answers, "__file__", str(tmp_path / "olistctl" / "kpi_answers.py"))
    before = kpi_answers.code_identity()
    _rewritten_keeping_size_and_mtime(module, b"ANSWER = 2\n", in_place=True)
    assert kpi_answers.code_identity() != before


def test_a_new_build_of_duckdbs_compiled_module_is_another_code_identity(tmp_path, monkeypatch):
    # DuckDB's work is done by _duckdb, a module beside the duckdb package, not in it.
    import importlib.machinery

    site = tmp_path / "site-packages"
    (site / "duckdb").mkdir(parents=True)
    (site / "duckdb" / "__init__.py").write_text("from _duckdb import *\n")
    binary = site / "_duckdb.cpython-311-x86_64-linux-gnu.so"
    binary.write_bytes(b"build 1")
    specs = {
        "duckdb": importlib.machinery.ModuleSpec(
            "duckdb", None, origin=str(site / "duckdb" / "__init__.py"), is_package=True
        ),
        "_duckdb": importlib.machinery.ModuleSpec("_duckdb", None, origin=str(binary)),
    }
    monkeypatch.setattr(kpi_answers.importlib.util, "find_spec", lambda name: specs.get(name))
    before = kpi_answers.code_identity()
    _rewritten_keeping_size_and_mtime(binary, b"build 2", in_place=False)
    assert kpi_answers.code_identity() != before
