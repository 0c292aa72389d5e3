"""Which query each column of a qualified tree belongs to, and which subqueries use columns
of a query around them: the ground the correlated-subquery checks (``correlated.py``,
``decorrelation.py``) stand on.

After sqlglot's qualify every column names its relation (``t.a``). A name resolves in the
innermost query block that can see a relation of that name, as Trino's scopes do
(``StatementAnalyzer``): a query sees its own FROM items; an expression subquery (in WHERE,
SELECT, ON, HAVING …), a LATERAL relation and an UNNEST also see the query around them; a
derived table ``(SELECT …) AS d`` and a WITH query do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sqlglot import exp

# How Trino plans each kind of subquery (SubqueryPlanner, RelationPlanner).
EXISTS, IN, COMPARE, SCALAR, LATERAL = "EXISTS", "IN", "COMPARE", "SCALAR", "LATERAL"


@dataclass(frozen=True)
class Origin:
    """Where a column comes from: the query block, and the relation in its FROM clause."""

    block: exp.Select
    relation: exp.Expr


@dataclass(frozen=True)
class Subquery:
    """A subquery expression or LATERAL relation: the node written, the query in it, and
    how Trino plans it (EXISTS, IN, COMPARE, SCALAR or LATERAL)."""

    node: exp.Expr
    query: exp.Expr
    kind: str


def relations(block: exp.Select) -> list[exp.Expr]:
    """The FROM items of a query block, in order (the first, then each join's)."""
    found = []
    from_ = block.args.get("from_")
    if isinstance(from_, exp.From):
        found.append(from_.this)
    found += [join.this for join in block.args.get("joins") or []]
    return found


def origin(column: exp.Column) -> Origin | None:
    """The block and relation ``column`` resolves to, or None (unqualified, or a name the
    blocks around it do not have, which the column check reports)."""
    name = column.table.lower()
    if not name:
        return None
    for block in _visible_blocks(column):
        for relation in relations(block):
            if _relation_name(relation) == name:
                return Origin(block, relation)
    return None


def inside(node: exp.Expr | None, ancestor: exp.Expr) -> bool:
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False


def outer_columns(query: exp.Expr) -> list[exp.Column]:
    """The columns inside ``query`` that belong to a query around it: its correlation."""
    found = []
    for column in query.find_all(exp.Column):
        where = origin(column)
        if where is not None and not inside(where.block, query):
            found.append(column)
    return found


def subqueries(tree: exp.Expr) -> Iterator[Subquery]:
    """Each subquery expression and LATERAL relation of the tree, outermost first."""
    for node in tree.walk(bfs=False):
        kind = subquery_kind(node)
        if kind is not None:
            inner = node.args.get("query") if isinstance(node, exp.In) else node.this
            if isinstance(inner, exp.Expr):
                yield Subquery(node, unwrap(inner), kind)


def subquery_kind(node: exp.Expr) -> str | None:
    if isinstance(node, exp.Exists):
        return EXISTS
    if isinstance(node, exp.In):
        return IN if isinstance(node.args.get("query"), exp.Expr) else None
    if isinstance(node, (exp.Any, exp.All)):
        # SubqueryPlanner: = ANY is IN and <> ALL is NOT IN; the other comparisons compare
        # with an aggregate (min, max, count) of the subquery's rows.
        membership = (isinstance(node, exp.Any) and isinstance(node.parent, exp.EQ)) or (
            isinstance(node, exp.All) and isinstance(node.parent, exp.NEQ)
        )
        return IN if membership else COMPARE
    if isinstance(node, exp.Lateral):
        return LATERAL if isinstance(node.this, exp.Expr) else None
    if isinstance(node, exp.Subquery) and _is_expression(node):
        return SCALAR
    return None


def unwrap(node: exp.Expr) -> exp.Expr:
    """The query inside parentheses (an output name qualify puts on them is no relation)."""
    while isinstance(node, exp.Subquery):
        node = node.this
    return node


_PLAIN = re.compile(r"^[a-z_][a-z0-9_]*$")


def written(node: exp.Expr | None, limit: int = 60) -> str:
    """The node in Trino SQL without the quotes qualify put on every name, for a message."""
    if node is None:
        return "it"
    copy = node.copy()
    if isinstance(copy, exp.Alias):
        copy = copy.this
    for identifier in copy.find_all(exp.Identifier):
        if _PLAIN.match(identifier.name):
            identifier.set("quoted", False)
    text = copy.sql(dialect="trino", normalize_functions="lower")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_expression(node: exp.Subquery) -> bool:
    """A parenthesized query used as a value, not a relation, an operand or a wrapper."""
    parent = node.parent
    if isinstance(parent, (exp.From, exp.Join, exp.Lateral, exp.Any, exp.All, exp.Exists)):
        return False
    if isinstance(parent, (exp.SetOperation, exp.Subquery, exp.CTE)):
        return False
    return not (isinstance(parent, exp.In) and node.arg_key == "query")


def _relation_name(relation: exp.Expr) -> str:
    return (relation.alias_or_name if isinstance(relation, exp.Table) else relation.alias).lower()


def _visible_blocks(node: exp.Expr) -> list[exp.Select]:
    """The query blocks whose FROM items ``node`` can name, innermost first."""
    blocks = []
    path = [node]
    parent = node.parent
    while parent is not None:
        if isinstance(parent, exp.Select) and _sees(path):
            blocks.append(parent)
        path.append(parent)
        parent = parent.parent
    return blocks


def _sees(path: list[exp.Expr]) -> bool:
    """Whether the node at the start of ``path`` sees the relations of the block that holds
    the last node of ``path``."""
    child = path[-1]
    if child.arg_key == "with_":
        return False  # a WITH query is planned apart from the query that holds it
    if child.arg_key not in ("from_", "joins"):
        return True
    # Under From (this) or Join (this, on, using): only the join's condition, a LATERAL
    # relation and an UNNEST (implicitly lateral) see the relations beside them.
    below = path[-2] if len(path) > 1 else child
    if isinstance(child, exp.Join) and below.arg_key in ("on", "using"):
        return True
    return isinstance(below, (exp.Lateral, exp.Unnest))
