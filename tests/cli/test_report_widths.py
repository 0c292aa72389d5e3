"""Every report fits an 80- and a 120-column terminal without cutting or breaking a word.

Each command runs with its consoles at a fixed width (rich ``Console(width=...)``). Every
object it prints is also printed, in the same moment, to a console 1,000 columns wide,
where nothing needs to wrap: the words of the narrow output must all be words of that
wide one. A word folded across lines, or cut with an ellipsis, leaves a piece that is not.
"""

from __future__ import annotations

import io
import re

import pytest
from rich.cells import cell_len
from rich.console import Console

from olistctl.cli import state as state_module
from olistctl.sql.named import list_queries

WIDE = 1000
# rich's box drawing and table rules: they separate words, they are not words.
_SEPARATORS = re.compile(r"[\s\u2500-\u257f]+")


class Tee(Console):
    """A console that also prints everything it is given to a wide recording console."""

    def __init__(self, *, wide: Console, **kwargs) -> None:
        super().__init__(**kwargs)
        self.wide = wide

    def print(self, *objects, **kwargs) -> None:
        super().print(*objects, **kwargs)
        self.wide.print(*objects, **kwargs)


@pytest.fixture
def at_width(monkeypatch):
    """``at_width(80)``: the next commands print at 80 columns; returns the captured text."""
    captured: dict[str, io.StringIO] = {}

    def use(width: int) -> dict[str, io.StringIO]:
        for key in ("out", "err", "wide"):
            captured[key] = io.StringIO()
        wide = Console(file=captured["wide"], width=WIDE, highlight=False, color_system=None)

        def console(stream: str) -> Console:
            return Tee(
                wide=wide,
                file=captured[stream],
                width=width,
                highlight=False,
                color_system=None,
                soft_wrap=False,
            )

        def stream(name: str) -> property:
            def get(self) -> Console:
                key = f"_tee_{name}"
                if key not in self.__dict__:
                    self.__dict__[key] = console(name)
                return self.__dict__[key]

            return property(get)

        monkeypatch.setattr(state_module.AppState, "out", stream("out"))
        monkeypatch.setattr(state_module.AppState, "err", stream("err"))
        return captured

    return use


def words(text: str) -> set[str]:
    return {w.strip(",.;:()") for w in _SEPARATORS.split(text) if w.strip(",.;:()")}


def allowed(wide_text: str) -> set[str]:
    """The words of the wide output, and what a narrow layout may add without breaking one:
    a header cut after an underscore (``avg_delivery_`` / ``days``), a row's number when
    rows are shown one by one, and the note naming columns left out."""
    out = words(wide_text)
    for word in list(out):
        parts = word.split("_")
        for i in range(len(parts)):
            for j in range(i + 1, len(parts) + 1):
                out.add("_".join(parts[i:j]) + ("_" if j < len(parts) else ""))
    out |= words("row Left out at this width a wider terminal or -o json shows them")
    out |= {str(n) for n in range(1, 1000)}
    return out


def assert_fits(text: str, wide_text: str, width: int, what: str) -> None:
    assert "…" not in text, (what, text)
    too_long = [line for line in text.splitlines() if cell_len(line) > width]
    assert too_long == [], (what, too_long)
    broken = words(text) - allowed(wide_text)
    assert broken == set(), (what, sorted(broken)[:10], text)


REPORTS = {
    "report quality": ["report", "quality", "--fail-on", "never"],
    "report quality --verbose --samples 3": [
        "report",
        "quality",
        "--fail-on",
        "never",
        "--verbose",
        "--samples",
        "3",
    ],
    "report cost": ["report", "cost"],
    "report cost --queries": ["report", "cost", "--queries"],
    "status": ["status"],
    "query --list": ["query", "--list"],
    "run": ["run"],
    **{f"query --name {q.name}": ["query", "--name", q.name] for q in list_queries()},
}


@pytest.fixture(scope="module")
def crawled_copy(tmp_path_factory, lake_stages):
    """One crawled workspace for every rendering (the commands only read it and append to
    its ledger and results)."""
    import shutil

    root = tmp_path_factory.mktemp("widths")
    shutil.copytree(lake_stages["crawled"], root / "olist-lake")
    return root


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("report", sorted(REPORTS))
def test_each_report_fits_the_terminal_without_breaking_a_word(
    crawled_copy, at_width, monkeypatch, width, report
):
    from typer.testing import CliRunner

    from olistctl.cli.app import app

    monkeypatch.chdir(crawled_copy)
    captured = at_width(width)
    result = CliRunner().invoke(app, ["--no-progress", *REPORTS[report]])
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    narrow = captured["out"].getvalue() + captured["err"].getvalue()
    assert narrow.strip(), report
    assert_fits(narrow, captured["wide"].getvalue(), width, report)


