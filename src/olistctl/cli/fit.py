"""Column widths for a table that must fit the terminal without breaking a word.

rich squeezes a table that is too wide by narrowing its widest columns and, as
a last resort, every column evenly, below the longest word, so words get folded
(``seller_states_by_revenu`` / ``e``) or cut. Here each column gets at least
the width of its longest word (the whole cell for a column that may not wrap,
such as numbers), and the room left goes to the columns that would use it. A
header may break after an underscore (``avg_delivery_`` / ``days``), never
inside a word. When even the minimum does not fit, the caller lays the table
out another way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len


@dataclass
class ColumnText:
    header: str
    cells: list[str]
    wraps: bool = True  # cells may wrap between words
    footer: str = ""
    pieces: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.pieces = header_pieces(self.header)


def border(columns: int) -> int:
    """What rich's default box and padding add to a table's content: 3 per column, plus 1."""
    return 3 * columns + 1


def header_pieces(header: str) -> list[str]:
    """A header's unbreakable pieces: its words, cut after each underscore."""
    pieces = []
    for word in header.split():
        parts = word.split("_")
        pieces += [p + "_" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    return pieces


def _longest(texts: Sequence[str], whole: bool) -> int:
    lines = [line for t in texts for line in t.splitlines()]
    if not whole:
        lines = [word for line in lines for word in line.split()]
    return max((cell_len(x) for x in lines), default=0)


def least(column: ColumnText) -> int:
    return max(
        max((cell_len(p) for p in column.pieces), default=0),
        _longest([*column.cells, column.footer], whole=not column.wraps),
    )


def natural(column: ColumnText) -> int:
    return _longest([column.header, *column.cells, column.footer], whole=True)


def fit_widths(columns: Sequence[ColumnText], available: int) -> list[int] | None:
    """Content widths that fit ``available`` columns of terminal; None when nothing does."""
    room = available - border(len(columns))
    wanted = [natural(c) for c in columns]
    if sum(wanted) <= room:
        return wanted
    widths = [least(c) for c in columns]
    spare = room - sum(widths)
    if spare < 0:
        return None
    # Share what is left in proportion to what each column would still use.
    gaps = [w - m for w, m in zip(wanted, widths, strict=True)]
    total = sum(gaps)
    if total:
        extra = [spare * g // total for g in gaps]
        for i in sorted(range(len(gaps)), key=lambda i: -gaps[i])[: spare - sum(extra)]:
            extra[i] += 1
        widths = [m + min(e, g) for m, e, g in zip(widths, extra, gaps, strict=True)]
    return widths


def wrap_header(header: str, width: int) -> str:
    """The header in lines of at most ``width``, broken between words or after underscores."""
    if cell_len(header) <= width:
        return header
    lines: list[str] = []
    line = ""
    for word in header.split():
        for n, piece in enumerate(header_pieces(word)):
            glue = " " if line and n == 0 else ""
            if line and cell_len(line + glue + piece) > width:
                lines.append(line)
                line, glue = "", ""
            line += glue + piece
    if line:
        lines.append(line)
    return "\n".join(lines)
