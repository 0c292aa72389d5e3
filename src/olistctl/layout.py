"""Where things live: object keys in the buckets and folders in the local workspace.

The same keys on both backends: ``<table>/<file name>`` in the raw bucket (or
``raw/`` in the workspace), ``<table>/<file stem>.parquet`` in the processed
bucket (or ``processed/``). The processed key is derived from the raw key, so
a re-run overwrites rather than duplicates.
"""

from __future__ import annotations

import posixpath

RAW = "raw"
PROCESSED = "processed"
RESULTS = "results"
PARQUET_SUFFIX = ".parquet"
# Metadata key (S3 user metadata and Parquet key-value metadata) holding the
# SHA-256 of the CSV an object came from: how "unchanged" is decided.
SOURCE_SHA256 = "olistctl-source-sha256"
CONTENT_SHA256 = "olistctl-sha256"


def raw_key(table: str, file_name: str) -> str:
    return f"{table}/{posixpath.basename(file_name)}"


def processed_key(raw: str) -> str:
    """``olist_orders_dataset/part-1.csv`` -> ``olist_orders_dataset/part-1.parquet``."""
    table, name = split_key(raw)
    stem = name[:-4] if name.lower().endswith(".csv") else name.rsplit(".", 1)[0]
    return f"{table}/{stem}{PARQUET_SUFFIX}"


def split_key(key: str) -> tuple[str, str]:
    """``<table>/<name>`` -> ``(table, name)``."""
    table, sep, name = key.partition("/")
    if not sep or not name or "/" in name:
        raise ValueError(f"object key {key!r} is not of the form <table>/<file>")
    return table, name
