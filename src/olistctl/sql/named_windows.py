"""The WINDOW clause: each ``OVER w`` / ``OVER (w …)`` written out as the window it names.

Trino resolves a named window as ``StatementAnalyzer.resolveWindowSpecification``
does (trinodb/trino core/trino-main/.../sql/analyzer/StatementAnalyzer.java; the
rules are in docs/src/main/sphinx/sql/select.md, "WINDOW clause"): ``OVER w`` takes
w's partitioning, ordering and frame; ``OVER (w …)`` takes w as its basis
and may add only what w lacks, never a PARTITION BY, an ORDER BY w has, or anything
to a w with a frame. A definition may build on an earlier one the same way. The
windows, written out in full, are what sqlglot's typing and the rewrite rules already
read (left named, the rewrite took ``w`` for an unknown function).
"""

from __future__ import annotations

from sqlglot import exp

from olistctl.sql.rewrite import error_at

# Marks an ``OVER w`` written without parentheses (set by the parser in transpile.py).
WINDOW_REFERENCE = "olistctl_window_reference"

_HINT = "define the window in the WINDOW clause of the same SELECT, before any window built on it"


def inline_named_windows(tree: exp.Expr) -> None:
    """Replace every reference to a named window by the window it names; drop WINDOW."""
    for select in list(tree.find_all(exp.Select)):
        definitions = select.args.get("windows") or []
        named: dict[str, exp.Window] = {}
        for definition in definitions:
            if _key(definition.this) in named:
                # Trino: "WINDOW name 'w' specified more than once".
                raise error_at(
                    definition.this,
                    f"The WINDOW clause defines {definition.this.name} twice",
                    "give each window its own name",
                )
            # Definitions resolve in order: one may build on an earlier one only.
            named[_key(definition.this)] = _resolve(definition, named)
        for window in _own_windows(select):
            if window.args.get("alias") is not None:
                resolved = _resolve(window, named)
                for key in ("partition_by", "order", "spec"):
                    value = resolved.args.get(key)
                    window.set(key, value.copy() if isinstance(value, exp.Expr) else value)
                window.set("alias", None)
        if definitions:
            select.set("windows", None)


def _key(name: exp.Expr) -> str:
    # Trino compares window names as it compares identifiers (canonicalizationAwareKey).
    return name.name if isinstance(name, exp.Identifier) and name.quoted else name.name.lower()


def _resolve(window: exp.Window, named: dict[str, exp.Window]) -> exp.Window:
    """The window ``window`` means: its own parts over those of the window it names."""
    reference = window.args.get("alias")
    own = exp.Window(
        partition_by=[p.copy() for p in window.args.get("partition_by") or []] or None,
        order=_copy(window.args.get("order")),
        spec=_copy(window.args.get("spec")),
    )
    if reference is None:
        return own
    basis = named.get(_key(reference))
    if basis is None:
        raise error_at(reference, f"No window named {reference.name} is defined", _HINT)
    if own.args.get("partition_by"):
        raise error_at(
            window.args["partition_by"][0],
            "A window that names another window cannot add a PARTITION BY",
            "partition in the named window",
        )
    if own.args.get("order") is not None and basis.args.get("order") is not None:
        raise error_at(
            window.args["order"],
            f"The window {reference.name} already has an ORDER BY, which one built on it"
            " cannot replace",
            "leave the ORDER BY out, or define a window without it",
        )
    if basis.args.get("spec") is not None and not window.meta.get(WINDOW_REFERENCE):
        raise error_at(
            reference,
            f"The window {reference.name} has a frame, so no window can be built on it",
            "write OVER " + reference.name + " alone, or move the frame out of it",
        )
    return exp.Window(
        partition_by=[p.copy() for p in basis.args.get("partition_by") or []] or None,
        order=_copy(_first(own.args.get("order"), basis.args.get("order"))),
        spec=_copy(_first(own.args.get("spec"), basis.args.get("spec"))),
    )


def _first(a: exp.Expr | None, b: exp.Expr | None) -> exp.Expr | None:
    return a if a is not None else b


def _copy(node: exp.Expr | None) -> exp.Expr | None:
    return node.copy() if node is not None else None


def _own_windows(select: exp.Select) -> list[exp.Window]:
    """The OVER clauses of this SELECT's select list and ORDER BY (not of its subqueries,
    whose WINDOW clauses are their own)."""
    found: list[exp.Window] = []
    roots = [*select.expressions, select.args.get("order")]
    for root in roots:
        if root is None:
            continue
        for node in root.walk(prune=lambda n: isinstance(n, exp.Query)):
            if isinstance(node, exp.Window) and node.args.get("over") is not None:
                found.append(node)
    return found
