"""The local engine's DuckDB connection: the wall behind the SQL checks.

Whatever SQL reaches it, the connection opens only the files it was given, loads
no extension and cannot change its own settings. The statements here are run on
the connection directly, as if every check in front of it had failed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from olistctl.backends.local.engine import connect
from olistctl.backends.local.guard import UnsafeQuery, check_duckdb_sql


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    allowed = tmp_path / "ws" / "processed" / "t" / "a.parquet"
    other = tmp_path / "ws" / "processed" / "t" / "b.parquet"
    outside = tmp_path / "outside.parquet"
    allowed.parent.mkdir(parents=True)
    for path in (allowed, other, outside):
        pq.write_table(pa.table({"x": [1, 2, 3]}), path)
    (tmp_path / "secret.txt").write_text("the user's\n")
    return {
        "allowed": allowed,
        "other": other,
        "outside": outside,
        "secret": tmp_path / "secret.txt",
        "out": tmp_path / "ws" / "results" / "out.csv",
    }


@pytest.fixture
def con(files):
    files["out"].parent.mkdir(parents=True)
    files["out"].write_text("")
    con = connect(allowed_paths=[str(files["allowed"]), str(files["out"])])
    yield con
    con.close()


def test_the_files_it_was_given_are_read_and_written(con, files):
    assert con.execute(f"SELECT SUM(x) FROM read_parquet('{files['allowed']}')").fetchall() == [
        (6,)
    ]
    con.execute(f"COPY (SELECT 42 AS a) TO '{files['out']}' (HEADER, USE_TMP_FILE false)")
    assert files["out"].read_text() == "a\n42\n"


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("SELECT * FROM read_parquet('{outside}')", "Cannot access file"),
        ("SELECT * FROM read_parquet('{other}')", "Cannot access file"),  # next to a given one
        ("SELECT * FROM read_parquet('{allowed}/../b.parquet')", "Cannot access file"),
        ("SELECT * FROM read_csv('{secret}')", "Cannot access file"),
        ("SELECT * FROM read_text('/etc/passwd')", "Cannot access file"),
        ("SELECT * FROM glob('/etc/*')", "Cannot access file"),
        ("COPY (SELECT 1) TO '{secret}'", "Cannot access file"),
        ("ATTACH '{secret}.db' AS x", "Cannot access file"),
        ("INSTALL httpfs", "Cannot access directory"),
        ("LOAD httpfs", "Loading external extensions is disabled"),
        ("SET enable_external_access = true", "the configuration has been locked"),
        ("SET allowed_paths = ['/']", "the configuration has been locked"),
        ("RESET lock_configuration", "the configuration has been locked"),
        ("SET TimeZone = 'America/Sao_Paulo'", "the configuration has been locked"),
        ("SELECT getenv('HOME')", "getenv does not exist"),
    ],
)
def test_everything_else_is_refused(con, files, statement, message):
    with pytest.raises(duckdb.Error, match=message):
        con.execute(statement.format(**files)).fetchall()
    assert files["secret"].read_text() == "the user's\n"


def test_it_never_spills_into_the_current_folder(con, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (spill,) = con.execute("SELECT current_setting('temp_directory')").fetchone()
    assert Path(spill).is_absolute() and not Path(spill).is_relative_to(tmp_path)
    assert con.execute("SELECT current_setting('TimeZone')").fetchone() == ("UTC",)


def test_it_draws_no_progress_bar_on_stdout():
    """DuckDB draws one on stdout after 2 s of a query (seen in a 4-way cross join's output
    in tests/cli/test_query_interrupt.py before this setting): it would be in `-o csv > f`.

    Asked in a process of its own: DuckDB's default depends on what stdout is, and under
    pytest's capture it is already off.
    """
    ask = (
        "from olistctl.backends.local.engine import connect\n"
        "con = connect()\n"
        "print(con.execute(\"SELECT current_setting('enable_progress_bar')\").fetchone()[0])\n"
        "try:\n"
        "    con.execute('SET enable_progress_bar=true')\n"
        "except Exception as error:\n"
        "    print(type(error).__name__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", ask], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "False\nInvalidInputException\n", "")


GOOD = [
    "SELECT 42 AS answer",
    "SELECT * FROM t",
    "WITH c AS (SELECT 1 AS a) SELECT * FROM c JOIN t ON true",
    "SELECT x FROM t, unnest([1, 2]) AS u(x)",
    "SELECT * FROM (VALUES (1), (2)) AS v(a)",
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r",
    # A WITH item is seen by the items after it (and by the main query).
    "WITH a AS (SELECT 1 AS x), b AS (SELECT x FROM a) SELECT * FROM b",
    "SELECT sum(x) OVER (), count(*) FILTER (WHERE x > 1) FROM t GROUP BY x",
]
BAD = {
    "SELECT * FROM read_csv('/etc/passwd')": "it calls the table function read_csv()",
    "SELECT * FROM t WHERE x IN (SELECT 1 FROM read_text('/etc/passwd'))": "read_text()",
    "SELECT * FROM '/etc/passwd'": "it reads '/etc/passwd', which is not a table of the catalog",
    "SELECT * FROM main.t": "it reads 't', which is not a table of the catalog",
    "SELECT * FROM u": "it reads 'u', which is not a table of the catalog",
    # A CTE's name counts only inside its own query.
    'SELECT * FROM (WITH "/x" AS (SELECT 1) SELECT 1) AS s, "/x"': "it reads '/x'",
    # Scope as in Trino (and DuckDB's binder): a WITH item is not seen by the items before
    # it, so there the name is a system view or a file; nor in its own body, unless in
    # the recursive part of WITH RECURSIVE.
    "WITH a AS (SELECT * FROM pragma_database_list), pragma_database_list AS (SELECT 1 AS x)"
    " SELECT * FROM a": "it reads 'pragma_database_list', which is not a table of the catalog",
    "WITH a AS (SELECT * FROM sqlite_master), sqlite_master AS (SELECT 1) SELECT * FROM a": (
        "it reads 'sqlite_master', which is not a table of the catalog"
    ),
    'WITH a AS (SELECT * FROM "/tmp/secret.csv"), "/tmp/secret.csv" AS (SELECT 1 AS x)'
    " SELECT * FROM a": "it reads '/tmp/secret.csv', which is not a table of the catalog",
    'WITH RECURSIVE "/x.csv" AS (SELECT * FROM "/x.csv") SELECT * FROM "/x.csv"': (
        "it reads '/x.csv', which is not a table of the catalog"
    ),
    "WITH RECURSIVE r(n) AS (SELECT * FROM r UNION ALL SELECT 1) SELECT * FROM r": "it reads 'r'",
    # Functions: only those the transpiler writes (settings, variables, error() are not).
    "SELECT current_setting('allowed_paths') AS answer": (
        "it calls the function current_setting()"
    ),
    "SELECT * FROM t WHERE x = (SELECT getvariable('v'))": "it calls the function getvariable()",
    "SELECT error('boom')": "it calls the function error()",
    "SELECT main.sum(x) FROM t": "it calls the function sum()",
    "SELECT 1; SELECT 2": "it holds 2 statements, not one",
    "COPY (SELECT 1) TO 'x'": "it is a COPY statement, not a SELECT",
    "PRAGMA version": "it is a PRAGMA statement, not a SELECT",
    "EXPLAIN SELECT 1": "it is a EXPLAIN statement, not a SELECT",
    "SHOW '/etc/passwd'": "it describes '/etc/passwd'",
    "SELECT * FROM query('SELECT 1')": "it calls the table function query()",
    "SELECT (": "its SQL does not parse",
}


@pytest.mark.parametrize("sql", GOOD)
def test_the_check_lets_a_select_over_the_views_through(sql):
    check_duckdb_sql(duckdb.connect(), sql, ["t"])


@pytest.mark.parametrize("sql", BAD, ids=list(BAD))
def test_the_check_refuses_anything_else(sql):
    with pytest.raises(UnsafeQuery) as caught:
        check_duckdb_sql(duckdb.connect(), sql, ["t"])
    assert BAD[sql] in caught.value.why
    assert str(caught.value).startswith("The local engine refused to run the query's DuckDB SQL:")
