"""Correlated subqueries and LATERAL joins the local engine refuses: what Athena's engine
refuses, may refuse in the version Athena runs, or answers otherwise than DuckDB. Each is
refused by name and position (exit code 2, one ``Error:`` line, no results file, no ledger
line); the Olist-table cases that Trino answers are compared with a computation over the
sample CSVs. Before, DuckDB answered every one of these (or gave another answer).

The VALUES cases are Trino's own, copied as written, from trinodb/trino
core/trino-main/src/test/java/io/trino/sql/query/: the test method is named above each group.
TestDecorrelateDependentJoin tests Trino's new decorrelator; the cases taken from it are those
its comments say the legacy one, the one Athena's engine has, refuses ("legacy also rejects
it", "legacy can't decorrelate …"). The Olist cases copy the shapes of the TPC-H cases of
testing/trino-testing/src/main/java/io/trino/testing/AbstractTestEngineOnlyQueries.java.
The cases Trino answers, with its answers: tests/sql/test_correlated_answers.py.
"""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest
from lake import athena_text, frame, rows_from
from refused_query import assert_refused


def gap(reason: str, column: int) -> str:
    """The refusal of a subquery Trino's decorrelator cannot rewrite, at line 1."""
    return (
        "Athena may refuse this correlated subquery ('Given correlated subquery is not"
        f" supported'): {reason} (line 1, column {column}): run it on --backend aws, or rewrite"
        " it as a join."
    )


