"""A synthetic Olist dataset: the 9 CSV files, in the real files' exact byte format.

``generate(out_dir, orders=N, seed=S)`` writes ``<table>.csv`` for every table
of :data:`olistctl.dataset.TABLES`. ``orders`` is the number of rows of the
orders file; every other table scales with it (100,000 orders gives row
counts close to the real 99,441-order dataset), except the translation file,
which is always the real 71 rows. The same ``orders`` and ``seed`` give
byte-identical files.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from olistctl.dataset import (
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
from olistctl.errors import UsageError

# The bundled sample_data/ was made with these (olistctl sample --orders 1000 --seed 42).
SAMPLE_ORDERS = 1_000
SAMPLE_SEED = 42

Progress = Callable[[str, int], None]

__all__ = ["SAMPLE_ORDERS", "SAMPLE_SEED", "GenerateResult", "generate"]


@dataclass
class GenerateResult:
    out_dir: Path
    files: dict[str, Path]  # table name -> file written
    rows: dict[str, int]  # table name -> data rows (records, not physical lines)
    bytes: dict[str, int]
    seconds: float


def generate(
    out_dir: str | Path,
    *,
    orders: int = 100_000,
    seed: int = 42,
    progress: Progress | None = None,
) -> GenerateResult:
    """Write the 9 Olist CSV files for ``orders`` orders into ``out_dir`` (created if missing)."""
    if isinstance(orders, bool) or not isinstance(orders, int) or orders < 1:
        raise UsageError(
            f"Cannot generate {orders!r} orders.", hint="pass a whole number of orders of 1 or more"
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UsageError(
            f"Seed {seed!r} is not usable.", hint="pass a whole number of 0 or more as the seed"
        )
    # Heavy imports only when generating: the CLI imports this package for its help.
    import numpy as np

    from olistctl.synth import distributions as dist
    from olistctl.synth.categories import TRANSLATION as TRANSLATION_ROWS
    from olistctl.synth.geo import build_universe, geolocation_columns
    from olistctl.synth.items import assign_slots, items_columns, sellers_needed
    from olistctl.synth.orders import build_orders, orders_columns
    from olistctl.synth.payments import payments_columns
    from olistctl.synth.people import build_sellers, customers_columns
    from olistctl.synth.products import build_products
    from olistctl.synth.reviews import reviews_columns
    from olistctl.synth.sampling import Scale, stage_rng
    from olistctl.synth.writer import write_table

    started = time.perf_counter()
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    scale = Scale(orders=orders, real_orders=dist.REAL_ORDERS)
    result = GenerateResult(target, {}, {}, {}, 0.0)

    def rng(stage: str):
        return stage_rng(seed, stage)

    def write(table, columns) -> None:
        if progress is not None:
            progress(table.name, 0)
        done = write_table(target, table, columns, progress=progress)
        result.files[table.name] = done.path
        result.rows[table.name] = done.rows
        result.bytes[table.name] = done.bytes

    universe = build_universe(rng("zips"), scale)
    facts = build_orders(rng("orders"), scale)
    customers, customer_id = customers_columns(rng("customers"), scale, universe)
    sellers = build_sellers(rng("sellers"), scale, universe, sellers_needed(scale, facts))
    slots = assign_slots(rng("items"), scale, facts, sellers.weight)
    products = build_products(rng("products"), scale, slots.seller_of_product)
    items, items_total = items_columns(
        rng("prices"), scale, facts, slots, products, sellers.seller_id
    )

    write(CUSTOMERS, customers)
    write(GEOLOCATION, geolocation_columns(rng("geolocation"), universe, scale))
    write(ORDER_ITEMS, items)
    write(ORDER_PAYMENTS, payments_columns(rng("payments"), scale, facts, items_total))
    write(ORDER_REVIEWS, reviews_columns(rng("reviews"), scale, facts))
    write(ORDERS, orders_columns(rng("order_rows"), facts, customer_id))
    write(PRODUCTS, products.columns)
    write(SELLERS, sellers.columns)
    pairs = np.array(TRANSLATION_ROWS, dtype=object)
    write(
        TRANSLATION,
        {name: pairs[:, i] for i, name in enumerate(TRANSLATION.column_names)},
    )
    result.seconds = time.perf_counter() - started
    return result
