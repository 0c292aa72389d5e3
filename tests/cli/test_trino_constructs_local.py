"""Valid Athena (Trino) SQL the local engine refused with a wrong message or failed on as
its own bug: it now gives Trino's answer, checked against a computation over the sample
CSVs, or refuses naming the construct (exit code 2, one ``Error:`` line, nothing written).

Before: the WINDOW clause was refused as a function ``w()``, ``lag(x) IGNORE NULLS`` as a
function ``ignorenulls()``, ``x = ANY (query)`` as a varchar/boolean comparison; an
UNNEST … WITH ORDINALITY without names failed in DuckDB's binder; ``t.* AS (…)`` as a bug
of olistctl; MATCH_RECOGNIZE as an unknown table alias; ``FROM (t)``, ``GROUP BY DISTINCT a``,
``GROUP BY ALL a``, ``(a, b) IN (…)``, ``X'ab'``, ``AT TIME ZONE`` and a many-array
UNNEST as bugs of olistctl (or in DuckDB's binder); ``ARRAY[1] || ARRAY[2]`` as
"takes varchar"."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from lake import athena_text, frame
from refused_query import assert_refused


def _orders(sample_data) -> list[dict]:
    """The sample's orders, one dict a row (timestamps as Timestamps, NULL as NaT)."""
    return frame(sample_data, "orders").to_dict("records")


def _rows(result) -> list[dict]:
    assert result.exit_code == 0, result
    return json.loads(result.stdout)


def test_the_window_clause_names_windows_as_trino_resolves_them(cli, lake, sample_data):
    """Trino's WINDOW clause (trinodb/trino docs/src/main/sphinx/sql/select.md, "WINDOW
    clause"): ``OVER w`` is w; ``OVER (v ORDER BY …)`` and ``w AS (v ORDER BY …)`` take v's
    PARTITION BY and add an ORDER BY (StatementAnalyzer.resolveWindowSpecification); named
    windows serve ORDER BY too."""
    lake("crawled")
    sql = (
        "SELECT order_id, row_number() OVER w AS n, count(*) OVER v AS in_status,"
        " rank() OVER (v ORDER BY order_id) AS by_id"
        " FROM olist_orders_dataset"
        " WINDOW v AS (PARTITION BY order_status),"
        " w AS (v ORDER BY order_purchase_timestamp, order_id)"
        " ORDER BY count(*) OVER v DESC, order_id"
    )
    rows = _rows(cli("query", sql, "-o", "json"))
    by_status: dict[str, list[dict]] = defaultdict(list)
    for order in _orders(sample_data):
        by_status[order["order_status"]].append(order)
    expected = {}
    for orders in by_status.values():
        in_time = sorted(orders, key=lambda o: (o["order_purchase_timestamp"], o["order_id"]))
        in_id = sorted(o["order_id"] for o in orders)
        for n, order in enumerate(in_time, start=1):
            expected[order["order_id"]] = (n, len(orders), in_id.index(order["order_id"]) + 1)
    assert len(by_status) > 1  # several partitions, so PARTITION BY is what is tested
    answer = {r["order_id"]: (r["n"], r["in_status"], r["by_id"]) for r in rows}
    assert answer == expected
    sizes = [r["in_status"] for r in rows]
    assert sizes == sorted(sizes, reverse=True)  # ORDER BY count(*) OVER v DESC