def test_report_cost_too_narrow_for_its_table_shows_rows_as_lines_and_the_total(
    crawled_copy, at_width, monkeypatch
):
    """At 40 columns even the cost table without its optional columns does not fit: it
    was drawn anyway, rich folding numbers and money across lines ("$0.000" over "0").
    Each line as a list of ``column  value`` instead (as every other table), the total too."""
    from typer.testing import CliRunner

    from olistctl.cli.app import app

    monkeypatch.chdir(crawled_copy)
    captured = at_width(40)
    result = CliRunner().invoke(app, ["--no-progress", "report", "cost"])
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    narrow = captured["out"].getvalue() + captured["err"].getvalue()
    assert_fits(narrow, captured["wide"].getvalue(), 40, "report cost")
    assert "row 1" in narrow and "Total" in narrow


def test_report_quality_on_the_sample_fits_60_lines_at_80_columns(
    crawled_copy, at_width, monkeypatch
):
    from typer.testing import CliRunner

    from olistctl.cli.app import app

    monkeypatch.chdir(crawled_copy)
    captured = at_width(80)
    result = CliRunner().invoke(app, ["report", "quality"])
    assert result.exit_code == 0, result
    out = captured["out"].getvalue()
    lines = (out + captured["err"].getvalue()).splitlines()
    assert len(lines) <= 60, "\n".join(lines)
    # The verdict and the counts come first.
    assert lines[0] == "Data quality: WARNINGS (0 errors, 11 warnings, 24 info)."
    assert "info findings are hidden: --verbose shows them." in out


def test_a_table_too_wide_for_the_terminal_shows_each_row_as_lines(at_width):
    from olistctl.cli.render import FittedTable

    columns = [f"averagedeliverydays{i}" for i in range(6)]  # words that cannot break
    rows = [["a", 7, 0.25, "b", "c", "d"], [None, 1234567, 2.5, "x", "y", "z"]]
    console = Console(file=io.StringIO(), width=80, color_system=None)
    console.print(FittedTable(columns, rows, title="wide"))
    text = console.file.getvalue()
    assert "row 1" in text and "row 2" in text and "1,234,567" in text
    assert all(cell_len(line) <= 80 for line in text.splitlines())
    wide = Console(file=io.StringIO(), width=400, color_system=None)
    wide.print(FittedTable(columns, rows, title="wide"))
    assert "row 1" not in wide.file.getvalue()  # it fits there: one table


@pytest.mark.parametrize(
    ("name", "values", "shown"),
    [
        ("orders", [1000, 25, None], ["1,000", "25", None]),
        ("pct", [97.0, 1.1, 91.89], ["97.00", "1.10", "91.89"]),
        ("revenue", [__import__("decimal").Decimal("16741.98")], ["16,741.98"]),
        ("year", [2017, 2018], ["2017", "2018"]),  # not a quantity: no separator
        ("seller_id", [123456], ["123456"]),
        ("tiny", [1e-05, 0.5], ["0.00001", "0.50000"]),
        ("ratio", [float("nan"), 2.0], ["NaN", "2.0"]),
    ],
)
def test_numbers_have_separators_and_one_number_of_decimals_per_column(name, values, shown):
    from olistctl.cli.render import number_format

    fmt = number_format(name, values)
    assert fmt is not None
    assert [None if v is None else fmt(v) for v in values] == shown


def test_kpi_values_written_as_text_read_as_numbers_aligned_on_the_point():
    from olistctl.cli.render import number_text_format

    fmt = number_text_format(["1000", "97.0", "165951.94", "3.1"])
    assert fmt is not None
    shown = [fmt(v) for v in ["1000", "97.0", "165951.94", "3.1"]]
    assert shown == ["  1,000", "     97.0", "165,951.94", "      3.1"]
    assert len({s.index(".") if "." in s else len(s) for s in shown}) == 1  # aligned
    assert number_text_format(["01037", "12"]) is None  # a zip prefix is text
    assert number_text_format(["SP"]) is None
