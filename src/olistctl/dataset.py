"""The Olist dataset model: the single source of truth for names, types and rules.

Nine tables, each named after its file's stem (``olist_orders_dataset`` …),
because that is what users' existing Athena SQL for this dataset calls them.
Columns are listed in the real files' order and spelling, misspellings
included (``product_name_lenght``).

Types, chosen once and used everywhere (Parquet, Glue, DuckDB, the generator):

- ids, zip prefixes, cities, states, categories and free text: ``string``.
  Zip prefixes keep their leading zeros (``"01037"``).
- timestamps: ``timestamp`` stored as INT64 milliseconds (never nanoseconds,
  which older Athena engines cannot read). The CSV holds
  ``YYYY-MM-DD HH:MM:SS`` text with no time zone; it is read as UTC.
- money (``price``, ``freight_value``, ``payment_value``): ``decimal(10,2)``.
  Sums are exact to the cent on every engine, the way an accountant expects,
  and Athena's decimal rules are what the local engine reproduces.
- counts and sequence numbers: ``int`` (32-bit).
- coordinates: ``double``.

This module imports nothing heavy: the CLI's help path reads it. Arrow types
are built on demand by :func:`arrow_schema`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

LogicalType = Literal["string", "timestamp", "decimal", "int", "double"]
Severity = Literal["error", "warn", "info"]

MONEY_PRECISION = 10
MONEY_SCALE = 2
TIMESTAMP_UNIT = "ms"
CSV_TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"

# Glue/Athena spelling of each logical type.
ATHENA_TYPES: dict[str, str] = {
    "string": "string",
    "timestamp": "timestamp",
    "decimal": f"decimal({MONEY_PRECISION},{MONEY_SCALE})",
    "int": "int",
    "double": "double",
}

# DuckDB spelling of each logical type.
DUCKDB_TYPES: dict[str, str] = {
    "string": "VARCHAR",
    "timestamp": "TIMESTAMP",
    "decimal": f"DECIMAL({MONEY_PRECISION},{MONEY_SCALE})",
    "int": "INTEGER",
    "double": "DOUBLE",
}

# fmt: off
BRAZIL_STATES: tuple[str, ...] = (
    "AC", "AL", "AM", "AP", "BA", "CE", "DF", "ES", "GO", "MA", "MG", "MS", "MT", "PA",
    "PB", "PE", "PI", "PR", "RJ", "RN", "RO", "RR", "RS", "SC", "SE", "SP", "TO",
)
# fmt: on

ORDER_STATUSES: tuple[str, ...] = (
    "delivered",
    "shipped",
    "canceled",
    "unavailable",
    "invoiced",
    "processing",
    "created",
    "approved",
)

PAYMENT_TYPES: tuple[str, ...] = (
    "credit_card",
    "boleto",
    "voucher",
    "debit_card",
    "not_defined",
)


@dataclass(frozen=True)
class Domain:
    """The values a column may take: a set of allowed values or an inclusive range."""

    values: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    severity: Severity = "error"
    note: str = ""

    def describe(self) -> str:
        if self.values is not None:
            return "one of " + ", ".join(self.values)
        lo = "-inf" if self.min is None else f"{self.min:g}"
        hi = "inf" if self.max is None else f"{self.max:g}"
        return f"between {lo} and {hi}"


@dataclass(frozen=True)
class Column:
    name: str
    type: LogicalType
    nullable: bool = False
    domain: Domain | None = None
    # Written quoted in every row, whatever its first character (review ids).
    always_quoted: bool = False
    description: str = ""
    # NULLs in the real file (docs/olist-dataset.md): the quality checks scale it to
    # the rows at hand and report the share as a known fact, not a defect.
    real_nulls: int = 0

    @property
    def athena_type(self) -> str:
        return ATHENA_TYPES[self.type]

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.type]


@dataclass(frozen=True)
class UniqueKey:
    """Columns whose values should not repeat.

    ``severity`` is ``warn`` where the real data is known to repeat them
    (review ids): a fact of the dataset, not a defect of the load.
    """

    columns: tuple[str, ...]
    severity: Severity = "error"
    note: str = ""
    real_duplicates: int = 0  # rows repeating an earlier value, in the real data


@dataclass(frozen=True)
class ForeignKey:
    """``table.columns`` should each match a row of ``parent.parent_columns``."""

    columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]
    severity: Severity = "error"
    note: str = ""
    # In the real data: child rows with no parent, and parent rows with no child
    # (775 orders without items); the quality checks report them scaled.
    real_orphans: int = 0
    real_childless: int = 0


@dataclass(frozen=True)
class CsvFormat:
    """How the real file is written, byte for byte (docs/olist-dataset.md §1.1)."""

    line_terminator: str = "\n"
    bom: bool = False
    header_quoted: bool = True
    final_newline: bool = True
    # String values starting with a digit are quoted (ids, zip prefixes). The
    # reviews file instead quotes its ids always and its text only when needed.
    quote_leading_digit: bool = True


@dataclass(frozen=True)
class Table:
    name: str
    short_name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] | None
    unique_keys: tuple[UniqueKey, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    csv: CsvFormat = field(default_factory=CsvFormat)
    real_rows: int = 0
    description: str = ""

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    def keys_to_check(self) -> Iterator[UniqueKey]:
        """The primary key (always an error when repeated) and the other unique keys."""
        if self.primary_key:
            yield UniqueKey(self.primary_key, "error", "primary key")
        yield from self.unique_keys


def _s(name: str, **kw) -> Column:
    return Column(name, "string", **kw)


def _ts(name: str, **kw) -> Column:
    return Column(name, "timestamp", **kw)


def _money(name: str, **kw) -> Column:
    return Column(name, "decimal", domain=Domain(min=0), **kw)


def _int(name: str, **kw) -> Column:
    return Column(name, "int", **kw)


_STATE = Domain(values=BRAZIL_STATES)

CUSTOMERS = Table(
    name="olist_customers_dataset",
    short_name="customers",
    description="One row per order's customer record; a person is customer_unique_id.",
    real_rows=99_441,
    columns=(
        _s("customer_id"),
        _s("customer_unique_id"),
        _s("customer_zip_code_prefix"),
        _s("customer_city"),
        _s("customer_state", domain=_STATE),
    ),
    primary_key=("customer_id",),
    foreign_keys=(
        ForeignKey(
            ("customer_zip_code_prefix",),
            "olist_geolocation_dataset",
            ("geolocation_zip_code_prefix",),
            severity="info",
            note="not a key: 278 real customer rows have a prefix absent from geolocation",
            real_orphans=278,
        ),
    ),
)

GEOLOCATION = Table(
    name="olist_geolocation_dataset",
    short_name="geolocation",
    description="Zip prefix to coordinates; many rows per prefix, ~26% exact duplicates.",
    real_rows=1_000_163,
    columns=(
        _s("geolocation_zip_code_prefix"),
        Column("geolocation_lat", "double", domain=Domain(min=-90, max=90)),
        Column("geolocation_lng", "double", domain=Domain(min=-180, max=180)),
        _s("geolocation_city"),
        _s("geolocation_state", domain=_STATE),
    ),
    primary_key=None,
)

ORDER_ITEMS = Table(
    name="olist_order_items_dataset",
    short_name="order_items",
    description="One row per unit sold (no quantity column).",
    real_rows=112_650,
    columns=(
        _s("order_id"),
        _int("order_item_id", domain=Domain(min=1)),
        _s("product_id"),
        _s("seller_id"),
        _ts("shipping_limit_date"),
        _money("price"),
        _money("freight_value"),
    ),
    primary_key=("order_id", "order_item_id"),
    foreign_keys=(
        ForeignKey(("order_id",), "olist_orders_dataset", ("order_id",), real_childless=775),
        ForeignKey(("product_id",), "olist_products_dataset", ("product_id",)),
        ForeignKey(("seller_id",), "olist_sellers_dataset", ("seller_id",)),
    ),
)

ORDER_PAYMENTS = Table(
    name="olist_order_payments_dataset",
    short_name="order_payments",
    description="One row per payment; vouchers make multi-payment orders.",
    real_rows=103_886,
    columns=(
        _s("order_id"),
        _int("payment_sequential", domain=Domain(min=1)),
        _s("payment_type", domain=Domain(values=PAYMENT_TYPES)),
        _int("payment_installments", domain=Domain(min=0, max=24)),
        _money("payment_value"),
    ),
    primary_key=("order_id", "payment_sequential"),
    foreign_keys=(
        ForeignKey(("order_id",), "olist_orders_dataset", ("order_id",), real_childless=1),
    ),
)

ORDER_REVIEWS = Table(
    name="olist_order_reviews_dataset",
    short_name="order_reviews",
    description="Customer satisfaction surveys; CRLF inside quoted comments.",
    real_rows=99_224,
    csv=CsvFormat(line_terminator="\r\n", quote_leading_digit=False),
    columns=(
        _s("review_id", always_quoted=True),
        _s("order_id", always_quoted=True),
        _int("review_score", domain=Domain(min=1, max=5)),
        _s("review_comment_title", nullable=True, real_nulls=87_656),
        _s("review_comment_message", nullable=True, real_nulls=58_247),
        _ts("review_creation_date"),
        _ts("review_answer_timestamp"),
    ),
    primary_key=("review_id", "order_id"),
    unique_keys=(
        UniqueKey(
            ("review_id",),
            severity="warn",
            note="the real data repeats 789 review ids across orders (814 rows)",
            real_duplicates=814,
        ),
    ),
    foreign_keys=(
        ForeignKey(("order_id",), "olist_orders_dataset", ("order_id",), real_childless=768),
    ),
)

ORDERS = Table(
    name="olist_orders_dataset",
    short_name="orders",
    description="One row per order, with its status and lifecycle timestamps.",
    real_rows=99_441,
    columns=(
        _s("order_id"),
        _s("customer_id"),
        _s("order_status", domain=Domain(values=ORDER_STATUSES)),
        _ts("order_purchase_timestamp"),
        _ts("order_approved_at", nullable=True, real_nulls=160),
        _ts("order_delivered_carrier_date", nullable=True, real_nulls=1_783),
        _ts("order_delivered_customer_date", nullable=True, real_nulls=2_965),
        _ts("order_estimated_delivery_date"),
    ),
    primary_key=("order_id",),
    unique_keys=(UniqueKey(("customer_id",), note="customer_id is one per order"),),
    foreign_keys=(ForeignKey(("customer_id",), "olist_customers_dataset", ("customer_id",)),),
)

PRODUCTS = Table(
    name="olist_products_dataset",
    short_name="products",
    description="Product catalogue; 610 real products have no category.",
    real_rows=32_951,
    columns=(
        _s("product_id"),
        _s("product_category_name", nullable=True, real_nulls=610),
        _int("product_name_lenght", nullable=True, domain=Domain(min=0), real_nulls=610),
        _int("product_description_lenght", nullable=True, domain=Domain(min=0), real_nulls=610),
        _int("product_photos_qty", nullable=True, domain=Domain(min=0), real_nulls=610),
        _int("product_weight_g", nullable=True, domain=Domain(min=0), real_nulls=2),
        _int("product_length_cm", nullable=True, domain=Domain(min=0), real_nulls=2),
        _int("product_height_cm", nullable=True, domain=Domain(min=0), real_nulls=2),
        _int("product_width_cm", nullable=True, domain=Domain(min=0), real_nulls=2),
    ),
    primary_key=("product_id",),
    foreign_keys=(
        ForeignKey(
            ("product_category_name",),
            "product_category_name_translation",
            ("product_category_name",),
            severity="warn",
            note="two real categories (pc_gamer, portateis_cozinha_e_preparadores_de_alimentos)"
            " have no translation",
            real_orphans=13,
        ),
    ),
)

SELLERS = Table(
    name="olist_sellers_dataset",
    short_name="sellers",
    description="One row per seller; city values are dirty in the real data.",
    real_rows=3_095,
    columns=(
        _s("seller_id"),
        _s("seller_zip_code_prefix"),
        _s("seller_city"),
        _s("seller_state", domain=_STATE),
    ),
    primary_key=("seller_id",),
    foreign_keys=(
        ForeignKey(
            ("seller_zip_code_prefix",),
            "olist_geolocation_dataset",
            ("geolocation_zip_code_prefix",),
            severity="info",
            note="not a key: 7 real sellers have a prefix absent from geolocation",
            real_orphans=7,
        ),
    ),
)

TRANSLATION = Table(
    name="product_category_name_translation",
    short_name="category_translation",
    description="Portuguese category name to English; BOM, CRLF, no final newline.",
    real_rows=71,
    csv=CsvFormat(line_terminator="\r\n", bom=True, header_quoted=False, final_newline=False),
    columns=(_s("product_category_name"), _s("product_category_name_english")),
    primary_key=("product_category_name",),
)

# In the order of the Kaggle listing (alphabetical by file name).
TABLES: tuple[Table, ...] = (
    CUSTOMERS,
    GEOLOCATION,
    ORDER_ITEMS,
    ORDER_PAYMENTS,
    ORDER_REVIEWS,
    ORDERS,
    PRODUCTS,
    SELLERS,
    TRANSLATION,
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}


def get_table(name: str) -> Table:
    """A table by its name, its file name or its short name (``orders``)."""
    key = name.strip()
    if key.lower().endswith(".csv"):
        key = key[:-4]
    for t in TABLES:
        if key in (t.name, t.short_name):
            return t
    raise KeyError(name)


def table_for_header(header: list[str] | tuple[str, ...]) -> Table | None:
    """The table whose columns are exactly this header (order and spelling), if any."""
    cleaned = tuple(h.lstrip("\ufeff").strip() for h in header)
    for t in TABLES:
        if cleaned == t.column_names:
            return t
    return None


def closest_table_for_header(header: list[str] | tuple[str, ...]) -> tuple[Table, int] | None:
    """The table sharing the most column names with a header, and how many it shares."""
    cleaned = {h.lstrip("\ufeff").strip() for h in header}
    best = max(TABLES, key=lambda t: len(cleaned & set(t.column_names)))
    shared = len(cleaned & set(best.column_names))
    return (best, shared) if shared else None


def arrow_type(column: Column):
    """The Arrow type of a column (imports pyarrow on first use)."""
    import pyarrow as pa

    return {
        "string": pa.string(),
        "timestamp": pa.timestamp(TIMESTAMP_UNIT),
        "decimal": pa.decimal128(MONEY_PRECISION, MONEY_SCALE),
        "int": pa.int32(),
        "double": pa.float64(),
    }[column.type]


def arrow_schema(table: Table):
    """The Arrow schema of a table, columns in file order.

    Every field is nullable in Parquet, as Glue and Athena treat them: a null in
    a column the model says is never null is a quality finding, not a crash.
    """
    import pyarrow as pa

    return pa.schema([pa.field(c.name, arrow_type(c)) for c in table.columns])
