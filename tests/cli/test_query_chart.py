"""`query --chart bar|line`, the query footer, and --help's words for option values."""

from __future__ import annotations

import re

import pytest
from lake import frame

from olistctl.errors import ExitCode

BY_STATUS = (
    "SELECT order_status, COUNT(*) AS orders FROM olist_orders_dataset GROUP BY 1 ORDER BY 2 DESC"
)
BY_MONTH = (
    "SELECT date_format(order_purchase_timestamp, '%Y-%m') AS month, COUNT(*) AS orders"
    " FROM olist_orders_dataset GROUP BY 1 ORDER BY 1"
)


def test_a_bar_chart_shows_each_label_and_its_value(cli, lake, sample_data):
    lake("crawled")
    result = cli("query", BY_STATUS, "--chart", "bar")
    assert result.exit_code == 0, result
    counts = frame(sample_data, "olist_orders_dataset")["order_status"].value_counts()
    lines = result.stdout.splitlines()
    assert "orders by order_status" in lines[0]
    bars = {line.split()[0]: line.split()[-1] for line in lines[1:] if line.strip()}
    assert bars == {status: f"{n}.00" for status, n in counts.items()}  # plotext's 2 decimals
    # Longer bars for bigger values.
    length = {line.split()[0]: line.count("▇") for line in lines[1:] if line.strip()}
    ordered = sorted(counts.items(), key=lambda kv: -kv[1])
    assert [length[s] for s, _ in ordered] == sorted(length.values(), reverse=True)
    assert "\x1b[" not in result.stdout  # no colours off a terminal


def test_a_line_chart_puts_the_rows_along_the_x_axis(cli, lake, sample_data):
    lake("crawled")
    result = cli("query", BY_MONTH, "--chart", "line")
    assert result.exit_code == 0, result
    months = sorted(
        frame(sample_data, "olist_orders_dataset")["order_purchase_timestamp"]
        .dt.strftime("%Y-%m")
        .unique()
    )
    assert "orders by month" in result.stdout
    assert months[0] in result.stdout  # the first tick is the first row
    assert re.search(r"[⠁-⣿]", result.stdout)  # the line, in braille dots


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        (
            "SELECT order_status, order_id, customer_id FROM olist_orders_dataset LIMIT 2",
            "Error: --chart draws two columns (a label or time, then a number), and this answer"
            " has 3 (order_status, order_id, customer_id): select two columns, e.g."
            " SELECT month, orders ...\n",
        ),
        (
            "SELECT order_id, order_status FROM olist_orders_dataset ORDER BY 1 LIMIT 1",
            None,  # the text value is the first order id's status: checked below
        ),
    ],
    ids=["three columns", "text values"],
)
def test_an_answer_that_is_not_two_columns_of_numbers_is_refused(cli, lake, sql, message):
    lake("crawled")
    result = cli("query", sql, "--chart", "bar")
    assert result.exit_code == ExitCode.USAGE, result
    assert result.stdout == ""
    if message is None:
        assert re.fullmatch(
            r"Error: --chart draws numbers, and the second column order_status holds '[a-z_]+':"
            r" put the number in the second column \(CAST it if it is text\)\.\n",
            result.stderr,
        ), result.stderr
    else:
        assert result.stderr == message


def test_chart_and_a_data_format_do_not_mix(cli, lake):
    ws = lake("crawled")
    ledger = (ws / "ledger.jsonl").read_text()
    result = cli("query", BY_STATUS, "--chart", "bar", "-o", "json")
    assert result.exit_code == ExitCode.USAGE, result
    assert result.stderr == (
        "Error: --chart draws in the terminal, and --output json writes data: drop one of them.\n"
    )
    assert (ws / "ledger.jsonl").read_text() == ledger  # nothing ran


def test_chart_and_out_do_not_mix(cli, lake, tmp_path):
    """--chart draws in the terminal and --out writes every row to a file: refused together
    (as --max-rows is with --out), before the query runs or the file is begun."""
    ws = lake("crawled")
    ledger = (ws / "ledger.jsonl").read_text()
    out = tmp_path / "charted"
    out.mkdir()
    result = cli("query", BY_STATUS, "--chart", "bar", "--out", str(out / "s.parquet"))
    assert result.exit_code == ExitCode.USAGE, result
    assert result.stdout == ""
    assert result.stderr == (
        "Error: --chart draws the answer in the terminal, and --out writes it to a file:"
        " drop one of them (or run the query once with each).\n"
    )
    assert list(out.iterdir()) == []  # no file, no temporary
    assert (ws / "ledger.jsonl").read_text() == ledger  # nothing ran


