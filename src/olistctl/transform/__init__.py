"""The CSV -> Parquet transform core: the local runner and the Lambda both call :func:`convert_csv`.

Modules: ``reader`` (typed record batches from a CSV, located errors),
``source`` (the byte stream pyarrow reads), ``header`` (what file and which
table; standard library only), ``infer`` (types for unknown CSVs), ``locate``
(error positions), ``parquet_out`` (deterministic, atomic Parquet writing),
``convert`` (the two-thread pipeline) and ``result`` (TransformResult).

pyarrow is imported on first use of ``convert_csv``, not with this package:
``olistctl.inputs`` (``upload``) needs only ``header``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from olistctl.transform.result import TransformResult

if TYPE_CHECKING:
    from olistctl.transform.convert import ROW_GROUP_CSV_BYTES, convert_csv, rows_per_group
    from olistctl.transform.reader import BLOCK_BYTES

__all__ = [
    "BLOCK_BYTES",
    "ROW_GROUP_CSV_BYTES",
    "TransformResult",
    "convert_csv",
    "rows_per_group",
]


def __getattr__(name: str) -> Any:
    # Plain imports (not importlib with strings), so that the Lambda packager,
    # which follows import statements, ships these modules.
    if name in ("convert_csv", "rows_per_group", "ROW_GROUP_CSV_BYTES"):
        from olistctl.transform import convert

        return getattr(convert, name)
    if name == "BLOCK_BYTES":
        from olistctl.transform import reader

        return reader.BLOCK_BYTES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