# Refused by Trino.
REFUSED_BY_TRINO = [
    # TestSubqueries.testSubqueriesWithGroupByAndCoercions
    (
        "SELECT EXISTS(SELECT 1 FROM (VALUES (BIGINT '1', null)) t(a, b) WHERE t.a=t2.b GROUP"
        " BY t.b) FROM (VALUES 1e0, 2e0) t2(b)",
        gap(
            "its GROUP BY does not group by t.a, which its condition t.a = t2.b uses, and t.a"
            " (bigint) and t2.b (double) differ in type",
            80,
        ),
    ),
    # TestSubqueries.testCorrelatedSubqueriesWithLimitOne
    (
        "SELECT (SELECT t.a FROM (VALUES BIGINT '1', BIGINT '2') t(a) WHERE t.a = t2.b LIMIT "
        "1) FROM (VALUES 1e0, 2e0) t2(b)",
        gap(
            "its LIMIT 1 applies to the rows its condition t.a = t2.b selects, and t.a "
            "(bigint) and t2.b (double) differ in type",
            85,
        ),
    ),
    # TestSubqueries.testCorrelatedSubqueriesWithLimitGreaterThanOne
    (
        "SELECT (SELECT t.a FROM (VALUES BIGINT '1', BIGINT '2', BIGINT '3') t(a) WHERE t.a ="
        " t2.b LIMIT 2) FROM (VALUES 1e0, 2e0) t2(b)",
        gap(
            "its LIMIT 2 applies to the rows its condition t.a = t2.b selects, and t.a "
            "(bigint) and t2.b (double) differ in type",
            97,
        ),
    ),
    # TestSubqueries.testCorrelatedSubqueriesWithTopN
    (
        "SELECT (SELECT t.a FROM (VALUES BIGINT '1', BIGINT '2') t(a) WHERE t.a = t2.b ORDER "
        "BY a LIMIT 1) FROM (VALUES 1e0, 2e0) t2(b)",
        gap(
            "its LIMIT 1 applies to the rows its condition t.a = t2.b selects, and t.a "
            "(bigint) and t2.b (double) differ in type",
            96,
        ),
    ),
    # TestSubqueries.testCorrelatedSubqueriesWithLimit
    (
        "SELECT (SELECT count(*) FROM (VALUES (1, 0), (1, 1)) t(a, b) WHERE a = c GROUP BY b "
        "LIMIT 1) FROM (VALUES (1)) t2(c)",
        gap(
            "its LIMIT 1 picks one of several rows that may differ in count(*), which no "
            "equality with an outer column fixes",
            91,
        ),
    ),
    (
        "SELECT (SELECT a + b FROM (VALUES (1, 1), (1, 1)) t(a, b) WHERE a = c LIMIT 1) FROM "
        "(VALUES (1)) t2(c)",
        gap(
            "its LIMIT 1 picks one of several rows that may differ in t.a + t.b, which no "
            "equality with an outer column fixes",
            77,
        ),
    ),
    (
        "SELECT (SELECT t.b FROM (VALUES (1, 2), (1, 3)) t(a, b) WHERE t.a = t2.a AND t.b > "
        "t2.b LIMIT 1) FROM (VALUES (1, 2)) t2(a, b)",
        gap(
            "its LIMIT 1 applies to the rows its condition t.b > t2.b selects, and it is no "
            "equality with an outer column",
            95,
        ),
    ),
    (
        "SELECT (SELECT t.b FROM (VALUES (1, 2), (1, 3)) t(a, b) WHERE t.a = t2.a AND t.b > "
        "t2.b ORDER BY t.b LIMIT 1) FROM (VALUES (1, 2)) t2(a, b)",
        gap(
            "its LIMIT 1 applies to the rows its condition t.b > t2.b selects, and it is no "
            "equality with an outer column",
            108,
        ),
    ),
    (
        "SELECT (SELECT t.a FROM (VALUES 1, 2, 3) t(a) WHERE t.a = t2.b ORDER BY a FETCH "
        "FIRST ROW WITH TIES) FROM (VALUES 1) t2(b)",
        "The local engine does not run FETCH … WITH TIES: run it on --backend aws.",
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3, null) outer_relation(id) LEFT JOIN LATERAL (SELECT "
        "value FROM (VALUES 'c', 'a', 'b') inner_relation(value) WHERE outer_relation.id = 3 "
        "ORDER BY outer_relation.id LIMIT 2) ON TRUE",
        gap(
            "it uses outer_relation.id in its ORDER BY",
            176,
        ),
    ),
    # TestSubqueries.testCorrelatedSubqueriesWithGroupBy
    (
        "SELECT EXISTS(SELECT 1 FROM (VALUES (1, 1), (1, 1), (null, null), (3, 3)) t(a, b) "
        "WHERE t.a+t.b<t2.b GROUP BY t.a) FROM (VALUES 1, 2) t2(b)",
        gap(
            "its GROUP BY does not group by t.b, which its condition t.a + t.b < t2.b uses, "
            "and it is no equality with an outer column",
            102,
        ),
    ),
    # TestSubqueries.testCorrelatedLateralWithGroupBy
    (
        "SELECT * FROM (VALUES 1, 2) t2(b), LATERAL (SELECT t.a, t.b, count(*) FROM (VALUES "
        "(1, 1), (1, 2), (2, 2), (3, 3)) t(a, b) WHERE t.a=t2.b GROUP BY GROUPING SETS ((t.a,"
        " t.b), (t.a)))",
        gap(
            "GROUPING SETS, ROLLUP or CUBE sits over its correlated condition",
            139,
        ),
    ),
    # TestSubqueries.testUncorrelatedSubquery
    (
        "SELECT * FROM (VALUES 1, null) t(a) FULL JOIN LATERAL (SELECT * FROM (VALUES 2, "
        "null)) t2(b) ON a < b",
        "Athena runs a FULL JOIN LATERAL only with the condition ON TRUE ('FULL JOIN "
        "involving LATERAL relation is only supported with condition ON TRUE') (line 1, "
        "column 42): join ON TRUE, or use an INNER or LEFT JOIN LATERAL.",
    ),
    # TestSubqueries.testCorrelatedSubqueryWithoutFilter
    (
        "SELECT (SELECT rank() OVER(partition by b) FROM (VALUES 1) inner_relation(a)) FROM "
        "(VALUES 2) outer_relation(b)",
        gap(
            "it uses outer_relation.b in its SELECT list",
            41,
        ),
    ),
    # TestSubqueries.testCorrelatedInnerUnnestWithGlobalAggregation
    (
        "SELECT (SELECT array_agg(x) FILTER (WHERE x < 3) FROM UNNEST(a) u(x)) FROM (VALUES "
        "ARRAY[1, 2, 3]) t(a)",
        gap(
            "every aggregate of an UNNEST of t.a has a FILTER",
            16,
        ),
    ),
    # TestSubqueries.testCorrelatedLeftUnnestWithGlobalAggregation
    (
        "SELECT b FROM (VALUES ARRAY[1, 2, 3]) t(a) LEFT JOIN LATERAL (SELECT array_agg(x) "
        "FILTER (WHERE x < 3) FROM (SELECT x FROM (VALUES 1) LEFT JOIN UNNEST(a) u(x) ON "
        "TRUE)) t2(b) ON TRUE",
        gap(
            "every aggregate of an UNNEST of t.a has a FILTER",
            70,
        ),
    ),
    # TestDecorrelateDependentJoin.testScalarSubqueryReturningBareCorrelationFailsAsUnsupported
    (
        "SELECT (SELECT t.a WHERE t.a = 1) FROM (VALUES 1, 2) t(a)",
        gap(
            "it uses t.a in its SELECT list",
            16,
        ),
    ),
    # TestDecorrelateDependentJoin.testCorrelationCarriedAsStructuralOutputFailsAsUnsupported
    (
        "SELECT (SELECT l3.x FROM (VALUES 10, 20) l2(y) CROSS JOIN (SELECT l1.a) l3(x) LIMIT "
        "1) FROM (VALUES 1, 2) l1(a)",
        gap(
            "it uses l1.a in its FROM clause (a join condition, a joined subquery or an UNNEST)",
            67,
        ),
    ),
    # TestDecorrelateDependentJoin.testNonAggregateScalarSubqueryWithCorrelationInProjection
    (
        "SELECT a, (SELECT t.a + u.b FROM (VALUES (1, 10), (2, 20)) u(k, b) WHERE u.k = t.a) "
        "FROM (VALUES 1, 2, 3) t(a)",
        gap(
            "it uses t.a in its SELECT list",
            19,
        ),
    ),
    # TestDecorrelateDependentJoin.testScalarAggregateWithCorrelationInArgument
    (
        "SELECT a, (SELECT sum(t.a + u.b) FROM (VALUES 10, 20) u(b) WHERE u.b > t.a * 5) FROM"
        " (VALUES 1, 2, 3) t(a)",
        gap(
            "the aggregate sum(t.a + u.b) uses t.a of the outer query",
            19,
        ),
    ),
    # TestDecorrelateDependentJoin.testCorrelatedProjectionInLateral
    (
        "SELECT t.a, l.x FROM (VALUES 1, 2) t(a), LATERAL (SELECT t.a + u.b AS x FROM (VALUES"
        " 10, 20) u(b)) l(x)",
        gap(
            "it uses t.a in its SELECT list",
            58,
        ),
    ),
    # TestDecorrelateDependentJoin.testCorrelatedUnionAllInLateral
    (
        "SELECT t.a, l.b FROM (VALUES 1, 2) t(a), LATERAL (SELECT u.b FROM (VALUES 2, 3, 4) "
        "u(b) WHERE u.b > t.a UNION ALL SELECT v.c FROM (VALUES 0, 1) v(c) WHERE v.c < t.a) "
        "l(b)",
        gap(
            "it is a UNION of queries that use t.a",
            58,
        ),
    ),
    # TestDecorrelateDependentJoin.testGroupingSetsWithGlobalSetFailAsUnsupported
    (
        "SELECT t.a, l.k, l.cnt FROM (VALUES 1, 5) t(a), LATERAL (SELECT u.k AS k, count(*) "
        "AS cnt FROM (VALUES (1, 10), (1, 20), (2, 30)) u(k, b) WHERE u.k = t.a GROUP BY "
        "GROUPING SETS ((u.k), ())) l(k, cnt)",
        gap(
            "GROUPING SETS, ROLLUP or CUBE sits over its correlated condition",
            155,
        ),
    ),
    # TestDecorrelateDependentJoin.testGlobalAggregationBelowFilter
    (
        "SELECT a FROM (VALUES 1, 2) t(a) WHERE EXISTS (SELECT 1 FROM (VALUES 1) u(b) WHERE "
        "u.b = t.a HAVING count(*) = 0)",
        gap(
            "the aggregate count(*) sits over its correlated condition in a nested query",
            101,
        ),
    ),
    (
        "SELECT t.a, l.c FROM (VALUES 1, 2) t(a), LATERAL (SELECT c FROM (SELECT count(*) AS "
        "c FROM (VALUES 1) u(b) WHERE u.b = t.a) WHERE c = 0) l(c)",
        gap(
            "the aggregate count(*) sits over its correlated condition in a nested query",
            73,
        ),
    ),
    # TestDecorrelateDependentJoin.testCorrelatedWindowRowNumber
    (
        "SELECT t.a, l.b, l.rn FROM (VALUES 1, 6) t(a), LATERAL (SELECT u.b, row_number() "
        "OVER (ORDER BY u.b) AS rn FROM (VALUES 5, 6, 7) u(b) WHERE u.b > t.a) l(b, rn)",
        gap(
            "the window function row_number() OVER (ORDER BY u.b) sits over its correlated "
            "condition",
            69,
        ),
    ),
    # TestDecorrelateDependentJoin.testCorrelatedInPredicateWithCorrelationInProjection
    (
        "SELECT t.a, t.c FROM (VALUES (1, 10), (2, 20), (3, 99)) t(a, c) WHERE t.c IN (SELECT"
        " u.b * t.a FROM (VALUES 10, 20, 30) u(b))",
        gap(
            "it uses t.a in its SELECT list",
            92,
        ),
    ),
    # TestDecorrelateDependentJoin.testScalarAggregateWithNonTrivialJoinFilter
    (
        "SELECT t.a, l.s FROM (VALUES 1, 2, 3, 4) t(a) JOIN LATERAL (SELECT count(*) AS s "
        "FROM (VALUES 1, 2, 3, 4) u(b) WHERE u.b < t.a) l(s) ON l.s > 1",
        gap(
            "its aggregate is joined ON a condition other than TRUE",
            137,
        ),
    ),
    # TestDecorrelateDependentJoin.testScalarAggregateWithCorrelatedFilterMask
    (
        "SELECT t.a, (SELECT count(*) FILTER (WHERE u.b > t.a) FROM (VALUES 1, 2, 3, 4) u(b))"
        " FROM (VALUES 1, 2, 3, 5) t(a)",
        gap(
            "the aggregate count(*) FILTER(WHERE u.b > t.a) uses t.a of the outer query",
            21,
        ),
    ),
    # TestDecorrelateDependentJoin.testCorrelatedUnnestInsideLateralWithFilter
    (
        "SELECT t.a, l.s FROM (VALUES (1, ARRAY[10, 20]), (2, ARRAY[5]), (3, ARRAY[1])) t(a, "
        "arr), LATERAL (SELECT sum(x) AS s FROM UNNEST(arr) u(x) WHERE x > a) l(s)",
        gap(
            "it has a WHERE clause over an UNNEST of t.arr",
            136,
        ),
    ),
    # TestDecorrelateDependentJoin.testLeftJoinInsideSubqueryPreservingSideCorrelated
    (
        "SELECT t.a, l.b, l.c FROM (VALUES 1, 2, 5) t(a), LATERAL (SELECT w.b, v.c FROM "
        "(SELECT u.b FROM (VALUES 1, 2, 3) u(b) WHERE u.b <= t.a) w LEFT JOIN (VALUES 2, 3) "
        "v(c) ON w.b = v.c) l(b, c)",
        gap(
            "it uses t.a in its FROM clause (a join condition, a joined subquery or an UNNEST)",
            132,
        ),
    ),
    # TestDecorrelateDependentJoin.testCorrelatedLimitWithTiesInLateral
    (
        "SELECT t.a, l.b FROM (VALUES 1, 2) t(a), LATERAL (SELECT u.b FROM (VALUES 1, 2, 2, "
        "3, 3, 3) u(b) WHERE u.b > t.a ORDER BY u.b FETCH FIRST 1 ROWS WITH TIES) l(b)",
        "The local engine does not run FETCH … WITH TIES (line 1, column 139): run it on "
        "--backend aws.",
    ),
    # TestDecorrelateDependentJoin.testLeftLateralBareLimitOneEqualityCorrelation
    (
        "SELECT t.a, l.b FROM (VALUES 1, 2) t(a) LEFT JOIN LATERAL (SELECT u.b FROM (VALUES "
        "(1, 10), (2, 30)) u(k, b) WHERE u.k = t.a LIMIT 1) l(b) ON true",
        gap(
            "its LIMIT 1 picks one of several rows that may differ in u.b, which no equality "
            "with an outer column fixes",
            132,
        ),
    ),
    # TestDecorrelateDependentJoin.testAsOfJoinLateralTopN
    (
        "SELECT t.id, q.price FROM (VALUES (1, 'A', 10), (2, 'A', 20), (3, 'B', 15)) t(id, "
        "symbol, ts), LATERAL (SELECT q.price FROM (VALUES ('A', 5, 100), ('A', 15, 110), "
        "('B', 10, 200), ('B', 20, 210)) q(symbol, ts, price) WHERE q.symbol = t.symbol AND "
        "q.ts <= t.ts ORDER BY q.ts DESC FETCH FIRST 1 ROW ONLY) q",
        gap(
            "its FETCH FIRST 1 ROWS ONLY applies to the rows its condition q.ts <= t.ts "
            "selects, and it is no equality with an outer column",
            291,
        ),
    ),
    # TestDecorrelateDependentJoin.testCorrelatedValuesInLateral
    (
        "SELECT a, b FROM (VALUES 1, 2) t(a) LEFT JOIN LATERAL (VALUES a, a + 10) t2(b) ON true",
        gap(
            "its VALUES use t.a",
            63,
        ),
    ),
]