# Trino's own messages for these (core/trino-main/src/test/java/io/trino/sql/analyzer/
# TestAnalyzer.java, testWindowReferences: "WINDOW specification with named WINDOW
# reference cannot specify PARTITION BY", "Cannot specify ORDER BY if referenced named
# WINDOW specifies ORDER BY", "Cannot reference named WINDOW containing frame
# specification"; StatementAnalyzer: "Cannot resolve WINDOW name").
WINDOW_ERRORS = [
    (
        "SELECT rank() OVER (w PARTITION BY order_id) FROM olist_orders_dataset"
        " WINDOW w AS (ORDER BY order_status)",
        "A window that names another window cannot add a PARTITION BY (line 1, column 36):"
        " partition in the named window.",
    ),
    (
        "SELECT rank() OVER (w ORDER BY order_id) FROM olist_orders_dataset"
        " WINDOW w AS (ORDER BY order_status)",
        "The window w already has an ORDER BY, which one built on it cannot replace"
        " (line 1, column 32): leave the ORDER BY out, or define a window without it.",
    ),
    (
        "SELECT sum(1) OVER (w ORDER BY order_id) FROM olist_orders_dataset"
        " WINDOW w AS (ROWS CURRENT ROW)",
        "The window w has a frame, so no window can be built on it (line 1, column 21):"
        " write OVER w alone, or move the frame out of it.",
    ),
    # ``OVER (w)`` is a window specification built on w, unlike ``OVER w`` (below).
    (
        "SELECT sum(1) OVER (w) FROM olist_orders_dataset WINDOW w AS (ROWS CURRENT ROW)",
        "The window w has a frame, so no window can be built on it (line 1, column 21):"
        " write OVER w alone, or move the frame out of it.",
    ),
    # StatementAnalyzer.analyzeWindowDefinitions: "WINDOW name '%s' specified more than
    # once", names compared as identifiers (w and W are one name).
    (
        "SELECT 1 FROM olist_orders_dataset WINDOW w AS (ORDER BY order_id), W AS ()",
        "The WINDOW clause defines W twice (line 1, column 69): give each window its own name.",
    ),
    (
        "SELECT rank() OVER x FROM olist_orders_dataset WINDOW w AS (ORDER BY order_status)",
        "No window named x is defined (line 1, column 20): define the window in the WINDOW"
        " clause of the same SELECT, before any window built on it.",
    ),
]


@pytest.mark.parametrize(("sql", "message"), WINDOW_ERRORS, ids=[m for _, m in WINDOW_ERRORS])
def test_a_window_trino_cannot_resolve_is_refused(cli, lake, sql, message):
    assert_refused(cli, lake("crawled"), sql, message)


def test_over_a_named_window_takes_its_frame(cli, lake, sample_data):
    """``OVER w`` is Trino's WindowReference: w's partitioning, ordering and frame, all of
    them (StatementAnalyzer.resolveWindowSpecification)."""
    lake("crawled")
    sql = (
        "SELECT order_id, sum(1) OVER w AS n FROM olist_orders_dataset"
        " WINDOW w AS (ORDER BY order_id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)"
    )
    rows = _rows(cli("query", sql, "-o", "json"))
    ids = sorted(o["order_id"] for o in _orders(sample_data))
    assert {r["order_id"]: r["n"] for r in rows} == {i: 1 if i == ids[0] else 2 for i in ids}


def test_lag_ignore_nulls_skips_the_null_rows(cli, lake, sample_data):
    """trinodb/trino docs/src/main/sphinx/functions/window.md, "Value functions": with
    IGNORE NULLS, "all rows where x is null are excluded from the calculation"."""
    lake("crawled")
    sql = (
        "SELECT order_id, lag(order_approved_at) IGNORE NULLS"
        " OVER (ORDER BY order_purchase_timestamp, order_id) AS previous"
        " FROM olist_orders_dataset"
    )
    rows = _rows(cli("query", sql, "-o", "json"))
    ordered = sorted(
        _orders(sample_data), key=lambda o: (o["order_purchase_timestamp"], o["order_id"])
    )
    expected, plain = {}, {}
    last = None
    for before, order in zip([None, *ordered], ordered, strict=False):
        expected[order["order_id"]] = last
        plain[order["order_id"]] = athena_text(before["order_approved_at"]) if before else None
        if (approved := athena_text(order["order_approved_at"])) is not None:
            last = approved
    assert expected != plain  # the sample has null approvals, so IGNORE NULLS matters
    assert {r["order_id"]: r["previous"] for r in rows} == expected


