"""json_extract_scalar and json_extract over varchar JSON, with Trino's answers or a refusal.

Trino reads the document with a streaming parser and stops at the value the
path names; DuckDB parses the whole document. They agree on well-formed JSON,
so the rewrite answers there and stops the query (at run time, naming the
reason) where they may not:

- a document DuckDB rejects, or one holding bare ``NaN``/``Infinity`` tokens or a
  trailing comma (DuckDB reads them, Trino's parser fails on them, and Trino answers
  NULL for a document it fails to parse before reaching the value);
- a number extracted as text that DuckDB would rewrite (``1.50`` -> ``1.5``): Trino
  returns the digits as written;
- a JSON result (json_extract) holding a fractional number or an escape, which
  Trino's writer and DuckDB's may spell differently;
- a numeric path step (``[0]``) applied to an object, or a quoted one (``["0"]``) to an
  array: Trino matches either way, DuckDB only the first.

Paths: ``$``, ``.name``, ``["name"]`` and ``[n]`` steps (Trino's JSONPath subset
that both engines read alike); anything else is refused by name.
References: Trino ``TestJsonExtract`` (``testFullScalarExtract``,
``testFullJsonExtract``).
"""

from __future__ import annotations

import re

from sqlglot import exp

from olistctl.sql import types as T
from olistctl.sql.emit import duck, runtime_error, string
from olistctl.sql.rewrite import Rewriter

JSON = T.SqlType("json")

# One path step: .name | ["name"] | [n]
_STEP = re.compile(r'\.([A-Za-z_][A-Za-z0-9_]*)|\["([^"\\]*)"\]|\[([0-9]+)\]')
# A bare NaN/Infinity token where a JSON value starts (strings may trigger it too: refused).
_NON_NUMERIC = r"(?i)[:,\[]\s*[-+]?(nan|inf|infinity)\b"
# A trailing comma, which DuckDB reads and Trino's parser fails on (then NULL) if it gets
# there before the value (strings may trigger it too: refused).
_TRAILING_COMMA = r",\s*[\]}]"

_UNSURE_HINT = "run the query on --backend aws"


def _steps(path: str) -> list[str | int] | None:
    """The steps of a supported JSONPath (names as str, array indexes as int), or None."""
    if not path.startswith("$"):
        return None
    steps: list[str | int] = []
    position = 1
    while position < len(path):
        match = _STEP.match(path, position)
        if match is None:
            return None
        name, quoted, index = match.groups()
        steps.append(int(index) if index is not None else name if name is not None else quoted)
        position = match.end()
    return steps


def _duckdb_path(steps: list[str | int]) -> str:
    return "$" + "".join(f"[{s}]" if isinstance(s, int) else f'."{s}"' for s in steps)


def _arguments(node: exp.Anonymous, rw: Rewriter, name: str) -> tuple[exp.Expr, list[str | int]]:
    if len(node.expressions) != 2:
        rw.refuse(node, f"{name} takes a JSON text and a JSONPath")
    document, path = node.expressions
    t = rw.type(document)
    if t.is_known and not t.is_string:
        rw.refuse(node, f"The local engine runs {name} on varchar JSON text, not {t}")
    if not (isinstance(path, exp.Literal) and path.is_string):
        rw.refuse(node, f"{name} needs a constant JSONPath in the local engine")
    steps = _steps(path.name)
    if steps is None:
        rw.refuse(
            node,
            f"The JSONPath '{path.name}' of {name} is not supported by the local engine",
            hint='use $, .name, ["name"] and [n] steps, or run it on --backend aws',
        )
    return document, steps


def _guards(steps: list[str | int]) -> list[tuple[str, str]]:
    """(condition over :j, reason) pairs where the engines may disagree on a document."""
    guards = [
        ("NOT json_valid(:j)", "the document is not well-formed JSON"),
        (f"regexp_matches(:j, '{_NON_NUMERIC}')", "the document holds NaN or Infinity"),
        (f"regexp_matches(:j, '{_TRAILING_COMMA}')", "a comma before a closing bracket"),
    ]
    for i, step in enumerate(steps):
        # Trino lets a number step name an array element or an object key alike.
        parent = string(_duckdb_path(steps[:i])).sql(dialect="duckdb")
        if isinstance(step, int):
            guards.append((f"json_type(:j, {parent}) = 'OBJECT'", "a [n] step on an object"))
        elif step.isdigit():
            guards.append((f"json_type(:j, {parent}) = 'ARRAY'", 'a ["n"] step on an array'))
    return guards


def _build(
    document: exp.Expr, guards: list[tuple[str, str]], tail: str, sql_type: T.SqlType
) -> exp.Expr:
    """CASE over the document: NULL, the guards' refusals, else ``tail`` (all over :j)."""
    whens = " ".join(f"WHEN {cond} THEN :unsure{i}" for i, (cond, _) in enumerate(guards))
    template = f"CASE WHEN :j IS NULL THEN NULL {whens} ELSE {tail} END"
    parts: dict[str, exp.Expr] = {
        f"unsure{i}": runtime_error(
            f"A JSON value cannot be extracted exactly as Athena does ({why})",
            sql_type,
            hint=_UNSURE_HINT,
        )
        for i, (_, why) in enumerate(guards)
    }
    return duck(template, sql_type, j=document, **parts)


def json_extract_scalar(node: exp.Anonymous, rw: Rewriter) -> exp.Expr:
    document, steps = _arguments(node, rw, "json_extract_scalar")
    path = string(_duckdb_path(steps)).sql(dialect="duckdb")
    kind = f"json_type(:j, {path})"
    guards = [*_guards(steps), (f"{kind} = 'DOUBLE'", "a number DuckDB would write differently")]
    tail = (
        f"CASE WHEN {kind} IN ('OBJECT', 'ARRAY', 'NULL') THEN NULL"
        f" ELSE json_extract_string(:j, {path}) END"
    )
    return _build(document, guards, tail, T.VARCHAR)


def json_extract(node: exp.Anonymous, rw: Rewriter) -> exp.Expr:
    document, steps = _arguments(node, rw, "json_extract")
    path = string(_duckdb_path(steps)).sql(dialect="duckdb")
    value = f"json_extract(:j, {path})"
    guards = [
        *_guards(steps),
        (
            f"regexp_matches(CAST({value} AS VARCHAR), '[0-9][.eE]|[\\\\]')",
            "a fractional number or an escape, which the engines write differently",
        ),
    ]
    return _build(document, guards, value, JSON)