# Refused by older Trino, answered by newer (an injective coercion, or an expression of outer
# columns, fixes the subquery column there; ``(VALUES b)`` and ``a + b`` over one row of values
# are answered; grouping sets under EXISTS are answered by the newest): Athena's engine may be
# the older one. TestSubqueries at trinodb/trino commit 02954bc2 refuses the coercions
# (testUnsupportedSubqueriesWithCoercions) and ``(VALUES b)`` (testCorrelatedSubqueryWithout
# Filter); at commit 3658b5fc it answers them. In Athena, 1.0 is a double, not a decimal.
REFUSED_BY_OLDER_TRINO = [
    # TestSubqueries.testUnsupportedSubqueriesWithCoercions/testSubqueriesWithGroupByAndCoercions
    (
        "SELECT EXISTS(SELECT 1 FROM (VALUES (1, null)) t(a, b) WHERE t.a=t2.b GROUP BY t.b) "
        "FROM (VALUES 1.0, 2.0) t2(b)",
        gap(
            "its GROUP BY does not group by t.a, which its condition t.a = t2.b uses, and t.a"
            " (integer) and t2.b (double) differ in type",
            71,
        ),
    ),
    (
        "SELECT EXISTS(SELECT 1 FROM (VALUES (null, null)) t(a, b) WHERE t.a=t2.b GROUP BY "
        "t.b) FROM (VALUES 1, 2) t2(b)",
        gap(
            "its GROUP BY does not group by t.a, which its condition t.a = t2.b uses, and t.a"
            " (unknown) and t2.b (integer) differ in type",
            74,
        ),
    ),
    # TestSubqueries.testSubqueriesWithGroupByAndCoercions
    (
        "SELECT (SELECT count(*) FROM (VALUES 1, 2, 2) t(a) WHERE t.a=t2.b GROUP BY t.a LIMIT"
        " 1) FROM (VALUES 1.0) t2(b)",
        gap(
            "its LIMIT 1 applies to the rows its condition t.a = t2.b selects, and t.a "
            "(integer) and t2.b (double) differ in type",
            86,
        ),
    ),
    # TestSubqueries.testSubqueriesWithGroupByAndConstantExpression
    (
        "SELECT EXISTS(SELECT 1 FROM (VALUES (1, null)) t(a, b) WHERE t.a = t2.b * t2.c - 1 "
        "GROUP BY t.b) FROM (VALUES (1, 2), (2, 3)) t2(b, c)",
        gap(
            "its GROUP BY does not group by t.a, which its condition t.a = t2.b * t2.c - 1 "
            "uses, and t2.b * t2.c - 1 is an expression, not an outer column",
            84,
        ),
    ),
    (
        "SELECT EXISTS(SELECT 1 FROM (VALUES (null, null)) t(a, b) WHERE t.a = t2.b * t2.c - "
        "1 GROUP BY t.b) FROM (VALUES (1, 2), (2, 3)) t2(b, c)",
        gap(
            "its GROUP BY does not group by t.a, which its condition t.a = t2.b * t2.c - 1 "
            "uses, and t2.b * t2.c - 1 is an expression, not an outer column",
            87,
        ),
    ),
    (
        "SELECT (SELECT count(*) FROM (VALUES 1, 3, 3) t(a) WHERE t.a = t2.b * t2.c - 1 GROUP"
        " BY t.a LIMIT 1) FROM (VALUES (1, 2), (2, 2)) t2(b, c)",
        gap(
            "its LIMIT 1 applies to the rows its condition t.a = t2.b * t2.c - 1 selects, and"
            " t2.b * t2.c - 1 is an expression, not an outer column",
            99,
        ),
    ),
    # TestSubqueries.testCorrelatedSubqueriesWithLimitOne
    (
        "SELECT (SELECT t.a FROM (VALUES 1, 2, 3) t(a) WHERE t.a = t2.b LIMIT 1) FROM (VALUES"
        " 1.0, 2.0) t2(b)",
        gap(
            "its LIMIT 1 applies to the rows its condition t.a = t2.b selects, and t.a "
            "(integer) and t2.b (double) differ in type",
            70,
        ),
    ),
    (
        "SELECT (SELECT t.a FROM (VALUES 1, 2, 3, 4, 5, 6) t(a) WHERE t.a = t2.b * t2.c - 1 "
        "LIMIT 1) FROM (VALUES (1, 2), (2, 3)) t2(b, c)",
        gap(
            "its LIMIT 1 applies to the rows its condition t.a = t2.b * t2.c - 1 selects, and"
            " t2.b * t2.c - 1 is an expression, not an outer column",
            90,
        ),
    ),
    # TestSubqueries.testCorrelatedSubqueriesWithLimitGreaterThanOne
    (
        "SELECT (SELECT t.a FROM (VALUES 1, 2, 3) t(a) WHERE t.a = t2.b LIMIT 2) FROM (VALUES"
        " 1.0, 2.0) t2(b)",
        gap(
            "its LIMIT 2 applies to the rows its condition t.a = t2.b selects, and t.a "
            "(integer) and t2.b (double) differ in type",
            70,
        ),
    ),
    (
        "SELECT (SELECT t.a FROM (VALUES 1, 2, 3, 4, 5, 6) t(a) WHERE t.a = t2.b * t2.c - 1 "
        "LIMIT 2) FROM (VALUES (1, 2), (2, 3)) t2(b, c)",
        gap(
            "its LIMIT 2 applies to the rows its condition t.a = t2.b * t2.c - 1 selects, and"
            " t2.b * t2.c - 1 is an expression, not an outer column",
            90,
        ),
    ),
    # TestSubqueries.testCorrelatedSubqueriesWithTopN
    (
        "SELECT (SELECT t.a FROM (VALUES 1, 2, 3) t(a) WHERE t.a = t2.b ORDER BY a LIMIT 1) "
        "FROM (VALUES 1.0, 2.0) t2(b)",
        gap(
            "its LIMIT 1 applies to the rows its condition t.a = t2.b selects, and t.a "
            "(integer) and t2.b (double) differ in type",
            81,
        ),
    ),
    (
        "SELECT (SELECT t.a FROM (VALUES 1, 2, 3, 4, 5) t(a) WHERE t.a = t2.b * t2.c - 1 "
        "ORDER BY a LIMIT 1) FROM (VALUES (1, 2), (2, 3)) t2(b, c)",
        gap(
            "its LIMIT 1 applies to the rows its condition t.a = t2.b * t2.c - 1 selects, and"
            " t2.b * t2.c - 1 is an expression, not an outer column",
            98,
        ),
    ),
    # TestSubqueries.testCorrelatedSubqueryWithoutFilter
    (
        "SELECT (VALUES b) FROM (VALUES 2) outer_relation(b)",
        gap(
            "its VALUES use outer_relation.b",
            16,
        ),
    ),
    (
        "SELECT (SELECT a + b FROM (VALUES 1) inner_relation(a)) FROM (VALUES 2) outer_relation(b)",
        gap(
            "its SELECT list combines outer_relation.b with its own inner_relation.a",
            16,
        ),
    ),
    # TestDecorrelateDependentJoinDifferential.frameworkMatchesLegacy
    (
        "SELECT t.a FROM (VALUES 1, 2, 5) t(a) WHERE EXISTS (SELECT count(*) FROM (VALUES (1,"
        " 10), (1, 20), (2, 30)) u(k, b) WHERE u.k = t.a GROUP BY GROUPING SETS ((u.k), ()))",
        gap(
            "GROUPING SETS, ROLLUP or CUBE sits over its correlated condition",
            133,
        ),
    ),
]

