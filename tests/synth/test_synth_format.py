"""The generated files are written exactly like the real Olist files (docs/olist-dataset.md §1.1),
checked on the raw bytes."""

from __future__ import annotations

import re

import pytest

from olistctl.dataset import (
    GEOLOCATION,
    ORDER_REVIEWS,
    ORDERS,
    PRODUCTS,
    TABLES,
    TRANSLATION,
)

TEXT_TABLES = [t for t in TABLES if t is not TRANSLATION]

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
MONEY = re.compile(r"\d+\.\d\d")
INTEGER = re.compile(r"-?\d+")
COORDINATE = re.compile(r"-?\d+\.(\d+)")
HEX_ID = re.compile(r"[0-9a-f]{32}")
ZIP = re.compile(r'"\d{5}"')


def unquote(cell: str) -> str:
    if len(cell) >= 2 and cell[0] == cell[-1] == '"':
        return cell[1:-1].replace('""', '"')
    return cell


def expected_string_cell(value: str, *, always: bool, leading_digit_rule: bool) -> str:
    """How the real files write a string (independent of the generator's writer)."""
    needs = always or (leading_digit_rule and value[:1] in "0123456789")
    needs = needs or any(c in value for c in ',"\r\n')
    return '"' + value.replace('"', '""') + '"' if needs else value


def records(result, table, raw_records):
    data = result.files[table.name].read_bytes()
    text = data.decode("utf-8")
    return data, raw_records(text, table.csv.line_terminator)


@pytest.mark.parametrize("table", TEXT_TABLES, ids=lambda t: t.short_name)
def test_header_is_quoted_and_in_model_order(thousand, raw_records, table):
    _, rows = records(thousand, table, raw_records)
    assert rows[0] == [f'"{name}"' for name in table.column_names]


@pytest.mark.parametrize("table", TEXT_TABLES, ids=lambda t: t.short_name)
def test_every_cell_is_written_like_the_real_files(thousand, raw_records, table):
    _, rows = records(thousand, table, raw_records)
    body = rows[1:]
    assert len(body) == thousand.rows[table.name]
    for row in body:
        assert len(row) == len(table.columns), row
        for column, cell in zip(table.columns, row, strict=True):
            if cell == "":
                # NULL is an empty field; only nullable columns have them.
                assert column.nullable, (table.name, column.name, row)
                continue
            if column.type == "timestamp":
                assert TIMESTAMP.fullmatch(cell), (column.name, cell)
            elif column.type == "decimal":
                assert MONEY.fullmatch(cell), (column.name, cell)
            elif column.type == "int":
                assert INTEGER.fullmatch(cell), (column.name, cell)
            elif column.type == "double":
                decimals = COORDINATE.fullmatch(cell)
                assert decimals and 13 <= len(decimals.group(1)) <= 15, (column.name, cell)
            else:
                value = unquote(cell)
                assert cell == expected_string_cell(
                    value,
                    always=column.always_quoted,
                    leading_digit_rule=table.csv.quote_leading_digit,
                ), (column.name, cell)
                if column.name.endswith("_zip_code_prefix"):
                    assert ZIP.fullmatch(cell), cell
                if column.name.endswith("_id") and column.name != "order_item_id":
                    assert HEX_ID.fullmatch(value), cell


@pytest.mark.parametrize("table", TEXT_TABLES, ids=lambda t: t.short_name)
def test_line_endings(thousand, table):
    data = thousand.files[table.name].read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    if table is ORDER_REVIEWS:
        # CRLF everywhere, including inside quoted comments.
        assert data.endswith(b"\r\n")
        assert data.count(b"\n") == data.count(b"\r\n") == data.count(b"\r")
    else:
        assert data.endswith(b"\n") and b"\r" not in data


