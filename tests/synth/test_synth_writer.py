"""The CSV writer applies the model's format facts to typed columns."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from olistctl.dataset import (
    ORDER_ITEMS,
    ORDER_REVIEWS,
    ORDERS,
    PRODUCTS,
    TRANSLATION,
    Column,
    CsvFormat,
)
from olistctl.synth import writer
from olistctl.synth.writer import (
    SortedTableStream,
    TableStream,
    format_cells,
    header_line,
    string_cell,
    write_table,
)

PLAIN = Column("city", "string")
REVIEW_ID = ORDER_REVIEWS.column("review_id")
LF = CsvFormat()
REVIEWS = ORDER_REVIEWS.csv


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        ("sao paulo", LF, "sao paulo"),
        ("01037", LF, '"01037"'),
        ("9ef432eb", LF, '"9ef432eb"'),
        ("e481f51c", LF, "e481f51c"),
        ("10", REVIEWS, "10"),  # review text: no leading-digit rule
        ("novo hamburgo, rs", LF, '"novo hamburgo, rs"'),
        ('veio "original"', REVIEWS, '"veio ""original"""'),
        ("linha 1\r\nlinha 2", REVIEWS, '"linha 1\r\nlinha 2"'),
        ("fim\r\n", REVIEWS, '"fim\r\n"'),
        ("", LF, ""),
        (None, LF, ""),
    ],
)
def test_string_cells(value, fmt, expected):
    assert string_cell(value, PLAIN, fmt) == expected


def test_always_quoted_columns_quote_letters_too():
    assert string_cell("a548910a1c6147796b98fdf73dbeba33", REVIEW_ID, REVIEWS) == (
        '"a548910a1c6147796b98fdf73dbeba33"'
    )


def test_typed_cells():
    timestamps = np.array(["2017-10-02T10:56:33", "NaT"], dtype="datetime64[s]")
    assert format_cells(ORDERS.column("order_approved_at"), timestamps, LF) == [
        "2017-10-02 10:56:33",
        "",
    ]
    money = np.array([5890, 19900, 0, 5, 1366408])
    assert format_cells(Column("price", "decimal"), money, LF) == [
        "58.90",
        "199.00",
        "0.00",
        "0.05",
        "13664.08",
    ]
    ints = np.ma.MaskedArray([40, 0, 7], mask=[False, False, True])
    assert format_cells(PRODUCTS.column("product_weight_g"), ints, LF) == ["40", "0", ""]
    coords = np.array([-23.54562128115268, -46.63929204800168])
    assert format_cells(Column("lat", "double"), coords, LF) == [
        "-23.54562128115268",
        "-46.63929204800168",
    ]
    with pytest.raises(ValueError, match="negative money"):
        format_cells(Column("price", "decimal"), np.array([-1]), LF)


def test_headers():
    assert header_line(ORDERS).startswith('"order_id","customer_id","order_status"')
    assert header_line(TRANSLATION) == ("\ufeffproduct_category_name,product_category_name_english")


def test_write_table_checks_columns_and_leaves_nothing_on_error(tmp_path):
    pairs = {"product_category_name": ["a"], "product_category_name_english": ["b"]}
    with pytest.raises(ValueError, match="columns"):
        write_table(tmp_path, TRANSLATION, {"product_category_name": ["a"]})
    with pytest.raises(ValueError, match="differ in length"):
        write_table(tmp_path, TRANSLATION, {**pairs, "product_category_name_english": []})
    assert list(tmp_path.iterdir()) == []
    done = write_table(tmp_path, TRANSLATION, pairs)
    assert done.path.read_bytes() == (
        b"\xef\xbb\xbfproduct_category_name,product_category_name_english\r\na,b"
    )
    assert (done.rows, done.bytes) == (1, done.path.stat().st_size)


