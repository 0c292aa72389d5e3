"""The CSV -> Parquet transform core: the local runner and the Lambda both call :func:`convert_csv`.

Modules: ``parquet_out`` (deterministic, atomic Parquet writing), ``convert``
(the two-thread pipeline) and ``result`` (TransformResult). Reading the CSV
(typed batches, located errors, headers) is :mod:`olistctl.ingest`'s.

pyarrow is imported on first use of ``convert_csv``, not with this package.
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