# Answered by Trino, otherwise than DuckDB: Trino joins a LATERAL relation once for each row
# before it, so a RIGHT or FULL JOIN LATERAL repeats the relation's rows for each such row,
# and gives none after no rows (Trino's answers: four rows, and none, for the first two).
OTHER_ANSWER = [
    # TestSubqueries.testUncorrelatedSubquery
    (
        "SELECT * FROM (VALUES 1, null) t(a) RIGHT JOIN LATERAL (SELECT * FROM (VALUES 2, "
        "null)) t2(b) ON a < b",
        "A RIGHT JOIN LATERAL is not supported by the local engine: Athena joins the LATERAL "
        "relation once for each row before it (line 1, column 43): use an INNER or LEFT JOIN "
        "LATERAL, or run it on --backend aws.",
    ),
    (
        "SELECT * FROM (SELECT 1 WHERE 0 = 1) t(a) FULL JOIN LATERAL (SELECT * FROM (VALUES "
        "2, null)) t2(b) ON TRUE",
        "A FULL JOIN LATERAL is not supported by the local engine: Athena joins the LATERAL "
        "relation once for each row before it (line 1, column 48): use an INNER or LEFT JOIN "
        "LATERAL, or run it on --backend aws.",
    ),
    # TestSubqueries.testRemoveUnreferencedScalarSubqueryOrInput
    (
        "SELECT a FROM (VALUES 1, 2) t(a) RIGHT JOIN LATERAL (VALUES 3) t2(b) ON true",
        "A RIGHT JOIN LATERAL is not supported by the local engine: Athena joins the LATERAL "
        "relation once for each row before it (line 1, column 40): use an INNER or LEFT JOIN "
        "LATERAL, or run it on --backend aws.",
    ),
]


