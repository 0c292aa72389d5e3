"""The CSV writer applies the model's format facts to typed columns."""

from __future__ import annotations

import numpy as np
import pytest

from olistctl.dataset import ORDER_REVIEWS, ORDERS, PRODUCTS, TRANSLATION, Column, CsvFormat
from olistctl.synth.writer import format_cells, header_line, string_cell, write_table

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
