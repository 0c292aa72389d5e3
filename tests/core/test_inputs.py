"""Recognising Olist files: by header first, by name as confirmation; clear errors otherwise."""

from __future__ import annotations

import hashlib
import os
import random
from pathlib import Path

import pytest
from tiny_olist import TINY

from olistctl.dataset import TABLES, get_table
from olistctl.errors import InputError
from olistctl.ingest import inputs
from olistctl.ingest.inputs import discover, identify, sha256_file, table_for_file_name

ORDERS_COLUMNS = ",".join(get_table("orders").column_names)


def test_a_folder_yields_every_table_with_size_and_checksum(tiny_dir):
    (tiny_dir / "notes.txt").write_text("not a csv")
    files = discover([str(tiny_dir)])
    assert [f.path.name for f in files] == sorted(TINY)
    assert {f.table.name for f in files if f.table} == {t.name for t in TABLES}
    for f in files:
        data = TINY[f.path.name]
        assert f.size == len(data)
        assert f.sha256 == hashlib.sha256(data).hexdigest() == sha256_file(f.path)


def test_files_globs_and_repeats_are_taken_once_in_order(tiny_dir):
    orders = tiny_dir / "olist_orders_dataset.csv"
    files = discover([str(orders), str(tiny_dir / "olist_order_*.csv"), str(orders)])
    assert [f.path.name for f in files] == [
        "olist_orders_dataset.csv",
        "olist_order_items_dataset.csv",
        "olist_order_payments_dataset.csv",
        "olist_order_reviews_dataset.csv",
    ]


@pytest.mark.parametrize(
    "name",
    ["olist_orders_dataset (1).csv", "orders.csv", "ORDERS.CSV", "olist_orders_dataset - Copy.csv"],
)
def test_the_header_decides_whatever_the_name(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(TINY["olist_orders_dataset.csv"])
    assert table_for_file_name(name) == get_table("orders")
    assert identify(path) == get_table("orders")
    [found] = discover([str(path)])
    assert found.table == get_table("orders")


def test_a_header_beats_a_misleading_name(tmp_path):
    path = tmp_path / "olist_orders_dataset.csv"
    path.write_bytes(TINY["olist_sellers_dataset.csv"])
    assert identify(path) == get_table("sellers")


def test_a_damaged_olist_header_names_the_closest_table_and_the_difference(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(TINY["olist_orders_dataset.csv"].replace(b'"order_status"', b'"status"', 1))
    message = (
        f"{path}, line 1: the header matches no Olist table (closest: olist_orders_dataset):"
        f" missing order_status; unexpected status: the header must be exactly {ORDERS_COLUMNS}"
        " (the Kaggle file's names, misspellings included)"
    )
    for call in (identify, lambda p: discover([str(p)])):
        with pytest.raises(InputError) as caught:
            call(path)
        assert str(caught.value) == message


def test_an_olist_name_over_a_broken_header_is_refused_by_name(tmp_path):
    path = tmp_path / "olist_sellers_dataset.csv"
    path.write_bytes(b"seller,zip\n1,2\n")
    with pytest.raises(InputError) as caught:
        discover([str(path)], allow_unknown=True)  # its name says what it should be
    assert str(caught.value) == (
        f"{path}, line 1: the header does not match olist_sellers_dataset: missing seller_id,"
        " seller_zip_code_prefix, seller_city, seller_state; unexpected seller, zip: the header"
        " must be exactly seller_id,seller_zip_code_prefix,seller_city,seller_state (the Kaggle"
        " file's names, misspellings included)"
    )


def test_a_foreign_csv_is_refused_unless_asked_for(tmp_path):
    path = tmp_path / "targets.csv"
    path.write_bytes(b"month,target\n2017-01,100\n")
    for call in (identify, lambda p: discover([str(p)])):
        with pytest.raises(InputError) as caught:
            call(path)
        assert str(caught.value).startswith(
            f"{path}, line 1: the header matches no Olist table (it shares no column name with"
            " any): give one of the 9 Olist CSV files: olist_customers_dataset.csv,"
        )
    [found] = discover([str(path)], allow_unknown=True)
    assert found.table is None


def test_paths_that_find_nothing_say_so(tmp_path):
    with pytest.raises(InputError) as caught:
        discover([str(tmp_path / "missing.csv")])
    assert str(caught.value) == (
        f"{tmp_path / 'missing.csv'}: no such file or folder: check the path; give CSV files,"
        " folders holding them, or a pattern such as 'data/*.csv'"
    )
    with pytest.raises(InputError) as caught:
        discover([str(tmp_path / "*.csv")])
    assert str(caught.value) == (
        f"no file matches the pattern {tmp_path / '*.csv'}: check the pattern (and quote it, so"
        " that your shell passes it as is)"
    )
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError) as caught:
        discover([str(tmp_path / "empty")])
    assert str(caught.value) == (
        f"{tmp_path / 'empty'}: the folder holds no .csv files: give the folder where the Olist"
        " CSV files are (folders are not searched recursively)"
    )


def test_a_path_the_system_refuses_is_named_with_the_reason(tmp_path):
    too_long = tmp_path / ("x" * 300 + ".csv")
    for call in (lambda: discover([str(too_long)]), lambda: identify(too_long)):
        with pytest.raises(InputError) as caught:
            call()
        assert str(caught.value) == (
            f"{too_long}: the file cannot be read (File name too long): check the path and the"
            " file's permissions"
        )


def test_not_a_csv_is_refused_before_upload(tmp_path):
    path = tmp_path / "olist_orders_dataset.csv"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="the file is empty"):
        discover([str(path)])
    path.write_bytes(b"PK\x03\x04rest of a zip")
    with pytest.raises(InputError, match="it is a ZIP archive"):
        discover([str(path)])