@pytest.mark.parametrize(
    ("sql", "message"), REFUSED_BY_TRINO + REFUSED_BY_OLDER_TRINO + OTHER_ANSWER
)
def test_what_athena_refuses_or_answers_otherwise_is_refused(cli, lake, sql, message):
    assert_refused(cli, lake("crawled"), sql, message)


ITEMS = "olist_order_items_dataset"

# The shapes Trino refuses, on the Olist tables (the brief's examples of what DuckDB answered).
REFUSED_ON_OLIST = [
    # "the first item's price": LIMIT 1 over rows that differ in price (TestSubqueries.
    # testCorrelatedSubqueriesWithLimit: "Limit(1) and non-constant output symbol").
    (
        "SELECT o.order_id, (SELECT i.price FROM olist_order_items_dataset i"
        " WHERE i.order_id = o.order_id LIMIT 1) AS price FROM olist_orders_dataset o",
        gap(
            "its LIMIT 1 picks one of several rows that may differ in i.price, which no"
            " equality with an outer column fixes",
            105,
        ),
    ),
    # "the seller's previous item": ORDER BY … LIMIT over a condition that is no equality
    # (testCorrelatedSubqueriesWithLimit: "TopN and correlated non-equality predicate";
    # TestDecorrelateDependentJoin.testAsOfJoinLateralTopN: "Legacy rejects this shape").
    (
        f"SELECT i.order_id, l.price FROM {ITEMS} i CROSS JOIN LATERAL (SELECT j.price"
        f" FROM {ITEMS} j WHERE j.seller_id = i.seller_id AND j.shipping_limit_date <"
        " i.shipping_limit_date ORDER BY j.shipping_limit_date DESC LIMIT 1) l",
        gap(
            "its LIMIT 1 applies to the rows its condition j.shipping_limit_date <"
            " i.shipping_limit_date selects, and it is no equality with an outer column",
            253,
        ),
    ),
    # ORDER BY an outer column with LIMIT (testCorrelatedSubqueriesWithLimit: "TopN with
    # ordering not decorrelating").
    (
        f"SELECT s.seller_id, l.price FROM olist_sellers_dataset s CROSS JOIN LATERAL"
        f" (SELECT i.price FROM {ITEMS} i WHERE i.seller_id = s.seller_id"
        " ORDER BY s.seller_city LIMIT 2) l",
        gap("it uses s.seller_city in its ORDER BY", 167),
    ),
    # A GROUP BY without the column the correlated condition uses (TestSubqueries.
    # testCorrelatedSubqueriesWithGroupBy: "t.b is not a 'constant' column").
    (
        f"SELECT count(*) AS n FROM {ITEMS} i WHERE EXISTS (SELECT 1 FROM {ITEMS} j"
        " WHERE j.price > i.price GROUP BY j.seller_id)",
        gap(
            "its GROUP BY does not group by j.price, which its condition j.price > i.price"
            " uses, and it is no equality with an outer column",
            135,
        ),
    ),
    # Grouping sets (TestSubqueries.testCorrelatedLateralWithGroupBy).
    (
        f"SELECT s.seller_id, l.n FROM olist_sellers_dataset s CROSS JOIN LATERAL"
        f" (SELECT i.product_id, count(*) AS n FROM {ITEMS} i WHERE i.seller_id = s.seller_id"
        " GROUP BY ROLLUP (i.product_id)) l",
        gap("GROUPING SETS, ROLLUP or CUBE sits over its correlated condition", 174),
    ),
    # A coercion between the correlated columns' types (TestSubqueries.testUnsupported
    # SubqueriesWithCoercions; the newer testSubqueriesWithGroupByAndCoercions answers an
    # injective one).
    (
        f"SELECT count(*) AS n FROM olist_order_payments_dataset p WHERE EXISTS (SELECT 1"
        f" FROM {ITEMS} i WHERE i.price = p.payment_installments GROUP BY i.order_id)",
        gap(
            "its GROUP BY does not group by i.price, which its condition i.price ="
            " p.payment_installments uses, and i.price (decimal(10,2)) and"
            " p.payment_installments (integer) differ in type",
            153,
        ),
    ),
    # An outer column in the SELECT list (AbstractTestEngineOnlyQueries.testCorrelatedNon
    # AggregationScalarSubqueries: "correlation used in subquery output").
    (
        f"SELECT s.seller_id, (SELECT s.seller_city FROM {ITEMS} i WHERE i.seller_id ="
        " s.seller_id LIMIT 1) AS city FROM olist_sellers_dataset s",
        gap("it uses s.seller_city in its SELECT list", 29),
    ),
    # An aggregate under IN (AbstractTestEngineOnlyQueries.testCorrelatedInPredicate
    # Subqueries: "correlated filter below any unhandled node type").
    (
        f"SELECT s.seller_id FROM olist_sellers_dataset s WHERE s.seller_id IN (SELECT"
        f" i.seller_id FROM {ITEMS} i WHERE i.seller_id = s.seller_id GROUP BY i.seller_id"
        " HAVING count(*) > 50)",
        gap(
            "the aggregate count(*) sits over its correlated condition, which IN (…) does not take",
            183,
        ),
    ),
    # An aggregate over an aggregate (AbstractTestEngineOnlyQueries.testCorrelatedScalar
    # SubqueriesWithScalarAggregationAndEqualityPredicatesInWhere: "(SELECT avg(a) FROM
    # (SELECT count(*) FROM region r WHERE n.regionkey = r.regionkey) t(a))").
    (
        f"SELECT s.seller_id, (SELECT avg(n) FROM (SELECT count(*) AS n FROM {ITEMS} i"
        " WHERE i.seller_id = s.seller_id) t) AS a FROM olist_sellers_dataset s",
        gap("the aggregate count(*) sits over its correlated condition in a nested query", 49),
    ),
    # IN over a SELECT list of outer columns (AbstractTestEngineOnlyQueries.testCorrelatedIn
    # PredicateSubqueries: "SELECT 1 IN (SELECT l.orderkey) FROM lineitem l").
    (
        f"SELECT count(*) AS n FROM {ITEMS} i WHERE 1 IN (SELECT i.order_item_id)",
        gap("it uses i.order_item_id in its SELECT list", 74),
    ),
    # An aggregate joined ON a condition (TestDecorrelateDependentJoin.testScalarAggregate
    # WithNonTrivialJoinFilter: "Legacy can't").
    (
        f"SELECT s.seller_id, l.n FROM olist_sellers_dataset s LEFT JOIN LATERAL (SELECT"
        f" count(*) AS n FROM {ITEMS} i WHERE i.seller_id = s.seller_id) l ON l.n > 10",
        gap("its aggregate is joined ON a condition other than TRUE", 165),
    ),
    # TestSubqueries.testUncorrelatedSubquery: ".* FULL JOIN involving LATERAL relation is
    # only supported with condition ON TRUE".
    (
        f"SELECT s.seller_id, l.n FROM olist_sellers_dataset s FULL JOIN LATERAL"
        f" (SELECT count(*) AS n FROM {ITEMS} i) l ON l.n > 0",
        "Athena runs a FULL JOIN LATERAL only with the condition ON TRUE ('FULL JOIN"
        " involving LATERAL relation is only supported with condition ON TRUE') (line 1,"
        " column 59): join ON TRUE, or use an INNER or LEFT JOIN LATERAL.",
    ),
    # AbstractTestEngineOnlyQueries.testCorrelatedExistsSubqueries ("join"): "Reference to
    # column 'o1.orderkey' from outer scope not allowed in this context".
    (
        "SELECT o.order_id FROM olist_orders_dataset o LEFT JOIN olist_customers_dataset c"
        " ON c.customer_id = o.customer_id AND EXISTS (SELECT 1 FROM"
        " olist_order_payments_dataset p WHERE p.order_id = o.order_id)",
        "Athena does not allow a subquery in the ON clause of a LEFT JOIN to use o.order_id"
        " of a query around it ('Reference to column … from outer scope not allowed in this"
        " context') (line 1, column 192): join the subquery's table in the FROM clause, or use"
        " an INNER JOIN.",
    ),
]