def test_empty_table_is_a_header_line(tmp_path):
    columns = {name: np.array([], dtype=object) for name in ORDER_REVIEWS.column_names}
    for name in ("review_creation_date", "review_answer_timestamp"):
        columns[name] = np.array([], dtype="datetime64[s]")
    columns["review_score"] = np.array([], dtype=np.int64)
    seen = []
    done = write_table(tmp_path, ORDER_REVIEWS, columns, progress=lambda t, n: seen.append(n))
    assert done.path.read_bytes().endswith(b'"review_answer_timestamp"\r\n')
    assert done.rows == 0 and seen == [0]


def _reviews(n: int, start: int = 0) -> dict[str, np.ndarray]:
    """``n`` review rows whose messages hold commas, quotes and CRLF."""
    rows = range(start, start + n)
    return {
        "review_id": np.array([f"{i:032x}" for i in rows], dtype=object),
        "order_id": np.array([f"a{i:031x}" for i in rows], dtype=object),
        "review_score": np.array([1 + i % 5 for i in rows]),
        "review_comment_title": np.array([None if i % 2 else "Bom" for i in rows], dtype=object),
        "review_comment_message": np.array(
            [f'linha {i},\r\n"ok"' if i % 3 else None for i in rows], dtype=object
        ),
        "review_creation_date": np.array(["2018-01-02"] * n, dtype="datetime64[s]"),
        "review_answer_timestamp": np.array(["2018-01-03T10:00:00"] * n, dtype="datetime64[s]"),
    }


@pytest.mark.parametrize("cuts", [(0, 2, 2, 5), (0, 5), (0, 0)])
def test_a_stream_in_parts_writes_the_bytes_of_one_whole_write(tmp_path, cuts):
    # CRLF reviews with line breaks inside values, and the BOM'd translation without a
    # final newline: parts (empty ones included) join exactly like one write.
    whole = _reviews(cuts[-1])
    (tmp_path / "whole").mkdir()
    (tmp_path / "parts").mkdir()
    expected = write_table(tmp_path / "whole", ORDER_REVIEWS, whole)
    stream = TableStream(tmp_path / "parts", ORDER_REVIEWS)
    for a, b in itertools.pairwise(cuts):
        stream.write({name: values[a:b] for name, values in whole.items()})
    done = stream.commit()
    assert done.path.read_bytes() == expected.path.read_bytes()
    assert (
        (done.rows, done.bytes)
        == (expected.rows, expected.bytes)
        == (
            cuts[-1],
            done.path.stat().st_size,
        )
    )

    pairs = {"product_category_name": ["a", "b", "c"], "product_category_name_english": list("xyz")}
    translation = TableStream(tmp_path / "parts", TRANSLATION)
    translation.write({k: v[:1] for k, v in pairs.items()})
    translation.write({k: v[1:] for k, v in pairs.items()})
    assert translation.commit().path.read_bytes() == (
        b"\xef\xbb\xbfproduct_category_name,product_category_name_english\r\na,x\r\nb,y\r\nc,z"
    )


def _items(ids: list[str]) -> dict[str, np.ndarray]:
    n = len(ids)
    return {
        "order_id": np.array(ids, dtype=object),
        "order_item_id": np.array([1 + i % 2 for i in range(n)]),
        "product_id": np.array(["b" * 32] * n, dtype=object),
        "seller_id": np.array(["c" * 32] * n, dtype=object),
        "shipping_limit_date": np.array(["2018-01-02"] * n, dtype="datetime64[s]"),
        "price": np.arange(n) * 100,
        "freight_value": np.arange(n),
    }


