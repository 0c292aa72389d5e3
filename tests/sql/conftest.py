"""Fixtures for the SQL tests: a DuckDB session set up the way the local engine's is, and the
generated dataset (``sample --orders 20000``) that the named queries are checked on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pytest

from olistctl.backends.local.guard import check_duckdb_sql
from olistctl.sql.failures import duckdb_error
from olistctl.sql.transpile import transpile


@dataclass
class Answer:
    rows: list[tuple]
    types: list[str]  # DuckDB's names for the result types ("DECIMAL(10,2)", "BIGINT" …)
    names: list[str]
    duckdb_sql: str

    @property
    def value(self):
        """The single value of a one-row, one-column answer."""
        assert len(self.rows) == 1 and len(self.rows[0]) == 1, self.rows
        return self.rows[0][0]


def connect():
    import duckdb

    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    con.execute("SET TimeZone='UTC'")
    return con


@pytest.fixture(scope="session")
def new_duckdb():
    """A factory of DuckDB connections set up like the local engine's (for wider scopes)."""
    return connect


@pytest.fixture
def duck():
    con = connect()
    yield con
    con.close()


Athena = Callable[..., Answer]


@pytest.fixture
def athena(duck) -> Athena:
    """Run Athena SQL the way the local engine does: transpile, then DuckDB."""

    def run(
        sql: str,
        schema: Mapping[str, Mapping[str, str]] | None = None,
        *,
        database: str | None = None,
    ) -> Answer:
        import duckdb

        transpiled = transpile(sql, schema or {}, database=database)
        # What the local engine checks before it runs anything: every transpile passes it.
        check_duckdb_sql(duck, transpiled.duckdb_sql, transpiled.tables)
        try:
            result = duck.execute(transpiled.duckdb_sql)
            rows = result.fetchall()
        except duckdb.Error as exc:
            raise duckdb_error(exc) from exc
        return Answer(
            rows=rows,
            types=[str(d[1]) for d in result.description],
            names=[d[0] for d in result.description],
            duckdb_sql=transpiled.duckdb_sql,
        )

    return run


# The dataset the named queries are checked on: ``olistctl sample --orders 20000 --seed 11``.
OLIST_ORDERS = 20_000
OLIST_SEED = 11


@pytest.fixture(scope="session")
def olist(tmp_path_factory, new_duckdb):
    """(DuckDB connection with the 9 tables, pandas frames by short name, catalog schema).

    Generated once per test process (about 1.5 s) and shared by every named-query test.
    """
    from analyses import arrow_tables, frames_of
    from olistctl import dataset
    from olistctl.synth import generate

    folder = tmp_path_factory.mktemp("olist")
    generate(folder, orders=OLIST_ORDERS, seed=OLIST_SEED)
    tables = arrow_tables(folder)
    con = new_duckdb()
    for name, table in tables.items():
        con.register(name, table)
    schema = {t.name: {c.name: c.athena_type for c in t.columns} for t in dataset.TABLES}
    yield con, frames_of(tables), schema
    con.close()


@pytest.fixture(scope="session")
def run_named(olist) -> Callable[..., list[tuple]]:
    """``run_named(name, **params)``: a named query's rows on the generated dataset.

    Run as the local engine runs it: the parameters bound (``NamedQuery.bind``, text or
    Python values, defaults for the rest), the SQL transpiled with their types, and DuckDB
    given the values as prepared parameters.
    """
    from olistctl.sql.named import get_query

    con, _, schema = olist

    def run(name: str, **given) -> list[tuple]:
        query = get_query(name)
        params = query.bind(given)
        transpiled = transpile(query.sql, schema, param_types=[p.sql_type for p in params])
        check_duckdb_sql(con, transpiled.duckdb_sql, transpiled.tables)  # as the engine does
        return con.execute(transpiled.duckdb_sql, [p.value for p in params] or None).fetchall()

    return run
