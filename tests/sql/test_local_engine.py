"""The local engine end to end on a small workspace: rows, types, the results CSV, the scan
estimate, the transpile cache, and what a query process imports."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from olistctl.backends.local.catalog import LocalCatalog
from olistctl.backends.local.engine import TRANSPILE_CACHE, LocalEngine
from olistctl.backends.local.store import LocalStore
from olistctl.backends.local.workspace import Workspace
from olistctl.cli.render import text
from olistctl.errors import SqlError
from olistctl.sql import transpile as transpiler
from olistctl.sql.scan import estimate_scan_bytes

ROWS = 50_000  # enough for DuckDB to scan and sort on several threads
STATUSES = ["delivered", "shipped", 'odd "quoted", value', "multi\nline", None]


def _sales() -> pa.Table:
    base = datetime(2018, 1, 1)
    return pa.table(
        {
            "id": pa.array([f"o{i:06d}" for i in range(ROWS)]),
            "status": pa.array([STATUSES[i % len(STATUSES)] for i in range(ROWS)]),
            "amount": pa.array(
                [Decimal(i % 1000) / 100 for i in range(ROWS)], type=pa.decimal128(10, 2)
            ),
            "at": pa.array(
                [base.replace(second=i % 60, microsecond=(i % 7) * 1000) for i in range(ROWS)],
                type=pa.timestamp("ms"),
            ),
            "qty": pa.array([i % 13 for i in range(ROWS)], type=pa.int32()),
        }
    )


def _workspace(root: Path, tables: dict[str, list[pa.Table]]) -> LocalEngine:
    ws = Workspace(root)
    ws.ensure()
    for name, parts in tables.items():
        for index, part in enumerate(parts):
            path = ws.path("processed", f"{name}/part-{index}.parquet")
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(part, path, row_group_size=10_000)
    store = LocalStore(ws)
    catalog = LocalCatalog(store)
    catalog.crawl()
    return LocalEngine(store, catalog, None)


@pytest.fixture(scope="module")
def sales() -> pa.Table:
    return _sales()


@pytest.fixture
def engine(tmp_path, sales) -> LocalEngine:
    half = ROWS // 2
    return _workspace(tmp_path / "ws", {"sales": [sales.slice(0, half), sales.slice(half)]})


def _results_csv(engine: LocalEngine, query_id: str) -> list[list[str]]:
    path = engine.store.ws.path("results", f"{query_id}.csv")
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_rows_types_and_results_file_match_an_independent_computation(engine, sales):
    result = engine.execute(
        "SELECT id, status, amount, at, qty * 2 AS twice FROM sales ORDER BY at DESC, id DESC"
    )
    expected = sorted(
        zip(
            *(sales.column(c).to_pylist() for c in ("id", "status", "amount", "at", "qty")),
            strict=True,
        ),
        key=lambda r: (r[3], r[0]),
        reverse=True,
    )
    expected = [(i, s, a, t, q * 2) for i, s, a, t, q in expected]
    assert result.columns == ["id", "status", "amount", "at", "twice"]
    assert result.types == ["varchar", "varchar", "decimal(10,2)", "timestamp", "integer"]
    assert result.rows == expected
    assert not result.truncated
    # Athena's results format: every value quoted, NULL empty, timestamps with milliseconds.
    lines = _results_csv(engine, result.query_id)
    assert lines[0] == result.columns
    assert lines[1:] == [[text(v) for v in row] for row in expected]
    raw = Path(result.output_location).read_text(encoding="utf-8")
    assert raw.startswith('"id","status","amount","at","twice"\n"o')
    assert ',,"' in raw  # a NULL status: an empty, unquoted field


def test_max_rows_keeps_the_first_rows_and_the_file_keeps_them_all(engine):
    full = engine.execute("SELECT id FROM sales ORDER BY id DESC")
    cut = engine.execute("SELECT id FROM sales ORDER BY id DESC", max_rows=7)
    assert cut.truncated and cut.rows == full.rows[:7]
    assert len(_results_csv(engine, cut.query_id)) == ROWS + 1
    exact = engine.execute("SELECT id FROM sales ORDER BY id LIMIT 7", max_rows=7)
    assert not exact.truncated and len(exact.rows) == 7


def test_repeated_output_names_are_kept_as_athena_keeps_them(engine):
    result = engine.execute("SELECT qty, qty + 1 AS qty FROM sales ORDER BY id LIMIT 2")
    assert result.columns == ["qty", "qty"]
    assert result.rows == [(0, 1), (1, 2)]
    assert _results_csv(engine, result.query_id) == [["qty", "qty"], ["0", "1"], ["1", "2"]]
    assert not [p for p in engine.store.ws.path("results").iterdir() if p.suffix != ".csv"]


@pytest.mark.parametrize("name", ["a\nb", "x\n", "\r\n", "q\r_1"])
def test_repeated_output_names_with_a_line_break_are_kept(engine, name):
    """A quoted name may hold a line break; DuckDB's result table renames its repeat all
    the same (a\nb, a\nb_1), and the query's own names come back, repeated as Trino
    repeats them (``TestJdbcResultSet.testDuplicateColumnLabels``: ``SELECT 123 x, 456 x``)."""
    quoted = '"' + name + '"'
    result = engine.execute(
        f"SELECT qty AS {quoted}, qty + 1 AS {quoted} FROM sales ORDER BY id LIMIT 1"
    )
    assert result.columns == [name, name]
    assert result.rows == [(0, 1)]
    assert _results_csv(engine, result.query_id) == [[name, name], ["0", "1"]]


def test_no_rows_still_writes_the_header(engine):
    result = engine.execute("SELECT id, amount FROM sales WHERE qty > 100")
    assert result.rows == [] and result.columns == ["id", "amount"]
    assert _results_csv(engine, result.query_id) == [["id", "amount"]]


def test_the_scan_estimate_is_the_footers_column_chunks(engine):
    result = engine.execute("SELECT status, SUM(amount) AS total FROM sales GROUP BY status")
    files = engine.files_by_table()
    assert len(files["sales"]) == 2
    expected = estimate_scan_bytes({"sales": {"status", "amount"}}, files).bytes
    assert result.bytes_scanned == expected > 0


# Trino lets a table's alias rename its columns by position: its SELECT reference gives
# ``table_name [ [ AS ] alias [ ( column_alias [, ...] ) ] ]`` as a from_item
# (docs/src/main/sphinx/sql/select.md), and its analyzer
# (``StatementAnalyzer.visitAliasedRelation``) checks that the list names every column
# ("Column alias list has %s entries but '%s' has %s columns available") and gives the
# i-th column the i-th name. Athena engine v3 is Trino.
def test_a_column_list_on_a_table_alias_renames_its_columns_by_position(engine, sales):
    result = engine.execute(
        "SELECT s.b AS status, COUNT(*) AS n, SUM(c) AS total, MAX(s.e) AS top"
        " FROM sales AS s(a, b, c, d, e) WHERE e > 3 GROUP BY s.b ORDER BY n DESC, status"
    )
    groups: dict[object, list] = {}
    for status, amount, qty in zip(
        *(sales.column(c).to_pylist() for c in ("status", "amount", "qty")), strict=True
    ):
        if qty > 3:
            group = groups.setdefault(status, [0, Decimal(0), qty])
            group[0] += 1
            group[1] += amount
            group[2] = max(group[2], qty)
    expected = sorted(
        ((status, n, total, top) for status, (n, total, top) in groups.items()),
        key=lambda r: (-r[1], r[0] is None, r[0] or ""),  # NULLS LAST (test_athena_conformance)
    )
    assert result.columns == ["status", "n", "total", "top"]
    assert result.types == ["varchar", "bigint", "decimal(38,2)", "integer"]
    assert result.rows == expected
    # The estimate counts the table's own columns the aliases read: a column list renames,
    # the Parquet columns read are the same.
    files = engine.files_by_table()
    scan = estimate_scan_bytes({"sales": {"status", "amount", "qty"}}, files).bytes
    assert result.bytes_scanned == scan > 0
    star = engine.execute("SELECT * FROM sales AS s(a, b, c, d, e) ORDER BY a LIMIT 1")
    assert star.columns == ["a", "b", "c", "d", "e"]
    assert star.rows == [tuple(sales.slice(0, 1).to_pylist()[0].values())]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        # The aliases hide the table's own names, as Trino's analyzer replaces them.
        (
            "SELECT s.status FROM sales AS s(a, b, c, d, e)",
            "Column status does not exist in s (line 1, column 8): the columns available"
            " here are a, b, c, d, e",
        ),
        (
            "SELECT status FROM sales AS s(a, b, c, d, e)",
            "Column status cannot be resolved (line 1, column 8): the columns available here"
            " are a, b, c, d, e",
        ),
        (
            "SELECT a FROM sales AS s(a, b, a, d, e)",
            "The column list of s names a twice (line 1, column 32): give each column its own name",
        ),
        (
            "WITH w AS (SELECT status, qty FROM sales) SELECT v.status FROM w AS v(p, q)",
            "Column status does not exist in v (line 1, column 50): the columns available"
            " here are p, q",
        ),
        (
            "WITH w AS (SELECT status, qty FROM sales) SELECT p FROM w AS v(p)",
            "The column list of v names 1 column(s), but v has 2 (line 1, column 62): name"
            " each of its columns once, as Athena requires",
        ),
        (
            "SELECT a FROM (SELECT * FROM sales) AS s(a, b)",
            "The column list of s names 2 column(s), but s has 5 (line 1, column 40): name"
            " each of its columns once, as Athena requires",
        ),
        (
            "SELECT a FROM sales AS s(a, b)",
            "The column list of s names 2 column(s), but s has 5 (line 1, column 24): name"
            " each of its columns once, as Athena requires",
        ),
    ],
)
def test_a_table_alias_column_list_refuses_what_trino_refuses(engine, sql, message):
    with pytest.raises(SqlError) as caught:
        engine.execute(sql)
    assert str(caught.value) == message
    assert not list(engine.store.ws.path("results").glob("*"))


def test_queries_share_one_sandboxed_connection_whose_scratch_goes_with_it(
    engine, sales, tmp_path, monkeypatch
):
    import duckdb

    from olistctl.backends.local import engine as engine_module

    opened = []
    real = engine_module.connect

    def counted(**kwargs):
        opened.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(engine_module, "connect", counted)
    first = engine.execute("SELECT COUNT(*) AS n FROM sales")
    second = engine.execute("SELECT MAX(qty) AS top FROM sales")
    assert (first.rows, second.rows) == ([(ROWS,)], [(12,)])
    assert len(opened) == 1
    (scratch,) = opened[0]["allowed_directories"]
    assert sorted(opened[0]["allowed_paths"]) == sorted(
        str(p) for p in engine.files_by_table()["sales"]
    )
    # The results are in results/, nothing stays in the scratch folder.
    assert Path(first.output_location).parent == engine.store.ws.path("results")
    assert os.listdir(scratch) == []
    # The connection is the same wall: nothing outside the catalog's files and the scratch.
    outside = tmp_path / "outside.parquet"
    pq.write_table(sales.slice(0, 3), outside)
    con = engine._con
    assert con is not None
    with pytest.raises(duckdb.Error, match="Cannot access file"):
        con.execute(f"SELECT * FROM read_parquet('{outside}')").fetchall()
    with pytest.raises(duckdb.Error, match="Cannot access"):
        con.execute(f"COPY (SELECT 1) TO '{engine.store.ws.path('results', 'x.csv')}'")
    # A file the connection was not opened for: a new connection that may read it.
    pq.write_table(sales.slice(0, 10), engine.store.ws.path("processed", "sales/part-9.parquet"))
    engine.catalog.crawl()
    assert engine.execute("SELECT COUNT(*) AS n FROM sales").rows == [(ROWS + 10,)]
    assert len(opened) == 2 and not os.path.exists(scratch)
    engine.close()
    assert engine._con is None
    assert not os.path.exists(opened[1]["allowed_directories"][0])


def test_the_second_run_of_a_query_comes_from_the_cache(engine, monkeypatch):
    sql = "SELECT status, COUNT(*) AS n FROM sales GROUP BY status ORDER BY n DESC, status"
    first = engine.execute(sql)
    calls = []
    monkeypatch.setattr(transpiler, "transpile", lambda *a, **k: calls.append(a))
    second = engine.execute(sql)
    assert calls == []
    assert second.rows == first.rows and second.types == first.types
    assert len(list((engine.store.ws.root / TRANSPILE_CACHE).glob("*.json"))) == 1


def test_a_recrawl_with_new_types_is_transpiled_again(engine, sales, monkeypatch):
    sql = "SELECT amount / 4 AS quarter FROM sales ORDER BY id LIMIT 3"
    as_decimal = engine.execute(sql)
    assert as_decimal.types == ["decimal(10,2)"]
    # The same table rewritten with amount as a double: a new catalog, a new transpile.
    folder = engine.store.ws.path("processed", "sales")
    for path in folder.iterdir():
        path.unlink()
    doubles = sales.set_column(2, "amount", sales.column("amount").cast(pa.float64()))
    pq.write_table(doubles, folder / "all.parquet")
    engine.catalog.crawl()
    as_double = engine.execute(sql)
    assert as_double.types == ["double"]
    assert as_double.rows == [(0.0,), (0.0025,), (0.005,)]
    assert as_decimal.rows == [(Decimal("0.00"),), (Decimal("0.00"),), (Decimal("0.01"),)]


def test_a_runtime_refusal_has_the_same_message_from_the_cache(engine):
    sql = "SELECT CAST(status AS integer) AS n FROM sales"
    messages = []
    for _ in range(2):
        with pytest.raises(SqlError) as caught:
            engine.execute(sql)
        messages.append((caught.value.message, caught.value.hint))
    assert (
        messages[0]
        == messages[1]
        == (
            "A value cannot be converted to an integer",
            "Athena rejects it too; use TRY_CAST to get NULL instead",
        )
    )
    results = engine.store.ws.path("results")
    assert not results.exists() or list(results.iterdir()) == []


def test_a_query_process_imports_neither_pyarrow_nor_sqlglot_once_cached(engine):
    script = (
        "import sys, json\n"
        "from olistctl.backends.local.catalog import LocalCatalog\n"
        "from olistctl.backends.local.engine import LocalEngine\n"
        "from olistctl.backends.local.store import LocalStore\n"
        "from olistctl.backends.local.workspace import Workspace\n"
        "store = LocalStore(Workspace(sys.argv[1]))\n"
        "result = LocalEngine(store, LocalCatalog(store), None).execute(sys.argv[2])\n"
        "heavy = [m for m in ('pandas', 'pyarrow', 'pydantic', 'sqlglot') if m in sys.modules]\n"
        "print(json.dumps({'rows': result.rows, 'heavy': heavy}))\n"
    )
    sql = "SELECT qty, COUNT(*) AS n FROM sales GROUP BY qty ORDER BY qty LIMIT 3"
    runs = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", script, str(engine.store.ws.root), sql],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONWARNINGS": "default"},
            check=True,
        )
        assert done.stderr == ""  # no DuckDB warning about Arrow copies, or any other
        runs.append(json.loads(done.stdout))
    assert runs[0]["rows"] == runs[1]["rows"] == [[0, 3847], [1, 3847], [2, 3846]]
    assert "sqlglot" in runs[0]["heavy"]  # the first run transpiles
    assert runs[1]["heavy"] == []


def test_parameters_are_bound_typed_and_the_cache_keeps_no_value(engine, sales, monkeypatch):
    from olistctl.sql.params import BoundParam

    sql = (
        "SELECT COUNT(*) AS n, SUM(amount) AS total FROM sales"
        " WHERE status = ? AND at >= ? AND amount >= ? AND qty = ?"
    )
    rows = sales.to_pylist()

    def expected(status, since, least, qty):
        chosen = [
            r
            for r in rows
            if r["status"] == status
            and r["at"] >= since
            and r["amount"] >= least
            and r["qty"] == qty
        ]
        return [
            (len(chosen), sum((r["amount"] for r in chosen), Decimal("0.00")) if chosen else None)
        ]

    def bound(status, since, least, qty):
        return [
            BoundParam("?1", "varchar", status),
            BoundParam("?2", "timestamp", since),
            BoundParam("?3", "decimal", least),
            BoundParam("?4", "integer", qty),
        ]

    first = ('odd "quoted", value', datetime(2018, 1, 1, 0, 0, 30), Decimal("5.00"), 7)
    assert engine.execute(sql, params=bound(*first)).rows == expected(*first)
    assert expected(*first)[0][0] > 0

    calls = []
    monkeypatch.setattr(transpiler, "transpile", lambda *a, **k: calls.append(a))
    # Other values of the same types: the cached SQL, with the new values bound.
    second = ("delivered", datetime(2018, 1, 1, 0, 0, 10), Decimal("1.25"), 3)
    assert engine.execute(sql, params=bound(*second)).rows == expected(*second)
    # An injection attempt is one string value, which no row has.
    third = ("delivered' OR '1'='1", datetime(2018, 1, 1), Decimal("1.00"), 3)
    assert engine.execute(sql, params=bound(*third)).rows == [(0, None)]
    assert calls == []
    entries = list((engine.store.ws.root / TRANSPILE_CACHE).glob("*.json"))
    assert len(entries) == 1
    cached = entries[0].read_text(encoding="utf-8")
    assert "$1" in cached and "quoted" not in cached and "delivered" not in cached


# Trino resolves a USING column among each side's fields (trinodb/trino,
# core/trino-main/.../sql/analyzer/StatementAnalyzer.java, ``analyzeJoinUsing``:
# ``left.tryResolveField(column)``, else "Column '%s' is missing from left side of join"),
# and an aliased relation's fields are the ones its column list renamed
# (``visitAliasedRelation`` -> ``RelationType.withAlias``): so a USING column may exist
# only by its alias.
def test_join_using_a_column_named_only_by_table_alias_column_lists(engine, sales):
    result = engine.execute(
        "SELECT COUNT(*) AS n, SUM(t.y) AS total, MIN(e) AS low"
        " FROM sales AS s(a, b, c, d, e) JOIN sales AS t(v, w, y, z, e) USING (e)"
        " WHERE s.a < 'o000100'"
    )
    rows = list(zip(*(sales.column(c).to_pylist() for c in ("id", "amount", "qty")), strict=True))
    left = [qty for id_, _, qty in rows if id_ < "o000100"]
    matches = [(amount, qty) for qty_left in left for _, amount, qty in rows if qty == qty_left]
    assert result.columns == ["n", "total", "low"]
    assert result.rows == [(len(matches), sum(a for a, _ in matches), min(q for _, q in matches))]
    files = engine.files_by_table()
    scan = estimate_scan_bytes({"sales": {"id", "amount", "qty"}}, files).bytes
    assert result.bytes_scanned == scan > 0
    # The same through a derived table whose * the column list renames.
    derived = engine.execute(
        "SELECT COUNT(*) AS n, SUM(t.y) AS total, MIN(e) AS low"
        " FROM (SELECT * FROM sales) AS s(a, b, c, d, e) JOIN sales AS t(v, w, y, z, e)"
        " USING (e) WHERE s.a < 'o000100'"
    )
    assert derived.rows == result.rows


# A WITH query is a relation like any other to Trino's ``visitAliasedRelation``: a column
# list on a reference to it renames its columns by position (the ``from_item``
# ``table_name [ [ AS ] alias [ ( column_alias [, ...] ) ] ]`` of its SELECT grammar,
# where a table name may be a WITH query's).
def test_a_column_list_on_a_with_query_reference_renames_its_columns(engine, sales):
    result = engine.execute(
        "WITH w AS (SELECT status, qty FROM sales WHERE qty > 3)"
        " SELECT v.p, COUNT(*) AS n, SUM(q) AS total FROM w AS v(p, q)"
        " GROUP BY v.p ORDER BY n DESC, p"
    )
    groups: dict[object, list[int]] = {}
    for status, qty in zip(*(sales.column(c).to_pylist() for c in ("status", "qty")), strict=True):
        if qty > 3:
            group = groups.setdefault(status, [0, 0])
            group[0] += 1
            group[1] += qty
    expected = sorted(
        ((status, n, total) for status, (n, total) in groups.items()),
        key=lambda r: (-r[1], r[0] is None, r[0] or ""),  # NULLS LAST (test_athena_conformance)
    )
    assert result.columns == ["p", "n", "total"]
    assert result.types == ["varchar", "bigint", "bigint"]
    assert result.rows == expected
    files = engine.files_by_table()
    scan = estimate_scan_bytes({"sales": {"status", "qty"}}, files).bytes
    assert result.bytes_scanned == scan > 0
    # A recursive WITH query's step may read itself under a column list too.
    recursive = engine.execute(
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r AS s(x) WHERE x < 5)"
        " SELECT SUM(n) AS total FROM r"
    )
    assert recursive.rows == [(sum(range(1, 6)),)]
