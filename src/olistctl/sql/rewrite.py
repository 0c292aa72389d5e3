"""The rewrite pass: each node of the typed Athena tree becomes DuckDB computing Athena's answer.

Nodes are visited children first. A node class with a rule is rewritten by
it; a function class with no rule must be on the verified list
(``verified.VERIFIED``), otherwise the query is refused by name: the local
engine gives Athena's answer or says why it cannot, never a different one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from sqlglot import exp

from olistctl.errors import SqlError
from olistctl.sql.emit import operand
from olistctl.sql.type_inference import TYPE_KEY, type_of
from olistctl.sql.types import UNKNOWN, SqlType

# A rule takes the node class its key names (Callable cannot say "the key's class",
# so the node is Any here) and returns the node's replacement, or None to keep it.
Rule = Callable[[Any, "Rewriter"], exp.Expr | None]

BACKEND_HINT = "run it on --backend aws"


def start_column(col: int, start: int, end: int) -> int:
    """The column a token starts at: sqlglot records the column of its last character."""
    return max(1, col - (end - start))


def node_position(node: exp.Expr) -> tuple[int | None, int | None]:
    """(line, column) where a node starts in the user's SQL, when the parser recorded it."""
    positions = []
    parts = [node] if "line" in node.meta and "col" in node.meta else node.walk(bfs=False)
    for part in parts:
        meta = part.meta
        if "line" in meta and "col" in meta:
            column = start_column(
                int(meta["col"]), int(meta.get("start", 0)), int(meta.get("end", 0))
            )
            positions.append((int(meta["line"]), column))
    return min(positions) if positions else (None, None)


def error_at(node: exp.Expr, message: str, hint: str | None = None) -> SqlError:
    """The SqlError for ``node``, placed where it starts in the user's SQL; without a hint,
    the local engine's own gap (run it on --backend aws)."""
    line, column = node_position(node)
    return SqlError(message, line=line, column=column, hint=hint or BACKEND_HINT)


def output_select(tree: exp.Expr) -> exp.Select | None:
    """The SELECT that names a query's output columns (a set operation's first), if any."""
    select = tree
    while isinstance(select, (exp.SetOperation, exp.Subquery)):
        select = select.left if isinstance(select, exp.SetOperation) else select.this
    return select if isinstance(select, exp.Select) else None


def sql_text(node: exp.Expr, limit: int = 60) -> str:
    text = node.sql(dialect="trino")
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Rewriter:
    def __init__(
        self,
        rules: dict[type, Rule],
        verified: frozenset[type],
        unverified: Callable[[exp.Expr, Rewriter], None],
        source: str | None = None,
    ) -> None:
        self.rules = rules
        self.verified = verified
        # Called with a function that has no rule and is not verified: it refuses it by name.
        self.unverified = unverified
        self.source = source  # the user's SQL, to name constructs as written

    def written_name(self, node: exp.Expr) -> str | None:
        """A function's name as the user typed it (``slice``, not sqlglot's ``array_slice``)."""
        start, end = node.meta.get("start"), node.meta.get("end")
        if self.source is None or start is None or end is None:
            return None
        text = self.source[int(start) : int(end) + 1]
        return text.lower() if text.replace("_", "").isalnum() else None

    def type(self, node: exp.Expr | None) -> SqlType:
        return UNKNOWN if node is None else type_of(node)

    def refuse(self, node: exp.Expr, message: str, hint: str | None = None) -> NoReturn:
        raise error_at(node, message, hint)

    def run(self, tree: exp.Expr) -> exp.Expr:
        # Reversed pre-order visits every node after all of its descendants.
        for node in reversed(list(tree.walk(bfs=False))):
            replacement = self._rewrite(node)
            if replacement is not None and replacement is not node:
                if TYPE_KEY not in replacement.meta:
                    replacement.meta[TYPE_KEY] = type_of(node)
                if node is tree:
                    tree = replacement
                else:
                    node.replace(operand(replacement, node.parent))
        return tree

    def _rewrite(self, node: exp.Expr) -> exp.Expr | None:
        for cls in type(node).__mro__:
            rule = self.rules.get(cls)
            if rule is not None:
                return rule(node, self)
            if cls in self.verified:
                return None
        if isinstance(node, exp.Func):
            self.unverified(node, self)  # not verified: refuses, naming the function
        return None


# What an aggregate call may be wrapped in: FILTER, OVER (and a window value function in
# IGNORE / RESPECT NULLS).
AGGREGATE_WRAPPERS = (exp.Window, exp.Filter, exp.IgnoreNulls, exp.RespectNulls)
# Marks a rule's replacement of an aggregate call (which may hold no sqlglot aggregate).
AGGREGATED = "olistctl_aggregate"


def calls_aggregate(node: exp.Expr) -> bool:
    """Whether ``node`` calls an aggregate of its own query (not over a window, not in a
    subquery): then the query aggregates, whatever else becomes of ``node``."""
    for part in node.walk():
        if not (isinstance(part, exp.AggFunc) or part.meta.get(AGGREGATED)):
            continue
        above, inside = part.parent, False
        while above is not None and above is not node.parent:
            inside = inside or isinstance(above, (exp.Window, exp.Select, exp.Subquery))
            above = above.parent
        if not inside:
            return True
    return False


def aggregate_call(node: exp.Expr) -> tuple[exp.Expr, exp.Expr]:
    """(outermost node, aggregate) for an aggregate possibly in ``AGGREGATE_WRAPPERS``."""
    aggregate = node
    while isinstance(aggregate, AGGREGATE_WRAPPERS):
        aggregate = aggregate.this
    return node, aggregate


def rewrap(outer: exp.Expr, aggregate: exp.Expr, new_aggregate: exp.Expr):
    """``new_aggregate`` wrapped in the same FILTER/OVER clauses as ``aggregate`` was."""
    if outer is aggregate:
        return new_aggregate
    clone = outer.copy()
    inner = clone
    while isinstance(inner.this, (exp.Window, exp.Filter)):
        inner = inner.this
    inner.set("this", new_aggregate)
    return clone


def integer_literal(node: exp.Expr | None) -> int | None:
    """The value of an integer constant (``2``, ``-1``, ``(3)``), or None."""
    if isinstance(node, exp.Literal) and not node.is_string and node.name.lstrip("-").isdigit():
        return int(node.name)
    if isinstance(node, exp.Neg):
        inner = integer_literal(node.this)
        return None if inner is None else -inner
    if isinstance(node, exp.Paren):
        return integer_literal(node.this)
    return None
