"""A synthetic Olist dataset: the 9 CSV files, in the real files' exact byte format.

``generate(out_dir, orders=N, seed=S)`` writes ``<table>.csv`` for every table
of :data:`olistctl.dataset.TABLES`. ``orders`` is the number of rows of the
orders file; every other table scales with it (100,000 orders gives row
counts close to the real 99,441-order dataset), except the translation file,
which is always the real 71 rows, and geolocation, which lists zip prefixes
and stops growing at the real file's size. The same ``orders`` and ``seed``
give byte-identical files.

Any number of orders streams: the orders are generated and written in chunks
(:mod:`olistctl.synth.plan`), so memory does not grow with ``orders`` beyond
the shared catalogue (tens of bytes per seller and product).
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Iterable
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
    TABLES,
    TRANSLATION,
    Table,
)
from olistctl.errors import UsageError

# The bundled sample_data/ was made with these (olistctl sample --orders 1000 --seed 42).
SAMPLE_ORDERS = 1_000
SAMPLE_SEED = 42

Progress = Callable[[str, int], None]

__all__ = ["SAMPLE_ORDERS", "SAMPLE_SEED", "GenerateResult", "check_target", "generate"]


@dataclass
class GenerateResult:
    out_dir: Path
    files: dict[str, Path]  # table name -> file written
    rows: dict[str, int]  # table name -> data rows (records, not physical lines)
    bytes: dict[str, int]
    seconds: float


def check_target(out_dir: str | Path, *, overwrite: bool = False) -> None:
    """UsageError unless ``out_dir`` can take the 9 files: a folder (or nothing yet) that does
    not hold files of those names, unless ``overwrite`` (then only plain files)."""
    target = Path(out_dir)
    try:
        if os.path.lexists(target) and not target.is_dir():
            raise UsageError(
                f"--out {target} is not a folder",
                hint="give a folder, new or existing, e.g. --out olist-sample",
            )
        names = [t.file_name for t in TABLES if os.path.lexists(target / t.file_name)]
        if names and overwrite:
            odd = [n for n in names if not _regular(target / n)]
            if odd:
                raise UsageError(
                    f"{target / odd[0]} is not a plain file, so sample will not replace it",
                    hint="move it away, or give another --out folder",
                )
    except OSError as exc:
        raise UsageError(
            f"--out {target} cannot be used ({exc.strerror or exc})",
            hint="give another folder, e.g. --out olist-sample",
        ) from exc
    if names and not overwrite:
        shown = (
            names[0]
            if len(names) == 1
            else f"{len(names)} of the files it writes ({', '.join(names[:2])}, …)"
        )
        raise UsageError(
            f"{target} already holds {shown}, and sample would write over"
            f" {'it' if len(names) == 1 else 'them'}",
            hint="give another --out folder, or add --force to replace"
            f" {'it' if len(names) == 1 else 'them'}",
        )


def _regular(path: Path) -> bool:
    return stat.S_ISREG(os.stat(path, follow_symlinks=False).st_mode)


def generate(
    out_dir: str | Path,
    *,
    orders: int = 100_000,
    seed: int = 42,
    progress: Progress | None = None,
    overwrite: bool = False,
) -> GenerateResult:
    """Write the 9 Olist CSV files for ``orders`` orders into ``out_dir`` (created if missing).

    Files of those names already there are refused (:func:`check_target`) unless
    ``overwrite``.
    """
    if isinstance(orders, bool) or not isinstance(orders, int) or orders < 1:
        raise UsageError(
            f"Cannot generate {orders!r} orders.", hint="pass a whole number of orders of 1 or more"
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UsageError(
            f"Seed {seed!r} is not usable.", hint="pass a whole number of 0 or more as the seed"
        )
    # Heavy imports only when generating: the CLI imports this package for its help.
    import olistctl.synth.distributions as dist
    from olistctl.synth.categories import TRANSLATION as TRANSLATION_ROWS
    from olistctl.synth.geo import build_universe, geo_scale, geolocation_blocks
    from olistctl.synth.items import assign_slots, build_catalogue, items_columns, sellers_needed
    from olistctl.synth.orders import build_orders, count_orders, orders_columns
    from olistctl.synth.payments import count_payers, payments_columns
    from olistctl.synth.people import AbsentZips, build_sellers, count_people, customers_columns
    from olistctl.synth.plan import Part, Plan
    from olistctl.synth.products import build_products, product_blocks
    from olistctl.synth.reviews import reviews_columns
    from olistctl.synth.sampling import Scale
    from olistctl.synth.writer import SortedTableStream, TableStream

    check_target(out_dir, overwrite=overwrite)
    started = time.perf_counter()
    target = Path(out_dir)
    # The folders this makes, so that a failure (Ctrl-C) leaves none of them behind empty.
    made = [f for f in (target, *target.parents) if not (f.exists() or f.is_symlink())]
    target.mkdir(parents=True, exist_ok=True)
    scale = Scale(orders=orders, real_orders=dist.REAL_ORDERS)
    plan = Plan(seed, scale)

    # Shared by every chunk, bounded or small: prefixes, sellers, the product catalogue.
    universe = build_universe(plan.rng("zips"), geo_scale(scale))
    counts = count_orders(plan)
    people = count_people(plan)
    payers = count_payers(plan, counts)
    with_items = int(counts.with_items.sum())
    sellers = build_sellers(plan.rng("sellers"), scale, universe, sellers_needed(scale, with_items))
    catalogue = build_catalogue(
        plan.rng("catalogue"), plan.rng("main sellers"), scale, sellers.weight, with_items
    )
    products = build_products(plan.rng("products"), scale, catalogue.size)
    absent_zips = AbsentZips(seed, universe, scale.quirk(dist.CUSTOMERS_ABSENT_FROM_GEO))

    def write_chunk(part: Part) -> None:
        """Generate one chunk of orders and append it to its five files (a function, so
        that its data is freed before the next chunk)."""
        facts = build_orders(part, counts)
        customers, customer_id = customers_columns(part, universe, people, absent_zips)
        streams[CUSTOMERS.name].write(customers)
        slots = assign_slots(part, counts, facts, catalogue)
        items, items_total = items_columns(part, counts, facts, slots, products, sellers.seller_id)
        streams[ORDER_ITEMS.name].write(items)
        streams[ORDER_PAYMENTS.name].write(
            payments_columns(part, counts, payers, facts, items_total)
        )
        streams[ORDER_REVIEWS.name].write(reviews_columns(part, counts, facts))
        streams[ORDERS.name].write(orders_columns(part.rng("order_rows"), facts, customer_id))

    def write_all(table: Table, blocks: Iterable[dict]) -> None:
        for block in blocks:
            streams[table.name].write(block)

    streams: dict[str, TableStream] = {}
    try:
        for table in TABLES:
            kind = SortedTableStream if table is ORDER_ITEMS else TableStream
            streams[table.name] = kind(target, table, progress=progress)
        write_all(
            GEOLOCATION,
            geolocation_blocks(
                lambda b: plan.rng("geolocation", b), universe, geo_scale(scale), plan.split
            ),
        )
        for index in range(plan.chunks):
            write_chunk(Part(plan, index))
        if catalogue.unsold():
            raise RuntimeError(f"{catalogue.unsold()} products were never sold")
        write_all(PRODUCTS, product_blocks(lambda b: plan.rng("product rows", b), products))
        streams[SELLERS.name].write(sellers.columns)
        streams[TRANSLATION.name].write(
            {
                name: [row[i] for row in TRANSLATION_ROWS]
                for i, name in enumerate(TRANSLATION.column_names)
            }
        )
        # Every file finished (the order items' merge, each fsync) before any is moved into
        # place: a failure or Ctrl-C in that long step leaves no file of the new set among
        # the old ones (--force) or alone in the folder.
        for stream in streams.values():
            stream.finish()
        result = GenerateResult(target, {}, {}, {}, 0.0)
        for table in TABLES:
            done = streams.pop(table.name).publish()
            result.files[table.name] = done.path
            result.rows[table.name] = done.rows
            result.bytes[table.name] = done.bytes
    except BaseException:
        for stream in streams.values():
            stream.discard()
        for folder in made:  # deepest first; one that holds anything stays
            try:
                folder.rmdir()
            except OSError:
                break
        raise
    result.seconds = time.perf_counter() - started
    return result