def test_ignore_nulls_on_an_aggregate_is_refused(cli, lake):
    """Trino: "Cannot specify null treatment clause for sum function" (StatementAnalyzer:
    only WINDOW_VALUE_FUNCTIONS, lead, lag, first_value, last_value and nth_value)."""
    assert_refused(
        cli,
        lake("crawled"),
        "SELECT sum(1) IGNORE NULLS OVER () FROM olist_orders_dataset",
        "Athena takes IGNORE NULLS only on lead, lag, first_value, last_value and"
        " nth_value, not on sum() (line 1, column 8): leave IGNORE NULLS out.",
    )


def test_quantified_comparisons_with_a_subquery(cli, lake, sample_data):
    """Trino's grammar: ``comparisonOperator comparisonQuantifier '(' query ')'`` (SqlBase.g4,
    predicate; comparisonQuantifier: ALL | SOME | ANY), compared with each row the query
    gives, as IN / NOT IN are."""
    lake("crawled")
    orders = _orders(sample_data)
    with_items = set(frame(sample_data, "order_items")["order_id"])
    canceled = [o["order_purchase_timestamp"] for o in orders if o["order_status"] == "canceled"]
    cases = [
        (
            "SELECT count(*) AS n FROM olist_orders_dataset"
            " WHERE order_id = ANY (SELECT order_id FROM olist_order_items_dataset)",
            sum(o["order_id"] in with_items for o in orders),
        ),
        (
            "SELECT count(*) AS n FROM olist_orders_dataset WHERE order_status <> ALL"
            " (SELECT order_status FROM olist_orders_dataset WHERE order_status = 'delivered')",
            sum(o["order_status"] != "delivered" for o in orders),
        ),
        (
            "SELECT count(*) AS n FROM olist_orders_dataset WHERE order_purchase_timestamp"
            " > ALL (SELECT order_purchase_timestamp FROM olist_orders_dataset"
            " WHERE order_status = 'canceled')",
            sum(o["order_purchase_timestamp"] > max(canceled) for o in orders),
        ),
    ]
    assert canceled
    for sql, expected in cases:
        assert 0 < expected < len(orders)  # neither none nor all: the comparison decides
        assert _rows(cli("query", sql, "-o", "json")) == [{"n": expected}], sql


def test_a_quantified_comparison_with_an_array_is_refused(cli, lake):
    """Trino's ANY / ALL take a query (SqlBase.g4, above); DuckDB's would take an array."""
    assert_refused(
        cli,
        lake("crawled"),
        "SELECT count(*) FROM olist_orders_dataset WHERE order_id = ANY (ARRAY['a'])",
        "Syntax error: ANY takes a subquery in Athena, not (ARRAY['a'])"
        " (line 1, column 71): write x = ANY (SELECT …), or contains(array, x).",
    )


def test_unnest_with_ordinality_without_names_answers_anonymous_columns(cli, lake):
    """Trino's UNNEST columns have no names (StatementAnalyzer.visitUnnest:
    ``Field.newUnqualified(Optional.empty(), …)`` for each element and the ordinality), and
    anonymous output columns are ``_col0``, ``_col1`` … (docs/src/main/sphinx/sql/select.md:
    ``SELECT (ROW(1, true)).*`` answers ``_col0 | _col1``)."""
    lake("crawled")
    values = ["a", "b", "c"]
    sql = "SELECT * FROM UNNEST(ARRAY['a', 'b', 'c']) WITH ORDINALITY"
    rows = _rows(cli("query", sql, "-o", "json"))
    assert rows == [{"_col0": v, "_col1": n} for n, v in enumerate(values, start=1)]
    plain = _rows(cli("query", "SELECT * FROM UNNEST(ARRAY['a', 'b', 'c'])", "-o", "json"))
    assert plain == [{"_col0": v} for v in values]


