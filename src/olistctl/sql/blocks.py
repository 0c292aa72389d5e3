"""What a query block (one SELECT) holds, as the correlated-subquery rules see it: the
derived tables it reads alone, its aggregates and windows, its conditions, its LIMIT."""

from __future__ import annotations

from sqlglot import exp

from olistctl.sql.correlation import relations, subquery_kind, unwrap


def spine(query: exp.Select) -> list[exp.Select]:
    """The query and the derived tables it reads alone, nested: one plan, top down."""
    spine = [query]
    block = query
    while not block.args.get("joins"):
        found = relations(block)
        if len(found) != 1 or not isinstance(found[0], (exp.Subquery, exp.Lateral)):
            break
        inner = unwrap(found[0].this)
        if not isinstance(inner, exp.Select):
            break
        spine.append(inner)
        block = inner
    return spine


def has_subquery(node: exp.Expr) -> bool:
    return any(subquery_kind(n) is not None for n in node.walk())


def own(block: exp.Select, kind: type[exp.Expr]) -> list[exp.Expr]:
    """The nodes of ``kind`` that belong to ``block`` itself (not to a subquery in it)."""
    found = []
    for key in ("expressions", "having", "order"):
        clause = block.args.get(key)
        for part in clause if isinstance(clause, list) else [clause]:
            if isinstance(part, exp.Expr):
                found += [n for n in part.find_all(kind) if n.find_ancestor(exp.Select) is block]
    return found


def aggregate_calls(block: exp.Select) -> list[exp.Expr]:
    """The aggregate calls of a block (not window functions)."""
    return [a for a in own(block, exp.AggFunc) if not isinstance(a.parent, exp.Window)]


def aggregation_node(block: exp.Select) -> exp.Expr | None:
    """What makes the block an aggregation: its first aggregate call, or its GROUP BY."""
    calls = aggregate_calls(block)
    return calls[0] if calls else block.args.get("group")


def global_aggregation(block: exp.Select) -> bool:
    return block.args.get("group") is None and aggregation_node(block) is not None


def first_window(block: exp.Select) -> exp.Expr | None:
    found = own(block, exp.Window)
    return found[0] if found else None


def projection_only(block: exp.Select) -> bool:
    """A block that only computes expressions of its FROM item's columns."""
    clauses = ("where", "group", "having", "distinct", "order", "limit", "offset")
    if any(block.args.get(k) is not None for k in clauses):
        return False
    if aggregation_node(block) is not None or first_window(block) is not None:
        return False
    return not any(has_subquery(item) for item in block.expressions)


def bare(query: exp.Select) -> bool:
    """Nothing over the aggregation but the SELECT list: the aggregation rules' pattern."""
    if first_window(query) is not None:
        return False
    return all(query.args.get(k) is None for k in ("having", "order", "limit", "offset"))


def grouping_sets(group: exp.Group) -> bool:
    if any(group.args.get(k) for k in ("grouping_sets", "rollup", "cube")):
        return True
    return any(isinstance(e, (exp.GroupingSets, exp.Rollup, exp.Cube)) for e in group.expressions)


def conjuncts(condition: exp.Expr) -> list[exp.Expr]:
    condition = condition.unnest() if isinstance(condition, exp.Paren) else condition
    if isinstance(condition, exp.And):
        return conjuncts(condition.this) + conjuncts(condition.expression)
    return [condition]


def row_count(limit: exp.Expr | None) -> int | None:
    """The rows a LIMIT or FETCH FIRST keeps; None without one (or LIMIT ALL)."""
    if isinstance(limit, exp.Limit):
        count = limit.expression
    elif isinstance(limit, exp.Fetch):
        count = limit.args.get("count") or exp.Literal.number(1)
    else:
        return None
    return int(count.name) if isinstance(count, exp.Literal) and count.is_int else None


def on_true(join: exp.Join) -> bool:
    condition = join.args.get("on")
    if condition is None:
        return not join.args.get("using")
    return condition == exp.true()


def select_item(column: exp.Column) -> exp.Expr | None:
    node: exp.Expr = column
    while node.parent is not None:
        if isinstance(node.parent, exp.Select) and node.arg_key == "expressions":
            return node
        node = node.parent
    return None
