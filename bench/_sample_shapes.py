"""Shapes and keys of a generated dataset against the real Olist data, read with DuckDB.

``shapes(folder)`` returns one row per figure (the real value from the Olist
fact sheet in docs/, the generated one), ``orphans(folder)`` the key checks
(each must be 0). DuckDB reads the CSV files as text, so a 1M-order dataset
is checked in seconds without holding it in Python objects.

    python bench/_sample_shapes.py FOLDER
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from olistctl.dataset import TABLES

# The real dataset's figures (docs/olist-dataset.md sections in brackets).
REAL_ORDERS = 99_441


@dataclass(frozen=True)
class Figure:
    name: str
    real: float
    generated: float
    unit: str  # "%", "x" (a plain number)


def _connect(folder: Path):
    import duckdb

    con = duckdb.connect()
    for table in TABLES:
        path = str(folder / table.file_name).replace("'", "''")
        con.execute(
            f"CREATE VIEW {table.short_name} AS SELECT * FROM read_csv('{path}', header = true,"
            " all_varchar = true, quote = '\"', escape = '\"', strict_mode = false)"
        )
    return con


def _one(con, sql: str) -> float:
    value = con.execute(sql).fetchone()[0]
    return float(value) if value is not None else float("nan")


def shapes(folder: str | Path) -> list[Figure]:
    con = _connect(Path(folder))
    out: list[Figure] = []

    def pct(name: str, real: float, sql: str) -> None:
        out.append(Figure(name, real, 100 * _one(con, sql), "%"))

    def num(name: str, real: float, sql: str) -> None:
        out.append(Figure(name, real, _one(con, sql), "x"))

    # Orders (§1.2.3).
    for status, real in (("delivered", 97.02), ("shipped", 1.11), ("canceled", 0.63)):
        pct(
            f"orders {status}",
            real,
            f"SELECT avg((order_status = '{status}')::int) FROM orders",
        )
    delivered = (
        "FROM orders WHERE order_status = 'delivered' AND order_delivered_customer_date IS NOT NULL"
    )
    pct(
        "on time (timestamp rule)",
        91.89,
        "SELECT avg((order_delivered_customer_date <= order_estimated_delivery_date)::int)"
        f" {delivered}",
    )
    pct(
        "on time (calendar-day rule)",
        93.23,
        "SELECT avg((left(order_delivered_customer_date, 10) || ' 00:00:00'"
        f" <= order_estimated_delivery_date)::int) {delivered}",
    )
    pct(
        "orders in 2017-11 (Black Friday month)",
        100 * 7_544 / REAL_ORDERS,
        "SELECT avg((order_purchase_timestamp LIKE '2017-11%')::int) FROM orders",
    )
    # Reviews (§1.2.6).
    for score, real in ((5, 57.78), (4, 19.29), (3, 8.24), (2, 3.18), (1, 11.51)):
        pct(
            f"review score {score}",
            real,
            f"SELECT avg((review_score = '{score}')::int) FROM order_reviews",
        )
    num("mean review score", 4.09, "SELECT avg(review_score::int) FROM order_reviews")
    # Customers (§1.2.1).
    for state, real in (("SP", 41.98), ("RJ", 12.92), ("MG", 11.70)):
        pct(
            f"customers in {state}",
            real,
            f"SELECT avg((customer_state = '{state}')::int) FROM customers",
        )
    people = "SELECT customer_unique_id, count(*) AS n FROM customers GROUP BY 1"
    pct("people with 2+ orders", 3.12, f"SELECT avg((n > 1)::int) FROM ({people})")
    num("most orders of one person (from ~50,000 orders)", 17, f"SELECT max(n) FROM ({people})")
    pct(
        "customer rows whose prefix geolocation lacks",
        100 * 278 / REAL_ORDERS,
        "SELECT avg((customer_zip_code_prefix NOT IN"
        " (SELECT geolocation_zip_code_prefix FROM geolocation))::int) FROM customers",
    )
    pct(
        "sellers whose prefix geolocation lacks",
        100 * 7 / 3_095,
        "SELECT avg((seller_zip_code_prefix NOT IN"
        " (SELECT geolocation_zip_code_prefix FROM geolocation))::int) FROM sellers",
    )
    # Payments (§1.2.5).
    for kind, real in (("credit_card", 73.92), ("boleto", 19.04), ("voucher", 5.56)):
        pct(
            f"payment rows {kind}",
            real,
            f"SELECT avg((payment_type = '{kind}')::int) FROM order_payments",
        )
    per_order = "SELECT order_id, count(*) AS n FROM order_payments GROUP BY 1"
    pct("orders with 2+ payments", 2.98, f"SELECT avg((n > 1)::int) FROM ({per_order})")
    # Items (§1.2.4): items per order and the sellers' and products' long tails.
    items = "SELECT order_id, count(*) AS n FROM order_items GROUP BY 1"
    for k, real in ((1, 88_863), (2, 7_516), (3, 1_322)):
        pct(
            f"orders with {k} item{'s' if k > 1 else ''}",
            100 * real / 98_666,
            f"SELECT avg((n = {k})::int) FROM ({items})",
        )
    pct(
        "orders without items",
        100 * 775 / REAL_ORDERS,
        "SELECT 1 - (SELECT count(DISTINCT order_id) FROM order_items) / count(*) FROM orders",
    )
    num("mean price", 120.65, "SELECT avg(price::double) FROM order_items")
    num("median price", 74.99, "SELECT median(price::double) FROM order_items")
    num("mean freight", 19.99, "SELECT avg(freight_value::double) FROM order_items")
    seller_orders = "SELECT seller_id, count(DISTINCT order_id) AS n FROM order_items GROUP BY 1"
    num("median orders per seller", 6, f"SELECT median(n) FROM ({seller_orders})")
    pct(
        "sellers with fewer than 10 orders",
        60,
        f"SELECT avg((n < 10)::int) FROM ({seller_orders})",
    )
    pct(
        # The real top 10 of 3,095 sellers hold 12.86 % (§4 K): at any scale, the same
        # share of the sellers (10 of 3,095 = 0.32 %).
        "price share of the top 0.32 % of sellers",
        12.86,
        "SELECT sum(g) FILTER (WHERE r <= round(10 / 3095 * (SELECT count(*) FROM sellers)))"
        " / sum(g) FROM (SELECT sum(price::double) AS g,"
        " row_number() OVER (ORDER BY sum(price::double) DESC) AS r"
        " FROM order_items GROUP BY seller_id)",
    )
    num(
        "items per product (mean)",
        112_650 / 32_951,
        "SELECT count(*) / count(DISTINCT product_id) FROM order_items",
    )
    pct(
        "products without category",
        100 * 610 / 32_951,
        "SELECT avg((product_category_name IS NULL)::int) FROM products",
    )
    for category, real in (("cama_mesa_banho", 11_115), ("beleza_saude", 9_670)):
        pct(
            f"item rows in {category}",
            100 * real / 112_650,
            "SELECT avg((p.product_category_name = '" + category + "')::int)"
            " FROM order_items i JOIN products p USING (product_id)",
        )
    # Geolocation (§1.2.2).
    prefixes = "SELECT geolocation_zip_code_prefix, count(*) AS n FROM geolocation GROUP BY 1"
    num(
        "geolocation prefixes (from 99,441 orders)",
        19_015,
        f"SELECT count(*) FROM ({prefixes})",
    )
    num("geolocation rows per prefix (mean)", 52.6, f"SELECT avg(n) FROM ({prefixes})")
    num("geolocation rows per prefix (median)", 29, f"SELECT median(n) FROM ({prefixes})")
    pct(
        "geolocation exact duplicate rows",
        26.18,
        "SELECT 1 - (SELECT count(*) FROM (SELECT DISTINCT * FROM geolocation))"
        " / count(*) FROM geolocation",
    )
    return out


# Child -> parent keys that must all resolve (§1.3), and the parents every row of which
# is used.
_ORPHANS = {
    "orders without their customer": (
        "SELECT count(*) FROM orders o ANTI JOIN customers c USING (customer_id)"
    ),
    "customers without an order": (
        "SELECT count(*) FROM customers c ANTI JOIN orders o USING (customer_id)"
    ),
    "items without their order": (
        "SELECT count(*) FROM order_items i ANTI JOIN orders o USING (order_id)"
    ),
    "items without their product": (
        "SELECT count(*) FROM order_items i ANTI JOIN products p USING (product_id)"
    ),
    "items without their seller": (
        "SELECT count(*) FROM order_items i ANTI JOIN sellers s USING (seller_id)"
    ),
    "payments without their order": (
        "SELECT count(*) FROM order_payments p ANTI JOIN orders o USING (order_id)"
    ),
    "reviews without their order": (
        "SELECT count(*) FROM order_reviews r ANTI JOIN orders o USING (order_id)"
    ),
    "products never sold": (
        "SELECT count(*) FROM products p ANTI JOIN order_items i USING (product_id)"
    ),
    "sellers who never sold": (
        "SELECT count(*) FROM sellers s ANTI JOIN order_items i USING (seller_id)"
    ),
    "duplicate order ids": "SELECT count(*) - count(DISTINCT order_id) FROM orders",
    "duplicate customer ids": "SELECT count(*) - count(DISTINCT customer_id) FROM customers",
    "duplicate item keys": (
        "SELECT count(*) - count(DISTINCT (order_id, order_item_id)) FROM order_items"
    ),
    "items not sorted by order_id": (
        "SELECT count(*) FROM (SELECT order_id < lag(order_id) OVER () AS back"
        " FROM order_items) WHERE back"
    ),
}


def orphans(folder: str | Path) -> dict[str, int]:
    con = _connect(Path(folder))
    return {name: int(_one(con, sql)) for name, sql in _ORPHANS.items()}


if __name__ == "__main__":
    target = Path(sys.argv[1])
    for f in shapes(target):
        print(f"{f.name:48s} real {f.real:10.2f}  generated {f.generated:10.2f} {f.unit}")
    for name, count in orphans(target).items():
        print(f"{name:48s} {count}")