# An aggregate in a subquery over columns of the enclosing query only: the SQL standard (and
# DuckDB, which answered) make it an aggregate of the enclosing query; Trino's
# AggregationAnalyzer refuses it when that query groups without the column ("Subquery uses
# 's.seller_city' which must appear in GROUP BY clause": TestAnalyzer.testGroupByWithSubquery
# SelectExpression), and computes it in the subquery otherwise, which its legacy
# decorrelator refuses (TestDecorrelateDependentJoin.testScalarAggregateWithCorrelationIn
# Argument).
OUTER_AGGREGATES = [
    (
        "SELECT s.seller_id FROM olist_sellers_dataset s GROUP BY s.seller_id HAVING EXISTS"
        " (SELECT 1 FROM olist_customers_dataset c GROUP BY c.customer_state"
        " HAVING max(s.seller_city) > 'a')",
        158,
    ),
    (
        "SELECT s.seller_id, (SELECT count(*) FROM olist_customers_dataset c"
        " WHERE c.customer_state = s.seller_state AND c.customer_city = max(s.seller_city))"
        " FROM olist_sellers_dataset s GROUP BY s.seller_id, s.seller_state",
        131,
    ),
]


@pytest.mark.parametrize(("sql", "message"), REFUSED_ON_OLIST)
def test_what_athena_refuses_is_refused_on_the_olist_tables(cli, lake, sql, message):
    assert_refused(cli, lake("crawled"), sql, message)


