"""UNNEST without column names: Athena's anonymous columns, named ``_col<i>`` in the output.

Trino gives an UNNEST's columns no names (``StatementAnalyzer.visitUnnest``: each
element, and the ordinality, is ``Field.newUnqualified(Optional.empty(), type)``),
so ``SELECT * FROM UNNEST(ARRAY[1, 2]) WITH ORDINALITY`` answers two columns named as
every anonymous output column is, ``_col0`` and ``_col1`` by position
(docs/src/main/sphinx/sql/select.md: ``SELECT (ROW(1, true)).*`` gives ``_col0 | _col1``).
sqlglot expanded the ``*`` over such an UNNEST to its ordinality alone (``"_0"."offset"``,
which DuckDB could not bind), or named the element ``_0``.

Before qualify, each such UNNEST gets placeholder column names; after, the outputs that
still carry one are renamed ``_col<i>`` after their position, as Athena names them.
"""

from __future__ import annotations

from sqlglot import exp

from olistctl.sql.rewrite import BACKEND_HINT, error_at, output_select

_PREFIX = "olistctl_unnamed_"


def name_unnest_columns(tree: exp.Expr) -> None:
    counter = 0
    for unnest in list(tree.find_all(exp.Unnest)):
        if not isinstance(unnest.parent, (exp.From, exp.Join)):
            continue
        alias = unnest.args.get("alias")
        if alias is not None and alias.columns:
            continue
        width = _width(unnest)
        if width is None:
            if unnest.args.get("offset"):
                raise error_at(
                    unnest,
                    "UNNEST(…) WITH ORDINALITY without column names is not supported by the"
                    " local engine for this argument",
                    f"name the columns (UNNEST(…) WITH ORDINALITY AS t(x, n)), or {BACKEND_HINT}",
                )
            continue
        names = [exp.to_identifier(f"{_PREFIX}{counter + i}") for i in range(width)]
        counter += width
        table = alias.this if alias is not None and alias.this else None
        if table is None:
            table = exp.to_identifier(f"{_PREFIX}unnest{counter}")
        unnest.set("alias", exp.TableAlias(this=table, columns=names))
        if unnest.args.get("offset"):
            # sqlglot keeps WITH ORDINALITY's column name apart, as ``offset``.
            unnest.set("offset", exp.to_identifier(f"{_PREFIX}{counter}"))
            counter += 1


def _width(unnest: exp.Unnest) -> int | None:
    """How many element columns the UNNEST gives, when its arguments show it (arrays of
    plain values: one column each); None when it takes the query's types to know."""
    width = 0
    for argument in unnest.expressions:
        plain_array = isinstance(argument, exp.Array) and not any(
            isinstance(e, (exp.Struct, exp.Tuple, exp.Array)) for e in argument.expressions
        )
        if plain_array or isinstance(argument, exp.Split):
            width += 1
        else:
            return None
    return width


def rename_unnamed_outputs(tree: exp.Expr) -> None:
    """Each output column still named by :func:`name_unnest_columns` becomes ``_col<i>``."""
    select = output_select(tree)
    if select is None:
        return
    for index, projection in enumerate(select.expressions):
        if projection.alias_or_name.startswith(_PREFIX):
            inner = projection.this if isinstance(projection, exp.Alias) else projection
            projection.replace(exp.alias_(inner.copy(), f"_col{index}", quoted=True))
