"""What one CSV -> Parquet conversion did (the Lambda returns it as JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from olistctl.quality.report import QualityReport


@dataclass
class TransformResult:
    table: str  # dataset table name, or the inferred name for unknown CSVs
    source: str  # the CSV's name/path/key as given
    rows_read: int  # CSV records parsed
    rows_written: int  # rows in the Parquet file, read back from its footer
    bytes_in: int
    bytes_out: int
    seconds: float
    quality: QualityReport
    inferred: bool = False  # True when the CSV matched no Olist table and types were inferred
    warnings: list[str] = field(default_factory=list)

    @property
    def compression_ratio(self) -> float:
        """CSV bytes per Parquet byte (0 when nothing was written)."""
        return self.bytes_in / self.bytes_out if self.bytes_out else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "source": self.source,
            "rows_read": self.rows_read,
            "rows_written": self.rows_written,
            "bytes_in": self.bytes_in,
            "bytes_out": self.bytes_out,
            "seconds": self.seconds,
            "compression_ratio": round(self.compression_ratio, 3),
            "quality": self.quality.to_dict(),
            "inferred": self.inferred,
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TransformResult:
        return cls(
            table=d["table"],
            source=d["source"],
            rows_read=int(d["rows_read"]),
            rows_written=int(d["rows_written"]),
            bytes_in=int(d["bytes_in"]),
            bytes_out=int(d["bytes_out"]),
            seconds=float(d["seconds"]),
            quality=QualityReport.from_dict(d["quality"]),
            inferred=bool(d.get("inferred", False)),
            warnings=list(d.get("warnings", [])),
        )
