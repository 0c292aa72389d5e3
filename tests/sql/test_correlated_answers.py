"""Correlated subqueries the local engine answers: Trino's own cases, with Trino's answers.

Each case is a query of Trino's tests that Trino answers, copied as written (``(VALUES …)
t(a)`` relations), with the rows its test expects. The test method is named above each group;
the files are trinodb/trino core/trino-main/src/test/java/io/trino/sql/query/TestSubqueries,
TestCorrelatedAggregation, TestLateral, TestCorrelatedJoin and TestDecorrelateDependentJoin
Differential. That last test runs each query under Trino's two decorrelators and compares them
with each other: the legacy one answers them, and their rows here are worked out by hand.
Trino's ``matches`` ignores row order, and so does this check.

What Trino refuses, or may refuse in the version Athena runs, is refused locally:
tests/cli/test_correlated_subqueries.py. Left out here: the cases the local engine refuses for
reasons that have nothing to do with correlation (regexp_extract_all, histogram, ROW values,
UNNEST of several arrays, ``SELECT * FROM UNNEST(a)`` without column names, whose columns
cannot be resolved); TestLateral's two ``(SELECT * FROM LATERAL (SELECT a))``, which fail
(sqlglot's qualify names ``a`` after the LATERAL itself, and DuckDB finds no such table);
TestSubqueries.testCorrelatedLeftUnnestWithGlobalAggregation's ``array_agg(x)`` without ORDER
BY over ``(VALUES 1) LEFT JOIN UNNEST(a)``, which DuckDB gathers in another order ([3, 2, 1]):
array_agg's order without ORDER BY is no promise of either engine.
"""

from __future__ import annotations

from collections import Counter

import pytest

from olistctl.errors import SqlError

