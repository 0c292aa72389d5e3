"""The Python API (``olistctl.connect()``) on the local backend, over the sample data.

Answers are compared with pandas' own reading of the sample CSVs (``lake.frame``);
the same parameterised queries on aws (a moto server) are in
tests/aws/test_query_params_moto_server.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pytest
from lake import WS, frame

import olistctl
from olistctl.errors import ConfigError, SqlError, UsageError

HEAVY = {"pandas", "pyarrow", "duckdb", "boto3", "botocore", "sqlglot", "prompt_toolkit"}


def test_importing_olistctl_loads_nothing_heavy():
    probe = "import json, sys, olistctl; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = {name.split(".")[0] for name in json.loads(done.stdout)}
    assert "olistctl" in loaded
    assert loaded & HEAVY == set()


def test_query_types_and_values_against_pandas(lake, sample_data, tmp_path, monkeypatch):
    lake("crawled")
    monkeypatch.chdir(tmp_path)
    with olistctl.connect() as db:  # ./olist-lake, the CLI's default
        df = db.query(
            "SELECT seller_id, SUM(price) AS revenue, COUNT(*) AS items"
            " FROM olist_order_items_dataset WHERE shipping_limit_date >= ?"
            " GROUP BY seller_id ORDER BY seller_id",
            date(2018, 1, 1),
        )
        assert db.last is not None and db.last.bytes_scanned > 0
    items = frame(sample_data, "olist_order_items_dataset")
    chosen = items[items["shipping_limit_date"] >= "2018-01-01"]
    expected = chosen.groupby("seller_id").agg(revenue=("price", "sum"), items=("price", "size"))
    assert list(df["seller_id"]) == list(expected.index)
    assert list(df["revenue"]) == list(expected["revenue"])  # Decimals, to the cent
    assert list(df["items"]) == list(expected["items"])
    assert df["revenue"].dtype == pd.ArrowDtype(pa.decimal128(38, 2))
    assert df["items"].dtype == pd.ArrowDtype(pa.int64())
    assert isinstance(df["revenue"].iloc[0], Decimal)


def test_integers_stay_integers_with_nulls_and_arrow_tables(lake, tmp_path, monkeypatch):
    lake("crawled")
    monkeypatch.chdir(tmp_path)
    with olistctl.connect(workspace=WS) as db:
        df = db.query(
            "SELECT product_id, product_photos_qty FROM olist_products_dataset"
            " ORDER BY product_photos_qty NULLS FIRST LIMIT 3"
        )
        table = db.arrow("SELECT order_purchase_timestamp FROM olist_orders_dataset LIMIT 1")
    assert df["product_photos_qty"].dtype == pd.ArrowDtype(pa.int32())
    assert df["product_photos_qty"].isna().iloc[0]
    assert table.schema.field("order_purchase_timestamp").type == pa.timestamp("ms")


def test_named_query_tables_and_describe(lake, sample_data, tmp_path, monkeypatch):
    lake("crawled")
    monkeypatch.chdir(tmp_path)
    with olistctl.connect() as db:
        states = db.named("delivery_by_state", state="SP", since="2017-01-01")
        tables = db.tables()
        described = db.describe("olist_orders_dataset")
        queries = db.queries()
    assert list(states["state"]) == ["SP"]
    assert tables == sorted(p.stem for p in sample_data.glob("*.csv"))
    assert list(described["col_name"]) == list(frame(sample_data, "olist_orders_dataset").columns)
    assert set(described["data_type"]) == {"string", "timestamp"}
    assert "delivery_by_state" in set(queries["name"])


def test_settings_come_from_the_environment_below_keywords(lake, tmp_path, monkeypatch):
    lake("crawled")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OLISTCTL_WORKSPACE", str(tmp_path / "elsewhere"))
    db = olistctl.connect(workspace=WS)  # the keyword wins, as a flag does
    assert db.settings.source("workspace") == "flag"
    assert db.tables()
    db.close()
    other = olistctl.connect()
    assert other.settings.source("workspace") == "env OLISTCTL_WORKSPACE"
    with pytest.raises(Exception, match="nothing has been transformed and crawled yet"):
        other.tables() or other.query("SELECT 1")
    other.close()


def test_errors_are_olistctl_errors(lake, tmp_path, monkeypatch):
    lake("crawled")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TypeError, match="unknown setting"):
        olistctl.connect(workspac="x")
    db = olistctl.connect()
    with pytest.raises(UsageError, match=r"The query has 1 \? placeholder but 0 parameter"):
        db.query("SELECT COUNT(*) FROM olist_orders_dataset WHERE order_status = ?")
    with pytest.raises(UsageError, match="There is no query named 'delivery_by_stat'"):
        db.named("delivery_by_stat")
    with pytest.raises(UsageError, match="has no parameter 'states'"):
        db.named("delivery_by_state", states="SP")
    with pytest.raises(SqlError):
        db.query("SELECT nope FROM olist_orders_dataset")
    with pytest.raises(UsageError, match="is not a table name"):
        db.describe("x; DROP TABLE y")
    db.close()
    with pytest.raises(ConfigError, match="This lake is closed"):
        db.tables()


def test_without_pandas_one_sentence_names_the_extra(lake, tmp_path):
    lake("crawled")
    probe = (
        "import olistctl\n"
        "db = olistctl.connect()\n"
        "print(db.arrow('SELECT 1 AS one').num_rows)\n"
        "try:\n"
        "    db.query('SELECT 1 AS one')\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__, exc)\n"
    )
    # A module that fails to import stands in for pandas not being installed.
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "pandas.py").write_text("raise ImportError('not installed')\n")
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(blocker)},
        check=True,
    )
    assert done.stdout.splitlines() == [
        "1",
        "ConfigError A DataFrame needs pandas, which is not installed: install it with:"
        " pip install 'olistctl[pandas]'",
    ]


def test_a_second_query_while_one_runs_in_another_thread_is_refused(
    lake, sample_data, tmp_path, monkeypatch
):
    """One lake, one DuckDB connection: a query from a second thread while the first runs
    raised DuckDB's own "connection is busy" from the guard (a traceback, and the first
    query could no longer be cancelled). Refused in one sentence; the first one answers,
    and the lake stays usable."""
    import threading

    from olistctl.backends.local import guard

    lake("crawled")
    monkeypatch.chdir(tmp_path)
    real_check = guard.check_duckdb_sql
    inside, go_on = threading.Event(), threading.Event()

    def held_check(*args, **kwargs):
        if not inside.is_set():  # the first query is running: hold it there
            inside.set()
            assert go_on.wait(30)
        return real_check(*args, **kwargs)

    monkeypatch.setattr(guard, "check_duckdb_sql", held_check)
    orders = len(frame(sample_data, "olist_orders_dataset"))
    answers: list[object] = []
    with olistctl.connect() as db:
        first = threading.Thread(
            target=lambda: answers.append(db.result("SELECT COUNT(*) FROM olist_orders_dataset"))
        )
        first.start()
        assert inside.wait(30)
        try:
            with pytest.raises(UsageError) as refused:
                db.result("SELECT COUNT(*) AS n FROM olist_orders_dataset")
        finally:
            go_on.set()
            first.join(30)
        assert str(refused.value) == (
            "This lake is already running a query (in another thread): wait for it to end,"
            " or open a lake for each thread with olistctl.connect()"
        )
        (result,) = answers
        assert result.rows == [(orders,)]  # type: ignore[attr-defined]
        assert db.result("SELECT COUNT(*) AS n FROM olist_orders_dataset").rows == [(orders,)]
