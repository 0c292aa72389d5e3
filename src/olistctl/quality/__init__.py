"""Data-quality checks: per table while streaming, and across tables (foreign keys).

The report types are light (the CLI renders them); the checks import
pyarrow and NumPy only when called.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import BinaryIO

from olistctl.quality.report import ColumnStats, DatasetQuality, Finding, QualityReport

__all__ = [
    "ColumnStats",
    "DatasetQuality",
    "Finding",
    "QualityReport",
    "check_files",
    "check_parquet",
]


def check_files(paths: Sequence[str | os.PathLike]) -> DatasetQuality:
    """Check Olist CSV files (files, folders or globs), read with the model's schema."""
    from olistctl.quality.check import check_files as run

    return run(paths)


def check_parquet(
    files_by_table: Mapping[str, Sequence[str | os.PathLike | BinaryIO]],
) -> DatasetQuality:
    """Check Parquet files grouped by table, reading only the columns the checks need."""
    from olistctl.quality.check import check_parquet as run

    return run(files_by_table)