ANSWERED = [
    # TestSubqueries.testCorrelatedExistsSubqueriesWithOrPredicateAndNull
    (
        "SELECT EXISTS(SELECT 1 FROM (VALUES null, 10) t(x) WHERE y > x OR y + 10 > x) FROM "
        "(values 11 + if(rand() >= 0, 0)) t2(y)",
        [(True,)],
    ),
    (
        "SELECT EXISTS(SELECT 1 FROM (VALUES null) t(x) WHERE y > x OR y + 10 > x) FROM "
        "(VALUES 11 + if(rand() >= 0, 0)) t2(y)",
        [(False,)],
    ),
    # TestSubqueries.testCorrelatedSubqueriesWithLimit
    (
        "SELECT (SELECT t.a FROM (VALUES 1, 2) t(a) WHERE t.a=t2.b LIMIT 1) FROM (VALUES 1) t2(b)",
        [(1,)],
    ),
    (
        "SELECT (SELECT t.a FROM (VALUES 1, 2) t(a) WHERE t.a=t2.b LIMIT 2) FROM (VALUES 1) t2(b)",
        [(1,)],
    ),
    (
        "SELECT (SELECT t.a FROM (VALUES 1, 2, 3) t(a) WHERE t.a = t2.b LIMIT 2) FROM (VALUES"
        " 1) t2(b)",
        [(1,)],
    ),
    (
        "SELECT (SELECT t.a FROM (VALUES (1, 2), (1, 3)) t(a, b) WHERE t.a = t2.a AND t2.b > "
        "1 LIMIT 1) FROM (VALUES (1, 2)) t2(a, b)",
        [(1,)],
    ),
    (
        "SELECT (SELECT t.b FROM (VALUES (1, 2), (1, 3)) t(a, b) WHERE t.a = t2.a AND t2.b > "
        "1 ORDER BY t.b LIMIT 1) FROM (VALUES (1, 2)) t2(a, b)",
        [(2,)],
    ),
    (
        "SELECT (SELECT sum(t.a) FROM (VALUES 1, 2) t(a) WHERE t.a=t2.b group by t.a LIMIT 2)"
        " FROM (VALUES 1) t2(b)",
        [(1,)],
    ),
    (
        "SELECT (SELECT count(*) FROM (SELECT t.a FROM (VALUES 1, 1, null, 3) t(a) WHERE "
        "t.a=t2.b LIMIT 1)) FROM (VALUES 1, 2) t2(b)",
        [(1,), (0,)],
    ),
    (
        "SELECT EXISTS(SELECT 1 FROM (VALUES 1, 1, 3) t(a) WHERE t.a=t2.b LIMIT 1) FROM "
        "(VALUES 1, 2) t2(b)",
        [(True,), (False,)],
    ),
    (
        "SELECT (SELECT count(*) FROM (VALUES 1, 1, 3) t(a) WHERE t.a=t2.b LIMIT 1) FROM "
        "(VALUES 1) t2(b)",
        [(2,)],
    ),
    (
        "SELECT EXISTS(SELECT 1 FROM (VALUES ('x', 1)) u(x, cid) WHERE x = 'x' AND t.cid = "
        "cid LIMIT 1) FROM (VALUES 1) t(cid)",
        [(True,)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3, null) outer_relation(id) LEFT JOIN LATERAL (SELECT "
        "value FROM (VALUES (1, 'a'), (1, 'a'), (1, 'a'), (1, 'a'), (2, 'b'), (null, 'c')) "
        "inner_relation(id, value) WHERE outer_relation.id = inner_relation.id LIMIT 2) ON "
        "TRUE",
        [(1, "a"), (1, "a"), (2, "b"), (3, None), (None, None)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3, null) outer_relation(id) LEFT JOIN LATERAL (SELECT "
        "value FROM (VALUES (1, 'd'), (1, 'c'), (1, 'b'), (1, 'a'), (2, 'w'), (null, 'x')) "
        "inner_relation(id, value) WHERE outer_relation.id = inner_relation.id ORDER BY "
        "inner_relation.value LIMIT 2) ON TRUE",
        [(1, "a"), (1, "b"), (2, "w"), (3, None), (None, None)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3, null) outer_relation(id) LEFT JOIN LATERAL (SELECT "
        "value FROM (VALUES 'a', 'a', 'a') inner_relation(value) WHERE outer_relation.id = 3 "
        "LIMIT 2) ON TRUE",
        [(1, None), (2, None), (3, "a"), (3, "a"), (None, None)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3, null) outer_relation(id) LEFT JOIN LATERAL (SELECT 1 "
        "FROM (VALUES 'a', 'a', 'a') inner_relation(value) WHERE outer_relation.id = 3 LIMIT "
        "2) ON TRUE",
        [(1, None), (2, None), (3, 1), (3, 1), (None, None)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3, null) outer_relation(id) LEFT JOIN LATERAL (SELECT "
        "value FROM (VALUES 'c', 'a', 'b') inner_relation(value) WHERE outer_relation.id = 3 "
        "ORDER BY value LIMIT 2) ON TRUE",
        [(1, None), (2, None), (3, "a"), (3, "b"), (None, None)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3, null) outer_relation(id) LEFT JOIN LATERAL (SELECT "
        "value FROM (VALUES (3, 'b'), (3, 'a'), (null, 'b')) inner_relation(id, value) WHERE "
        "outer_relation.id = inner_relation.id ORDER BY id LIMIT 2) ON TRUE",
        [(1, None), (2, None), (3, "a"), (3, "b"), (None, None)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3, null) outer_relation(id) LEFT JOIN LATERAL (SELECT "
        "value FROM (VALUES (3, 'b'), (3, 'a'), (null, 'b')) inner_relation(id, value) WHERE "
        "outer_relation.id = inner_relation.id ORDER BY id, value LIMIT 2) ON TRUE",
        [(1, None), (2, None), (3, "a"), (3, "b"), (None, None)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3, null) outer_relation(id) LEFT JOIN LATERAL (SELECT "
        "value FROM (VALUES (3, 'b'), (3, 'a'), (null, 'b')) inner_relation(id, value) WHERE "
        "outer_relation.id = inner_relation.id ORDER BY value LIMIT 2) ON TRUE",
        [(1, None), (2, None), (3, "a"), (3, "b"), (None, None)],
    ),
    # TestSubqueries.testNestedUncorrelatedSubqueryInCorrelatedSubquery
    (
        "SELECT((SELECT b FROM (SELECT array_agg(a) FROM (VALUES 1) A(a)) B(b) WHERE b = c)) "
        "FROM (VALUES ARRAY[1], ARRAY[2]) C(c)",
        [([1],), (None,)],
    ),
    (
        "SELECT((SELECT b FROM (SELECT count(a) FROM (VALUES (1, 2, 3)) A(a, key_1, key_2) "
        "GROUP BY GROUPING SETS ((key_1), (key_2)) LIMIT 1) B(b) WHERE b = c)) FROM (VALUES "
        "1, 2) C(c)",
        [(1,), (None,)],
    ),
    (
        "SELECT((SELECT c FROM (SELECT b FROM (VALUES (1, 2), (1, 2)) inner_relation(a, b) "
        "WHERE a = 1 LIMIT 1) C(c) WHERE c = d)) FROM (VALUES 2) D(d)",
        [(2,)],
    ),
    # TestSubqueries.testCorrelatedSubqueriesWithGroupBy
    (
        "SELECT (SELECT count(*) FROM (VALUES 1, 1, 2, 3, null) t(a) WHERE t.a<t2.b GROUP BY "
        "t.a HAVING count(*) > 1) FROM (VALUES 1, 2) t2(b)",
        [(None,), (2,)],
    ),
    (
        "SELECT EXISTS(SELECT 1 FROM (VALUES 1, 1, 3) t(a) WHERE t.a=t2.b GROUP BY t.a) FROM "
        "(VALUES 1, 2) t2(b)",
        [(True,), (False,)],
    ),
    (
        "SELECT EXISTS(SELECT 1 FROM (VALUES (1, 2), (1, 2), (null, null), (3, 3)) t(a, b) "
        "WHERE t.a=t2.b GROUP BY t.a, t.b) FROM (VALUES 1, 2) t2(b)",
        [(True,), (False,)],
    ),
    (
        "SELECT EXISTS(SELECT 1 FROM (VALUES (1, 2), (1, 2), (null, null), (3, 3)) t(a, b) "
        "WHERE t.a<t2.b GROUP BY t.a, t.b) FROM (VALUES 1, 2) t2(b)",
        [(False,), (True,)],
    ),
    (
        "SELECT EXISTS(SELECT 1 FROM (VALUES (1, 1), (1, 1), (null, null), (3, 3)) t(a, b) "
        "WHERE t.a+t.b<t2.b GROUP BY t.a, t.b) FROM (VALUES 1, 4) t2(b)",
        [(False,), (True,)],
    ),
    (
        "SELECT EXISTS(SELECT 1 FROM (VALUES (1, 2), (1, 2), (null, null), (3, 3)) t(a, b) "
        "WHERE t.a=t2.b GROUP BY t.b) FROM (VALUES 1, 2) t2(b)",
        [(True,), (False,)],
    ),
    (
        "SELECT EXISTS(SELECT * FROM (VALUES 1, 1, 2, 3) t(a) WHERE t.a=t2.b GROUP BY t.a "
        "HAVING count(*) > 1) FROM (VALUES 1, 2) t2(b)",
        [(True,), (False,)],
    ),
    (
        "SELECT EXISTS(SELECT * FROM (SELECT t.a FROM (VALUES (1, 1), (1, 1), (1, 2), (1, 2),"
        " (3, 3)) t(a, b) WHERE t.b=t2.b GROUP BY t.a HAVING count(*) > 1) t WHERE t.a=t2.b) "
        "FROM (VALUES 1, 2) t2(b)",
        [(True,), (False,)],
    ),
    (
        "SELECT EXISTS(SELECT * FROM (VALUES 1, 1, 2, 3) t(a) WHERE t.a=t2.b GROUP BY (t.a) "
        "HAVING count(*) > 1) FROM (VALUES 1, 2) t2(b)",
        [(True,), (False,)],
    ),
    # TestSubqueries.testCorrelatedLateralWithGroupBy
    (
        "SELECT * FROM (VALUES 1, 2) t2(b), LATERAL (SELECT t.a FROM (VALUES 1, 1, 3) t(a) "
        "WHERE t.a=t2.b GROUP BY t.a)",
        [(1, 1)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2) t2(b), LATERAL (SELECT count(*) FROM (VALUES 1, 1, 2, 3)"
        " t(a) WHERE t.a=t2.b GROUP BY t.a HAVING count(*) > 1)",
        [(1, 2)],
    ),
    # TestSubqueries.testUncorrelatedSubquery
    (
        "SELECT * FROM (VALUES 1, 3, null) t(a) INNER JOIN LATERAL (SELECT * FROM (VALUES 2, "
        "null)) t2(b) ON a < b",
        [(1, 2)],
    ),
    (
        "SELECT * FROM (VALUES 1, 3, null) t(a) INNER JOIN LATERAL (SELECT * FROM (VALUES 2, "
        "null)) t2(b) ON a * 8 < b",
        [],
    ),
    (
        "SELECT * FROM (SELECT 1 WHERE 0 = 1) t(a) INNER JOIN LATERAL (SELECT * FROM (VALUES "
        "2, null)) t2(b) ON a < b",
        [],
    ),
    (
        "SELECT * FROM (VALUES 1, 3, null) t(a) INNER JOIN LATERAL (SELECT 1 WHERE 0 = 1) "
        "t2(b) ON a < b",
        [],
    ),
    (
        "SELECT * FROM (VALUES 1, 3, null) t(a) LEFT JOIN LATERAL (SELECT * FROM (VALUES 2, "
        "null)) t2(b) ON a < b",
        [(1, 2), (3, None), (None, None)],
    ),
    (
        "SELECT * FROM (VALUES 1, 3, null) t(a) LEFT JOIN LATERAL (SELECT * FROM (VALUES 2, "
        "null)) t2(b) ON a * 8 < b",
        [(1, None), (3, None), (None, None)],
    ),
    (
        "SELECT * FROM (SELECT 1 WHERE 0 = 1) t(a) LEFT JOIN LATERAL (SELECT * FROM (VALUES "
        "2, null)) t2(b) ON a < b",
        [],
    ),
    (
        "SELECT * FROM (VALUES 1, 3, null) t(a) LEFT JOIN LATERAL (SELECT 1 WHERE 0 = 1) "
        "t2(b) ON a < b",
        [(1, None), (3, None), (None, None)],
    ),
    # TestSubqueries.testCorrelatedScalarSubquery
    (
        "SELECT * FROM (VALUES 1, 2) t2(b) WHERE (SELECT b) = 2",
        [(2,)],
    ),
    # TestSubqueries.testRemoveUnreferencedScalarSubqueryOrInput
    (
        "SELECT b FROM (VALUES 1) t(a) INNER JOIN LATERAL (SELECT 2 WHERE a = 2) t2(b) ON true",
        [],
    ),
    (
        "SELECT b FROM (VALUES 1) t(a) LEFT JOIN LATERAL (SELECT 2 WHERE a = 2) t2(b) ON true",
        [(None,)],
    ),
    (
        "SELECT b FROM (VALUES 1) t(a) INNER JOIN LATERAL (SELECT 2 WHERE 0 = 1) t2(b) ON true",
        [],
    ),
    (
        "SELECT b FROM (VALUES 1) t(a) LEFT JOIN LATERAL (SELECT 2 WHERE 0 = 1) t2(b) ON true",
        [(None,)],
    ),
    (
        "SELECT a FROM (VALUES 1, 2) t(a) INNER JOIN LATERAL (VALUES a) t2(b) ON true",
        [(1,), (2,)],
    ),
    (
        "SELECT a FROM (VALUES 1, 2) t(a) LEFT JOIN LATERAL (VALUES a) t2(b) ON true",
        [(1,), (2,)],
    ),
    (
        "SELECT a FROM (SELECT 1 where 0 = 1) t(a) INNER JOIN LATERAL (VALUES a) t2(b) ON true",
        [],
    ),
    (
        "SELECT a FROM (SELECT 1 where 0 = 1) t(a) LEFT JOIN LATERAL (VALUES a) t2(b) ON true",
        [],
    ),
    # TestSubqueries.testCorrelatedSubqueryWithExplicitCoercion
    (
        "SELECT 1 FROM (VALUES 1, 2) t1(b) WHERE 1 = (SELECT cast(b as decimal(7,2)))",
        [(1,)],
    ),
    # TestSubqueries.testCorrelation
    (
        "SELECT * FROM (VALUES 1) t(x) WHERE EXISTS (SELECT count(*) FROM (VALUES 1, 2) u(y) "
        "GROUP BY y HAVING y = x)",
        [(1,)],
    ),
    (
        "SELECT * FROM (VALUES 1) t(x) WHERE EXISTS (SELECT count(*) FROM (VALUES 1, 2) u(y) "
        "GROUP BY y HAVING y = t.x)",
        [(1,)],
    ),
    # TestSubqueries.testCorrelatedSubqueryWithoutFilter
    (
        "SELECT (SELECT outer_relation.b FROM (VALUES 1) inner_relation) FROM (values 2) "
        "outer_relation(b)",
        [(2,)],
    ),
    # TestSubqueries.testCorrelatedJoin
    (
        "SELECT * FROM (VALUES 1, 2, 3, null) t1(a) INNER JOIN LATERAL (SELECT b FROM (VALUES"
        " 2, 3, null) t2(b) WHERE b > a) ON TRUE",
        [(1, 2), (1, 3), (2, 3)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3, null) t1(a) INNER JOIN LATERAL (SELECT b FROM (VALUES"
        " 2, 3, null) t2(b) WHERE b > a) ON b < 3",
        [(1, 2)],
    ),
    (
        "SELECT * FROM (SELECT 1 where 0 = 1) t(a) INNER JOIN LATERAL (SELECT 2 WHERE a = 1 )"
        " t2(b) ON TRUE",
        [],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3, null) t1(a) LEFT JOIN LATERAL (SELECT b FROM (VALUES "
        "2, 3, null) t2(b) WHERE b > a) ON TRUE",
        [(1, 2), (1, 3), (2, 3), (3, None), (None, None)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3, null) t1(a) LEFT JOIN LATERAL (SELECT b FROM (VALUES "
        "2, 3, null) t2(b) WHERE b > a) ON b < 3",
        [(1, 2), (2, None), (3, None), (None, None)],
    ),
    (
        "SELECT * FROM (SELECT 1 where 0 = 1) t(a) LEFT JOIN LATERAL (SELECT 2 WHERE a = 1 ) "
        "t2(b) ON TRUE",
        [],
    ),
    # TestSubqueries.testCorrelatedInnerUnnestWithGlobalAggregation
    (
        "SELECT (SELECT array_agg(x) FROM UNNEST(a) u(x)) FROM (VALUES ARRAY[1, 2, 3]) t(a)",
        [([1, 2, 3],)],
    ),
    (
        "SELECT (SELECT count(DISTINCT x) FROM UNNEST(a) u(x)) FROM (VALUES ARRAY[1, 2, 3]) t(a)",
        [(3,)],
    ),
    (
        "SELECT (SELECT count(DISTINCT x * 0e0) - 10e0 FROM UNNEST(a) u(x)) FROM (VALUES "
        "ARRAY[1, 2, 3]) t(a)",
        [(-9.0,)],
    ),
    (
        "SELECT (SELECT array_agg(x) FROM UNNEST(a) u(x)) FROM (VALUES ARRAY[1, 2, 3], "
        "ARRAY[4], ARRAY[5, 6]) t(a)",
        [([1, 2, 3],), ([4],), ([5, 6],)],
    ),
    (
        "SELECT (SELECT count(DISTINCT x) FROM UNNEST(a) u(x)) FROM (VALUES ARRAY[1, 2, 3], "
        "ARRAY[4], ARRAY[5, 6]) t(a)",
        [(3,), (1,), (2,)],
    ),
    (
        "SELECT (SELECT array_agg(x) FROM UNNEST(a) u(x)) FROM (SELECT ARRAY[1, 2, 3] WHERE "
        "false) t(a)",
        [],
    ),
    (
        "SELECT (SELECT count(DISTINCT x) FROM UNNEST(a) u(x)) FROM (SELECT ARRAY[1, 2, 3] "
        "WHERE false) t(a)",
        [],
    ),
    (
        "SELECT (SELECT count(x) FROM UNNEST(a) u(x)) FROM (VALUES ARRAY[1, 2, 3], null, "
        "ARRAY[4], ARRAY[]) t(a)",
        [(3,), (0,), (1,), (0,)],
    ),
    (
        "SELECT (SELECT array_agg(y) FROM UNNEST(b) u2(y)) FROM (SELECT (SELECT array_agg(x) "
        "FROM UNNEST(a) u(x)) FROM (VALUES ARRAY[1, 2, 3]) t(a)) t2(b)",
        [([1, 2, 3],)],
    ),
    # TestSubqueries.testCorrelatedLeftUnnestWithGlobalAggregation
    (
        "SELECT b FROM (VALUES ARRAY[1, 2, 3]) t(a) LEFT JOIN LATERAL (SELECT count(DISTINCT "
        "x) FROM (SELECT x FROM (VALUES 1) LEFT JOIN UNNEST(a) u(x) ON TRUE)) t2(b) ON TRUE",
        [(3,)],
    ),
    (
        "SELECT b FROM (VALUES ARRAY[1, 2, 3], null, ARRAY[4], ARRAY[]) t(a) LEFT JOIN "
        "LATERAL (SELECT count(x) FROM (SELECT x FROM (VALUES 1) LEFT JOIN UNNEST(a) u(x) ON "
        "TRUE)) t2(b) ON TRUE",
        [(3,), (0,), (1,), (0,)],
    ),
    (
        "SELECT b FROM (VALUES ARRAY[1, 2, 3], null, ARRAY[4], ARRAY[]) t(a) LEFT JOIN "
        "LATERAL (SELECT avg(x) FROM (SELECT x FROM (VALUES 1) LEFT JOIN UNNEST(a) u(x) ON "
        "TRUE)) t2(b) ON TRUE",
        [(2.0,), (None,), (4.0,), (None,)],
    ),
    # TestSubqueries.testCorrelatedUnnestInScalarSubquery
    (
        "SELECT (SELECT * FROM UNNEST(a) u(x)) FROM (VALUES ARRAY[1], ARRAY[2]) t(a)",
        [(1,), (2,)],
    ),
    (
        "SELECT (SELECT x FROM (VALUES 1) LEFT JOIN UNNEST(a) u(x) ON TRUE) FROM (VALUES "
        "ARRAY[1], ARRAY[2]) t(a)",
        [(1,), (2,)],
    ),
    (
        "SELECT (SELECT * FROM UNNEST(a) u(x) LIMIT 1) FROM (VALUES ARRAY[1, 1, 1], ARRAY[2, "
        "2]) t(a)",
        [(1,), (2,)],
    ),
    (
        "SELECT (SELECT x FROM (VALUES 1) LEFT JOIN UNNEST(a) u(x) ON TRUE LIMIT 1) FROM "
        "(VALUES ARRAY[1, 1, 1], ARRAY[2, 2]) t(a)",
        [(1,), (2,)],
    ),
    (
        "SELECT (SELECT * FROM UNNEST(a) u(x) LIMIT 5) FROM (VALUES ARRAY[1], ARRAY[4]) t(a)",
        [(1,), (4,)],
    ),
    (
        "SELECT (SELECT * FROM UNNEST(a) u(x) ORDER BY x LIMIT 1) FROM (VALUES ARRAY[3, 1, "
        "2], ARRAY[5, 4]) t(a)",
        [(1,), (4,)],
    ),
    (
        "SELECT (SELECT x FROM (VALUES 1) LEFT JOIN UNNEST(a) u(x) ON TRUE ORDER BY x LIMIT "
        "1) FROM (VALUES ARRAY[3, 1, 2], ARRAY[5, 4]) t(a)",
        [(1,), (4,)],
    ),
    (
        "SELECT (SELECT * FROM UNNEST(a) u(x) ORDER BY x LIMIT 100) FROM (VALUES ARRAY[1], "
        "ARRAY[4]) t(a)",
        [(1,), (4,)],
    ),
    (
        "SELECT (SELECT * FROM UNNEST(a) u(x)) FROM (VALUES ARRAY[1], ARRAY[], null) t(a)",
        [(1,), (None,), (None,)],
    ),
    (
        "SELECT (SELECT x FROM (VALUES 1) LEFT JOIN UNNEST(a) u(x) ON TRUE) FROM (VALUES "
        "ARRAY[1], ARRAY[], null) t(a)",
        [(1,), (None,), (None,)],
    ),
    (
        "SELECT (SELECT x IS NULL FROM UNNEST(a) u(x)) FROM (VALUES ARRAY[1], ARRAY[], null) t(a)",
        [(False,), (None,), (None,)],
    ),
    (
        "SELECT (SELECT x IS NULL FROM (VALUES 1) LEFT JOIN UNNEST(a) u(x) ON TRUE) FROM "
        "(VALUES ARRAY[1], ARRAY[], null) t(a)",
        [(False,), (True,), (True,)],
    ),
    (
        "SELECT (SELECT * FROM UNNEST(a) u(x)) FROM (SELECT ARRAY[1] WHERE FALSE) t(a)",
        [],
    ),
    (
        "SELECT (SELECT x FROM (VALUES 1) LEFT JOIN UNNEST(a) u(x) ON TRUE) FROM (SELECT "
        "ARRAY[1] WHERE FALSE) t(a)",
        [],
    ),
    # TestSubqueries.testCorrelatedUnnestInLateralSubquery
    (
        "SELECT * FROM (VALUES ARRAY[1, 2], ARRAY[3]) t(a) LEFT JOIN LATERAL (SELECT x FROM "
        "(VALUES 1) LEFT JOIN UNNEST(a) u(x) ON TRUE) ON TRUE",
        [([1, 2], 1), ([1, 2], 2), ([3], 3)],
    ),
    (
        "SELECT * FROM (VALUES ARRAY[1, 1], ARRAY[3]) t(a) INNER JOIN LATERAL (SELECT x FROM "
        "(VALUES 1) LEFT JOIN UNNEST(a) u(x) ON TRUE LIMIT 1) ON TRUE",
        [([1, 1], 1), ([3], 3)],
    ),
    (
        "SELECT * FROM (VALUES ARRAY[2, 1, 1], ARRAY[3]) t(a) INNER JOIN LATERAL (SELECT x "
        "FROM (VALUES 1) LEFT JOIN UNNEST(a) u(x) ON TRUE ORDER BY x LIMIT 1) ON TRUE",
        [([2, 1, 1], 1), ([3], 3)],
    ),
    (
        "SELECT * FROM (VALUES ARRAY[1, 2], ARRAY[], null) t(a) LEFT JOIN LATERAL (SELECT x "
        "IS NULL FROM (VALUES 1) LEFT JOIN UNNEST(a) u(x) ON TRUE) ON TRUE",
        [([1, 2], False), ([1, 2], False), ([], True), (None, True)],
    ),
    (
        "SELECT * FROM (VALUES ARRAY[1, 2], ARRAY[], null) t(a) INNER JOIN LATERAL (SELECT x "
        "FROM (VALUES 1) LEFT JOIN UNNEST(a) u(x) ON TRUE) ON TRUE",
        [([1, 2], 1), ([1, 2], 2), ([], None), (None, None)],
    ),
    (
        "SELECT * FROM (VALUES ARRAY[1, 2], ARRAY[3], null) t(a) LEFT JOIN LATERAL (SELECT "
        "100 * x + ordinality FROM UNNEST(a) WITH ORDINALITY u(x, ordinality)) ON TRUE",
        [([1, 2], 101), ([1, 2], 202), ([3], 301), (None, None)],
    ),
    # TestSubqueries.testQuantifiedComparison
    (
        "SELECT (SELECT 2) > ALL (SELECT 1)",
        [(True,)],
    ),
    # TestSubqueries.testInPredicate
    (
        "SELECT (SELECT 1) IN (SELECT 1)",
        [(True,)],
    ),
    # TestCorrelatedAggregation.testGlobalDistinctAggregation
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT count(DISTINCT "
        "value) FROM (VALUES (1, 10), (2, 20), (3, 10)) t2(key, value) WHERE t2.key <= t.key)"
        " ON TRUE",
        [(1, 1), (2, 2), (3, 2)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT avg(DISTINCT value) "
        "FROM (VALUES (1, 10), (2, 20), (3, 10)) t2(key, value) WHERE t2.key <= t.key) ON "
        "TRUE",
        [(1, 10.0), (2, 15.0), (3, 15.0)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT count(DISTINCT "
        "value) FILTER (WHERE value > 15) FROM (VALUES (1, 10), (2, 20), (3, 10)) t2(key, "
        "value) WHERE t2.key < t.key) ON TRUE",
        [(1, 0), (2, 0), (3, 1)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT array_agg(DISTINCT "
        "value ORDER BY value) FROM (VALUES (1, 10), (2, 10), (3, 20)) t2(key, value) WHERE "
        "t2.key < t.key) ON TRUE",
        [(1, None), (2, [10]), (3, [10])],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT count(DISTINCT "
        "value) + 100 FROM (VALUES (1, 10), (2, 20), (3, 10)) t2(key, value) WHERE t2.key <= "
        "t.key) ON TRUE",
        [(1, 101), (2, 102), (3, 102)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT count(DISTINCT "
        "value) FROM (VALUES (1, null), (2, 20), (3, 10)) t2(key, value) WHERE t2.key <= "
        "t.key) ON TRUE",
        [(1, 0), (2, 1), (3, 2)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT count(DISTINCT "
        "value) FROM (SELECT 0, 0 WHERE false) t2(key, value) WHERE t2.key <= t.key) ON TRUE",
        [(1, 0), (2, 0), (3, 0)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT avg(DISTINCT value) "
        "FROM (SELECT 0, 0 WHERE false) t2(key, value) WHERE t2.key <= t.key) ON TRUE",
        [(1, None), (2, None), (3, None)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT count(DISTINCT "
        "value) FROM (VALUES (1, 10), (2, 20), (3, 10)) t2(key, value) WHERE t2.key < t.key) "
        "ON TRUE",
        [(1, 0), (2, 1), (3, 2)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT avg(DISTINCT value) "
        "FROM (VALUES (1, 10), (2, 20), (3, 10)) t2(key, value) WHERE t2.key < t.key) ON TRUE",
        [(1, None), (2, 10.0), (3, 15.0)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) INNER JOIN LATERAL (SELECT count(DISTINCT "
        "value) FROM (VALUES (1, 10), (2, 20), (3, 10)) t2(key, value) WHERE t2.key < t.key) "
        "ON TRUE",
        [(1, 0), (2, 1), (3, 2)],
    ),
    # TestCorrelatedAggregation.testGlobalAggregation
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT count(value) FROM "
        "(VALUES (1, 10), (2, 20), (3, 10)) t2(key, value) WHERE t2.key <= t.key) ON TRUE",
        [(1, 1), (2, 2), (3, 3)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT count(*) FROM "
        "(VALUES (1, 10), (2, 20), (3, 10)) t2(key, value) WHERE t2.key <= t.key) ON TRUE",
        [(1, 1), (2, 2), (3, 3)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT avg(value) FROM "
        "(VALUES (1, 10), (2, 20), (3, 30)) t2(key, value) WHERE t2.key <= t.key) ON TRUE",
        [(1, 10.0), (2, 15.0), (3, 20.0)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT avg(value) FILTER "
        "(WHERE value > 15) FROM (VALUES (1, 10), (2, 20), (3, 30)) t2(key, value) WHERE "
        "t2.key <= t.key) ON TRUE",
        [(1, None), (2, 20.0), (3, 25.0)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT count(value) FILTER "
        "(WHERE value > 15) FROM (SELECT 0, 0 WHERE false) t2(key, value) WHERE t2.key <= "
        "t.key) ON TRUE",
        [(1, 0), (2, 0), (3, 0)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT array_agg(value "
        "ORDER BY value) FROM (VALUES (1, 10), (2, 30), (3, 20)) t2(key, value) WHERE t2.key "
        "<= t.key) ON TRUE",
        [(1, [10]), (2, [10, 30]), (3, [10, 20, 30])],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT array_agg(value "
        "ORDER BY value) FROM (SELECT 0, 0 WHERE false) t2(key, value) WHERE t2.key <= t.key)"
        " ON TRUE",
        [(1, None), (2, None), (3, None)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT count(value), "
        "avg(value) FROM (VALUES (1, 10), (2, 10), (3, 40)) t2(key, value) WHERE t2.key <= "
        "t.key) ON TRUE",
        [(1, 1, 10.0), (2, 2, 10.0), (3, 3, 20.0)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT count(value) + 100, "
        "avg(value) * 100e0 FROM (VALUES (1, 10), (2, 10), (3, 40)) t2(key, value) WHERE "
        "t2.key <= t.key) ON TRUE",
        [(1, 101, 1000.0), (2, 102, 1000.0), (3, 103, 2000.0)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT count(value) FROM "
        "(VALUES (1, null), (2, 20), (3, 10)) t2(key, value) WHERE t2.key <= t.key) ON TRUE",
        [(1, 0), (2, 1), (3, 2)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT count(*) FROM "
        "(VALUES (1, null), (2, 20), (3, 10)) t2(key, value) WHERE t2.key <= t.key) ON TRUE",
        [(1, 1), (2, 2), (3, 3)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT count(value) FROM "
        "(SELECT 0, 0 WHERE false) t2(key, value) WHERE t2.key <= t.key) ON TRUE",
        [(1, 0), (2, 0), (3, 0)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT count(*) FROM "
        "(SELECT 0, 0 WHERE false) t2(key, value) WHERE t2.key <= t.key) ON TRUE",
        [(1, 0), (2, 0), (3, 0)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT count(value) FROM "
        "(VALUES (1, 10), (2, 20), (3, 10)) t2(key, value) WHERE t2.key < t.key) ON TRUE",
        [(1, 0), (2, 1), (3, 2)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT count(*) FROM "
        "(VALUES (1, 10), (2, 20), (3, 10)) t2(key, value) WHERE t2.key < t.key) ON TRUE",
        [(1, 0), (2, 1), (3, 2)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) INNER JOIN LATERAL (SELECT count(value) FROM "
        "(VALUES (1, 10), (2, 20), (3, 10)) t2(key, value) WHERE t2.key < t.key) ON TRUE",
        [(1, 0), (2, 1), (3, 2)],
    ),
    # TestCorrelatedAggregation.testLeftCorrelatedJoinWithDistinctAggregation
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT value FROM (VALUES "
        "(1, 10), (2, 20), (3, 10)) t2(key, value) WHERE t2.key <= t.key GROUP BY value) ON "
        "TRUE",
        [(1, 10), (2, 10), (2, 20), (3, 10), (3, 20)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT value + 100 FROM "
        "(VALUES (1, 10), (2, 20), (3, 10)) t2(key, value) WHERE t2.key <= t.key GROUP BY "
        "value) ON TRUE",
        [(1, 110), (2, 110), (2, 120), (3, 110), (3, 120)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT value FROM (VALUES "
        "(1, null), (2, null), (3, 10)) t2(key, value) WHERE t2.key <= t.key GROUP BY value) "
        "ON TRUE",
        [(1, None), (2, None), (3, None), (3, 10)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT value FROM (SELECT "
        "0, 0 WHERE false) t2(key, value) WHERE t2.key <= t.key GROUP BY value) ON TRUE",
        [(1, None), (2, None), (3, None)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) LEFT JOIN LATERAL (SELECT value FROM (VALUES "
        "(1, 10), (2, 20), (3, 10)) t2(key, value) WHERE t2.key < t.key GROUP BY value) ON "
        "TRUE",
        [(1, None), (2, 10), (3, 10), (3, 20)],
    ),
    # TestCorrelatedAggregation.testInnerCorrelatedJoinWithGroupedDistinctAggregation
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) INNER JOIN LATERAL (SELECT count(DISTINCT key)"
        " FROM (VALUES (1, 10), (2, 20), (3, 10)) t2(key, value) WHERE t2.key <= t.key GROUP "
        "BY value) ON TRUE",
        [(1, 1), (2, 1), (2, 1), (3, 1), (3, 2)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) INNER JOIN LATERAL (SELECT avg(DISTINCT key) "
        "FROM (VALUES (1, 10), (2, 20), (3, 10)) t2(key, value) WHERE t2.key <= t.key GROUP "
        "BY value) ON TRUE",
        [(1, 1.0), (2, 1.0), (2, 2.0), (3, 2.0), (3, 2.0)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) INNER JOIN LATERAL (SELECT avg(DISTINCT key) "
        "FILTER (WHERE key > 1) FROM (VALUES (1, 10), (2, 20), (3, 10)) t2(key, value) WHERE "
        "t2.key <= t.key GROUP BY value) ON TRUE",
        [(1, None), (2, None), (2, 2.0), (3, 2.0), (3, 3.0)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) INNER JOIN LATERAL (SELECT array_agg(DISTINCT "
        "key ORDER BY key) FROM (VALUES (1, 10), (2, 20), (2, 10), (2, 10), (3, 10)) t2(key, "
        "value) WHERE t2.key <= t.key GROUP BY value) ON TRUE",
        [(1, [1]), (2, [1, 2]), (2, [2]), (3, [1, 2, 3]), (3, [2])],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) INNER JOIN LATERAL (SELECT count(DISTINCT key)"
        " + 100 FROM (VALUES (1, 10), (2, 20), (3, 10)) t2(key, value) WHERE t2.key <= t.key "
        "GROUP BY value) ON TRUE",
        [(1, 101), (2, 101), (2, 101), (3, 101), (3, 102)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) INNER JOIN LATERAL (SELECT count(DISTINCT key)"
        " FROM (VALUES (1, null), (2, 20), (3, 10)) t2(key, value) WHERE t2.key <= t.key "
        "GROUP BY value) ON TRUE",
        [(1, 1), (2, 1), (2, 1), (3, 1), (3, 1), (3, 1)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) INNER JOIN LATERAL (SELECT count(DISTINCT key)"
        " FROM (SELECT 0, 0 WHERE false) t2(key, value) WHERE t2.key <= t.key GROUP BY value)"
        " ON TRUE",
        [],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) INNER JOIN LATERAL (SELECT count(DISTINCT key)"
        " FROM (VALUES (1, 10), (2, 10), (3, 10)) t2(key, value) WHERE t2.key < t.key GROUP "
        "BY value) ON TRUE",
        [(2, 1), (3, 2)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) INNER JOIN LATERAL (SELECT avg(DISTINCT key) "
        "FROM (VALUES (1, 10), (2, 10), (3, 10)) t2(key, value) WHERE t2.key < t.key GROUP BY"
        " value) ON TRUE",
        [(2, 1.0), (3, 1.5)],
    ),
    # TestCorrelatedAggregation.testInnerCorrelatedJoinWithGroupedAggregation
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) INNER JOIN LATERAL (SELECT count(key) FROM "
        "(VALUES (1, 10), (2, 10), (2, 10)) t2(key, value) WHERE t2.key <= t.key GROUP BY "
        "value) ON TRUE",
        [(1, 1), (2, 3), (3, 3)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) INNER JOIN LATERAL (SELECT count(*) FROM "
        "(VALUES (1, 10), (2, 10), (2, 10)) t2(key, value) WHERE t2.key <= t.key GROUP BY "
        "value) ON TRUE",
        [(1, 1), (2, 3), (3, 3)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) INNER JOIN LATERAL (SELECT avg(key) FROM "
        "(VALUES (1, 10), (2, 10), (2, 20)) t2(key, value) WHERE t2.key <= t.key GROUP BY "
        "value) ON TRUE",
        [(1, 1.0), (2, 1.5), (2, 2.0), (3, 1.5), (3, 2.0)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) INNER JOIN LATERAL (SELECT avg(key) FILTER "
        "(WHERE key > 1) FROM (VALUES (1, 10), (2, 20), (3, 10)) t2(key, value) WHERE t2.key "
        "<= t.key GROUP BY value) ON TRUE",
        [(1, None), (2, None), (2, 2.0), (3, 2.0), (3, 3.0)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) INNER JOIN LATERAL (SELECT array_agg(key ORDER"
        " BY key) FROM (VALUES (1, 10), (2, 20), (2, 10), (2, 10), (3, 10)) t2(key, value) "
        "WHERE t2.key <= t.key GROUP BY value) ON TRUE",
        [(1, [1]), (2, [1, 2, 2]), (2, [2]), (3, [1, 2, 2, 3]), (3, [2])],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) INNER JOIN LATERAL (SELECT count(key) + 100 "
        "FROM (VALUES (1, 10), (2, 10), (2, 10)) t2(key, value) WHERE t2.key <= t.key GROUP "
        "BY value) ON TRUE",
        [(1, 101), (2, 103), (3, 103)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) INNER JOIN LATERAL (SELECT count(key) FROM "
        "(VALUES (1, null), (2, 10), (2, 10)) t2(key, value) WHERE t2.key <= t.key GROUP BY "
        "value) ON TRUE",
        [(1, 1), (2, 1), (2, 2), (3, 1), (3, 2)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) INNER JOIN LATERAL (SELECT count(key) FROM "
        "(SELECT 0, 0 WHERE false) t2(key, value) WHERE t2.key <= t.key GROUP BY value) ON "
        "TRUE",
        [],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) INNER JOIN LATERAL (SELECT count(key) FROM "
        "(VALUES (1, 10), (2, 10), (3, 10)) t2(key, value) WHERE t2.key < t.key GROUP BY "
        "value) ON TRUE",
        [(2, 1), (3, 2)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2, 3) t(key) INNER JOIN LATERAL (SELECT avg(key) FROM "
        "(VALUES (1, 10), (2, 10), (3, 10)) t2(key, value) WHERE t2.key < t.key GROUP BY "
        "value) ON TRUE",
        [(2, 1.0), (3, 1.5)],
    ),
    # TestCorrelatedAggregation.testArrayAgg
    (
        "SELECT * FROM (VALUES 1) t(key) LEFT JOIN LATERAL (SELECT array_agg(value) FROM "
        "(SELECT 1, 1 WHERE false) t2(key, value) WHERE t2.key = t.key) ON TRUE",
        [(1, None)],
    ),
    (
        "SELECT * FROM (VALUES 1, 2) t(key) LEFT JOIN LATERAL (SELECT array_agg(value) FILTER"
        " (WHERE value > 1) FROM (VALUES (1, 1), (2, 2)) t2(key, value) WHERE t2.key <= "
        "t.key) ON TRUE",
        [(1, None), (2, [2])],
    ),
    # TestLateral.testUncorrelatedLateral
    (
        "SELECT * FROM LATERAL (VALUES 1, 2, 3)",
        [(1,), (2,), (3,)],
    ),
    (
        "SELECT * FROM LATERAL (VALUES 1), (VALUES 'a')",
        [(1, "a")],
    ),
    (
        "SELECT * FROM LATERAL (VALUES 1) CROSS JOIN (VALUES 'a')",
        [(1, "a")],
    ),
    (
        "SELECT * FROM LATERAL (VALUES 1) t(a)",
        [(1,)],
    ),
    # TestCorrelatedJoin.testJoinInCorrelatedJoinInput
    (
        "SELECT * FROM (VALUES 1) t1(a) JOIN (VALUES 2) t2(b) ON a < b, LATERAL (VALUES 3)",
        [(1, 2, 3)],
    ),
    # TestDecorrelateDependentJoinDifferential.frameworkMatchesLegacy
    (
        "SELECT a FROM (VALUES 1, 2, 3, 4) t(a) WHERE EXISTS (SELECT 1 FROM (VALUES 2, 4, 6) "
        "u(b) WHERE u.b = t.a)",
        [(2,), (4,)],
    ),
    (
        "SELECT a FROM (VALUES 1, 2, 3, 4) t(a) WHERE NOT EXISTS (SELECT 1 FROM (VALUES 2, 4,"
        " 6) u(b) WHERE u.b = t.a)",
        [(1,), (3,)],
    ),
    (
        "SELECT a FROM (VALUES 1, 5, 10) t(a) WHERE EXISTS (SELECT 1 FROM (VALUES 3, 7) u(b) "
        "WHERE u.b < t.a)",
        [(5,), (10,)],
    ),
    (
        "SELECT a, b FROM (VALUES (1, 1), (1, 2), (2, 1)) t(a, b) WHERE EXISTS (SELECT 1 FROM"
        " (VALUES (1, 1), (1, 2), (2, 2)) u(k, s) WHERE u.k = t.a AND u.s <> t.b)",
        [(1, 1), (1, 2), (2, 1)],
    ),
    (
        "SELECT a FROM (VALUES 1, 2, 3) t(a) WHERE a IN (SELECT u.b FROM (VALUES 1, 3, 5) "
        "u(b) WHERE u.b <> t.a + 1)",
        [(1,), (3,)],
    ),
    (
        "SELECT a, (SELECT max(u.b) FROM (VALUES 10, 20, 30) u(b) WHERE u.b > t.a * 10) FROM "
        "(VALUES 1, 2, 3) t(a)",
        [(1, 30), (2, 30), (3, None)],
    ),
    (
        "SELECT a FROM (VALUES 1, 5, 10) t(a) WHERE (SELECT count(*) FROM (VALUES 2, 4, 6) "
        "u(b) WHERE u.b < t.a) >= 2",
        [(5,), (10,)],
    ),
    (
        "SELECT a, (SELECT count(*) + 1 FROM (VALUES 1, 2, 3) u(b) WHERE u.b < t.a) FROM "
        "(VALUES 1, 2, 3) t(a)",
        [(1, 1), (2, 2), (3, 3)],
    ),
    (
        "SELECT a, (SELECT t.a + count(*) FROM (VALUES 1, 2, 3) u(b) WHERE u.b < t.a) FROM "
        "(VALUES 1, 2, 3) t(a)",
        [(1, 1), (2, 3), (3, 5)],
    ),
    (
        "SELECT a FROM (VALUES 1, 2, 3) t(a) WHERE EXISTS (SELECT max(u.b) + 1 FROM (VALUES "
        "1, 2, 3) u(b) WHERE u.b < t.a GROUP BY u.b)",
        [(2,), (3,)],
    ),
    (
        "SELECT a, (SELECT u.b FROM (VALUES (1, 10), (2, 20)) u(k, b) WHERE u.k = t.a) FROM "
        "(VALUES 1, 2, 3) t(a)",
        [(1, 10), (2, 20), (3, None)],
    ),
    (
        "SELECT a, (SELECT u.b FROM (VALUES (1, 10), (5, 20)) u(k, b) WHERE u.k > t.a AND u.k"
        " < t.a + 3) FROM (VALUES 0, 4, 9) t(a)",
        [(0, 10), (4, 20), (9, None)],
    ),
    (
        "SELECT t.a, l.b FROM (VALUES 1, 1, 2, 3) t(a) LEFT JOIN LATERAL (SELECT DISTINCT u.b"
        " FROM (VALUES (1, 10), (1, 10), (1, 20), (2, 30)) u(k, b) WHERE u.k = t.a) l(b) ON "
        "true",
        [(1, 10), (1, 20), (1, 10), (1, 20), (2, 30), (3, None)],
    ),
    (
        "SELECT a FROM (VALUES 1, 5, 10) t(a) WHERE a > ALL (SELECT u.b FROM (VALUES 2, 4) "
        "u(b) WHERE u.b < t.a + 100)",
        [(5,), (10,)],
    ),
    (
        "SELECT a FROM (VALUES 1, 5, 10) t(a) WHERE a = ANY (SELECT u.b FROM (VALUES 5, 10, "
        "15) u(b) WHERE u.b <= t.a)",
        [(5,), (10,)],
    ),
    (
        "SELECT t.a, l.b FROM (VALUES 1, 1, 2, 3) t(a) LEFT JOIN LATERAL (SELECT u.b FROM "
        "(VALUES (1, 10), (1, 20), (1, 30), (2, 40)) u(k, b) WHERE u.k = t.a ORDER BY u.b "
        "DESC LIMIT 2) l(b) ON true",
        [(1, 30), (1, 20), (1, 30), (1, 20), (2, 40), (3, None)],
    ),
    (
        "SELECT t.a, l.b FROM (VALUES 1, 2) t(a), LATERAL (SELECT u.b FROM (VALUES (1, 10), "
        "(1, 20), (2, 30)) u(k, b) WHERE u.k = t.a AND u.b < 25 ORDER BY u.b LIMIT 1) l(b)",
        [(1, 10)],
    ),
    (
        "SELECT t.a, l.b, l.c FROM (VALUES 1, 1, 2) t(a), LATERAL (SELECT u.b, count(*) AS c "
        "FROM (VALUES (1, 10), (1, 20), (2, 30)) u(b, x) WHERE u.b = t.a GROUP BY u.b) l(b, "
        "c)",
        [(1, 1, 2), (1, 1, 2), (2, 2, 1)],
    ),
    (
        "SELECT a FROM (VALUES 1, 2, 3) t(a) WHERE EXISTS (SELECT 1 FROM (VALUES 1, 2) u(b) "
        "JOIN (VALUES 2, 3) v(c) ON u.b = v.c WHERE u.b = t.a AND v.c = t.a)",
        [(2,)],
    ),
    (
        "SELECT a FROM (VALUES 1, 2, 3) t(a) WHERE EXISTS (SELECT 1 FROM (VALUES 1, 2, 3) "
        "u(b) WHERE u.b = t.a AND EXISTS (SELECT 1 FROM (VALUES 2, 3) w(c) WHERE w.c = u.b))",
        [(2,), (3,)],
    ),
    (
        "SELECT a FROM (VALUES 1, 2, 3, 4) t(a) WHERE EXISTS (SELECT 1 FROM (VALUES 2, 3) "
        "u(b) WHERE u.b = t.a OR u.b = t.a - 1)",
        [(2,), (3,), (4,)],
    ),
    (
        "SELECT a FROM (VALUES 1, 5, 10) t(a) WHERE a <> ALL (SELECT u.b FROM (VALUES 5, 10) "
        "u(b) WHERE u.b <= t.a)",
        [(1,)],
    ),
    (
        "SELECT a, b FROM (VALUES 1, 2) t(a) LEFT JOIN LATERAL (VALUES a) t2(b) ON true",
        [(1, 1), (2, 2)],
    ),
]


def _bag(rows) -> Counter:
    def value(v):
        return tuple(value(x) for x in v) if isinstance(v, (list, tuple)) else v

    return Counter(tuple(value(v) for v in row) for row in rows)


@pytest.mark.parametrize(("sql", "expected"), ANSWERED)
def test_trinos_answer(athena, sql, expected):
    assert _bag(athena(sql).rows) == _bag(expected)


@pytest.mark.parametrize(
    "sql",
    [
        # TestSubqueries.testCorrelatedSubqueriesWithLimit
        "SELECT (SELECT t.a FROM (VALUES 1, 1, 2, 3) t(a) WHERE t.a = t2.b LIMIT 2)"
        " FROM (VALUES 1) t2(b)",
        # TestSubqueries.testCorrelatedSubqueriesWithGroupBy: "t.a is not a 'constant' column,
        # group by does not guarantee single row per correlated subquery"
        "SELECT (SELECT count(*) FROM (VALUES 1, 2, 3, null) t(a) WHERE t.a<t2.b GROUP BY t.a)"
        " FROM (VALUES 1, 2, 3) t2(b)",
        # TestSubqueries.testCorrelatedUnnestInScalarSubquery
        "SELECT (SELECT * FROM UNNEST(a) u(x)) FROM (VALUES ARRAY[1, 2, 3]) t(a)",
    ],
)
def test_a_scalar_subquery_of_several_rows_fails_as_in_trino(athena, sql):
    """Trino runs these and fails at run time: "Scalar sub-query has returned multiple rows"."""
    with pytest.raises(SqlError) as failure:
        athena(sql)
    assert failure.value.message.startswith(
        "The query failed in the local engine: Invalid Input Error: More than one row returned"
        " by a subquery used as an expression"
    )