REFUSED = [
    # t.* AS (…): Trino's analyzer renames the relation's columns (StatementAnalyzer.
    # analyzeAllColumnsFromTable; AbstractTestQueries lists "SELECT region.* AS (a, b, c)
    # FROM region" among supported queries), while docs/src/main/sphinx/sql/select.md says
    # "In the case of relation.*, … column aliases are not allowed". Which Athena follows
    # is not known: the local engine refuses it as having no translation, true either way.
    (
        "SELECT o.* AS (a, b, c, d, e, f, g, h) FROM olist_orders_dataset o",
        "o.* AS (…), naming the columns of a *, is not supported by the local engine"
        " (line 1, column 8): name each column in the SELECT list (t.a AS x, t.b AS y),"
        " or run it on --backend aws.",
    ),
    # Row pattern recognition (trinodb/trino docs/src/main/sphinx/sql/match-recognize.md).
    (
        "SELECT * FROM olist_orders_dataset MATCH_RECOGNIZE (ORDER BY order_purchase_timestamp"
        " MEASURES A.order_id AS x PATTERN (A) DEFINE A AS true)",
        "The local engine does not run MATCH_RECOGNIZE (line 1, column 36):"
        " run it on --backend aws.",
    ),
    # SqlBase.g4 valueExpression: valueExpression AT timeZoneSpecifier #atTimeZone (Trino's
    # answer is a timestamp with time zone; no local translation is shown to equal it).
    (
        "SELECT order_purchase_timestamp AT TIME ZONE 'America/Sao_Paulo'"
        " FROM olist_orders_dataset",
        "AT TIME ZONE is not supported by the local engine (line 1, column 8):"
        " run it on --backend aws.",
    ),
    # trinodb/trino docs/src/main/sphinx/functions/array.md, "Concatenation operator":
    # "SELECT ARRAY[1] || ARRAY[2]; -- [1, 2]", "SELECT ARRAY[1] || 2", "SELECT 2 ||
    # ARRAY[1]" (and concat() of arrays, same page): valid, so not "takes varchar".
    (
        "SELECT ARRAY['a'] || ARRAY['b']",
        "Joining arrays with || is not supported by the local engine (line 1, column 14):"
        " run it on --backend aws.",
    ),
    (
        "SELECT 2 || ARRAY[1]",
        "Joining arrays with || is not supported by the local engine (line 1, column 8):"
        " run it on --backend aws.",
    ),
    (
        "SELECT concat(ARRAY[order_id], order_status) FROM olist_orders_dataset",
        "Joining arrays with concat is not supported by the local engine (line 1, column 8):"
        " run it on --backend aws.",
    ),
    # SqlBase.g4: primaryExpression '(' expression (',' expression)+ ')' #rowConstructor,
    # predicate NOT? IN '(' query ')' #inSubquery and NOT? IN '(' expression … ')' #inList.
    (
        "SELECT count(*) FROM olist_orders_dataset WHERE (order_id, customer_id)"
        " IN (SELECT order_id, customer_id FROM olist_orders_dataset)",
        "A row on the left of IN ((a, b) IN …) is not supported by the local engine"
        " (line 1, column 50): run it on --backend aws.",
    ),
    (
        "SELECT ('a', 'b') IN (('a', 'b'), ('c', 'd'))",
        "A row on the left of IN ((a, b) IN …) is not supported by the local engine"
        " (line 1, column 9): run it on --backend aws.",
    ),
    # …and predicate: comparisonOperator right=valueExpression #comparison over two rows:
    # it failed as a bug of olistctl (the guard refused DuckDB's row()).
    (
        "SELECT count(*) FROM olist_orders_dataset WHERE (order_status, 1) = ('delivered', 1)",
        "A comparison of rows ((a, b) = (…)) is not supported by the local engine"
        " (line 1, column 50): run it on --backend aws.",
    ),
    # SqlBase.g4: primaryExpression BINARY_LITERAL #binaryLiteral (X'…', a varbinary).
    (
        "SELECT X'ab'",
        "The binary literal X'ab' is not supported by the local engine (line 1, column 8):"
        " run it on --backend aws.",
    ),
    # SqlBase.g4: relationPrimary UNNEST '(' expression (',' expression)* ')' #unnest.
    (
        "SELECT * FROM UNNEST(ARRAY[1, 2], ARRAY['a', 'b'])",
        "UNNEST of several arrays is not supported by the local engine (line 1, column 28):"
        " run it on --backend aws.",
    ),
    # select.md, "Complex grouping operations": the quantifier decides whether repeated
    # grouping sets give rows once (DISTINCT) or each time (ALL, the default).
    (
        "SELECT order_status, count(*) FROM olist_orders_dataset"
        " GROUP BY DISTINCT ROLLUP (order_status), ROLLUP (order_status)",
        "GROUP BY DISTINCT with GROUPING SETS, ROLLUP or CUBE is not supported by the local"
        " engine (line 1, column 57): run it on --backend aws.",
    ),
]