def test_the_committed_sample_data_is_recognised(sample_data: Path):
    files = discover([str(sample_data)])
    assert sorted(f.table.name for f in files if f.table) == sorted(t.name for t in TABLES)


def _files_of_sizes(folder: Path, sizes: list[int]) -> list[Path]:
    folder.mkdir()
    paths = []
    for i, size in enumerate(sizes):
        path = folder / f"f{i}.csv"
        path.write_bytes(bytes((i + k) % 251 for k in range(size)))
        paths.append(path)
    return paths


@pytest.mark.parametrize("order", ["as made", "reversed", "shuffled"])
def test_two_threads_give_each_file_its_own_checksum(tmp_path, monkeypatch, order):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    paths = _files_of_sizes(tmp_path / "in", [5, 300_000, 0, 70_000, 2_100_000, 1, 70_000])
    if order == "reversed":
        paths.reverse()
    elif order == "shuffled":
        random.Random(7).shuffle(paths)
    shas = inputs._sha256_all(inputs.sha256_file, paths)
    assert shas == [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


def test_of_two_files_that_cannot_be_read_the_first_in_order_is_named_as_one_thread_did(
    tmp_path, monkeypatch
):
    """One hashing thread named the first file (in the order given) that could not be read;
    two must name the same one, whichever of them read it (the largest file is hashed
    first, on this thread, so it used to win)."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    paths = _files_of_sizes(tmp_path / "in", [10, 20, 3_000_000, 30])
    bad = {paths[1], paths[2]}

    def digest(path: Path) -> str:
        if path in bad:
            raise PermissionError(13, "Permission denied", str(path))
        return inputs.sha256_file(path)

    for _ in range(3):
        with pytest.raises(PermissionError) as caught:
            inputs._sha256_all(digest, paths)
        assert caught.value.filename == str(paths[1])
        with pytest.raises(PermissionError) as caught:
            inputs._sha256_all(digest, list(reversed(paths)))
        assert caught.value.filename == str(paths[2])