@pytest.mark.parametrize(("sql", "column"), OUTER_AGGREGATES)
def test_an_aggregate_of_outer_columns_in_a_subquery_is_refused(cli, lake, sql, column):
    assert_refused(
        cli,
        lake("crawled"),
        sql,
        "The aggregate max(s.seller_city) in a subquery uses only columns of an enclosing"
        " query, which the SQL standard computes in that query and Athena in the subquery, or"
        f" refuses (line 1, column {column}): compute it in the enclosing query's SELECT or"
        " HAVING and compare with that, or run it on --backend aws.",
    )


# -- what Trino answers, on the Olist tables, against a computation over the sample CSVs ----


def _answer(cli, sql: str) -> list[dict[str, str | None]]:
    result = cli("query", sql, "-o", "csv", "--max-rows", "100000")
    assert result.exit_code == 0, result
    return rows_from("csv", result.stdout)


def _bag(rows) -> Counter:
    return Counter(tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in rows)


def test_exists_not_exists_and_in_correlated_in_their_where(cli, lake, sample_data):
    """AbstractTestEngineOnlyQueries.testCorrelatedExistsSubqueriesWithEqualityPredicatesIn
    Where ("SELECT count(*) FROM customer WHERE NOT EXISTS(SELECT * FROM orders WHERE
    orders.custkey=customer.custkey)"), TPC-H q21's EXISTS with an equality and a
    non-equality (TestDecorrelateDependentJoinDifferential, AbstractTestEngineOnlyQueries.
    testTwoCorrelatedExistsSubqueries), and testCorrelatedInPredicateSubqueries ("clerk IN
    (SELECT clerk FROM orders s WHERE s.custkey = o.custkey AND s.orderkey < o.orderkey)")."""
    lake("crawled")
    orders = frame(sample_data, "olist_orders_dataset")
    items = frame(sample_data, ITEMS)
    by_order = items.groupby("order_id")["seller_id"].agg(set)
    unsold = sum(o not in by_order.index for o in orders["order_id"])
    shared = sum(len(by_order[o]) > 1 for o in items["order_id"])
    pairs = list(zip(items["seller_id"], items["order_id"], items["product_id"], strict=True))
    resold = sum(any(s2 == s and o2 < o and p2 == p for s2, o2, p2 in pairs) for s, o, p in pairs)
    assert 0 < unsold < len(orders) and 0 < shared < len(items) and 0 < resold < len(items)
    cases = {
        f"SELECT count(*) AS n FROM olist_orders_dataset o WHERE NOT EXISTS (SELECT * FROM"
        f" {ITEMS} i WHERE i.order_id = o.order_id)": unsold,
        f"SELECT count(*) AS n FROM {ITEMS} i WHERE EXISTS (SELECT 1 FROM {ITEMS} j"
        " WHERE j.order_id = i.order_id AND j.seller_id <> i.seller_id)": shared,
        f"SELECT count(*) AS n FROM {ITEMS} i WHERE i.product_id IN (SELECT j.product_id FROM"
        f" {ITEMS} j WHERE j.seller_id = i.seller_id AND j.order_id < i.order_id)": resold,
    }
    for sql, expected in cases.items():
        assert _answer(cli, sql) == [{"n": str(expected)}], sql


def test_aggregates_correlated_by_equality_in_select_where_having_and_order_by(
    cli, lake, sample_data
):
    """AbstractTestEngineOnlyQueries.testCorrelatedScalarSubqueriesWithScalarAggregation:
    aggregates without GROUP BY, correlated in their WHERE, in the SELECT list ("consecutive
    correlated subqueries with scalar aggregation"), WHERE (TPC-H q17's ``l_quantity <
    (SELECT 0.2 * avg(l_quantity) … WHERE l_partkey = p_partkey)``), HAVING and ORDER BY."""
    lake("crawled")
    items = frame(sample_data, ITEMS)
    sellers = frame(sample_data, "olist_sellers_dataset")
    customers = frame(sample_data, "olist_customers_dataset")
    prices = items.groupby("seller_id")["price"].agg(list)
    counts = {s: len(prices.get(s, [])) for s in sellers["seller_id"]}
    revenue = {s: sum(prices[s]) if s in prices else None for s in sellers["seller_id"]}
    # avg of a decimal(10,2) is a decimal(10,2), rounded half up (docs/athena-fidelity.md).
    average = {
        s: (sum(p) / len(p)).quantize(Decimal("0.01"), ROUND_HALF_UP) for s, p in prices.items()
    }
    dearer = sum(p > average[s] for s, p in zip(items["seller_id"], items["price"], strict=True))
    per_state = customers["customer_state"].value_counts()
    sellers_per_state = sellers["seller_state"].value_counts()
    fewer = {(st, str(n)) for st, n in sellers_per_state.items() if n * 30 < per_state.get(st, 0)}
    top = sorted(counts, key=lambda s: (-counts[s], s))[:5]
    assert 0 < dearer < len(items) and 0 < len(fewer) < len(sellers_per_state)

    per_seller = _answer(
        cli,
        f"SELECT s.seller_id, (SELECT count(*) FROM {ITEMS} i WHERE i.seller_id = s.seller_id)"
        f" AS items, (SELECT sum(i.price) FROM {ITEMS} i WHERE i.seller_id = s.seller_id) AS"
        " revenue FROM olist_sellers_dataset s",
    )
    assert _bag(per_seller) == _bag(
        (s, str(counts[s]), athena_text(revenue[s])) for s in sellers["seller_id"]
    )
    assert _answer(
        cli,
        f"SELECT count(*) AS n FROM {ITEMS} i WHERE i.price > (SELECT avg(j.price) FROM {ITEMS}"
        " j WHERE j.seller_id = i.seller_id)",
    ) == [{"n": str(dearer)}]
    having = _answer(
        cli,
        "SELECT s.seller_state, count(*) AS sellers FROM olist_sellers_dataset s GROUP BY"
        " s.seller_state HAVING count(*) * 30 < (SELECT count(*) FROM olist_customers_dataset c"
        " WHERE c.customer_state = s.seller_state)",
    )
    assert set(_bag(having)) == fewer
    ordered = _answer(
        cli,
        f"SELECT s.seller_id FROM olist_sellers_dataset s ORDER BY (SELECT count(*) FROM {ITEMS}"
        " i WHERE i.seller_id = s.seller_id) DESC, s.seller_id LIMIT 5",
    )
    assert [r["seller_id"] for r in ordered] == top


