"""generate(): its contract, determinism, referential integrity at any size."""

from __future__ import annotations

import os

import pytest

from olistctl.dataset import TABLES
from olistctl.errors import ExitCode, UsageError
from olistctl.synth import GenerateResult, generate


def file_bytes(result: GenerateResult) -> dict[str, bytes]:
    return {name: path.read_bytes() for name, path in result.files.items()}


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    first = generate(tmp_path / "a", orders=300, seed=11)
    again = generate(tmp_path / "b", orders=300, seed=11)
    other = generate(tmp_path / "c", orders=300, seed=12)
    assert file_bytes(first) == file_bytes(again)
    differs = {n for n, data in file_bytes(other).items() if data != file_bytes(first)[n]}
    # Everything but the fixed translation file changes with the seed.
    assert differs == {t.name for t in TABLES} - {"product_category_name_translation"}


def test_result_describes_the_files(tmp_path, read_table):
    out = tmp_path / "new" / "nested"  # created if missing
    result = generate(out, orders=50, seed=1)
    assert result.out_dir == out
    assert list(result.files) == [t.name for t in TABLES]
    assert sorted(os.listdir(out)) == sorted(t.file_name for t in TABLES)  # no temp files left
    for table in TABLES:
        path = result.files[table.name]
        assert path == out / table.file_name
        assert result.bytes[table.name] == path.stat().st_size
        assert result.rows[table.name] == len(read_table(path))
    assert result.rows["olist_orders_dataset"] == 50
    assert result.seconds > 0


def test_progress_reports_every_table_up_to_its_rows(tmp_path):
    seen: dict[str, list[int]] = {}
    result = generate(
        tmp_path, orders=40, seed=2, progress=lambda t, n: seen.setdefault(t, []).append(n)
    )
    assert list(seen) == [t.name for t in TABLES]
    for name, counts in seen.items():
        assert counts == sorted(counts), name  # only moves forward
        assert counts[-1] == result.rows[name]


@pytest.mark.parametrize("orders", [0, -5, 2.5, "10", True, None])
def test_bad_order_count_is_a_usage_error_and_writes_nothing(tmp_path, orders):
    target = tmp_path / "out"
    with pytest.raises(UsageError) as caught:
        generate(target, orders=orders)
    error = caught.value
    assert error.exit_code == ExitCode.USAGE
    assert f"Cannot generate {orders!r} orders" in error.message
    assert error.hint == "pass a whole number of orders of 1 or more"
    assert not target.exists()


def test_negative_seed_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="Seed -1 is not usable"):
        generate(tmp_path / "out", orders=5, seed=-1)
    assert not (tmp_path / "out").exists()


def test_a_failed_write_leaves_the_previous_file_and_no_temp(tmp_path, monkeypatch):
    generate(tmp_path, orders=20, seed=1)
    before = (tmp_path / "olist_orders_dataset.csv").read_bytes()

    import olistctl.synth.writer as writer

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "format_cells", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        generate(tmp_path, orders=30, seed=1, overwrite=True)
    assert (tmp_path / "olist_orders_dataset.csv").read_bytes() == before
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


@pytest.mark.parametrize("orders", [1, 2, 10, 57])
def test_small_datasets_keep_referential_integrity(tmp_path, orders, read_table, check_integrity):
    result = generate(tmp_path, orders=orders, seed=5)
    t = {table.short_name: read_table(result.files[table.name]) for table in TABLES}
    check_integrity(t)
    assert len(t["orders"]) == orders
    assert len(t["category_translation"]) == 71


def test_full_integrity_at_20k(frames, check_integrity):
    check_integrity(frames)
