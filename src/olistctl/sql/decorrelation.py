"""Trino's legacy decorrelator, followed over the SQL of one correlated subquery.

Trino plans a subquery that uses its enclosing query's columns as a correlated join, then
rewrites it into plain joins (trinodb/trino core/trino-main/src/main/java/io/trino/sql/
planner: ``optimizations/PlanNodeDecorrelator`` and the ``iterative/rule/TransformCorrelated*``,
``TransformExistsApplyToCorrelatedJoin`` and ``Decorrelate*Unnest*`` rules). What they cannot
rewrite fails: "Given correlated subquery is not supported". :class:`Decorrelation` walks the
subquery's blocks as those rules walk its plan (FROM, WHERE, GROUP BY, HAVING, SELECT, ORDER
BY, LIMIT, bottom up, through the derived tables it reads alone) and raises :class:`Refused`
where they fail, or where no test shows that they do not. In short:

- outer columns may sit in WHERE and HAVING conditions, and anywhere in a subquery of one row
  of values (``(SELECT o.a + 1)``); an EXISTS ignores its SELECT list;
- over those conditions a GROUP BY, a LIMIT or an ORDER BY … LIMIT must not need a subquery
  column the conditions use, unless an equality with an outer column of the same type fixes
  it (``u.k = o.k``); a LIMIT 1 needs that of every column it returns;
- an aggregate without GROUP BY may sit on top, inside an expression that may use outer
  columns; in a LATERAL joined ON TRUE a GROUP BY may too (INNER), or one without aggregates;
- IN (and = ANY, <> ALL) takes conditions and a SELECT list of the subquery's own columns only.

Trino's versions differ on a few shapes (a coercion of the correlated column, ``c = f(o.a)``,
``(VALUES o.a)``, grouping sets under EXISTS): the older answer, a refusal, is kept, since
Athena's engine may be the older one. The tests that show each rule are cited where it is
applied, and next to each case in tests/cli/test_correlated_subqueries.py (refused) and
tests/sql/test_correlated_answers.py (answered).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from olistctl.sql.blocks import (
    aggregate_calls,
    aggregation_node,
    bare,
    conjuncts,
    first_window,
    global_aggregation,
    grouping_sets,
    has_subquery,
    on_true,
    projection_only,
    row_count,
    select_item,
    spine,
)
from olistctl.sql.correlation import (
    COMPARE,
    EXISTS,
    IN,
    LATERAL,
    SCALAR,
    Subquery,
    inside,
    origin,
    relations,
    subquery_kind,
    unwrap,
    written,
)
from olistctl.sql.type_inference import type_of

# What a column of the subquery is to the rules: a relation's column, or an expression.
Symbol = tuple


class Refused(Exception):
    """The subquery is refused: ``reason`` says why, at ``node``."""

    def __init__(self, node: exp.Expr, reason: str) -> None:
        super().__init__(reason)
        self.node = node
        self.reason = reason


@dataclass
class _State:
    """PlanNodeDecorrelator's DecorrelationResult, for the rows of the blocks walked so far:
    the subquery columns the correlated conditions use, those an equality with an outer
    column fixes, whether there is at most one row per outer row, and the columns out."""

    correlated: bool = False
    propagate: set[Symbol] = field(default_factory=set)
    constants: set[Symbol] = field(default_factory=set)
    single_row: bool = False
    outputs: set[Symbol] = field(default_factory=set)
    conditions: list[exp.Expr] = field(default_factory=list)


class Decorrelation:
    def __init__(self, subquery: Subquery, outer: list[exp.Column]) -> None:
        self.node = subquery.node
        self.query = subquery.query
        self.kind = subquery.kind
        self.outer = outer
        self.outer_ids = {id(c) for c in outer}
        join = self.node.parent if self.kind == LATERAL else None
        self.join = join if isinstance(join, exp.Join) else None
        self.spine = spine(self.query) if isinstance(self.query, exp.Select) else []
        self.spine_ids = {id(block) for block in self.spine}
        self.places = {id(c): self._place(c) for c in outer}

    def check(self) -> None:
        query = self.query
        if isinstance(query, exp.SetOperation):
            # TestDecorrelateDependentJoin.testCorrelatedUnionAllInLateral: legacy cannot.
            raise Refused(
                self.node, f"it is a {_set_word(query)} of queries that use {self._first()}"
            )
        if isinstance(query, exp.Values):
            self._values(query)
            return
        if not isinstance(query, exp.Select):
            raise Refused(self.node, f"it uses {self._first()}")
        self._no_outer_in_unwalked_clauses()
        if self.kind in (SCALAR, LATERAL, EXISTS) and self._one_row_of_values(query):
            self._projection_of_values(query)
            return
        self._no_deep_references()
        unnest = self._correlated_unnest()
        if unnest is not None:
            self._unnest(unnest)
        elif self.kind == IN:
            self._membership()
        elif self.kind == EXISTS:
            self._exists(query)
        elif self.kind == COMPARE:
            self._block(query, prune=False)
        elif self.kind == SCALAR:
            self._scalar(query)
        else:
            self._lateral(query)

    # - the forms -

    def _values(self, values: exp.Values) -> None:
        # TestSubqueries.testCorrelatedSubqueryWithoutFilter: "(VALUES b)" is refused by
        # older Trino. One row in a LATERAL is answered (TestDecorrelateDependentJoin
        # Differential); several rows: "nothing accepts it" (testCorrelatedValuesInLateral).
        if self.kind == LATERAL and len(values.expressions) == 1 and self.on_true():
            return
        raise Refused(self.node, f"its VALUES use {self._first()}")

    def _projection_of_values(self, query: exp.Select) -> None:
        """One row of values per outer row: Trino makes it expressions of the outer row
        (TransformCorrelatedSingleRowSubqueryToProject; TestSubqueries.testCorrelatedScalar
        Subquery, TestLateral.testUncorrelatedLateral, AbstractTestEngineOnlyQueries.
        testCorrelatedScalarSubqueries)."""
        if self.kind == LATERAL and not self.on_true():
            raise Refused(self._condition_node(), "it is joined ON a condition other than TRUE")
        for column in self.outer:
            item = select_item(column)
            if item is None or not isinstance(item.parent, exp.Select):
                continue
            if not relations(item.parent):
                continue
            own = [c for c in item.find_all(exp.Column) if id(c) not in self.outer_ids]
            if own:
                # Older Trino refuses "SELECT (SELECT a + b FROM (VALUES 1) r(a))".
                raise Refused(
                    item,
                    f"its SELECT list combines {written(column)} with its own {written(own[0])}",
                )

    def _aggregate_on_top(self) -> exp.Select | None:
        """The block of aggregates without GROUP BY (nor HAVING) on top of the subquery, under
        the derived tables that only project its columns (Trino inlines those projections):
        the pattern of TransformCorrelatedGlobalAggregationWithProjection."""
        for block in self.spine:
            if global_aggregation(block):
                return block if block.args.get("having") is None else None
            if not projection_only(block) or self._derived(block) is None:
                return None
        return None

    def _exists(self, query: exp.Select) -> None:
        top = self._aggregate_on_top()
        if top is not None:
            # One row whatever the outer row: AbstractTestEngineOnlyQueries.testCorrelated
            # ExistsSubqueriesWithEqualityPredicatesInWhere ("EXISTS (SELECT avg(l.orderkey)
            # … WHERE o.orderkey = l.orderkey)").
            self._global_top(top)
            return
        # TransformExistsApplyToCorrelatedJoin: "Expected subquery output symbols to be pruned".
        self._block(query, prune=True)

    def _scalar(self, query: exp.Select) -> None:
        top = self._aggregate_on_top()
        if top is not None:
            self._global_top(top)
            return
        self._block(query, prune=False)

    def _lateral(self, query: exp.Select) -> None:
        inner = self.join is None or (self.join.args.get("side") or "").upper() != "LEFT"
        on_true = self.on_true()
        top = self._aggregate_on_top()
        if top is not None:
            if not on_true:
                # TestDecorrelateDependentJoin.testScalarAggregateWithNonTrivialJoinFilter.
                raise Refused(
                    self._condition_node(), "its aggregate is joined ON a condition other than TRUE"
                )
            self._global_top(top)
            return
        group = query.args.get("group")
        grouped = group is not None and not grouping_sets(group)
        distinct = query.args.get("distinct") is not None and not aggregate_calls(query)
        if (
            on_true
            and bare(query)
            and ((grouped and (inner or not aggregate_calls(query))) or distinct)
        ):
            # TransformCorrelatedGroupedAggregation* (INNER) and TransformCorrelatedDistinct
            # Aggregation* (no aggregates): the conditions under the GROUP BY may use any
            # column (TestCorrelatedAggregation).
            self._no_outer_in(query, ("expressions", "group"))
            self._nested_above(query, self._source_and_where(query))
            return
        self._block(query, prune=False)

    def _membership(self) -> None:
        """TransformCorrelatedInPredicateToJoin takes projections and conditions only ("only
        pulls correlation out of filters"): anything else over a correlated condition fails
        (AbstractTestEngineOnlyQueries.testCorrelatedInPredicateSubqueries;
        TestDecorrelateDependentJoinDifferential: DISTINCT is "unsupported by LEGACY")."""
        correlated = False
        for block in reversed(self.spine):
            self._no_outer_in(
                block, ("expressions", "group", "order", "distinct", "limit", "offset")
            )
            self._no_outer_from(block)
            correlated = correlated or self._outer_in_clause(block, "where") is not None
            above = aggregation_node(block) or first_window(block) or block.args.get("distinct")
            if correlated and above is not None:
                raise Refused(
                    above,
                    f"{_what(above)} sits over its correlated condition, which IN (…) does"
                    " not take",
                )
            correlated = correlated or self._outer_in_clause(block, "having") is not None
            self._nested_above(block, _State(correlated=correlated))
            for key in ("order", "limit", "offset"):
                clause = block.args.get(key)
                if correlated and clause is not None:
                    raise Refused(
                        clause,
                        f"{_what(clause)} sits over its correlated condition, which IN (…)"
                        " does not take",
                    )

    def _correlated_unnest(self) -> exp.Unnest | None:
        """An UNNEST of outer columns at the bottom of the subquery's derived tables: FROM
        UNNEST(o.a) u(x), or FROM (VALUES 1) LEFT JOIN UNNEST(o.a) u(x) ON TRUE."""
        if not self.spine:
            return None
        bottom = self.spine[-1]
        found = relations(bottom)
        if not found or not isinstance(found[-1], exp.Unnest) or len(found) > 2:
            return None
        if len(found) == 2:
            first, join = found[0], bottom.args["joins"][0]
            side = (join.args.get("side") or "").upper()
            one_row = isinstance(first, exp.Values) and len(first.expressions) == 1
            if not one_row or side not in ("", "LEFT") or not on_true(join):
                return None
        unnest = found[-1]
        in_from = [c for c in self.outer if self.places[id(c)][0] == "from"]
        return unnest if in_from and all(inside(c, unnest) for c in in_from) else None

    def _unnest(self, unnest: exp.Unnest) -> None:
        """DecorrelateUnnest and Decorrelate{Inner,Left}UnnestWithGlobalAggregation: over an
        UNNEST of outer columns, projections (of outer columns too), then on top a LIMIT, an
        ORDER BY … LIMIT or aggregates without GROUP BY (TestSubqueries.testCorrelatedInner
        UnnestWithGlobalAggregation, testCorrelatedLeftUnnestWithGlobalAggregation,
        testCorrelatedUnnestInScalarSubquery); no filter of the unnested values
        (TestDecorrelateDependentJoin.testCorrelatedUnnestInsideLateralWithFilter)."""
        column = self._first()
        if self.kind not in (SCALAR, LATERAL) or not self.on_true():
            raise Refused(
                unnest,
                f"it unnests {column}, which Athena decorrelates only in a scalar subquery or"
                " a LATERAL joined ON TRUE",
            )
        for depth, block in enumerate(self.spine):
            keys = ("where", "group", "having", "distinct", "offset")
            for key in keys if depth == 0 else (*keys, "order", "limit"):
                clause = block.args.get(key)
                if clause is not None:
                    raise Refused(clause, f"it has {_what(clause)} over an UNNEST of {column}")
            window = first_window(block)
            if window is not None:
                raise Refused(window, f"{_what(window)} reads an UNNEST of {column}")
            aggregates = aggregate_calls(block)
            if aggregates and depth > 0:
                raise Refused(aggregates[0], f"{_what(aggregates[0])} reads an UNNEST of {column}")
            if aggregates and all(isinstance(a.parent, exp.Filter) for a in aggregates):
                # "all aggregations have filter, so filter is pushed down and it is not
                # supported by the correlated unnest rewrite".
                raise Refused(
                    aggregates[0].parent or aggregates[0],
                    f"every aggregate of an UNNEST of {column} has a FILTER",
                )
            self._nested_above(block, _State(correlated=True))
        top = self.spine[0]
        self._no_outer_in(top, ("order", "limit"))
        self._limit(top, _State())

    # - PlanNodeDecorrelator, block by block -

    def _block(self, block: exp.Select, *, prune: bool) -> _State:
        """One query block, bottom up, as PlanNodeDecorrelator's visitors walk its plan."""
        state = self._source_and_where(block)
        state = self._aggregate(block, state)
        having = block.args.get("having")
        if having is not None:
            state = self._filter(having.this, state)
        window = first_window(block)
        if window is not None and state.correlated:
            # TestSubqueries.testCorrelatedSubqueryWithoutFilter ("rank() OVER (PARTITION BY
            # b)"), TestDecorrelateDependentJoin.testCorrelatedWindowRowNumber.
            raise Refused(window, f"{_what(window)} sits over its correlated condition")
        self._no_outer_in(block, ("group", "order", "distinct", "limit", "offset"))
        self._nested_above(block, state)
        distinct = block.args.get("distinct")
        if not prune or distinct is not None:
            # visitProject keeps the projections, which must not use outer columns
            # (AbstractTestEngineOnlyQueries.testCorrelatedNonAggregationScalarSubqueries:
            # "correlation used in subquery output").
            self._no_outer_in(block, ("expressions",))
        items = {self._symbol_of_item(item) for item in block.expressions}
        state.outputs = (set() if prune else items) | state.propagate
        if distinct is not None and state.correlated:
            state = self._group(state, items, distinct)
        return self._limit(block, state)

    def _source_and_where(self, block: exp.Select) -> _State:
        below = self._derived(block)
        if below is not None:
            state = self._block(below, prune=False)
        else:
            self._no_outer_from(block)
            state = _State()
        where = block.args.get("where")
        if where is not None:
            if state.correlated and has_subquery(where):
                raise Refused(
                    where, "a subquery in its WHERE clause sits over its correlated condition"
                )
            state = self._filter(where.this, state)
        return state

    def _filter(self, condition: exp.Expr, state: _State) -> _State:
        """visitFilter: the correlated conjuncts rise above every node over them; the
        subquery columns they use go with them."""
        for conjunct in conjuncts(condition):
            if self._outer_in(conjunct) is None:
                continue
            state.correlated = True
            state.conditions.append(conjunct)
            state.propagate |= {self._symbol(c) for c in self._own_columns(conjunct)}
            fixed = self._fixed(conjunct)
            if fixed is not None:
                state.constants.add(fixed)
        return state

    def _fixed(self, conjunct: exp.Expr) -> Symbol | None:
        """extractConstantSymbols: ``c = o.x`` fixes the subquery column c. Newer Trino also
        takes ``c = f(o.x, …)`` and an injective coercion of c
        (TestSubqueries.testSubqueriesWithGroupByAndConstantExpression,
        testSubqueriesWithGroupByAndCoercions); older Trino refuses both
        (testUnsupportedSubqueriesWithCoercions), so only two columns of one type count."""
        if not isinstance(conjunct, exp.EQ):
            return None
        left, right = conjunct.this, conjunct.expression
        if not isinstance(left, exp.Column) or not isinstance(right, exp.Column):
            return None
        if type_of(left) != type_of(right):
            return None
        for column, other in ((left, right), (right, left)):
            if id(column) not in self.outer_ids and id(other) in self.outer_ids:
                return self._symbol(column)
        return None

    def _aggregate(self, block: exp.Select, state: _State) -> _State:
        aggregation = aggregation_node(block)
        if aggregation is None:
            return state
        if not state.correlated:
            return _State(single_row=self._at_most_one_row(block))
        group = block.args.get("group")
        if group is None:
            # visitAggregation: "Aggregation with global grouping cannot be converted";
            # AbstractTestEngineOnlyQueries.testCorrelatedScalarSubqueriesWithScalar
            # AggregationAndEqualityPredicatesInWhere ("avg(a) FROM (SELECT count(*) …)").
            raise Refused(
                aggregation,
                f"{_what(aggregation)} sits over its correlated condition in a nested query",
            )
        if grouping_sets(group):
            # TestSubqueries.testCorrelatedLateralWithGroupBy: "correlated subqueries with
            # grouping sets are not supported".
            raise Refused(group, "GROUPING SETS, ROLLUP or CUBE sits over its correlated condition")
        keys = {self._symbol_of_key(block, key) for key in group.expressions}
        return self._group(state, keys, group)

    def _group(self, state: _State, keys: set[Symbol], node: exp.Expr) -> _State:
        """visitAggregation: the columns the conditions use must be grouped, or fixed."""
        added = state.propagate - keys
        loose = added - state.constants
        if loose:
            # TestSubqueries.testCorrelatedSubqueriesWithGroupBy: "t.b is not a 'constant'
            # column, cannot be pushed above aggregation".
            condition, column, why = self._condition_with(state, loose)
            raise Refused(
                node,
                f"its {_what(node)} does not group by {column}, which its condition"
                f" {written(condition)} uses, and {why}",
            )
        return _State(
            correlated=True,
            propagate=state.propagate,
            constants=state.constants,
            single_row=(keys | added) <= state.constants,
            outputs=keys | added,
            conditions=state.conditions,
        )

    def _limit(self, block: exp.Select, state: _State) -> _State:
        """visitLimit and visitTopN, once Trino has dropped a LIMIT over at most one row."""
        limit = block.args.get("limit")
        offset = block.args.get("offset")
        order = block.args.get("order")
        if offset is not None and state.correlated:
            raise Refused(offset, "it has an OFFSET over its correlated condition")
        count = row_count(limit)
        if limit is None or count is None:
            if order is not None and state.correlated and not state.single_row:
                raise Refused(
                    order, "it has an ORDER BY without LIMIT over its correlated condition"
                )
            return state
        if count == 0:
            # AbstractTestEngineOnlyQueries.testSelectAllFromOuterScopeTable: "LIMIT 0".
            raise Refused(limit, f"it has {written(limit)}")
        if not state.correlated or state.single_row or self._at_most_one_row(block):
            return state
        loose = state.propagate - state.constants
        if loose:
            # TestSubqueries.testCorrelatedSubqueriesWithLimit: "Limit and correlated
            # non-equality predicate", "TopN and correlated non-equality predicate".
            condition, _, why = self._condition_with(state, loose)
            raise Refused(
                limit,
                f"its {written(limit)} applies to the rows its condition {written(condition)}"
                f" selects, and {why}",
            )
        if count == 1 and order is None and not state.outputs <= state.constants:
            # rewriteLimitWithRowCountOne: "Limit(1) and non-constant output symbol".
            item = self._item_not_in(block, state.constants)
            raise Refused(
                limit,
                f"its {written(limit)} picks one of several rows that may differ in"
                f" {written(item)}, which no equality with an outer column fixes",
            )
        state.single_row = state.single_row or count == 1
        return state

    def _global_top(self, query: exp.Select) -> None:
        """TransformCorrelatedGlobalAggregationWithProjection: aggregates without GROUP BY
        on top, over conditions of any kind, in an expression that may use outer columns
        (TestCorrelatedAggregation.testGlobalAggregation; TestDecorrelateDependentJoin
        Differential: "t.a + count(*)")."""
        window = first_window(query)
        if window is not None:
            raise Refused(window, f"{_what(window)} sits over its correlated condition")
        self._nested_above(query, self._source_and_where(query))
        self._no_outer_in(query, ("group", "order", "distinct", "limit", "offset"))
        self._limit(query, _State(single_row=True))

    # - where the outer columns are -

    def _place(self, column: exp.Column) -> tuple[str, exp.Select | None, str]:
        """('direct', block, clause) for a column in a block the walk visits, ('from',
        block, '') in one of its FROM items, ('deep', block, '') in a subquery in it."""
        deep = False
        node: exp.Expr = column
        while node.parent is not None:
            parent = node.parent
            if isinstance(parent, exp.Select) and id(parent) in self.spine_ids:
                if deep:
                    return "deep", parent, ""
                if node.arg_key in ("from_", "joins"):
                    return "from", parent, ""
                return "direct", parent, node.arg_key or ""
            deep = deep or subquery_kind(node) is not None
            node = parent
        return "deep", None, ""

    def _no_outer_in_unwalked_clauses(self) -> None:
        """An outer column in a clause the rules do not walk (a WITH query in the subquery)."""
        for column in self.outer:
            kind, _, clause = self.places[id(column)]
            if kind == "direct" and clause not in _CLAUSES:
                name = _CLAUSE_NAMES.get(clause, clause)
                raise Refused(column, f"it uses {written(column)} in its {name}")

    def _no_deep_references(self) -> None:
        for column in self.outer:
            if self.places[id(column)][0] == "deep":
                raise Refused(
                    column,
                    f"a subquery inside it uses {written(column)} of a query two or more"
                    " levels out",
                )

    def _no_outer_from(self, block: exp.Select) -> None:
        for column in self.outer:
            kind, where, _ = self.places[id(column)]
            if kind == "from" and where is block:
                raise Refused(
                    column,
                    f"it uses {written(column)} in its FROM clause (a join condition, a joined"
                    " subquery or an UNNEST)",
                )

    def _no_outer_in(self, block: exp.Select, clauses: tuple[str, ...]) -> None:
        for clause in clauses:
            column = self._outer_in_clause(block, clause)
            if column is not None:
                raise Refused(column, f"it uses {written(column)} in its {_CLAUSES[clause]}")

    def _outer_in_clause(self, block: exp.Select, clause: str) -> exp.Column | None:
        for column in self.outer:
            kind, where, key = self.places[id(column)]
            if kind == "direct" and where is block and key == clause:
                return column
        return None

    def _outer_in(self, node: exp.Expr) -> exp.Column | None:
        return next((c for c in node.find_all(exp.Column) if id(c) in self.outer_ids), None)

    def _first(self) -> str:
        return written(self.outer[0])

    # - shapes -

    def _one_row_of_values(self, query: exp.Expr) -> bool:
        """One row per outer row, with nothing that filters, groups or orders it."""
        query = unwrap(query)
        if isinstance(query, exp.Values):
            return len(query.expressions) == 1 and self._outer_in(query) is None
        if not isinstance(query, exp.Select):
            return False
        where = query.args.get("where")
        if where is not None and where.this != exp.true():
            return False
        if any(
            query.args.get(k) is not None
            for k in ("group", "having", "distinct", "order", "offset")
        ):
            return False
        if aggregation_node(query) is not None or first_window(query) is not None:
            return False
        if row_count(query.args.get("limit")) == 0:
            return False
        for join in query.args.get("joins") or []:
            if join.args.get("side") or not on_true(join):
                return False
        for relation in relations(query):
            if not isinstance(relation, (exp.Subquery, exp.Lateral, exp.Values)):
                return False
            if not self._one_row_of_values(
                relation if isinstance(relation, exp.Values) else relation.this
            ):
                return False
        return True

    def _at_most_one_row(self, block: exp.Select) -> bool:
        """QueryCardinalityUtil: at most one row before the LIMIT (Trino then drops it)."""
        if global_aggregation(block):
            return True
        for relation in relations(block):
            if isinstance(relation, exp.Values):
                if len(relation.expressions) != 1:
                    return False
            elif isinstance(relation, (exp.Subquery, exp.Lateral)):
                inner = unwrap(relation.this)
                if not isinstance(inner, exp.Select):
                    return False
                if not self._at_most_one_row(inner) and row_count(inner.args.get("limit")) != 1:
                    return False
            else:
                return False
        return True

    def _derived(self, block: exp.Select) -> exp.Select | None:
        for upper, lower in zip(self.spine, self.spine[1:], strict=False):
            if upper is block:
                return lower
        return None

    def _nested_above(self, block: exp.Select, state: _State) -> None:
        """A subquery planned over the correlated conditions: a join the decorrelator does
        not walk through (PlanNodeDecorrelator.visitPlan)."""
        if not state.correlated:
            return
        for key in ("expressions", "having", "group", "order"):
            clause = block.args.get(key)
            for part in clause if isinstance(clause, list) else [clause]:
                if isinstance(part, exp.Expr) and has_subquery(part):
                    raise Refused(
                        part,
                        f"a subquery in its {_CLAUSES[key]} sits over its correlated condition",
                    )

    def on_true(self) -> bool:
        return self.join is None or on_true(self.join)

    def _condition_node(self) -> exp.Expr:
        """Where to point for a LATERAL's join condition: the condition, or the LATERAL."""
        condition = self.join.args.get("on") if self.join is not None else None
        return condition if isinstance(condition, exp.Expr) else self.node

    # - symbols -

    def _own_columns(self, node: exp.Expr) -> list[exp.Column]:
        return [
            c
            for c in node.find_all(exp.Column)
            if id(c) not in self.outer_ids and origin(c) is not None
        ]

    def _symbol(self, column: exp.Column) -> Symbol:
        where = origin(column)
        if where is None:
            return ("name", column.sql())
        relation = where.relation
        if isinstance(relation, (exp.Subquery, exp.Lateral)):
            inner = unwrap(relation.this)
            if isinstance(inner, exp.Select):
                for item in inner.expressions:
                    if item.alias_or_name.lower() == column.name.lower():
                        return self._symbol_of_item(item)
        return ("column", id(relation), column.name.lower())

    def _symbol_of_item(self, item: exp.Expr) -> Symbol:
        value = item.this if isinstance(item, exp.Alias) else item
        if (
            isinstance(value, exp.Column)
            and origin(value) is not None
            and id(value) not in self.outer_ids
        ):
            return self._symbol(value)
        return ("expression", id(item))

    def _symbol_of_key(self, block: exp.Select, key: exp.Expr) -> Symbol:
        if (
            isinstance(key, exp.Literal)
            and key.is_int
            and 0 < int(key.name) <= len(block.expressions)
        ):
            return self._symbol_of_item(block.expressions[int(key.name) - 1])
        key = key.unnest() if isinstance(key, exp.Paren) else key
        if isinstance(key, exp.Column) and origin(key) is not None:
            return self._symbol(key)
        return ("expression", id(key))

    def _condition_with(self, state: _State, symbols: set[Symbol]) -> tuple[exp.Expr, str, str]:
        """The first correlated condition using one of ``symbols``, that column, and why the
        condition does not fix it."""
        for condition in state.conditions:
            for column in self._own_columns(condition):
                if self._symbol(column) in symbols:
                    return condition, written(column), self._why_loose(condition, column)
        return state.conditions[0], "a column of its own", "it fixes none of them"

    def _why_loose(self, condition: exp.Expr, column: exp.Column) -> str:
        if isinstance(condition, exp.EQ):
            other = condition.expression if condition.this is column else condition.this
            if not isinstance(other, exp.Column) or id(other) not in self.outer_ids:
                return f"{written(other)} is an expression, not an outer column"
            if type_of(column) != type_of(other):
                return (
                    f"{written(column)} ({type_of(column)}) and {written(other)}"
                    f" ({type_of(other)}) differ in type"
                )
        return "it is no equality with an outer column"

    def _item_not_in(self, block: exp.Select, symbols: set[Symbol]) -> exp.Expr | None:
        return next((i for i in block.expressions if self._symbol_of_item(i) not in symbols), None)


_CLAUSES = {
    "expressions": "SELECT list",
    "group": "GROUP BY",
    "order": "ORDER BY",
    "distinct": "DISTINCT",
    "limit": "LIMIT",
    "offset": "OFFSET",
    "having": "HAVING clause",
    "where": "WHERE clause",
}
_CLAUSE_NAMES = {**_CLAUSES, "with_": "WITH clause"}


def _set_word(query: exp.SetOperation) -> str:
    words: dict[type, str] = {exp.Union: "UNION", exp.Intersect: "INTERSECT", exp.Except: "EXCEPT"}
    return words.get(type(query), "set operation")


def _what(node: exp.Expr) -> str:
    """A clause or call named for a message: "a GROUP BY", "the aggregate max(x)"."""
    if isinstance(node, exp.AggFunc):
        return f"the aggregate {written(node)}"
    if isinstance(node, exp.Window):
        return f"the window function {written(node)}"
    words: dict[type, str] = {
        exp.Where: "a WHERE clause",
        exp.Group: "GROUP BY",
        exp.Having: "a HAVING clause",
        exp.Distinct: "DISTINCT",
        exp.Order: "ORDER BY",
        exp.Limit: "LIMIT",
        exp.Fetch: "FETCH FIRST",
        exp.Offset: "OFFSET",
    }
    return words.get(type(node), written(node))