def test_a_row_correlated_by_equality_and_a_join_condition_with_exists(cli, lake, sample_data):
    """AbstractTestEngineOnlyQueries.testCorrelatedNonAggregationScalarSubqueries
    ("correlation in predicate": ``(SELECT name FROM region WHERE regionkey =
    n.regionkey)``; "correlation used in subrelation": ``(SELECT regionkey * 2 FROM (SELECT
    regionkey FROM region r WHERE n.regionkey = r.regionkey))``), testCorrelatedScalar
    Subqueries (``WHERE 2 = (SELECT 2 * n.nationkey)``), and testCorrelatedExistsSubqueries
    ("join": an INNER JOIN's ON NOT EXISTS (…) over both sides)."""
    lake("crawled")
    orders = frame(sample_data, "olist_orders_dataset")
    customers = frame(sample_data, "olist_customers_dataset")
    payments = frame(sample_data, "olist_order_payments_dataset")
    state = dict(zip(customers["customer_id"], customers["customer_state"], strict=True))
    vouchers = set(payments.loc[payments["payment_type"] == "voucher", "order_id"])
    known = set(customers["customer_id"])
    paid = sum(
        o in vouchers and c in known
        for o, c in zip(orders["order_id"], orders["customer_id"], strict=True)
    )
    assert 0 < paid < len(orders)
    rows = _answer(
        cli,
        "SELECT o.order_id, (SELECT c.customer_state FROM olist_customers_dataset c WHERE"
        " c.customer_id = o.customer_id) AS state FROM olist_orders_dataset o",
    )
    assert _bag(rows) == _bag(
        (o, state.get(c)) for o, c in zip(orders["order_id"], orders["customer_id"], strict=True)
    )
    nested = _answer(
        cli,
        "SELECT o.order_id, (SELECT upper(st) FROM (SELECT c.customer_state AS st FROM"
        " olist_customers_dataset c WHERE c.customer_id = o.customer_id)) AS state"
        " FROM olist_orders_dataset o",
    )
    assert _bag(nested) == _bag(rows)
    items = frame(sample_data, ITEMS)
    seconds = int((items["order_item_id"] * 2 == 4).sum())
    assert 0 < seconds < len(items)
    assert _answer(
        cli, f"SELECT count(*) AS n FROM {ITEMS} i WHERE (SELECT i.order_item_id * 2) = 4"
    ) == [{"n": str(seconds)}]
    joined = _answer(
        cli,
        "SELECT count(*) AS n FROM olist_orders_dataset o JOIN olist_customers_dataset c ON"
        " c.customer_id = o.customer_id AND EXISTS (SELECT 1 FROM olist_order_payments_dataset"
        " p WHERE p.order_id = o.order_id AND p.payment_type = 'voucher')",
    )
    assert joined == [{"n": str(paid)}]


def test_lateral_joins_correlated_by_equality(cli, lake, sample_data):
    """AbstractTestEngineOnlyQueries.testCorrelatedJoin: an aggregate in a LATERAL ("LATERAL
    (SELECT max(region.name) FROM region WHERE region.regionkey <= nation.regionkey)"), and
    "TopN in correlated subquery" ("LEFT JOIN LATERAL (SELECT name FROM nation WHERE
    region.regionkey = regionkey ORDER BY nationkey LIMIT 2) n ON TRUE")."""
    lake("crawled")
    items = frame(sample_data, ITEMS)
    sellers = frame(sample_data, "olist_sellers_dataset")
    prices = items.groupby("seller_id")["price"].agg(list)
    counted = _answer(
        cli,
        f"SELECT s.seller_id, l.items FROM olist_sellers_dataset s CROSS JOIN LATERAL (SELECT"
        f" count(*) AS items FROM {ITEMS} i WHERE i.seller_id = s.seller_id) l",
    )
    assert _bag(counted) == _bag((s, str(len(prices.get(s, [])))) for s in sellers["seller_id"])
    top = _answer(
        cli,
        f"SELECT s.seller_id, l.price FROM olist_sellers_dataset s LEFT JOIN LATERAL (SELECT"
        f" i.price FROM {ITEMS} i WHERE i.seller_id = s.seller_id ORDER BY i.price DESC"
        " LIMIT 2) l ON TRUE",
    )
    expected = [
        (s, athena_text(p))
        for s in sellers["seller_id"]
        for p in (sorted(prices[s], reverse=True)[:2] if s in prices else [None])
    ]
    assert any(len(p) > 2 for p in prices)  # the LIMIT keeps fewer rows than there are
    assert _bag(top) == _bag(expected)
