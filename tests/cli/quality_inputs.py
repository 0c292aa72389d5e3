"""Input folders for the data-quality tests: the sample data with one known finding planted."""

from __future__ import annotations

import shutil
from pathlib import Path


def with_an_orphan_item(sample_data: Path, folder: Path) -> Path:
    """``folder`` made, holding the sample's orders and order items plus one item whose
    ``order_id`` no order has (an orphan: one error-level finding); the items file."""
    folder.mkdir()
    for name in ("olist_orders_dataset.csv", "olist_order_items_dataset.csv"):
        shutil.copy(sample_data / name, folder / name)
    items = folder / "olist_order_items_dataset.csv"
    row = items.read_text(encoding="utf-8").split("\n")[1].split(",")
    row[0] = '"' + "0" * 32 + '"'  # an order id that no order has
    with items.open("a", encoding="utf-8") as fh:
        fh.write(",".join(row) + "\n")
    return items
