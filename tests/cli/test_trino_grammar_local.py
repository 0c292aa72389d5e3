"""SQL the local engine must answer as Athena (Trino) does, or refuse where Trino's grammar
refuses it: sqlglot's Trino reader is lenient and DuckDB answers DuckDB syntax, so without
these checks the local engine answered queries Athena rejects.

Each refusal: exit code 2, the one ``Error:`` line naming the construct, its position and
the fix, and nothing written to the workspace's results."""

from __future__ import annotations

import csv
import json
from collections import Counter

from olistctl.errors import ExitCode


def _error_line(result) -> str:
    assert "Traceback" not in result.stderr, result
    lines = [x for x in result.stderr.splitlines() if x.startswith("Error: ")]
    assert len(lines) == 1, result
    return lines[0]


def _results(ws) -> list[str]:
    folder = ws / "results"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_join_using_column_named_in_having_is_the_join_column(cli, lake, sample_data):
    """Trino resolves HAVING's names among the FROM clause's columns, as the select list's
    (trinodb/trino core/trino-main/.../analyzer/StatementAnalyzer.java: ``analyzeHaving(node,
    sourceScope)``), where a ``JOIN … USING`` column is one column. DuckDB called it
    ambiguous."""
    lake("crawled")
    sql = (
        "SELECT order_id, count(*) AS n FROM olist_orders_dataset o"
        " JOIN olist_order_items_dataset i USING (order_id)"
        " GROUP BY order_id HAVING count(order_id) > 3"
    )
    result = cli("query", sql, "-o", "json")
    assert result.exit_code == 0, result
    with (sample_data / "olist_orders_dataset.csv").open(newline="") as f:
        orders = {row["order_id"] for row in csv.DictReader(f)}
    with (sample_data / "olist_order_items_dataset.csv").open(newline="") as f:
        items = Counter(r["order_id"] for r in csv.DictReader(f) if r["order_id"] in orders)
    expected = {order: n for order, n in items.items() if n > 3}
    assert expected  # the sample has such orders, so the comparison means something
    answer = {row["order_id"]: row["n"] for row in json.loads(result.stdout)}
    assert answer == expected


def test_a_name_two_joined_tables_have_is_ambiguous_in_having(cli, lake):
    """Trino: "Column 'customer_id' is ambiguous" (StatementAnalyzer, the same scope as the
    select list's); the local engine said it in DuckDB's words, as its own failure."""
    ws = lake("crawled")
    sql = (
        "SELECT count(*) FROM olist_orders_dataset o JOIN olist_customers_dataset c"
        " ON o.customer_id = c.customer_id GROUP BY o.customer_id"
        " HAVING max(customer_id) > 'a'"
    )
    result = cli("query", sql)
    assert result.exit_code == ExitCode.USAGE, result
    assert _error_line(result) == (
        "Error: Column customer_id is ambiguous (line 1, column 143):"
        " qualify it with its table: o.customer_id or c.customer_id."
    )
    assert _results(ws) == []