@pytest.mark.parametrize(("sql", "message"), REFUSED, ids=[sql for sql, _ in REFUSED])
def test_athena_sql_without_a_local_translation_is_refused_by_name(cli, lake, sql, message):
    assert_refused(cli, lake("crawled"), sql, message)


def test_a_parenthesized_table_is_the_table(cli, lake, sample_data):
    """SqlBase.g4 relationPrimary: '(' relation ')' #parenthesizedRelation, and
    aliasedRelation: relationPrimary (AS? identifier columnAliases?)?: ``(t)`` is t, and
    ``((t)) o`` is t named o, in FROM and in a JOIN."""
    lake("crawled")
    orders = _orders(sample_data)
    customers = set(frame(sample_data, "customers")["customer_id"])
    delivered = sum(o["order_status"] == "delivered" for o in orders)
    joined = sum(o["customer_id"] in customers for o in orders)
    assert 0 < delivered < len(orders)
    cases = [
        ("SELECT count(*) AS n FROM (olist_orders_dataset)", len(orders)),
        (
            "SELECT count(*) AS n FROM ((olist_orders_dataset)) o"
            " WHERE o.order_status = 'delivered'",
            delivered,
        ),
        (
            "SELECT count(*) AS n FROM olist_orders_dataset o"
            " JOIN (olist_customers_dataset) AS c ON o.customer_id = c.customer_id",
            joined,
        ),
    ]
    for sql, expected in cases:
        assert _rows(cli("query", sql, "-o", "json")) == [{"n": expected}], sql


@pytest.mark.parametrize("quantifier", ["DISTINCT", "ALL"])
def test_group_by_distinct_or_all_over_a_plain_list_groups_by_it(
    cli, lake, sample_data, quantifier
):
    """SqlBase.g4 groupBy: setQuantifier? groupingElement (',' groupingElement)*; the
    quantifier only decides whether repeated grouping sets each give rows (trinodb/trino
    docs/src/main/sphinx/sql/select.md, "Complex grouping operations"), and a plain list
    is one grouping set: GROUP BY DISTINCT a and GROUP BY ALL a are GROUP BY a."""
    lake("crawled")
    counts: dict[str, int] = defaultdict(int)
    for order in _orders(sample_data):
        counts[order["order_status"]] += 1
    assert len(counts) > 1
    sql = (
        f"SELECT order_status, count(*) AS n FROM olist_orders_dataset"
        f" GROUP BY {quantifier} order_status"
    )
    rows = _rows(cli("query", sql, "-o", "json"))
    assert len(rows) == len(counts)
    assert {r["order_status"]: r["n"] for r in rows} == counts