def test_reviews_keep_crlf_inside_quoted_comments(thousand, raw_records):
    _, rows = records(thousand, ORDER_REVIEWS, raw_records)
    message = ORDER_REVIEWS.column_names.index("review_comment_message")
    multiline = [r[message] for r in rows[1:] if "\r\n" in r[message]]
    assert multiline, "no review comment spans lines"
    assert all(cell.startswith('"') and cell.endswith('"') for cell in multiline)
    assert all("\n" not in cell.replace("\r\n", "") for cell in multiline)
    # More physical lines than records, as in the real file (104,720 lines, 99,224 records).
    data = thousand.files[ORDER_REVIEWS.name].read_bytes()
    assert data.count(b"\r\n") == len(rows) + sum(c.count("\r\n") for c in multiline)


def test_review_ids_always_quoted_even_when_starting_with_a_letter(thousand, raw_records):
    _, rows = records(thousand, ORDER_REVIEWS, raw_records)
    ids = [r[0] for r in rows[1:]] + [r[1] for r in rows[1:]]
    letter_first = [c for c in ids if c[1] in "abcdef"]
    assert letter_first and all(c.startswith('"') for c in letter_first)


def test_hex_ids_quoted_only_when_they_start_with_a_digit(thousand, raw_records):
    _, rows = records(thousand, ORDERS, raw_records)
    order_ids = [r[0] for r in rows[1:]]
    assert {c[0] == '"' for c in order_ids} == {True, False}
    assert all((c[0] == '"') == unquote(c)[0].isdigit() for c in order_ids)


def test_texts_with_commas_are_quoted(thousand, raw_records):
    _, rows = records(thousand, ORDER_REVIEWS, raw_records)
    message = ORDER_REVIEWS.column_names.index("review_comment_message")
    with_comma = [r[message] for r in rows[1:] if "," in unquote(r[message])]
    without = [r[message] for r in rows[1:] if r[message] and not set(',"\r\n') & set(r[message])]
    assert with_comma and all(c.startswith('"') for c in with_comma)
    assert without  # plain texts stay unquoted


def test_products_nulls_are_empty_fields_and_integers_have_no_decimal_point(thousand):
    lines = thousand.files[PRODUCTS.name].read_text("utf-8").splitlines()
    assert any(line.endswith(",,,,,,,,") for line in lines[1:]), "no fully empty product row"
    assert not any(".0," in line or line.endswith(".0") for line in lines[1:])
    assert "NULL" not in "".join(lines) and ",NA," not in "".join(lines)


def test_money_has_exactly_two_decimals(thousand, raw_records):
    for table in TABLES:
        money = [i for i, c in enumerate(table.columns) if c.type == "decimal"]
        if not money:
            continue
        _, rows = records(thousand, table, raw_records)
        values = [r[i] for r in rows[1:] for i in money]
        assert values and all(MONEY.fullmatch(v) for v in values)
        assert any(v.endswith("0") for v in values)  # trailing zeros kept: 59.90, 13.10


def test_estimated_delivery_dates_are_midnight(thousand, raw_records):
    _, rows = records(thousand, ORDERS, raw_records)
    assert all(r[-1].endswith(" 00:00:00") for r in rows[1:])


def test_geolocation_lists_accented_and_plain_city_names(thousand):
    text = thousand.files[GEOLOCATION.name].read_text("utf-8")
    assert ",sao paulo,SP" in text and ",são paulo,SP" in text


def test_translation_file_is_the_real_one(thousand):
    data = thousand.files[TRANSLATION.name].read_bytes()
    # The real file: BOM, unquoted header, CRLF, no final newline, 2,613 bytes.
    assert len(data) == 2_613
    assert data.startswith(b"\xef\xbb\xbfproduct_category_name,product_category_name_english\r\n")
    assert not data.endswith(b"\n")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert len(lines) == 72
    assert lines[1] == "beleza_saude,health_beauty"
    assert lines[-1] == "seguros_e_servicos,security_and_services"
    # The real typos stay.
    assert "fashion_roupa_feminina,fashio_female_clothing" in lines
    assert "construcao_ferramentas_jardim,costruction_tools_garden" in lines
