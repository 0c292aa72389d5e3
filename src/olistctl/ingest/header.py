"""The first line of a CSV: is this a CSV at all, what are its columns, which table is it.

Used before any parsing, by the transform and by input recognition
(``olistctl.ingest.inputs``). Only the standard library: it runs on every upload.
"""

from __future__ import annotations

import csv

from olistctl.dataset import TABLES, Table, closest_table_for_header, table_for_header
from olistctl.errors import InputError

UTF8_BOM = b"\xef\xbb\xbf"

# Leading bytes of files people give by mistake: (magic, what it is, the fix).
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (
        b"PK\x03\x04",
        "a ZIP archive (or an Excel .xlsx workbook)",
        "unzip it (or save the sheet as CSV UTF-8) and give the .csv file",
    ),
    (b"PAR1", "a Parquet file", "give the CSV file it was made from"),
    (b"\x1f\x8b", "gzip-compressed", "decompress it first (gunzip)"),
    (b"BZh", "bzip2-compressed", "decompress it first (bunzip2)"),
    (b"\xfd7zXZ\x00", "xz-compressed", "decompress it first (unxz)"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed", "decompress it first (unzstd)"),
    (b"%PDF", "a PDF document", "export the table as CSV instead"),
    (b"\xd0\xcf\x11\xe0", "an Excel .xls workbook", "save the sheet as CSV UTF-8"),
    (b"SQLite format 3\x00", "an SQLite database", "export the table as CSV"),
    (b"\xff\xfe", "UTF-16 text", "re-save the file as UTF-8"),
    (b"\xfe\xff", "UTF-16 text", "re-save the file as UTF-8"),
)


def check_is_text(head: bytes, label: str) -> None:
    """Refuse what is plainly not a CSV file: empty, an archive, a Parquet file, binary data."""
    if not head:
        raise InputError(
            "the file is empty (0 bytes)",
            path=label,
            hint="export or download the table again; an Olist CSV starts with its header line",
        )
    for magic, what, fix in _SIGNATURES:
        if head.startswith(magic):
            raise InputError(f"this is not a CSV file: it is {what}", path=label, hint=fix)
    if b"\x00" in head[:65536]:
        raise InputError(
            "this is not a CSV file: it contains binary data (NUL bytes)",
            path=label,
            hint="give the table's CSV export (UTF-8 text)",
        )


def header_bytes(head: bytes, at_eof: bool, label: str) -> bytes:
    """The first physical line of ``head`` (BOM and line ending removed)."""
    start = len(UTF8_BOM) if head.startswith(UTF8_BOM) else 0
    end = head.find(b"\n", start)
    cr = head.find(b"\r", start)
    if cr >= 0 and (end < 0 or cr < end - 1):
        # CR alone ends the lines (Excel for Mac's "CSV (Macintosh)"): no header line ends.
        raise InputError(
            "the lines end in a carriage return alone (CR, as old Mac software writes)",
            path=label,
            line=1,
            hint="re-save it as CSV with LF or CRLF line ends",
        )
    if end < 0:
        if not at_eof:
            raise InputError(
                f"this is not a CSV file: its first line is longer than {len(head):,} bytes",
                path=label,
                hint="give the table's CSV export, whose first line is the header",
            )
        end = len(head)
    return head[start:end].rstrip(b"\r")


def parse_header(head: bytes, at_eof: bool, label: str) -> list[str]:
    """The column names in the first line (quoted or not), stripped."""
    line = header_bytes(head, at_eof, label)
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"the header is not valid UTF-8 (byte 0x{line[exc.start]:02x})",
            path=label,
            line=1,
            hint="re-save the file as UTF-8",
        ) from None
    names = next(csv.reader([text]), [])
    return [n.strip() for n in names]


def other_separator(names: list[str]) -> tuple[str, Table] | None:
    """A one-column header that is an Olist header split on another separator."""
    if len(names) != 1:
        return None
    for sep in (";", "\t", "|"):
        if sep in names[0]:
            parts = [p.strip().strip('"') for p in names[0].split(sep)]
            table = table_for_header(parts)
            if table is not None:
                return sep, table
    return None


def describe_mismatch(names: list[str], table: Table) -> str:
    """What differs between a header and a table's columns: missing, unexpected, order."""
    want = list(table.column_names)
    missing = [c for c in want if c not in names]
    extra = [n for n in names if n not in want]
    parts = []
    if missing:
        parts.append("missing " + ", ".join(missing))
    if extra:
        parts.append("unexpected " + ", ".join(e or repr(e) for e in extra))
    if not parts:
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            parts.append("repeated " + ", ".join(dupes))
        else:
            parts.append("the columns are in a different order")
    return "; ".join(parts)


def header_error(names: list[str], label: str, expected: Table | None) -> InputError:
    """The error for a header that is not ``expected``'s (or, with None, no table's)."""
    separated = other_separator(names)
    if separated is not None:
        sep, table = separated
        shown = "tab" if sep == "\t" else repr(sep)
        return InputError(
            f"the file uses {shown} as its separator; {table.name} files use commas",
            path=label,
            line=1,
            hint="re-save it as CSV with commas (the Kaggle original is comma-separated)",
        )
    other = table_for_header(names)
    if expected is not None and other is not None:
        return InputError(
            f"the header is that of {other.name}, not {expected.name}",
            path=label,
            line=1,
            hint=f"give it as {other.file_name}, or give {expected.file_name} here",
        )
    target = expected
    if target is None:
        closest = closest_table_for_header(names)
        target = closest[0] if closest else None
    if target is None:
        return InputError(
            "the header matches no Olist table (it shares no column name with any)",
            path=label,
            line=1,
            hint="give one of the 9 Olist CSV files: " + ", ".join(t.file_name for t in TABLES),
        )
    lead = f"the header does not match {target.name}"
    if expected is None:
        lead = f"the header matches no Olist table (closest: {target.name})"
    return InputError(
        f"{lead}: {describe_mismatch(names, target)}",
        path=label,
        line=1,
        hint=f"the header must be exactly {','.join(target.column_names)}"
        " (the Kaggle file's names, misspellings included)",
    )


def check_names(names: list[str], label: str) -> None:
    """Column names a Parquet file can hold: none empty, none repeated."""
    if any(not n for n in names):
        pos = next(i for i, n in enumerate(names, 1) if not n)
        raise InputError(
            f"column {pos} of the header has no name",
            path=label,
            line=1,
            hint="give every column a name in the first line",
        )
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(
            f"the header repeats the column name {', '.join(dupes)}",
            path=label,
            line=1,
            hint="give every column a distinct name",
        )
