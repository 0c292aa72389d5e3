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
    from olistctl.transform.convert import convert_csv, rows_per_group

__all__ = [
    "TransformResult",
    "convert_csv",
    "rows_per_group",
]


def __getattr__(name: str) -> Any:
    # Plain imports (not importlib with strings), so that the Lambda packager,
    # which follows import statements, ships these modules.
    if name in ("convert_csv", "rows_per_group"):
        from olistctl.transform import convert

        return getattr(convert, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
