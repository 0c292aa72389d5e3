"""Bad input: one sentence naming the file, the line and the fix; exit code 2; nothing written.

Every case converts into a folder that already holds the destination file and
checks that it is untouched and that no temporary file is left beside it.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest
from tiny_olist import TINY, files_in, orders_csv

from olistctl.dataset import get_table
from olistctl.errors import ExitCode, InputError, OperationFailed, exit_code_for
from olistctl.transform import convert_csv

ORDERS = TINY["olist_orders_dataset.csv"]
ITEMS = TINY["olist_order_items_dataset.csv"]
REVIEWS = TINY["olist_order_reviews_dataset.csv"]
ORDERS_COLUMNS = ",".join(get_table("orders").column_names)
RAGGED_FIX = (
    "fix or remove that row (a value containing a comma must be in double quotes, and every"
    " opening quote closed)"
)
PRICE = (
    "which is not an amount with at most 2 decimals and 8 digits before the point, like 58.90"
    " (decimal(10,2)): correct the value (this column may not be empty)"
)


def _zip(data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("olist_orders_dataset.csv", data)
    return buf.getvalue()


def _review(i: int, message: str) -> str:
    return f'"{i:032x}","{i + 7:032x}",5,,"{message}",2018-01-18 00:00:00,2018-01-18 21:46:59\r\n'


def _reviews_with_breaks(n: int, bad_at: int) -> bytes:
    """n review records, each message holding a CRLF, record ``bad_at`` short a field."""
    rows = [REVIEWS.decode().split("\r\n", 1)[0] + "\r\n"]
    for i in range(n):
        row = _review(i, f"linha um {i}\r\nlinha dois, com vírgula")
        if i == bad_at:
            row = row.replace(",2018-01-18 00:00:00", "", 1)
        rows.append(row)
    return "".join(rows).encode()


def _orders_with(row: int, old: bytes, new: bytes) -> bytes:
    """20,000 orders with ``old`` replaced by ``new`` in data row ``row`` (line ``row + 1``)."""
    lines = orders_csv(20_000).split(b"\n")
    lines[row] = lines[row].replace(old, new, 1)
    return b"\n".join(lines)


CASES = {
    "empty": (
        b"",
        None,
        "in.csv: the file is empty (0 bytes): export or download the table again; an Olist CSV"
        " starts with its header line",
    ),
    "header only": (
        ORDERS.split(b"\n")[0] + b"\n",
        None,
        "in.csv: the file has a header but no data rows: export the table again with its rows (an"
        " empty table is refused, so that a truncated export cannot replace good data)",
    ),
    "column missing": (
        ORDERS.replace(b'"order_status",', b"", 1),
        "orders",
        "in.csv, line 1: the header does not match olist_orders_dataset: missing order_status:"
        f" the header must be exactly {ORDERS_COLUMNS} (the Kaggle file's names, misspellings"
        " included)",
    ),
    "column renamed": (
        ORDERS.replace(b'"order_status"', b'"order_state"', 1),
        "orders",
        "in.csv, line 1: the header does not match olist_orders_dataset: missing order_status;"
        f" unexpected order_state: the header must be exactly {ORDERS_COLUMNS} (the Kaggle"
        " file's names, misspellings included)",
    ),
    "extra column": (
        ORDERS.replace(b'"order_estimated_delivery_date"', b'"order_estimated_delivery_date","x"'),
        "orders",
        "in.csv, line 1: the header does not match olist_orders_dataset: unexpected x: the header"
        f" must be exactly {ORDERS_COLUMNS} (the Kaggle file's names, misspellings included)",
    ),
    "another table": (
        ITEMS,
        "orders",
        "in.csv, line 1: the header is that of olist_order_items_dataset, not"
        " olist_orders_dataset: give it as olist_order_items_dataset.csv, or give"
        " olist_orders_dataset.csv here",
    ),
    "semicolons": (
        ORDERS.replace(b",", b";"),
        None,
        "in.csv, line 1: the file uses ';' as its separator; olist_orders_dataset files use"
        " commas: re-save it as CSV with commas (the Kaggle original is comma-separated)",
    ),
    "ragged row": (
        ITEMS.replace(b",0.85,0.00", b",0.85", 1),
        None,
        f"in.csv, line 4: the row has 6 fields but the header has 7 columns: {RAGGED_FIX}",
    ),
    "ragged after line breaks in quotes": (
        REVIEWS.replace(b",2018-02-16 00:00:00,", b",", 1),
        None,
        # Records: header (line 1), line 2, lines 3-4 (CRLF in the message), lines 5-6.
        f"in.csv, line 5: the row has 6 fields but the header has 7 columns: {RAGGED_FIX}",
    ),
    "ragged deep in the file after many line breaks in quotes": (
        _reviews_with_breaks(3_000, bad_at=2_500),
        None,
        # Each record takes two physical lines: record 2,501 starts on line 1 + 2 * 2,500 + 1.
        f"in.csv, line 5002: the row has 6 fields but the header has 7 columns: {RAGGED_FIX}",
    ),
    "not UTF-8": (
        TINY["olist_geolocation_dataset.csv"].decode().encode("latin-1"),
        None,
        "in.csv, line 2: the file is not valid UTF-8 (byte 0xe3; it looks like Windows-1252 /"
        " Latin-1): re-save the file as UTF-8, e.g. `iconv -f latin1 -t utf-8 in.csv > out.csv`",
    ),
    "text in a money column": (
        ITEMS.replace(b"118.70", b"abc", 1),
        None,
        f"in.csv, line 3: column price holds 'abc', {PRICE}",
    ),
    "three decimals": (
        ITEMS.replace(b"118.70", b"118.705", 1),
        None,
        f"in.csv, line 3: column price holds '118.705', {PRICE}",
    ),
    "date in another format": (
        ORDERS.replace(b"2018-08-13 00:00:00", b"13/08/2018", 1),
        None,
        "in.csv, line 3: column order_estimated_delivery_date holds '13/08/2018', which is not a"
        " timestamp like 2017-10-02 10:56:33: correct the value (this column may not be empty)",
    ),
    "bad value in a nullable column": (
        ORDERS.replace(b"2018-07-26 03:24:27", b"soon", 1),
        None,
        "in.csv, line 3: column order_approved_at holds 'soon', which is not a timestamp like"
        " 2017-10-02 10:56:33: correct the value, or leave the field empty for NULL",
    ),
    "integer too big": (
        ITEMS.replace(b",2,", b",99999999999,", 1),
        None,
        "in.csv, line 4: column order_item_id holds '99999999999', which is not a whole number"
        " that fits in 32 bits: correct the value (this column may not be empty)",
    ),
    "bad value deep in the file": (
        _orders_with(8_401, b"2017-10-", b"2017-1O-"),
        None,
        "in.csv, line 8402: column order_purchase_timestamp holds '2017-1O-01 10:00:33', which is"
        " not a timestamp like 2017-10-02 10:56:33: correct the value (this column may not be"
        " empty)",
    ),
    "zip archive": (
        _zip(ORDERS),
        None,
        "in.csv: this is not a CSV file: it is a ZIP archive (or an Excel .xlsx workbook): unzip"
        " it (or save the sheet as CSV UTF-8) and give the .csv file",
    ),
    "gzip": (
        gzip.compress(ORDERS),
        None,
        "in.csv: this is not a CSV file: it is gzip-compressed: decompress it first (gunzip)",
    ),
    "parquet": (
        b"PAR1\x15\x04\x15" + b"\x00" * 64,
        None,
        "in.csv: this is not a CSV file: it is a Parquet file: give the CSV file it was made from",
    ),
    "binary": (
        b"abc\x00\x01\x02" * 10,
        None,
        "in.csv: this is not a CSV file: it contains binary data (NUL bytes): give the table's"
        " CSV export (UTF-8 text)",
    ),
}


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "result.parquet").write_bytes(b"the previous result")
    return folder


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_file_is_refused_with_a_located_message(case, tmp_path, out, monkeypatch):
    data, table, message = CASES[case]
    monkeypatch.chdir(tmp_path)
    Path("in.csv").write_bytes(data)
    with pytest.raises(InputError) as caught:
        convert_csv(
            "in.csv",
            out / "result.parquet",
            table=get_table(table) if table else None,
            batch_bytes=64 << 10,
            row_group_rows=1_000,
        )
    assert str(caught.value) == message
    assert exit_code_for(caught.value) == ExitCode.USAGE == 2
    assert files_in(out) == ["result.parquet"]
    assert (out / "result.parquet").read_bytes() == b"the previous result"


@pytest.mark.parametrize(
    "case", ["ragged deep in the file after many line breaks in quotes", "not UTF-8"]
)
def test_a_stream_gets_the_same_located_message(case, out):
    data, _, message = CASES[case]

    class Body:  # read(n) only, like botocore's StreamingBody
        def __init__(self) -> None:
            self._f = io.BytesIO(data)

        def read(self, n: int = -1) -> bytes:
            return self._f.read(min(n, 4096))

    with pytest.raises(InputError) as caught:
        convert_csv(Body(), out / "result.parquet", source_name="in.csv", batch_bytes=64 << 10)
    assert str(caught.value) == message
    assert files_in(out) == ["result.parquet"]


def test_a_missing_file_names_itself(tmp_path):
    with pytest.raises(InputError) as caught:
        convert_csv(tmp_path / "nope.csv", tmp_path / "x.parquet")
    assert str(caught.value) == f"{tmp_path / 'nope.csv'}: the file does not exist: check the path"
    assert files_in(tmp_path) == []


def test_the_error_is_found_beyond_the_first_blocks(tmp_path, out):
    """With 16 KiB blocks the bad row sits in a block far from the first (the window logic)."""
    (tmp_path / "in.csv").write_bytes(_orders_with(17_001, b",delivered,", b",delivered,x,"))
    with pytest.raises(InputError) as caught:
        convert_csv(tmp_path / "in.csv", out / "result.parquet", batch_bytes=16 << 10)
    assert caught.value.line == 17_002
    assert "the row has 9 fields but the header has 8 columns" in str(caught.value)
    assert files_in(out) == ["result.parquet"]


# -- a destination or a source that the system refuses ---------------------------------------

WRITE_HINT = "check that the folder is writable and the disk has room"


@pytest.mark.parametrize(
    ("dest", "reason"),
    [
        ("taken", "Is a directory"),  # a folder where the file goes: the final rename fails
        ("result.parquet/x.parquet", "File exists"),  # a file where its folder goes: mkdir fails
    ],
)
def test_a_destination_that_cannot_be_written_fails_and_leaves_nothing(tmp_path, out, dest, reason):
    (out / "taken").mkdir()
    (out / "taken" / "inside.txt").write_text("kept")
    (tmp_path / "in.csv").write_bytes(ORDERS)
    with pytest.raises(OperationFailed) as caught:
        convert_csv(tmp_path / "in.csv", out / dest)
    assert str(caught.value) == f"Could not write {out / dest}: {reason}: {WRITE_HINT}"
    assert exit_code_for(caught.value) == ExitCode.FAILED
    assert files_in(out) == ["result.parquet", "taken"]  # no temporary file beside them
    assert files_in(out / "taken") == ["inside.txt"]
    assert (out / "result.parquet").read_bytes() == b"the previous result"


UNREADABLE = "check the path and the file's permissions"


@pytest.mark.parametrize(
    ("name", "reason"),
    [("x" * 300 + ".csv", "File name too long"), ("in.csv/x.csv", "Not a directory")],
)
def test_a_source_the_system_cannot_open_names_itself(tmp_path, out, name, reason):
    (tmp_path / "in.csv").write_bytes(ORDERS)
    with pytest.raises(InputError) as caught:
        convert_csv(tmp_path / name, out / "result.parquet")
    assert str(caught.value) == (
        f"{tmp_path / name}: the file cannot be read ({reason}): {UNREADABLE}"
    )
    assert exit_code_for(caught.value) == ExitCode.USAGE
    assert files_in(out) == ["result.parquet"]
    assert (out / "result.parquet").read_bytes() == b"the previous result"