def test_the_local_footer_has_no_query_id_unless_verbose(cli, lake):
    lake("crawled")
    plain = cli("query", BY_STATUS)
    footer = plain.stderr.splitlines()[-1]
    assert re.fullmatch(
        r"\d+ rows · \d+\.\d\d s · Athena would scan [\d.]+ (B|KB) \(billed 10\.5 MB\)"
        r" · \$0\.000048 in us-east-1",
        footer,
    ), footer
    verbose = cli("query", BY_STATUS, "--verbose")
    uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    assert re.fullmatch(
        re.escape(footer.split(" · ")[0]) + r" · .* · " + uuid, verbose.stderr.splitlines()[-1]
    )


def test_the_footer_takes_the_longest_form_that_fits_the_terminal():
    from types import SimpleNamespace

    from rich.console import Console

    from olistctl.cli.summaries import query_footer

    result = SimpleNamespace(
        rows=[(1,)] * 5,
        from_catalog=False,
        truncated=True,
        bytes_scanned=63_000,
        engine_ms=290,
        query_id="b7659e02-810c-4920-a40a-269aba1bfbfb",
    )
    for width, backend in ((80, "local"), (80, "aws"), (120, "aws"), (200, "local")):
        state = SimpleNamespace(
            err=Console(width=width),
            err_width=width,
            settings=lambda b=backend: {"backend": b, "region": "us-east-1"},
        )
        lines = query_footer(state, result)
        assert len(lines) == 1 and len(lines[0]) <= width, (width, backend, lines)
        assert lines[0].startswith("5 rows")
        assert ("b7659e02" in lines[0]) == (backend == "aws" and width >= 120), lines
    wide = query_footer(
        SimpleNamespace(err=Console(width=200), err_width=200, settings=lambda: {}), result
    )
    assert wide == [
        "5 rows shown (more exist; raise --max-rows) · 0.29 s · Athena would scan 63.0 KB"
        " (billed 10.5 MB) · $0.000048 in us-east-1"
    ]


# -- help ---------------------------------------------------------------------------------


def _every_command() -> list[list[str]]:
    """The root, and every command and subcommand app.COMMANDS loads (so a new one is in)."""
    from olistctl.cli.app import COMMANDS, load_command

    found: list[list[str]] = [[]]
    for name, (_, kind) in COMMANDS.items():
        found.append([name])
        if kind == "group":
            found += [[name, sub] for sub in sorted(load_command(name).commands)]
    return found


COMMANDS = _every_command()


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "olistctl")
def test_help_names_values_in_words_and_breaks_no_word(cli, monkeypatch, command):
    texts = {}
    for width in (80, 200):
        monkeypatch.setenv("COLUMNS", str(width))
        result = cli(*command, "--help")
        assert result.exit_code == 0, result
        texts[width] = result.stdout
    narrow = texts[80]
    assert not re.search(r"<[a-z][^<>]*>", narrow), re.findall(r"<[a-z][^<>]*>", narrow)
    split = re.compile(r"[\s\u2500-\u257f]+")
    assert set(split.split(narrow)) - set(split.split(texts[200])) == set()


def test_an_answer_with_only_null_values_says_so_instead_of_drawing(cli, lake, sample_data):
    lake("crawled")
    sql = "SELECT order_status, CAST(NULL AS double) AS x FROM olist_orders_dataset GROUP BY 1"
    result = cli("query", sql, "--chart", "bar")  # plotext crashed on no points before
    assert result.exit_code == 0, result
    statuses = frame(sample_data, "olist_orders_dataset")["order_status"].nunique()
    assert result.stdout.splitlines() == [
        "No rows to draw.",
        f"{statuses} row(s) with a NULL (or NaN or infinite) x are not drawn.",
    ]


def test_nan_and_infinite_values_are_left_out_and_counted(cli, lake):
    lake("crawled")
    sql = (
        "SELECT * FROM (VALUES ('a', 1.5e0), ('b', nan()), ('c', infinity()), ('d', 2e0))"
        " AS t(k, v)"
    )
    result = cli("query", sql, "--chart", "bar")  # NaN crashed plotext's int() before
    assert result.exit_code == 0, result
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert {line.split()[0]: line.split()[-1] for line in lines[1:-1]} == {"a": "1.50", "d": "2.00"}
    assert lines[-1] == "2 row(s) with a NULL (or NaN or infinite) v are not drawn."
