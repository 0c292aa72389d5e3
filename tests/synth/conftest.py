"""Generated datasets shared by the synth tests (each generated once per session)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pandas as pd
import pytest

from olistctl.dataset import TABLES
from olistctl.synth import GenerateResult, generate

# Big enough for shares to settle within the tolerances, small enough to take ~1 s.
SHAPE_ORDERS = 20_000
BYTES_ORDERS = 1_000  # every quirk appears at least once from 1,000 orders on
# The 20k dataset is generated in small pieces, so the shape tests check what
# streaming adds up to: 4 chunks of orders, 7 geolocation blocks, 4 product blocks.
SMALL_PIECES = {
    "olistctl.synth.plan.CHUNK_ORDERS": 6_000,
    "olistctl.synth.geo.GEO_BLOCK_ROWS": 30_000,
    "olistctl.synth.products.PRODUCT_BLOCK_ROWS": 2_000,
}


@contextmanager
def small_pieces(sizes: dict[str, int] = SMALL_PIECES) -> Iterator[None]:
    """Generate in chunks and blocks of the given sizes (module constants patched)."""
    with pytest.MonkeyPatch.context() as patch:
        for target, value in sizes.items():
            patch.setattr(target, value)
        yield


@pytest.fixture(scope="session")
def pieces() -> Callable[[dict[str, int]], AbstractContextManager[None]]:
    """:func:`small_pieces`, for tests that generate in pieces of their own sizes."""
    return small_pieces


@pytest.fixture(scope="session")
def shaped(tmp_path_factory) -> GenerateResult:
    with small_pieces():
        return generate(tmp_path_factory.mktemp("synth20k"), orders=SHAPE_ORDERS, seed=42)


@pytest.fixture(scope="session")
def frames(shaped) -> dict[str, pd.DataFrame]:
    """Every table of the 20k dataset as text (NULL -> NaN), by short name."""
    return {t.short_name: read_text(shaped.files[t.name]) for t in TABLES}


@pytest.fixture(scope="session")
def thousand(tmp_path_factory) -> GenerateResult:
    return generate(tmp_path_factory.mktemp("synth1k"), orders=BYTES_ORDERS, seed=3)


def read_text(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="session")
def read_table() -> Callable[[Path], pd.DataFrame]:
    """Read a generated CSV as text, NULL -> NaN."""
    return read_text


@pytest.fixture(scope="session")
def check_integrity() -> Callable[[dict[str, pd.DataFrame]], None]:
    """Asserts a dataset's keys (tables by short name, as read_table reads them)."""
    return integrity


def integrity(t: dict[str, pd.DataFrame]) -> None:
    orders, items = t["orders"], t["order_items"]
    # Zero orphans child -> parent (§1.3).
    assert items.order_id.isin(orders.order_id).all()
    assert items.product_id.isin(t["products"].product_id).all()
    assert items.seller_id.isin(t["sellers"].seller_id).all()
    assert t["order_payments"].order_id.isin(orders.order_id).all()
    assert t["order_reviews"].order_id.isin(orders.order_id).all()
    assert orders.customer_id.isin(t["customers"].customer_id).all()
    # customer_id is 1:1 with orders; every product sold, every seller sold something.
    assert orders.customer_id.is_unique and t["customers"].customer_id.is_unique
    assert len(t["customers"]) == len(orders)
    assert t["products"].product_id.isin(items.product_id).all()
    assert t["sellers"].seller_id.isin(items.seller_id).all()
    # Keys.
    assert orders.order_id.is_unique
    assert t["products"].product_id.is_unique and t["sellers"].seller_id.is_unique
    assert not items.duplicated(["order_id", "order_item_id"]).any()
    assert not t["order_payments"].duplicated(["order_id", "payment_sequential"]).any()
    assert not t["order_reviews"].duplicated(["review_id", "order_id"]).any()
    # Items are numbered 1..k within each order; payments 1..k likewise.
    for frame, column in ((items, "order_item_id"), (t["order_payments"], "payment_sequential")):
        numbers = frame[column].astype(int).groupby(frame.order_id)
        assert (numbers.max() == numbers.size()).all()
        assert (numbers.min() == 1).all()


@pytest.fixture(scope="session")
def raw_records() -> Callable[[str, str], list[list[str]]]:
    return split_raw_records


def split_raw_records(text: str, eol: str) -> list[list[str]]:
    """A CSV text as records of raw cells, quotes kept (``'"01037"'``), so tests can see
    how each value was written. Line breaks inside quotes stay in the cell; a line
    break outside quotes that is not ``eol`` is an error."""
    records: list[list[str]] = []
    cells: list[str] = []
    cell: list[str] = []
    quoted = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if quoted:
            if ch == '"' and text.startswith('""', i):
                cell.append('""')
                i += 2
                continue
            if ch == '"':
                quoted = False
            cell.append(ch)
            i += 1
        elif ch == '"':
            quoted = True
            cell.append(ch)
            i += 1
        elif ch == ",":
            cells.append("".join(cell))
            cell = []
            i += 1
        elif text.startswith(eol, i):
            cells.append("".join(cell))
            records.append(cells)
            cells, cell = [], []
            i += len(eol)
        elif ch in "\r\n":
            raise AssertionError(f"line break {text[i - 20 : i + 2]!r} outside quotes")
        else:
            cell.append(ch)
            i += 1
    assert not quoted, "file ends inside a quoted value"
    if cell or cells:
        cells.append("".join(cell))
        records.append(cells)
    return records