def test_a_sorted_stream_merges_sorted_parts_into_one_sorted_file(tmp_path):
    # Ids starting with a digit are quoted in the file; the merge orders by the value.
    parts = [
        ["0" * 32, "0" * 32, "7" + "f" * 31, "c" + "1" * 31],
        ["1" + "a" * 31, "b" + "0" * 31, "b" + "0" * 31, "f" * 32],
        ["0" + "1" * 31, "9" * 32],
    ]
    seen: list[int] = []
    stream = SortedTableStream(tmp_path, ORDER_ITEMS, progress=lambda t, n: seen.append(n))
    for ids in parts:
        stream.write(_items(ids))
    assert seen == [0, 4, 8, 10]
    # Run files sit beside the table until the merge.
    assert len([p for p in tmp_path.iterdir() if ".run" in p.name]) == 3
    done = stream.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == [ORDER_ITEMS.file_name]

    rows = [row for ids in parts for row in zip(*_items(ids).values(), strict=True)]
    ordered = sorted(rows, key=lambda r: r[0])  # stable: each order's items keep their order
    (tmp_path / "expected").mkdir()
    expected = write_table(
        tmp_path / "expected",
        ORDER_ITEMS,
        {
            name: np.array([r[i] for r in ordered])
            for i, name in enumerate(ORDER_ITEMS.column_names)
        },
    )
    assert done.path.read_bytes() == expected.path.read_bytes()
    assert done.rows == 10 and done.bytes == done.path.stat().st_size


@pytest.mark.parametrize("fan_in", [2, 3, 64])
def test_runs_are_merged_a_few_at_a_time_as_they_come(tmp_path, monkeypatch, fan_in):
    # Many parts (chunks) never mean many files open at once: runs are merged fan_in at a
    # time into runs of the next level, and the file is the same as with one merge.
    monkeypatch.setattr(writer, "MERGE_FAN_IN", fan_in)
    monkeypatch.setattr(writer, "MERGE_BATCH_ROWS", 3)
    numbers = np.random.default_rng(0).permutation(36)  # every key in one part only
    parts = [sorted(f"{n * 7:03d}{'e' * 29}" for n in numbers[i * 4 : i * 4 + 4]) for i in range(9)]
    (tmp_path / "out").mkdir()
    stream = SortedTableStream(tmp_path / "out", ORDER_ITEMS)
    most = 0
    for ids in parts:
        stream.write(_items(ids))
        most = max(most, len([p for p in (tmp_path / "out").iterdir() if ".run" in p.name]))
    # The runs waiting after k parts are the digits of k in base fan_in: at most 3 for
    # fan_in 2 (7 = 111), 4 for fan_in 3 (8 = 22), all 9 when no merge is due.
    assert most == {2: 3, 3: 4, 64: 9}[fan_in]
    done = stream.commit()
    assert [p.name for p in (tmp_path / "out").iterdir()] == [ORDER_ITEMS.file_name]
    rows = [row for ids in parts for row in zip(*_items(ids).values(), strict=True)]
    ordered = sorted(rows, key=lambda r: r[0])
    (tmp_path / "expected").mkdir()
    expected = write_table(
        tmp_path / "expected",
        ORDER_ITEMS,
        {
            name: np.array([r[i] for r in ordered])
            for i, name in enumerate(ORDER_ITEMS.column_names)
        },
    )
    assert done.path.read_bytes() == expected.path.read_bytes()
    assert done.rows == 36


def test_a_sorted_stream_refuses_line_breaks(tmp_path):
    stream = SortedTableStream(tmp_path, ORDER_ITEMS)
    bad = _items(["a" * 32])
    bad["seller_id"] = np.array(["c\nd"], dtype=object)
    with pytest.raises(ValueError, match="a sorted table cannot hold line breaks"):
        stream.write(bad)
    stream.discard()
    assert list(tmp_path.iterdir()) == []


def test_discard_removes_the_temporary_file_and_runs_and_keeps_the_old_file(tmp_path):
    old = tmp_path / ORDER_ITEMS.file_name
    old.write_bytes(b"the previous file")
    for kind in (TableStream, SortedTableStream):
        stream = kind(tmp_path, ORDER_ITEMS)
        stream.write(_items(["a" * 32, "b" * 32]))
        stream.write(_items(["0" * 32]))
        stream.discard()
        assert [p.name for p in tmp_path.iterdir()] == [old.name]
        assert old.read_bytes() == b"the previous file"
