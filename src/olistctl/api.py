"""The Python API, for notebooks and scripts: the lake as DataFrames and Arrow tables.

::

    import olistctl

    with olistctl.connect() as lake:                     # settings as the CLI resolves them
        lake.tables()                                      # ['olist_customers_dataset', …]
        lake.describe("olist_orders_dataset")              # columns and their Athena types
        df = lake.query(
            "SELECT order_status, COUNT(*) AS orders FROM olist_orders_dataset"
            " WHERE order_purchase_timestamp >= ? GROUP BY 1",
            datetime.date(2018, 1, 1),
        )
        scorecard = lake.named("seller_scorecard", min_orders=20)
        table = lake.arrow("SELECT * FROM olist_order_items_dataset")   # a pyarrow.Table

Settings: ``connect(backend="aws", workgroup=…)`` takes any setting of
``olistctl config show`` as a keyword; what is not given comes from where the
CLI takes it (``OLISTCTL_*`` variables, ``olistctl.toml``, AWS's own variables
and profile, the stack's Terraform outputs, the defaults), through the same
:func:`olistctl.settings.load_settings`.

Types are the ones Athena reports for each column, as Arrow types
(:mod:`olistctl.arrow_rows`): a ``decimal(10,2)`` is an exact
``decimal128(10, 2)``, a ``bigint`` stays an integer where a value is NULL,
a ``timestamp`` is in milliseconds. DataFrames keep those types: every column
is a ``pandas.ArrowDtype`` (money stays exact decimals; ``df.astype(float)``
where floats are wanted). pandas is imported only when a DataFrame is asked
for, and is the ``olistctl[pandas]`` extra.

Parameters: ``?`` marks in your SQL take positional values (``str``, ``int``,
``float``, ``Decimal``, ``date``, ``datetime`` in whole milliseconds, ``bool``), sent
to Athena as execution parameters and bound as prepared parameters locally, never
pasted into the SQL; a shipped query takes its declared parameters by name.

A lake runs one query at a time: while one runs, another thread's is refused
(``UsageError``); open a lake for each thread with :func:`connect`.

Each call is one query, recorded in the run ledger as a CLI query is; the
last one's statistics (bytes scanned, engine time, query id) are in
``lake.last``. Ctrl-C (a notebook's "interrupt") stops a running query, on
Athena too.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any

from olistctl.errors import ConfigError, Interrupted

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from olistctl.backends.base import Backend
    from olistctl.records import QueryResult
    from olistctl.settings import Settings
    from olistctl.sql.named import NamedQuery
    from olistctl.sql.params import BoundParam

PANDAS_HINT = "install it with: pip install 'olistctl[pandas]'"

__all__ = ["Lake", "connect"]


def connect(*, config: str | None = None, **settings: str | None) -> Lake:
    """The lake the settings name: the local workspace, or the aws stack.

    Keywords are settings as flags would give them (``backend``, ``workspace``,
    ``region``, ``profile``, ``endpoint_url``, ``workgroup``, ``database`` …);
    ``config`` is an ``olistctl.toml`` to read instead of the current folder's.
    """
    from olistctl.settings import SPECS_BY_KEY, load_settings

    unknown = sorted(set(settings) - set(SPECS_BY_KEY))
    if unknown:
        raise TypeError(
            f"connect() got unknown setting(s) {', '.join(unknown)};"
            f" the settings are {', '.join(SPECS_BY_KEY)}"
        )
    flags = {key: None if value is None else str(value) for key, value in settings.items()}
    return Lake(load_settings(flags, config_path=config))


class Lake:
    """One backend, open until :meth:`close` (or the end of a ``with`` block)."""

    def __init__(self, settings: Settings) -> None:
        from olistctl.backends import open_backend

        self.settings = settings
        self._backend: Backend | None = open_backend(settings)
        self.last: QueryResult | None = None  # the last query's result, rows included

    @property
    def backend(self) -> str:
        """``local`` or ``aws``."""
        return self._open().name

    def __repr__(self) -> str:
        if self._backend is None:
            return "<olistctl.Lake (closed)>"
        return f"<olistctl.Lake {self._backend.name} {self._backend.store.name}>"

    def __enter__(self) -> Lake:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None

    def _open(self) -> Backend:
        if self._backend is None:
            raise ConfigError("This lake is closed", hint="open another with olistctl.connect()")
        return self._backend

    # -- queries -------------------------------------------------------------------

    def result(self, sql: str, *params: Any) -> QueryResult:
        """Run ``sql`` with ``params`` bound to its ``?`` marks: the rows as Python values."""
        from olistctl.sql.params import bind_values

        return self._run(sql, bind_values(params))

    def arrow(self, sql: str, *params: Any) -> pa.Table:
        """Run ``sql`` with ``params`` bound to its ``?`` marks: a ``pyarrow.Table``."""
        return _arrow(self.result(sql, *params))

    def query(self, sql: str, *params: Any) -> pd.DataFrame:
        """Run ``sql`` with ``params`` bound to its ``?`` marks: a pandas DataFrame."""
        pd = _pandas()
        return _frame(pd, self.arrow(sql, *params))

    def named(self, name: str, **params: Any) -> pd.DataFrame:
        """A shipped query (``olistctl query --list``) with its parameters by name: a DataFrame."""
        pd = _pandas()
        return _frame(pd, self.named_arrow(name, **params))

    def named_arrow(self, name: str, **params: Any) -> pa.Table:
        """A shipped query with its parameters by name: a ``pyarrow.Table``."""
        query = _named_query(name)
        return _arrow(self._run(query.sql, query.bind(params)))

    def _run(self, sql: str, params: list[BoundParam]) -> QueryResult:
        from olistctl import querying

        backend = self._open()
        try:
            result = querying.query(backend, sql, params=params)
        except KeyboardInterrupt:
            backend.engine.cancel()
            raise Interrupted("The query was cancelled") from None
        self.last = result
        return result

    # -- the catalog ---------------------------------------------------------------

    def tables(self) -> list[str]:
        """The catalog's table names, sorted."""
        return sorted(t.name for t in self._open().catalog.tables())

    def describe(self, table: str) -> pd.DataFrame:
        """The table's columns and their Athena types (``DESCRIBE``, from the catalog)."""
        import re

        from olistctl.errors import UsageError

        pd = _pandas()
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", table):
            raise UsageError(f"{table!r} is not a table name", hint="lake.tables() lists them")
        return _frame(pd, _arrow(self._run(f"DESCRIBE {table}", [])))

    def queries(self) -> pd.DataFrame:
        """The shipped queries: name, parameters (with defaults) and description."""
        from olistctl.sql.named import list_queries

        pd = _pandas()
        rows = [
            (q.name, ", ".join(p.describe() for p in q.params), q.description)
            for q in list_queries()
        ]
        return pd.DataFrame(rows, columns=["name", "parameters", "description"])


def _named_query(name: str) -> NamedQuery:
    from olistctl.errors import UsageError
    from olistctl.sql.named import get_query, list_queries

    try:
        return get_query(name)
    except KeyError:
        import difflib

        names = [q.name for q in list_queries()]
        close = difflib.get_close_matches(name, names, n=3)
        hint = f"did you mean {' or '.join(close)}?" if close else "lake.queries() lists them"
        raise UsageError(f"There is no query named {name!r}", hint=hint) from None


def _arrow(result: QueryResult) -> pa.Table:
    from olistctl.arrow_rows import to_arrow

    return to_arrow(result.columns, result.types, result.rows)


def _pandas() -> ModuleType:
    try:
        import pandas
    except ImportError:
        raise ConfigError(
            "A DataFrame needs pandas, which is not installed", hint=PANDAS_HINT
        ) from None
    return pandas


def _frame(pd: ModuleType, table: pa.Table) -> pd.DataFrame:
    """Arrow-backed columns: Athena's types kept (exact decimals, integers with NULLs)."""
    return table.to_pandas(types_mapper=pd.ArrowDtype)