def test_concat_ws_skips_nulls_as_trinos_docs_say(cli, lake, sample_data):
    """trinodb/trino docs/src/main/sphinx/functions/string.md, concat_ws(string0, string1,
    …, stringN): "If string0 is null, then the return value is null. Any null values
    provided in the arguments after the separator are skipped." Trino's own test,
    TestConcatWsFunction.testNull: concat_ws(',', cast(NULL as VARCHAR)) is ''. It failed as
    a bug of olistctl (the guard did not know DuckDB's concat_ws)."""
    lake("crawled")
    expected = []
    for order in _orders(sample_data):
        delivered = athena_text(order["order_delivered_customer_date"])  # CAST(… AS varchar)
        year = delivered[:4] if delivered is not None else None
        expected.append("|".join(v for v in (order["order_status"], year) if v))
    expected.sort()
    sql = (
        "SELECT concat_ws('|', order_status,"
        " substr(CAST(order_delivered_customer_date AS varchar), 1, 4)) AS s,"
        " concat_ws(NULL, order_status) AS n, concat_ws('|', CAST(NULL AS varchar)) AS e"
        " FROM olist_orders_dataset"
    )
    result = cli("query", sql, "-o", "json", "--max-rows", "100000")
    assert result.exit_code == 0, result
    answer = json.loads(result.stdout)
    assert any("|" not in a["s"] for a in answer)  # some orders were never delivered
    assert sorted(a["s"] for a in answer) == expected
    assert {a["n"] for a in answer} == {None} and {a["e"] for a in answer} == {""}


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        # Trino's TestConcatWsFunction.testBadArguments: a value that is not varchar fails.
        (
            "SELECT concat_ws(',', 1, 'a')",
            "Athena's concat_ws takes varchar, not integer (1) (line 1, column 8): CAST the"
            " argument to varchar.",
        ),
        # TestConcatWsFunction.testNull and testArray: NULL as varchar gives '', NULL as
        # array(varchar) gives NULL; a bare NULL's choice is not shown.
        (
            "SELECT concat_ws(',', NULL)",
            "concat_ws of one value of unknown type is not supported by the local engine"
            " (line 1, column 8): CAST it to varchar, or run it on --backend aws.",
        ),
        (
            "SELECT concat_ws(',', split('a,b', ','))",
            "concat_ws of an array is not supported by the local engine (line 1, column 8):"
            " run it on --backend aws.",
        ),
        # Trino's TestStringFunctions.testConcat: concat('') fails with this message; the
        # local engine answered the one value (and named concat_ws for concat(NULL)).
        (
            "SELECT concat(order_status) FROM olist_orders_dataset",
            "There must be two or more concatenation arguments (line 1, column 8): give"
            " concat() two or more values, or drop it.",
        ),
        (
            "SELECT concat(NULL)",
            "There must be two or more concatenation arguments (line 1, column 8): give"
            " concat() two or more values, or drop it.",
        ),
    ],
)
def test_concat_refusals(cli, lake, sql, message):
    assert_refused(cli, lake("crawled"), sql, message)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM (SELECT customer_state, count(*) AS n FROM olist_customers_dataset"
        " GROUP BY customer_state HAVING count(*) > 20)",
        "WITH busy AS (SELECT customer_state, count(*) AS n FROM olist_customers_dataset"
        " GROUP BY customer_state HAVING count(*) > 20) SELECT * FROM busy",
        "SELECT * FROM (SELECT customer_state, count(*) FROM olist_customers_dataset"
        " GROUP BY customer_state HAVING count(*) > 20) AS busy(customer_state, n)",
        "SELECT b.* FROM (SELECT * FROM (SELECT customer_state, count(*) AS n"
        " FROM olist_customers_dataset GROUP BY customer_state HAVING count(*) > 20) a) b",
    ],
)
def test_a_star_over_a_query_with_having_is_its_select_list(cli, lake, sample_data, sql):
    """Trino's select.md ("HAVING clause"): HAVING filters groups, and a * over the query is
    its SELECT list. Before, the * also took the slot olistctl parks HAVING in while it
    qualifies names, and the query failed ("Column olistctl_having does not exist")."""
    lake("crawled")
    states = list(frame(sample_data, "olist_customers_dataset")["customer_state"])
    expected = {s: states.count(s) for s in set(states) if states.count(s) > 20}
    assert 0 < len(expected) < len(set(states))  # HAVING keeps some states, not all
    rows = _rows(cli("query", sql, "-o", "json"))
    assert {r["customer_state"]: r["n"] for r in rows} == expected
    assert all(set(r) == {"customer_state", "n"} for r in rows)
